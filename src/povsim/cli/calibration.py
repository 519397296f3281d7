"""``povsim validate`` and ``povsim calibrate``: the model against the targets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from povsim.cli.options import (
    add_executor_options,
    add_progress_option,
    add_seed_options,
    executor_of,
    seeds_of,
    show_progress,
)

DEFAULT_SCENARIO = "scenarios/baseline.toml"
"""Scenario validated when none is given."""

DEFAULT_COUNTERFACTUAL = "scenarios/growth-only.toml"
"""Counterfactual compared with the validated scenario, when the file exists."""

CALIBRATION_STORES = Path("results") / "calibrate"
"""Parent of a calibration's default store folder (``results/calibrate/<name>``)."""


def _cmd_validate(args: argparse.Namespace) -> int:
    from povsim.study.calibration.report import write_validation
    from povsim.study.calibration.validate import validate
    from povsim.study.compare.comparison import STORE
    from povsim.util.atomic import check_writable

    seeds = seeds_of(args)
    check_writable(args.out)
    counterfactual = args.counterfactual
    if counterfactual is None and Path(DEFAULT_COUNTERFACTUAL).is_file():
        counterfactual = DEFAULT_COUNTERFACTUAL
    if counterfactual == "none":
        counterfactual = None
    targets = {"targets": args.targets} if args.targets else {}
    v = validate(args.scenario, seeds=seeds, counterfactual=counterfactual,
                 executor=executor_of(args), workers=args.workers, scheduler=args.scheduler,
                 store=Path(args.out) / STORE, resume=args.resume,
                 progress=show_progress(args), **targets)
    paths = write_validation(v, args.out, command=args.command_line)
    checked = v.table[v.table["kind"] == "checked"]
    met = int(checked["within"].eq(True).sum())
    if not args.quiet:
        cols = ["target", "year", "data", "tolerance", "model", "ci_low", "ci_high", "within",
                "role"]
        print(v.table[cols].to_string(index=False, float_format=lambda x: f"{x:.3g}"))
        print(f"\n{met} of {len(checked)} checked targets met; headcount RMSE "
              f"{v.headcount_rmse():.3f} points")
        print(f"wrote {paths['report']} (and the table and figures beside it)")
    if args.strict and met < len(checked):
        missed = ", ".join(f"{r.target}@{r.year}" for r in v.missed.itertuples())
        print(f"povsim: missed targets: {missed}", file=sys.stderr)
        return 1
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from povsim.study.calibration.calibrate import calibrate
    from povsim.study.calibration.record import write_calibration
    from povsim.study.calibration.spec import load_spec

    spec = load_spec(args.spec)
    store = Path(args.store) if args.store else CALIBRATION_STORES / spec.name
    result = calibrate(spec, executor=executor_of(args), workers=args.workers,
                       scheduler=args.scheduler, store=store, resume=args.resume,
                       progress=show_progress(args))
    scenario_path, record = write_calibration(result)
    if not args.quiet:
        for s in result.stages:
            print(f"{s.stage.name}: objective {s.objective_start:.3g} -> {s.objective:.3g} "
                  f"({s.evaluations} evaluations)")
        for path, value in result.fitted.items():
            print(f"  {path} = {value:.6g} +- {result.standard_errors[path]:.3g}")
        print(result.moments.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
        print(f"wrote {scenario_path} and {record}")
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add ``validate`` and ``calibrate`` to the ``povsim`` command."""
    v = sub.add_parser(
        "validate", help="compare a scenario with the calibration targets",
        description="Run a scenario (and its counterfactual) over the seeds and compare "
        "its outputs with the targets (data/targets.csv): each target's data, tolerance, "
        "the model's mean and 95% interval, and whether it is met. Writes validation.csv, "
        "figures and validation.md to --out. Each run is stored in OUT/store as it "
        "finishes: an interrupted validation continues with --resume.")
    v.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                   help=f"scenario file (default {DEFAULT_SCENARIO})")
    add_seed_options(v, "seeds to run")
    add_executor_options(v, resume="continue the validation in --out, running only the "
                         "runs not stored")
    v.add_argument("--targets", default=None,
                   help="target file (default: data/targets.csv of the povsim source)")
    v.add_argument("--counterfactual", default=None,
                   help=f"scenario to compare with (default {DEFAULT_COUNTERFACTUAL} if it "
                        "exists; 'none' for none)")
    v.add_argument("--out", default="results/validation", help="output folder")
    v.add_argument("--strict", action="store_true",
                   help="exit with status 1 when a checked target is missed")
    add_progress_option(v)
    v.add_argument("--quiet", action="store_true",
                   help="print nothing but errors (and no progress bar)")
    v.set_defaults(func=_cmd_validate)

    c = sub.add_parser(
        "calibrate", help="fit free parameters to targets (SMM)",
        description="Fit the free parameters of a calibration spec to its target moments "
        "by the simulated method of moments, stage by stage; write the calibrated scenario "
        "file and its .calibration.json record where the spec says. Every run is stored as "
        "it finishes: a calibration that was stopped continues with --resume, reusing the "
        "runs it had made.")
    c.add_argument("spec", help="calibration spec (e.g. experiments/calibrate-baseline.toml)")
    add_executor_options(c, resume="continue the calibration in --store, reusing its runs")
    c.add_argument("--store", default=None, metavar="DIR",
                   help=f"folder of the runs (default {CALIBRATION_STORES}/<name>)")
    add_progress_option(c)
    c.add_argument("--quiet", action="store_true",
                   help="print nothing but errors (and no progress bar)")
    c.set_defaults(func=_cmd_calibrate)
