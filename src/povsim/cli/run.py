"""``povsim run``, ``check``, ``params`` and ``outputs``: one run, and what can be set."""

from __future__ import annotations

import argparse
import sys
import time

from povsim.cli.options import overrides_of, print_notes, show_progress
from povsim.errors import PovsimError

PROGRESS_MIN_HOUSEHOLDS = 100_000
"""Runs with at least this many households show a progress bar over years on a terminal."""


def cmd_run(args: argparse.Namespace) -> int:
    """``povsim run``: one scenario, one seed; write its table, summary and figure."""
    from povsim.model import PovertyModel
    from povsim.study.resources import check_memory
    from povsim.study.run_files import write_run
    from povsim.study.runs import check_years
    from povsim.study.scenarios import load_scenario
    from povsim.study.seeds import check_seed
    from povsim.util.atomic import check_writable

    check_seed(args.seed, "--seed")
    scenario = load_scenario(args.scenario)
    if not args.quiet:
        print_notes([scenario])
    overrides = overrides_of(args)
    params = scenario.params.with_overrides(overrides, file="--set") if overrides \
        else scenario.params
    check_years(args.years, params)
    check_memory(params.population.n_households, where="use a machine with more memory")
    out = check_writable(args.out)
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


def cmd_check(args: argparse.Namespace) -> int:
    """``povsim check``: load and check scenario files without running them."""
    from povsim.errors import ParameterError
    from povsim.study.scenarios import describe_chain, load_scenario

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
            end = scenario.params.run.end_year
            for param, years in scenario.params.years_after_run().items():
                listed = ", ".join(map(str, years))
                print(f"  note: {path}: {param}: {listed} after the run's end year ({end}): "
                      "nothing in this run; applies when the run is extended")
    if bad and len(args.files) > 1:
        print(f"povsim: {bad} of {len(args.files)} files invalid", file=sys.stderr)
    return 2 if bad else 0


def cmd_outputs(args: argparse.Namespace) -> int:
    """``povsim outputs``: every yearly output with its unit."""
    from povsim.metrics import OUTPUTS

    for name, (reporter, unit) in OUTPUTS.items():
        doc = (reporter.__doc__ or "").strip()
        if args.search and args.search.lower() not in (name + doc).lower():
            continue
        print(f"{name}  [{unit}]  {doc}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    """``povsim params``: every parameter with its default and unit."""
    from povsim.params import Parameters, iter_params

    for path, info, value in iter_params(Parameters()):
        if args.search and args.search.lower() not in (path + info.doc).lower():
            continue
        print(f"{path} = {value!r}  [{info.unit}]  {info.doc}")
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add ``run``, ``check``, ``params`` and ``outputs`` to the ``povsim`` command."""
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
    run.set_defaults(func=cmd_run)

    check = sub.add_parser(
        "check", help="check scenario files without running them",
        description="Load each scenario file (and the files it extends) and check every "
        "parameter; list every problem of every file. Notes where a file's year table "
        "replaces the one it inherits, and years of its tables after the run's end. Exit "
        "status 2 if any file is invalid.")
    check.add_argument("files", nargs="+", metavar="FILE", help="scenario TOML files")
    check.set_defaults(func=cmd_check)

    params = sub.add_parser(
        "params", help="list every parameter with its default and unit",
        description="List every parameter a scenario file can set: its path, default "
        "value, unit and meaning (see docs/scenarios.md for the reference with sources).")
    params.add_argument("search", nargs="?", default="", help="only those matching this text")
    params.set_defaults(func=cmd_params)

    outputs = sub.add_parser(
        "outputs", help="list every yearly output with its unit",
        description="List every yearly output of a run (the columns of timeseries.csv): "
        "its name, unit and meaning.")
    outputs.add_argument("search", nargs="?", default="", help="only those matching this text")
    outputs.set_defaults(func=cmd_outputs)
