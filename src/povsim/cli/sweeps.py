"""Command-line subcommands for batch experiments: ``sweep``, ``results`` and ``analyze``.

:func:`add_subcommands` adds them to the ``povsim`` parser (``povsim.cli``). User
mistakes raise :class:`~povsim.errors.PovsimError`, which ``povsim`` prints without a
traceback (exit status 2); failed runs give exit status 1, Ctrl-C 130.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from povsim.cli.options import (
    FAILED_STATUS,
    INTERRUPTED_STATUS,
    add_executor_options,
    add_progress_option,
    executor_of,
    show_progress,
)
from povsim.errors import PovsimError

FAILURES_SHOWN = 20
"""Failed runs listed one by one at the end of a sweep; the rest are counted."""


def add_subcommands(sub: Any) -> None:
    """Add ``sweep``, ``results`` and ``analyze`` to the ``povsim`` subparsers.

    Args:
        sub: The object ``ArgumentParser.add_subparsers`` returned.
    """
    sweep = sub.add_parser(
        "sweep", help="run an experiment spec (many runs); results stream to a folder",
        description="Run every run of an experiment spec (experiments/*.toml). Each run is "
        "stored in OUT/runs/ as soon as it finishes; an interrupted sweep continues with "
        "--resume. Figures and analyses the spec asks for are drawn at the end.",
    )
    sweep.add_argument("spec", help="experiment spec (TOML)")
    sweep.add_argument("--out", default=None,
                       help="output folder (default results/<experiment name>)")
    add_executor_options(sweep, workers_default=None)
    sweep.add_argument("--resume", action="store_true",
                       help="continue the sweep in --out, skipping the runs stored")
    sweep.add_argument("--no-figures", action="store_true",
                       help="do not draw the spec's figures and analyses at the end")
    add_progress_option(sweep)
    sweep.add_argument("--quiet", action="store_true",
                       help="print nothing but errors (and no progress bar)")
    sweep.set_defaults(func=cmd_sweep)

    results = sub.add_parser(
        "results", help="state of a sweep; export its table; redraw its figures",
        description="Show how far a sweep is (also while it runs), list failed runs, "
        "and optionally write all finished runs to one CSV or Parquet file.")
    results.add_argument("folder", help="a sweep's output folder")
    results.add_argument("--csv", default=None, metavar="FILE",
                         help="write every finished run (one row per run and year) to FILE")
    results.add_argument("--parquet", default=None, metavar="FILE",
                         help="the same, as Parquet")
    results.add_argument("--figures", action="store_true",
                         help="(re)draw the figures and analyses of the spec")
    results.set_defaults(func=cmd_results)

    analyze = sub.add_parser(
        "analyze", help="Sobol or Morris sensitivity indices of a sweep's outcome",
        description="Global sensitivity analysis of a sweep with a sobol or morris design "
        "(SALib, the 'sa' extra): Sobol first-order and total indices with confidence "
        "intervals, or Morris mu* and sigma. Replications of a design point are averaged "
        "first. Writes OUT/sensitivity/<method>-<output>-<year>.csv and .png.")
    analyze.add_argument("folder", help="a sweep's output folder")
    analyze.add_argument("--output", action="append", required=True, metavar="NAME",
                         help="outcome to analyse (repeatable): an output such as "
                         "headcount_rate, total_<flow> or return_rate")
    analyze.add_argument("--year", type=int, default=None,
                         help="year of the outcome (default: the last year)")
    analyze.add_argument("--resamples", type=int, default=None,
                         help="bootstrap resamples for the confidence intervals")
    analyze.add_argument("--out", default=None,
                         help="folder for the table and plot (default FOLDER/sensitivity)")
    analyze.set_defaults(func=cmd_analyze)


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr)


def cmd_sweep(args: argparse.Namespace) -> int:
    """``povsim sweep``: run a spec, report progress, failures and products."""
    from povsim.study.api import failure_message
    from povsim.study.sweeps.checks import load_spec
    from povsim.study.sweeps.designs import make_design
    from povsim.study.sweeps.engine import default_out, draw_products, run_sweep

    spec = load_spec(args.spec)
    out = Path(args.out) if args.out else default_out(spec)
    design = make_design(spec)
    points = len(design)
    runs = points * len(spec.scenarios) * len(spec.policies) * spec.replications
    _say(args.quiet, f"sweep {spec.name}: {runs} runs = {points} design points x "
         f"{len(spec.scenarios)} scenario(s) x {len(spec.policies)} polic"
         f"{'y' if len(spec.policies) == 1 else 'ies'} x {spec.replications} "
         f"replication(s); results in {out}")
    report = run_sweep(spec, out, executor=executor_of(args), workers=args.workers,
                       scheduler=args.scheduler, resume=args.resume,
                       progress=show_progress(args),
                       command=getattr(args, "command_line", ""),
                       design=design)
    print_rejected(report.rejected, out)
    if report.interrupted:
        print(f"povsim: interrupted; {report.stored} of {report.planned} runs are stored in "
              f"{out}; continue with: povsim sweep {args.spec} --out {out} --resume",
              file=sys.stderr)
        return INTERRUPTED_STATUS
    rate = f" ({report.runs_per_second:.2f} runs/s)" if report.finished else ""
    _say(args.quiet, f"{report.finished} runs finished in {report.seconds:.1f} s on "
         f"{report.executor}{rate}; {report.stored} of {report.planned} stored"
         + (f" ({report.skipped} before this session)" if report.skipped else ""))
    if not args.no_figures:
        written, notes = draw_products(out)
        for name in written:
            _say(args.quiet, f"wrote {out / name}")
        for note in notes:
            _say(args.quiet, f"note: {note}")
    if report.failures:
        text = failure_message(report.failures, report.planned, out, FAILURES_SHOWN)
        print(f"povsim: error: {text}\n  rerun the failed runs with: povsim sweep "
              f"{args.spec} --out {out} --resume", file=sys.stderr)
        return FAILED_STATUS
    return 0


def print_rejected(rejected: dict[int, str], out: Path) -> None:
    """Say which stored run files a resumed batch set aside to run again, and why."""
    if not rejected:
        return
    print(f"povsim: note: {len(rejected)} stored run file(s) were damaged or of another "
          f"batch; moved to {out / 'rejected'} and run again:", file=sys.stderr)
    for run_id, reason in sorted(rejected.items())[:FAILURES_SHOWN]:
        print(f"  - run {run_id}: {reason}", file=sys.stderr)


def cmd_results(args: argparse.Namespace) -> int:
    """``povsim results``: how far a sweep is; export; redraw figures."""
    from povsim.study.store import ResultStore
    from povsim.study.sweeps.engine import draw_products
    from povsim.util.atomic import atomic_path, check_writable

    store = ResultStore(args.folder)
    manifest = store.read_sweep_manifest()
    finished, bad = store.verify(store.planned_labels())
    failed = store.failed() - set(bad)
    planned = int(manifest.get("planned_runs", 0))
    sessions = manifest.get("sessions", [])
    last = sessions[-1] if sessions else {}
    print(f"{manifest.get('experiment')}: {len(finished)} of {planned} runs stored, "
          f"{len(failed)} failed, " + (f"{len(bad)} damaged, " if bad else "") +
          f"{planned - len(finished) - len(failed) - len(bad)} to do "
          f"(design {manifest['design']['kind']}, {manifest['design']['points']} points; "
          f"master seed {manifest.get('master_seed')}; last session: "
          f"{last.get('status', 'none')})")
    for record in store.failures()[:FAILURES_SHOWN]:
        print(f"  failed: run {record['run_id']} (seed {record['seed']}): {record['error']}")
    for run_id, reason in sorted(bad.items())[:FAILURES_SHOWN]:
        print(f"  damaged: run {run_id} ({store.run_path(run_id)}): {reason}; the sweep's "
              "command with --resume runs it again")
    if args.csv or args.parquet:
        table = store.load(run_ids=finished)
        for path, kind in ((args.csv, "csv"), (args.parquet, "parquet")):
            if not path:
                continue
            target = Path(path)
            check_writable(target.parent, f"--{kind}")
            with atomic_path(target) as tmp:
                if kind == "csv":
                    table.to_csv(tmp, index=False, lineterminator="\n")
                else:
                    table.to_parquet(tmp, index=False)
            print(f"wrote {target} ({len(table)} rows)")
    if args.figures:
        written, notes = draw_products(args.folder)
        for name in written:
            print(f"wrote {Path(args.folder) / name}")
        for note in notes:
            print(f"note: {note}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """``povsim analyze``: sensitivity indices, a CSV table and a bar plot per outcome."""
    import pandas as pd

    from povsim.study.sweeps.analysis import NUM_RESAMPLES, sensitivity, write_sensitivity

    resamples = args.resamples if args.resamples is not None else NUM_RESAMPLES
    if resamples < 1:
        raise PovsimError(f"--resamples {resamples}: allowed: a whole number of at least 1")
    for output in args.output:
        table = sensitivity(args.folder, output, year=args.year, num_resamples=resamples)
        files = write_sensitivity(args.folder, table, args.out)
        shown = table.drop(columns=["points", "method"])
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        print(f"wrote {files['table']} and {files['figure']}")
    return 0
