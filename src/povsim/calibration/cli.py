"""The ``povsim validate`` and ``povsim calibrate`` commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from povsim.progress import add_progress_option, show_progress

DEFAULT_SCENARIO = "scenarios/baseline.toml"
"""Scenario validated when none is given."""

DEFAULT_COUNTERFACTUAL = "scenarios/growth-only.toml"
"""Counterfactual compared with the validated scenario, when the file exists."""

DEFAULT_SEEDS = 10
"""Seeds of a validation by default."""


def _cmd_validate(args: argparse.Namespace) -> int:
    from povsim.calibration.report import write_validation
    from povsim.calibration.validate import validate
    from povsim.cli import check_seed_options

    check_seed_options(args)
    counterfactual = args.counterfactual
    if counterfactual is None and Path(DEFAULT_COUNTERFACTUAL).is_file():
        counterfactual = DEFAULT_COUNTERFACTUAL
    if counterfactual == "none":
        counterfactual = None
    targets = {"targets": args.targets} if args.targets else {}
    v = validate(args.scenario, seeds=range(args.seed_start, args.seed_start + args.seeds),
                 workers=args.workers, counterfactual=counterfactual,
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
    from povsim.calibration.calibrate import calibrate, load_spec, write_calibration

    spec = load_spec(args.spec)
    result = calibrate(spec, workers=args.workers, progress=show_progress(args))
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
        description="Run a scenario over several seeds and compare its outputs with the "
        "targets (data/targets.csv): each target's data, tolerance, the model's mean and "
        "95% interval, and whether it is met. Writes validation.csv, figures and "
        "validation.md to --out.")
    v.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                   help=f"scenario file (default {DEFAULT_SCENARIO})")
    v.add_argument("--seeds", type=int, default=DEFAULT_SEEDS,
                   help=f"seeds to run (default {DEFAULT_SEEDS})")
    v.add_argument("--seed-start", type=int, default=0, help="first seed (default 0)")
    v.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
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
        description="Fit the free parameters of a calibration spec to its target "
        "moments by the simulated method of moments, stage by stage; write the "
        "calibrated scenario file and its .calibration.json record where the spec says.")
    c.add_argument("spec", help="calibration spec (e.g. experiments/calibrate-baseline.toml)")
    c.add_argument("--workers", type=int, default=1, help="worker processes per evaluation")
    add_progress_option(c)
    c.add_argument("--quiet", action="store_true",
                   help="print nothing but errors (and no progress bar)")
    c.set_defaults(func=_cmd_calibrate)
