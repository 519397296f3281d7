"""The ``povsim`` command line.

Mistakes in input (a missing file, an unknown parameter, a value out of range) are
reported in one clear message, without a traceback, with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from povsim.errors import PovsimError

PROGRESS_MIN_HOUSEHOLDS = 100_000
"""Runs with at least this many households show a progress bar over years by default."""


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``path=value`` (the value in TOML syntax; bare words are text).

    Args:
        text: The assignment, e.g. ``health.p_illness=0.1`` or
            ``shocks.migrant_job_loss={2020=0.25}``.

    Returns:
        ``(path, value)``.

    Raises:
        PovsimError: If there is no ``=``.
    """
    if "=" not in text:
        raise PovsimError(f"--set expects PATH=VALUE (for example health.p_illness=0.1), "
                          f"got {text!r}")
    path, raw = text.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return path.strip(), value


def _cmd_run(args: argparse.Namespace) -> int:
    from povsim.model import PovertyModel
    from povsim.output import write_run
    from povsim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    overrides = dict(parse_assignment(a) for a in args.set or [])
    params = scenario.params.with_overrides(overrides, file="--set") if overrides \
        else scenario.params
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PovsimError(f"cannot create the output folder {out}: {exc}") from exc
    started = time.perf_counter()
    model = PovertyModel(params, rng=args.seed)
    setup = time.perf_counter() - started
    show = not args.quiet and (args.progress
                               or params.population.n_households >= PROGRESS_MIN_HOUSEHOLDS)
    model.run(years=args.years, progress=show)
    elapsed = time.perf_counter() - started
    paths = write_run(
        model, out, title=f"{scenario.name} (seed {args.seed})",
        scenario=scenario.name, scenario_file=str(scenario.path), scenario_sha256=scenario.sha256,
        seed=args.seed, overrides=overrides, setup_seconds=round(setup, 3),
        run_seconds=round(elapsed, 3), command=" ".join(sys.argv),
    )
    if not args.quiet:
        outputs = model.outputs()
        path = ", ".join(f"{int(y)}: {h:.1f}%" for y, h in
                         zip(outputs["year"], outputs["headcount_rate"], strict=True))
        print(f"{scenario.name}, seed {args.seed}, {model.households.n:,} households, "
              f"{elapsed:.2f} s")
        print(f"headcount: {path}")
        for kind, p in paths.items():
            print(f"wrote {kind}: {p}")
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from povsim.params import Parameters, iter_params

    for path, info, value in iter_params(Parameters()):
        if args.search and args.search.lower() not in (path + info.doc).lower():
            continue
        print(f"{path} = {value!r}  [{info.unit}]  {info.doc}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``povsim`` command."""
    parser = argparse.ArgumentParser(
        prog="povsim",
        description="Agent-based simulation of targeted poverty alleviation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario with one seed and write its results")
    run.add_argument("scenario", help="scenario TOML file (see scenarios/)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--out", default="results/run", help="output folder (default results/run)")
    run.add_argument("--years", type=int, default=None,
                     help="years to simulate (default: to the scenario's end year)")
    run.add_argument("--set", action="append", metavar="PATH=VALUE",
                     help="override a parameter, e.g. --set health.p_illness=0.1 (repeatable)")
    run.add_argument("--progress", action="store_true", help="always show a progress bar")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    run.set_defaults(func=_cmd_run)

    params = sub.add_parser("params", help="list every parameter with its default and unit")
    params.add_argument("search", nargs="?", default="", help="only those matching this text")
    params.set_defaults(func=_cmd_params)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``povsim`` command.

    Args:
        argv: Arguments (``sys.argv[1:]`` if omitted).

    Returns:
        Exit status: 0 on success, 2 on a user error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PovsimError as exc:
        print(f"povsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("povsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
