"""``povsim compare``: scenarios over the same seeds; tables, figures and a report."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from povsim.cli.options import (
    FAILED_STATUS,
    INTERRUPTED_STATUS,
    add_executor_options,
    add_progress_option,
    add_seed_options,
    executor_of,
    overrides_of,
    print_notes,
    seeds_of,
    show_progress,
)


def cmd_compare(args: argparse.Namespace) -> int:
    """``povsim compare``: run the comparison (resumable), then write its results."""
    from povsim.study.batch import check_batch_memory
    from povsim.study.compare.comparison import (
        STORE,
        check_output_folder,
        prepare_comparison,
        run_comparison,
    )
    from povsim.study.compare.write import write_comparison

    seeds = seeds_of(args)
    comparison = prepare_comparison(args.scenarios, seeds=seeds, years=args.years,
                                    overrides=overrides_of(args))
    runs = len(comparison.scenarios) * len(seeds)
    executor = executor_of(args)
    check_batch_memory(max(s.params.population.n_households for s in comparison.scenarios),
                       runs, executor, args.workers, args.scheduler)   # before any folder
    check_output_folder(args.out, resume=args.resume, overwrite=args.overwrite)
    if not args.quiet:
        print_notes(comparison.scenarios)
        where = f"{args.workers} worker{'s' if args.workers != 1 else ''}" \
            if args.workers is not None else "the CPUs available"
        print(f"comparing {', '.join(comparison.names)}: {runs} runs "
              f"({len(seeds)} seeds each) on {executor} with {where}", file=sys.stderr)
    result = run_comparison(comparison, store=Path(args.out) / STORE, executor=executor,
                            workers=args.workers, scheduler=args.scheduler,
                            resume=args.resume, progress=show_progress(args),
                            command=args.command_line)
    reproduce = reproduce_command(args)
    if result.interrupted:    # no report of seeds that never ran: the runs stay in the store
        done = len(result.outcomes) - len(result.failures)
        print(f"povsim: interrupted; {done} of {len(result.outcomes)} runs are stored in "
              f"{Path(args.out) / STORE}, and no report was written; continue with: "
              f"{reproduce} --resume", file=sys.stderr)
        return INTERRUPTED_STATUS
    paths = write_comparison(result, args.out, command=args.command_line, reproduce=reproduce)
    if not args.quiet:
        _print_headline(args.out, paths)
    failures = result.failures
    if failures:
        print(f"povsim: error: {len(failures)} of {len(result.outcomes)} runs failed; "
              f"the others were written to {args.out}:", file=sys.stderr)
        for r in failures:
            print(f"  - {r.scenario}, seed {r.seed}: {r.error_summary}", file=sys.stderr)
        print(f"  full tracebacks: {paths['errors']}; rerun the failed runs with: "
              f"{reproduce} --resume", file=sys.stderr)
        return FAILED_STATUS
    return 0


def _print_headline(out: str, paths: dict[str, Path]) -> None:
    """Print the end-year headcount of each scenario and where the results are."""
    import pandas as pd

    from povsim.study.compare.report import fmt

    if "summary" in paths:
        summary = pd.read_csv(paths["summary"])
        # the last year every scenario covers (common_year when they end apart)
        statistic = "common_year" if (summary["statistic"] == "common_year").any() \
            else "end_year"
        rows = summary[(summary["output"] == "headcount_rate")
                       & (summary["statistic"] == statistic)]
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
    print(f"wrote {out}/: report.md, report.html, manifest.json, "
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


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Add ``compare`` to the ``povsim`` command."""
    compare = sub.add_parser(
        "compare", help="run scenarios over many seeds; write tables, figures and a report",
        description="Run each scenario with the same seeds (common random numbers), then "
        "write runs.csv, yearly.csv, summary.csv, figures, report.md, report.html (the "
        "figures inline) and manifest.json. The first scenario is the reference for "
        "differences; scenarios may end in different years. Each run is stored in "
        "OUT/store as it finishes: an interrupted comparison continues with --resume.",
    )
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                         help="scenario TOML files; the first is the reference")
    add_seed_options(compare, "seeds per scenario")
    add_executor_options(compare, resume="continue the comparison in --out, running only "
                         "the runs not stored (after Ctrl-C, a kill or failed runs)")
    compare.add_argument("--out", default="results/compare",
                         help="output folder (default results/compare); it must be empty "
                         "unless --resume or --overwrite")
    compare.add_argument("--overwrite", action="store_true",
                         help="replace the comparison already in --out (its report, tables, "
                         "figures and finished runs; other files stay)")
    compare.add_argument("--years", type=int, default=None,
                         help="years to simulate (default: to the scenarios' end year)")
    compare.add_argument("--set", action="append", metavar="PATH=VALUE",
                         help="override a parameter in every scenario (repeatable)")
    add_progress_option(compare)
    compare.add_argument("--quiet", action="store_true",
                         help="print nothing but errors (and no progress bar)")
    compare.set_defaults(func=cmd_compare)
