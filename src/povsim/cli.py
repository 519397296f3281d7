"""The ``povsim`` command line.

Mistakes in input (a missing file, an unknown parameter, a value out of range) are
reported in one clear message, without a traceback, with exit status 2.

Heavy modules (numpy, pandas, matplotlib, Mesa, the model) are imported inside the
command that uses them, so that ``povsim --help`` answers at once.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from povsim.errors import PovsimError
from povsim.progress import add_progress_option, show_progress

PROGRESS_MIN_HOUSEHOLDS = 100_000
"""Runs with at least this many households show a progress bar over years on a terminal."""

DEFAULT_SEEDS = 5
"""Seeds per scenario in ``povsim compare`` unless ``--seeds`` says otherwise."""

INTERRUPTED_STATUS = 130
"""Exit status after Ctrl-C (128 + SIGINT, the shell convention)."""


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
    if not args.quiet:
        print_notes([scenario])
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
    large = params.population.n_households >= PROGRESS_MIN_HOUSEHOLDS
    model.run(years=args.years, progress=show_progress(args, default=large))
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


def _cmd_check(args: argparse.Namespace) -> int:
    from povsim.errors import ParameterError
    from povsim.scenario import describe_chain, load_scenario

    bad = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except ParameterError as exc:
            bad += 1
            n = len(exc.problems)
            print(f"invalid: {path} ({n} problem{'s' if n != 1 else ''}):", file=sys.stderr)
            for problem in exc.problems:
                print(f"  - {problem}", file=sys.stderr)
        except PovsimError as exc:
            bad += 1
            print(f"invalid: {exc}", file=sys.stderr)
        else:
            extends = f", extends {describe_chain(scenario).split(' -> ', 1)[1]}" \
                if scenario.extends else ""
            print(f"ok: {path} (scenario {scenario.name}{extends})")
            for note in scenario.notes:
                print(f"  note: {note}")
    if bad and len(args.files) > 1:
        print(f"povsim: {bad} of {len(args.files)} files invalid", file=sys.stderr)
    return 2 if bad else 0


def print_notes(scenarios: Sequence[Any]) -> None:
    """Print the notes of scenarios (year tables that replace inherited ones) to stderr.

    Args:
        scenarios: Loaded :class:`~povsim.scenario.Scenario` objects.
    """
    for note in dict.fromkeys(n for scenario in scenarios for n in scenario.notes):
        print(f"povsim: note: {note}", file=sys.stderr)


def check_seed_options(args: argparse.Namespace) -> None:
    """Check the ``--seeds``, ``--seed-start`` and ``--workers`` options of a command.

    Raises:
        PovsimError: Naming the first option out of range and its allowed values.
    """
    if args.seeds < 1:
        raise PovsimError(f"--seeds {args.seeds}: allowed: a whole number of at least 1")
    if args.workers < 1:
        raise PovsimError(f"--workers {args.workers}: allowed: a whole number of at least 1")
    if args.seed_start < 0:
        raise PovsimError(f"--seed-start {args.seed_start}: allowed: a whole number of at "
                          "least 0")


def _cmd_compare(args: argparse.Namespace) -> int:
    from povsim.compare import prepare_comparison, run_comparison, write_comparison

    check_seed_options(args)
    overrides = dict(parse_assignment(a) for a in args.set or [])
    seeds = list(range(args.seed_start, args.seed_start + args.seeds))
    comparison = prepare_comparison(args.scenarios, seeds=seeds, years=args.years,
                                    overrides=overrides)
    runs = len(comparison.scenarios) * len(seeds)
    if not args.quiet:
        print_notes(comparison.scenarios)
        print(f"comparing {', '.join(comparison.names)}: {runs} runs "
              f"({len(seeds)} seeds each) with {args.workers} worker"
              f"{'s' if args.workers != 1 else ''}", file=sys.stderr)
    result = run_comparison(comparison, workers=args.workers, progress=show_progress(args))
    paths = write_comparison(result, args.out, command=args.command_line,
                             reproduce=reproduce_command(args))
    if result.interrupted:
        done = len(result.results) - len(result.failures)
        print(f"povsim: interrupted; the {done} finished runs were written to {args.out}",
              file=sys.stderr)
        return INTERRUPTED_STATUS
    if not args.quiet:
        _print_headline(args.out, paths)
    failures = result.failures
    if failures:
        print(f"povsim: error: {len(failures)} of {len(result.results)} runs failed; "
              f"the others were written to {args.out}:", file=sys.stderr)
        for r in failures:
            print(f"  - {r.spec.scenario}, seed {r.spec.seed}: {r.error_summary}",
                  file=sys.stderr)
        print(f"  full tracebacks: {paths['errors']}", file=sys.stderr)
        return 1
    return 0


def _print_headline(out: str, paths: dict[str, Path]) -> None:
    """Print the end-year headcount of each scenario and where the results are."""
    import pandas as pd

    from povsim.report import fmt

    if "summary" in paths:
        summary = pd.read_csv(paths["summary"])
        rows = summary[(summary["output"] == "headcount_rate")
                       & (summary["statistic"] == "end_year")]
        if len(rows):
            reference = rows["scenario"].iloc[0]
            print(f"headcount rate in {rows['period'].iloc[0]} (% of persons), mean "
                  "[95% interval]:")
            width = max(len(str(n)) for n in rows["scenario"])
            for r in rows.itertuples(index=False):
                line = f"  {r.scenario:<{width}}  {fmt(r.mean)} [{fmt(r.ci_low)}, " \
                       f"{fmt(r.ci_high)}]"
                if r.scenario != reference:
                    line += f"  {fmt(r.diff, sign=True)} [{fmt(r.diff_ci_low, sign=True)}, " \
                            f"{fmt(r.diff_ci_high, sign=True)}] vs {reference}"
                print(line)
    figures = [p.name for k, p in paths.items() if p.suffix == ".png"]
    print(f"wrote {out}/: report.md, manifest.json, "
          + ", ".join(p.name for k, p in paths.items() if p.suffix == ".csv")
          + (f"; figures: {', '.join(figures)}" if figures else ""))


def reproduce_command(args: argparse.Namespace) -> str:
    """The ``povsim compare`` command line that reproduces a comparison exactly.

    Args:
        args: The parsed arguments of ``povsim compare``.

    Returns:
        The command line (files, seeds, years and overrides; not workers or output
        options, which do not change the results).
    """
    parts = ["povsim", "compare", *args.scenarios, "--seeds", str(args.seeds),
             "--seed-start", str(args.seed_start)]
    if args.years is not None:
        parts += ["--years", str(args.years)]
    for assignment in args.set or []:
        parts += ["--set", assignment]
    parts += ["--out", str(args.out)]
    return shlex.join(parts)


def _cmd_outputs(args: argparse.Namespace) -> int:
    from povsim.metrics import OUTPUTS

    for name, (reporter, unit) in OUTPUTS.items():
        doc = (reporter.__doc__ or "").strip()
        if args.search and args.search.lower() not in (name + doc).lower():
            continue
        print(f"{name}  [{unit}]  {doc}")
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from povsim.params import Parameters, iter_params

    for path, info, value in iter_params(Parameters()):
        if args.search and args.search.lower() not in (path + info.doc).lower():
            continue
        print(f"{path} = {value!r}  [{info.unit}]  {info.doc}")
    return 0


class _VersionAction(argparse.Action):
    """``--version``: print povsim's version and exit (read only when asked for)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 **kwargs: Any):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        from povsim._version import __version__

        print(f"povsim {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``povsim`` command."""
    parser = argparse.ArgumentParser(
        prog="povsim",
        description="Agent-based simulation of targeted poverty alleviation.",
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="print the version of povsim and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run", help="run one scenario with one seed and write its results",
        description="Run one scenario with one seed to its end year (or --years), then "
        "write the yearly outputs (timeseries.csv), a summary (summary.json) and a "
        "headcount figure into --out, and print the headcount by year.")
    run.add_argument("scenario", help="scenario TOML file (see scenarios/)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--out", default="results/run", help="output folder (default results/run)")
    run.add_argument("--years", type=int, default=None,
                     help="years to simulate (default: to the scenario's end year)")
    run.add_argument("--set", action="append", metavar="PATH=VALUE",
                     help="override a parameter, e.g. --set health.p_illness=0.1 (repeatable)")
    run.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show a progress bar over years, or not (default: for runs of "
        f"{PROGRESS_MIN_HOUSEHOLDS:,} households or more, when standard error is a terminal)")
    run.add_argument("--quiet", action="store_true",
                     help="print nothing but errors (and no progress bar)")
    run.set_defaults(func=_cmd_run)

    check = sub.add_parser(
        "check", help="check scenario files without running them",
        description="Load each scenario file (and the files it extends) and check every "
        "parameter; list every problem of every file. Notes where a file's year table "
        "replaces the one it inherits. Exit status 2 if any file is invalid.")
    check.add_argument("files", nargs="+", metavar="FILE", help="scenario TOML files")
    check.set_defaults(func=_cmd_check)

    compare = sub.add_parser(
        "compare", help="run scenarios over many seeds; write tables, figures and a report",
        description="Run each scenario with the same seeds (common random numbers), then "
        "write runs.csv, yearly.csv, summary.csv, figures, report.md and manifest.json. "
        "The first scenario is the reference for differences.",
    )
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                         help="scenario TOML files; the first is the reference")
    compare.add_argument("--seeds", type=int, default=DEFAULT_SEEDS,
                         help=f"seeds per scenario (default {DEFAULT_SEEDS})")
    compare.add_argument("--seed-start", type=int, default=0,
                         help="first seed; seeds are consecutive from it (default 0)")
    compare.add_argument("--workers", type=int, default=1,
                         help="processes to run in parallel (default 1; results do not "
                         "depend on it)")
    compare.add_argument("--out", default="results/compare",
                         help="output folder (default results/compare)")
    compare.add_argument("--years", type=int, default=None,
                         help="years to simulate (default: to the scenarios' end year)")
    compare.add_argument("--set", action="append", metavar="PATH=VALUE",
                         help="override a parameter in every scenario (repeatable)")
    add_progress_option(compare)
    compare.add_argument("--quiet", action="store_true",
                         help="print nothing but errors (and no progress bar)")
    compare.set_defaults(func=_cmd_compare)

    params = sub.add_parser(
        "params", help="list every parameter with its default and unit",
        description="List every parameter a scenario file can set: its path, default "
        "value, unit and meaning (see docs/ODD.md for sources).")
    params.add_argument("search", nargs="?", default="", help="only those matching this text")
    params.set_defaults(func=_cmd_params)

    outputs = sub.add_parser(
        "outputs", help="list every yearly output with its unit",
        description="List every yearly output of a run (the columns of timeseries.csv): "
        "its name, unit and meaning.")
    outputs.add_argument("search", nargs="?", default="", help="only those matching this text")
    outputs.set_defaults(func=_cmd_outputs)

    from povsim.calibration.cli import add_subcommands as add_calibration

    add_calibration(sub)

    from povsim.app.serve import add_subcommand as add_app

    add_app(sub)

    from povsim.experiments.cli import add_subcommands as add_experiments

    add_experiments(sub)  # sweep, results, analyze
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``povsim`` command.

    Args:
        argv: Arguments (``sys.argv[1:]`` if omitted).

    Returns:
        Exit status: 0 on success, 2 on a user error.
    """
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.command_line = shlex.join(["povsim", *argv])
    try:
        return args.func(args)
    except PovsimError as exc:
        print(f"povsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("povsim: interrupted", file=sys.stderr)
        return INTERRUPTED_STATUS


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
