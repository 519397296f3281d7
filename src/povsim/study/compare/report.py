"""The Markdown report and the JSON manifest of a comparison.

The manifest records everything needed to reproduce a comparison exactly: the
package versions, each scenario file with its SHA-256 hash and the files it
extends, the seeds, the overrides and the command line. The report is a short
Markdown page for people: what was compared and why, the end-year results with
their intervals, the figures, and the manifest's essentials.
"""

from __future__ import annotations

import json
import math
import platform
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from povsim.study.compare.comparison import FILES, ComparisonResult
from povsim.study.compare.tables import format_value
from povsim.study.intervals import CONFIDENCE
from povsim.study.scenarios import Scenario
from povsim.util.jsonable import jsonable
from povsim.util.versions import MODEL_PACKAGES, git_revision, installed_version, povsim_version

if TYPE_CHECKING:
    from povsim.study.compare.comparison import Comparison

KEY_OUTPUTS = ("headcount_rate", "poor_persons_million", "poverty_gap", "exits", "returns",
               "mean_income", "bottom40_mean_income", "gini", "spending_total",
               "cost_per_sustained_exit")
"""Outputs shown in the report's table when no scenario names its ``outputs``."""

SECONDS_DIGITS = 3
"""Decimals of run durations in the manifest (milliseconds)."""

NO_DECIMALS_FROM = 100
"""Numbers in the report at least this large are shown without decimals."""

SEED_RANGE_FROM = 2
"""More consecutive seeds than this are shown as a range ("0 to 9")."""


# ------------------------------------------------------------------ manifest
def scenario_record(scenario: Scenario) -> dict[str, Any]:
    """A scenario's identity for a manifest: name, files with hashes, what it sets.

    Args:
        scenario: The scenario.

    Returns:
        Plain data: name, description, question, file, sha256, the ``extends`` chain
        (each file with its hash) and the parameters that differ from the defaults.
    """
    return {
        "name": scenario.name,
        "description": scenario.description,
        "question": scenario.question,
        "file": str(scenario.path) if scenario.path else None,
        "sha256": scenario.sha256,
        "extends": [{"file": str(f.path), "sha256": f.sha256} for f in scenario.chain[1:]],
        "outputs": list(scenario.outputs),
        "differs_from_defaults": dict(scenario.overrides),
    }


def build_manifest(result: ComparisonResult, *, command: str = "",
                   reproduce: str = "") -> dict[str, Any]:
    """Everything needed to reproduce a comparison, as plain data.

    Args:
        result: The runs.
        command: The command line as typed.
        reproduce: A command line that reproduces the comparison.

    Returns:
        A JSON-serialisable dict.
    """
    comparison = result.comparison
    return {
        "povsim_version": povsim_version(),
        "povsim_commit": git_revision(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {name: installed_version(name) for name in MODEL_PACKAGES},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "reproduce": reproduce,
        "reference": comparison.reference.name,
        "scenarios": [scenario_record(s) for s in comparison.scenarios],
        "seeds": list(comparison.seeds),
        "years": comparison.years,
        "start_year": comparison.start_year,
        "end_year": comparison.end_year,
        "overrides": dict(comparison.overrides),
        "confidence": CONFIDENCE,
        "workers": result.workers,
        "total_seconds": round(result.seconds, SECONDS_DIGITS),
        "runs": [
            {"scenario": r.scenario, "seed": r.seed,
             "seconds": round(r.seconds, SECONDS_DIGITS), "ok": r.ok,
             **({"error": r.error_summary} if not r.ok else {})}
            for r in result.outcomes
        ],
    }


def to_json(data: Mapping[str, Any]) -> str:
    """Indented JSON text of plain data (NaN as null), ending with a newline."""
    return json.dumps(jsonable(data), indent=2, ensure_ascii=False) + "\n"


def errors_log(result: ComparisonResult) -> str:
    """Text of the full traceback of every failed run."""
    return "\n".join(f"=== scenario {r.scenario}, seed {r.seed} ===\n{r.error}\n"
                     for r in result.failures)


# ------------------------------------------------------------------ report
def fmt(x: float, *, sign: bool = False) -> str:
    """A number for a report: thousands separated, two or three significant decimals."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    plus = "+" if sign else ""
    size = abs(x)
    if size >= NO_DECIMALS_FROM:
        return f"{x:{plus},.0f}"
    if size >= 1 or x == 0:
        return f"{x:{plus}.2f}"
    return f"{x:{plus}.3g}"


def format_interval(low: float, high: float, *, sign: bool = False) -> str:
    """`` [low, high]`` formatted like :func:`fmt`, or "" when either end is missing."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f" [{fmt(low, sign=sign)}, {fmt(high, sign=sign)}]"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Lines of a Markdown table (cells with ``|`` or newlines are escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _seed_list(seeds: Sequence[int]) -> str:
    if len(seeds) > SEED_RANGE_FROM and list(seeds) == list(range(seeds[0],
                                                                   seeds[0] + len(seeds))):
        return f"{seeds[0]} to {seeds[-1]}"
    return ", ".join(str(s) for s in seeds)


def report_outputs(comparison: Comparison, summary: pd.DataFrame) -> list[str]:
    """Outputs in the report's table: those the scenarios name, else the key outputs."""
    present = list(dict.fromkeys(summary["output"]))
    wanted = [name for s in comparison.scenarios for name in s.outputs]
    chosen = [o for o in present if o in wanted] or [o for o in KEY_OUTPUTS if o in present]
    return chosen or present


def summary_rows(summary: pd.DataFrame, outputs: Sequence[str],
                 reference: str) -> list[list[str]]:
    """Rows of the report's results table (end year, then totals of flows)."""
    rows = []
    for statistic in ("end_year", "total"):
        part = summary[(summary["statistic"] == statistic) & summary["output"].isin(outputs)]
        for r in part.itertuples(index=False):
            label = r.output if statistic == "end_year" else f"{r.output}, total {r.period}"
            diff = "(reference)" if r.scenario == reference else \
                fmt(r.diff, sign=True) + format_interval(r.diff_ci_low, r.diff_ci_high, sign=True)
            rows.append([f"`{label}`", r.unit, r.scenario,
                         fmt(r.mean) + format_interval(r.ci_low, r.ci_high), diff])
    return rows


def _differing_parameters(scenarios: Sequence[Scenario]) -> list[list[str]]:
    paths = list(dict.fromkeys(p for s in scenarios for p in s.overrides))
    rows = []
    for path in paths:
        values = [s.overrides.get(path, "default") for s in scenarios]
        if any(v != values[0] for v in values[1:]):
            rows.append([f"`{path}`", *(format_value(v) for v in values)])
    return rows


FIGURE_CAPTIONS = {
    "headcount": "Poverty headcount by year",
    "flows": "Exits from and returns to poverty by year",
    "spending": "Spending and cost per sustained exit",
    "causes": "Causes among the remaining poor in the end year",
}
"""Caption of each figure in the report, by kind."""


def render_report(result: ComparisonResult, summary: pd.DataFrame | None,
                  written: Mapping[str, Path], notes: Sequence[str], *,
                  reproduce: str = "") -> str:
    """The Markdown report of a comparison.

    Args:
        result: The runs.
        summary: The summary table (``None`` when no run finished).
        written: Files written so far, by kind (figures are linked when present).
        notes: Remarks to show (figures skipped and why).
        reproduce: A command line that reproduces the comparison.

    Returns:
        The report's Markdown text.
    """
    comparison = result.comparison
    scenarios = comparison.scenarios
    reference = comparison.reference.name
    seeds = comparison.seeds
    level = f"{CONFIDENCE:.0%}"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Comparison: {' vs '.join(comparison.names)}", "",
             f"Made with povsim {povsim_version()} on {when}. Each scenario was run with the same "
             f"{len(seeds)} seed{'s' if len(seeds) != 1 else ''} ({_seed_list(seeds)}), so "
             "runs with the same seed share their random shocks (common random numbers) and "
             f"differences from **{reference}** are paired by seed. Intervals are {level} "
             "intervals of the mean over seeds.", ""]

    lines += ["## Scenarios", ""]
    lines += markdown_table(["scenario", "file", "extends", "households", "description"], [
        [f"**{s.name}**" + (" (reference)" if s.name == reference else ""),
         f"`{s.path}`", " -> ".join(f"`{f.path}`" for f in s.chain[1:]) or "-",
         f"{s.params.population.n_households:,}", s.description]
        for s in scenarios])
    questions = [s for s in scenarios if s.question]
    if questions:
        lines += ["", "Questions:", ""]
        lines += [f"- **{s.name}**: {s.question}" for s in questions]
    differing = _differing_parameters(scenarios)
    if differing:
        lines += ["", "Parameters that differ between the scenarios (\"default\": not set):",
                  ""]
        lines += markdown_table(["parameter", *comparison.names], differing)
    lines += ["", f"Years: {comparison.start_year} (initial state) to {comparison.end_year}."]
    if comparison.overrides:
        sets = ", ".join(f"`{k} = {format_value(v)}`" for k, v in comparison.overrides.items())
        lines.append(f"Applied to every scenario: {sets}.")

    if summary is not None and len(summary):
        outputs = report_outputs(comparison, summary)
        lines += ["", f"## Results in {comparison.end_year}", "",
                  f"Mean over seeds [{level} interval]; the difference from {reference} is "
                  "the mean of the differences between runs with the same seed. Totals sum "
                  f"flows over the simulated years. Every output is in `{FILES['summary']}` "
                  f"(end year) and `{FILES['yearly']}` (every year).", ""]
        lines += markdown_table(
            ["output", "unit", "scenario", "mean", f"difference from {reference}"],
            summary_rows(summary, outputs, reference))

    figures = [kind for kind in FIGURE_CAPTIONS if kind in written]
    if figures or notes:
        lines += ["", "## Figures", ""]
        for kind in figures:
            lines += [f"![{FIGURE_CAPTIONS[kind]}]({written[kind].name})", ""]
        lines += [f"- {note}" for note in notes]
        if notes:
            lines.append("")

    if result.failures:
        lines += ["", "## Runs that did not finish", "",
                  f"{len(result.failures)} of {len(result.outcomes)} runs did not finish; the "
                  f"tables use the others. Full tracebacks are in `{FILES['errors']}`.", ""]
        lines += [f"- {r.scenario}, seed {r.seed}: `{r.error_summary}`"
                  for r in result.failures]

    lines += ["", "## Reproducing", "",
              f"Files: `{FILES['runs']}` (every run, every year), `{FILES['yearly']}`, "
              f"`{FILES['summary']}`, `{FILES['parameters']}` (every parameter of every "
              f"scenario), `{FILES['manifest']}` (versions, file hashes, seeds, timings).", ""]
    if reproduce:
        lines += ["```bash", reproduce, "```", ""]
    lines += markdown_table(["scenario file", "sha256"], [
        [f"`{f.path}`", f"`{f.sha256}`"]
        for f in dict.fromkeys(f for s in scenarios for f in s.chain)])
    lines += ["", f"povsim {povsim_version()}, Python {sys.version.split()[0]}, seeds "
              f"{', '.join(str(s) for s in seeds)}."]
    return "\n".join(lines).rstrip() + "\n"
