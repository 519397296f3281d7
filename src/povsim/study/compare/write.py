"""Writing a comparison: its tables, figures, report and manifest, into one folder."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pandas as pd

from povsim.errors import PovsimError
from povsim.study.compare import figures as compare_plots
from povsim.study.compare.comparison import FILES, STAGING_PREFIX, ComparisonResult
from povsim.study.compare.derived import derived_summary, national_by_year
from povsim.study.compare.document import to_markdown
from povsim.study.compare.html import to_html
from povsim.study.compare.manifest import build_manifest, errors_log, to_json
from povsim.study.compare.report import build_report, report_outputs
from povsim.study.compare.tables import (
    parameter_table,
    summary_table,
    table_outputs,
    yearly_differences,
    yearly_table,
)
from povsim.util.atomic import check_writable, write_text

CSV_FLOAT_FORMAT = "%.10g"
"""Number format of the summary tables (yearly.csv, summary.csv): ten significant digits,
far more than the simulation's precision; runs.csv keeps full precision."""


def write_comparison(result: ComparisonResult, out_dir: str | Path, *,
                     command: str = "", reproduce: str = "") -> dict[str, Path]:
    """Write the tables, figures, report and manifest of a comparison to a folder.

    Whatever completed is written even when some runs failed (their tracebacks go to
    ``errors.log``). The files are written into a hidden folder inside ``out_dir`` and
    moved into place once all of them are written, so the folder never holds half of a
    comparison's files beside half of another's; the files of an earlier comparison
    that this one does not write are removed, every other file stays. The tables
    depend only on the scenarios, seeds and years, so a rerun reproduces runs.csv,
    yearly.csv and summary.csv byte for byte. summary.csv
    holds the outputs (those the scenarios name, or all) and the values the report
    derives from them (:mod:`~povsim.study.compare.derived`); the report's summary in
    words quotes its rows.

    Args:
        result: The runs.
        out_dir: Folder to write to (created if missing).
        command: The command line that ran the comparison (for the manifest).
        reproduce: A command line that reproduces it (for the report).

    Returns:
        The files written, by kind (see :data:`FILES`).

    Raises:
        PovsimError: If the folder cannot be created or written (naming it).
    """
    out = check_writable(out_dir, "the output folder")
    staging = out / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
        written = _write_all(result, staging, command=command, reproduce=reproduce)
        for path in written.values():           # the whole set, swapped in on success
            path.replace(out / path.name)
    except OSError as exc:
        raise PovsimError(f"cannot write the comparison into {out}: "
                          f"{exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for kind, name in FILES.items():  # results of an earlier comparison in the same folder
        if kind not in written:
            (out / name).unlink(missing_ok=True)
    return {kind: out / path.name for kind, path in written.items()}


def _write_all(result: ComparisonResult, out: Path, *, command: str,
               reproduce: str) -> dict[str, Path]:
    """Write every file of a comparison into ``out`` (a fresh folder); return them by kind."""
    comparison = result.comparison
    names = comparison.names
    runs = result.runs
    written: dict[str, Path] = {}
    notes: list[str] = []

    def path(kind: str) -> Path:
        written[kind] = out / FILES[kind]
        return written[kind]

    write_text(path("runs"), runs.to_csv(index=False, lineterminator="\n"))
    write_text(path("parameters"), parameter_table(comparison.scenarios).to_csv(
        index=False, lineterminator="\n"))
    full = outputs = None
    if len(runs):
        chosen = table_outputs(comparison.scenarios, runs)
        yearly_all = yearly_table(runs, names)
        derived = derived_summary(runs, names)
        full = pd.concat([summary_table(runs, names), derived], ignore_index=True)
        yearly = yearly_all[yearly_all["output"].isin(chosen)]
        summary = full[full["output"].isin([*chosen, *derived["output"]])]
        outputs = report_outputs(comparison.scenarios, summary[summary["output"].isin(chosen)])
        for kind, table in (("yearly", yearly), ("summary", summary)):
            write_text(path(kind), table.to_csv(index=False, lineterminator="\n",
                                                float_format=CSV_FLOAT_FORMAT))
        figures = compare_plots.plot_comparison(
            yearly_all, full, national_by_year(runs), names, out,
            n_seeds=len(comparison.seeds),
            differences=yearly_differences(runs, names, ["headcount_rate"]))
        for kind, made in figures.items():
            if isinstance(made, Path):
                written[kind] = made
            else:
                notes.append(made)
    else:
        notes.append("No run finished, so there are no tables or figures.")
    if result.failures:
        write_text(path("errors"), errors_log(result))
    write_text(path("manifest"), to_json(build_manifest(result, command=command,
                                                        reproduce=reproduce)))
    blocks = build_report(result, full, written, notes, outputs=outputs, reproduce=reproduce)
    write_text(path("report"), to_markdown(blocks))
    write_text(path("html"), to_html(blocks, out))
    return written
