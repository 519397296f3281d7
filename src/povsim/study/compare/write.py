"""Writing a comparison: its tables, figures, report and manifest, into one folder."""

from __future__ import annotations

from pathlib import Path

from povsim.errors import PovsimError
from povsim.study.compare import figures as compare_plots
from povsim.study.compare import report
from povsim.study.compare.comparison import FILES, ComparisonResult
from povsim.study.compare.tables import (
    parameter_table,
    summary_table,
    table_outputs,
    yearly_table,
)
from povsim.util.atomic import write_text

CSV_FLOAT_FORMAT = "%.10g"
"""Number format of the summary tables (yearly.csv, summary.csv): ten significant digits,
far more than the simulation's precision; runs.csv keeps full precision."""


def write_comparison(result: ComparisonResult, out_dir: str | Path, *,
                     command: str = "", reproduce: str = "") -> dict[str, Path]:
    """Write the tables, figures, report and manifest of a comparison to a folder.

    Whatever completed is written even when some runs failed (their tracebacks go to
    ``errors.log``). The tables depend only on the scenarios, seeds and years, so a
    rerun reproduces runs.csv, yearly.csv and summary.csv byte for byte.

    Args:
        result: The runs.
        out_dir: Folder to write to (created if missing).
        command: The command line that ran the comparison (for the manifest).
        reproduce: A command line that reproduces it (for the report).

    Returns:
        The files written, by kind (see :data:`FILES`).

    Raises:
        PovsimError: If the folder cannot be created.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PovsimError(f"cannot create the output folder {out}: {exc}") from exc
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
    yearly = summary = None
    if len(runs):
        outputs = table_outputs(comparison.scenarios, runs)
        yearly_all = yearly_table(runs, names)
        summary_all = summary_table(runs, names)
        yearly = yearly_all[yearly_all["output"].isin(outputs)]
        summary = summary_all[summary_all["output"].isin(outputs)]
        for kind, table in (("yearly", yearly), ("summary", summary)):
            write_text(path(kind), table.to_csv(index=False, lineterminator="\n",
                                                float_format=CSV_FLOAT_FORMAT))
        figures = compare_plots.plot_comparison(yearly_all, summary_all, names, out,
                                                n_seeds=len(comparison.seeds))
        for kind, made in figures.items():
            if isinstance(made, Path):
                written[kind] = made
            else:
                notes.append(made)
    else:
        notes.append("No run finished, so there are no tables or figures.")
    if result.failures:
        write_text(path("errors"), report.errors_log(result))
    manifest = report.build_manifest(result, command=command, reproduce=reproduce)
    write_text(path("manifest"), report.to_json(manifest))
    text = report.render_report(result, summary, written, notes, reproduce=reproduce)
    write_text(path("report"), text)
    for kind, name in FILES.items():  # results of an earlier comparison in the same folder
        if kind not in written:
            (out / name).unlink(missing_ok=True)
    return written
