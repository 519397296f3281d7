"""Two versions of povsim at 10^6 households, timed alternately: is the new one slower?

Run from the repository root, with the older version checked out elsewhere::

    git worktree add /tmp/povsim-before <commit>
    .venv/bin/python benchmarks/versions.py /tmp/povsim-before/src src --pairs 6

Each pair runs the before version, then the after version, each in a fresh Python
process importing its own source folder (``PYTHONPATH``), with every intervention and
monitoring on, and times the setup and the years in **processor time**
(``time.process_time``). On a shared virtual machine the wall clock also counts the time
the host gives to others, which moves single runs by a quarter within an hour; taking
the two versions alternately, and the medians of many pairs, keeps that drift off one
side. The result is the ratio of the medians (after / before) for the years alone and
for the whole run (setup included), with each pair's ratio.

Both versions are given the same number of households; ``--set-before`` and
``--set-after`` (``KEY=VALUE``, repeatable, values in JSON) add parameters to one side,
for example the geography each version's ``speed.py`` uses at that size (the 4 December
2026 comparison: ``population.villages_per_township=500`` before, ``=37`` after, about
2,000 and 333 households a village).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, os, sys, time
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
from povsim import PovertyModel
overrides = json.loads(sys.argv[1])
start = time.process_time()
model = PovertyModel(rng=1, **overrides)
setup = time.process_time() - start
start = time.process_time()
while model.running:
    model.step()
years = time.process_time() - start
print(json.dumps({"setup": setup, "years": years}))
"""
"""The timed child process: builds the model, runs it to its end year."""

DEFAULT_PAIRS = 6
"""Pairs of runs (before, after) by default."""

DEFAULT_HOUSEHOLDS = 1_000_000
"""Households of each run by default."""


def time_version(src: Path, overrides: dict[str, object]) -> dict[str, float]:
    """Processor seconds of one run of the povsim in ``src``: setup and years."""
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(overrides)], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"versions.py: the run of {src} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def settings(parser: argparse.ArgumentParser, pairs: list[str]) -> dict[str, object]:
    """``KEY=VALUE`` options as parameter overrides (values in JSON, else text)."""
    out: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            parser.error(f"{pair!r}: expected KEY=VALUE")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    """Time the two versions alternately and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="source folder of the older version")
    parser.add_argument("after", type=Path, help="source folder of the newer version")
    parser.add_argument("--pairs", type=int, default=DEFAULT_PAIRS)
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--set-before", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--set-after", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    for src in (args.before, args.after):
        if not (src / "povsim" / "__init__.py").is_file():
            parser.error(f"{src}: not a source folder holding povsim/ (give its src/)")
    if args.pairs < 1 or args.households < 1000:
        parser.error("--pairs must be at least 1 and --households at least 1000")
    common: dict[str, object] = {"population.n_households": args.households,
                                 "monitoring.enabled": True}
    sides = {"before": (args.before, {**common, **settings(parser, args.set_before)}),
             "after": (args.after, {**common, **settings(parser, args.set_after)})}
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for pair in range(args.pairs):
        for side, (src, overrides) in sides.items():
            runs[side].append(time_version(src, overrides))
        b, a = runs["before"][-1], runs["after"][-1]
        print(f"pair {pair + 1}: years {b['years']:.2f} s -> {a['years']:.2f} s, "
              f"setup {b['setup']:.2f} s -> {a['setup']:.2f} s", flush=True)
    for part, label in (("years", "the years alone"), ("total", "setup included")):
        def seconds(run: dict[str, float], part: str = part) -> float:
            return run["years"] if part == "years" else run["years"] + run["setup"]

        before = [seconds(r) for r in runs["before"]]
        after = [seconds(r) for r in runs["after"]]
        ratios = [x / y for x, y in zip(after, before, strict=True)]
        ratio = statistics.median(after) / statistics.median(before)
        print(f"{label}: median {statistics.median(before):.2f} s before, "
              f"{statistics.median(after):.2f} s after: {100 * (ratio - 1):+.0f}% "
              f"(pairs {min(ratios):.2f}-{max(ratios):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
