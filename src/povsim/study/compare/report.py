"""The report of a comparison, as blocks (written as report.md and report.html).

It opens with a summary in words (:mod:`~povsim.study.compare.words`), then says what was
compared, then gives the results in tables beside the figures: poverty and the flows,
poverty before and after transfers, money (national billions beside simulated yuan,
spending by intervention, cost per exit), the causes of the remaining poor; then how to
reproduce it. When the scenarios end in different years, the results are given in the
last year they all cover and in each scenario's own end year.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from povsim.params.policy import INTERVENTION_NAMES
from povsim.study.compare.comparison import FILES, ComparisonResult
from povsim.study.compare.derived import DERIVED_MEANING, HOUSEHOLDS, national
from povsim.study.compare.document import (
    Block,
    Bullets,
    Code,
    Figure,
    Heading,
    Paragraph,
    table,
)
from povsim.study.compare.figures import CAPTIONS
from povsim.study.compare.tables import end_years, format_value
from povsim.study.compare.text import fmt, with_interval
from povsim.study.compare.words import (
    MUCH_LESS_MONEY,
    SPENT_SHARE_FLAG,
    TRANSFER_MAJORITY,
    ranking,
    summary_findings,
)
from povsim.study.intervals import CONFIDENCE
from povsim.study.scenarios import Scenario
from povsim.util.versions import povsim_version

KEY_OUTPUTS = ("headcount_rate", "poor_persons_million", "headcount_pre_transfer",
               "poverty_gap", "exits", "returns", "sustained_exits", "lasting_exits",
               "mean_income", "bottom40_mean_income", "gini")
"""Outputs in the report's results tables when no scenario names its ``outputs``."""

SEED_RANGE_FROM = 2
"""More consecutive seeds than this are shown as a range ("0 to 9")."""

MONEY_COLUMNS = (
    ("funds received", national("new_funds"), "total"),
    ("spent", national("spending_total"), "total"),
    ("spent, million simulated yuan", "spending_total", "total"),
    ("share spent (%)", "spent_share_of_funds", "total"),
    ("leaked", national("leakage"), "total"),
    ("returned unspent", national("unspent_funds"), "total"),
    ("carried past the end", national("carried_funds"), "end_year"),
)
"""Columns of the money table: heading, value, statistic."""

COST_COLUMNS = (
    ("cost per exit", "cost_per_exit"),
    ("cost per sustained exit", "cost_per_sustained_exit"),
    ("cost per lasting exit", "cost_per_lasting_exit"),
    ("sustained exits", "sustained_exits"),
    ("lasting exits", "lasting_exits"),
)
"""Columns of the costs table: heading, output (end-year values)."""

TRANSFER_COLUMNS = (
    ("poor after transfers (%)", "headcount_rate", "end_year"),
    ("poor before transfers (%)", "headcount_pre_transfer", "end_year"),
    ("lifted by transfers (points)", "transfer_lift", "end_year"),
    ("fall since the start (points)", "headcount_fall", "change"),
    ("fall before transfers", "headcount_pre_transfer_fall", "change"),
    ("fall paid by transfers", "headcount_fall_by_transfers", "change"),
)
"""Columns of the transfers table: heading, value, statistic."""

MILLION = 1e6


class Rows:
    """A summary table looked up by scenario, output and statistic."""

    def __init__(self, summary: pd.DataFrame):
        self.table = summary
        self._rows = {(r.scenario, r.output, r.statistic): r
                      for r in summary.itertuples(index=False)}

    def get(self, scenario: str, output: str, statistic: str):
        """The row, or ``None``."""
        return self._rows.get((scenario, output, statistic))

    def has(self, output: str) -> bool:
        """Whether any scenario has the output."""
        return bool((self.table["output"] == output).any())

    def cell(self, scenario: str, output: str, statistic: str, *, interval: bool = True,
             scale: float = 1.0) -> str:
        """A row's mean (and interval) as a table cell; "n/a" if missing."""
        r = self.get(scenario, output, statistic)
        if r is None:
            return "n/a"
        if not interval:
            return fmt(r.mean / scale)
        return with_interval(r.mean / scale, r.ci_low / scale, r.ci_high / scale)

    def diff_cell(self, scenario: str, output: str, statistic: str) -> str:
        """A row's paired difference from the reference as a table cell."""
        r = self.get(scenario, output, statistic)
        if r is None or pd.isna(r.diff):
            return "n/a"
        return with_interval(r.diff, r.diff_ci_low, r.diff_ci_high, sign=True)


def end_years_of(result: ComparisonResult) -> dict[str, int]:
    """Each scenario's last year: as its runs ran (as planned if none finished)."""
    planned = result.comparison.end_years
    ran = end_years(result.runs) if len(result.runs) else {}
    return {name: ran.get(name, end) for name, end in planned.items()}


def _seed_list(seeds: Sequence[int]) -> str:
    if len(seeds) > SEED_RANGE_FROM and list(seeds) == list(range(seeds[0],
                                                                   seeds[0] + len(seeds))):
        return f"{seeds[0]} to {seeds[-1]}"
    return ", ".join(str(s) for s in seeds)


def report_outputs(scenarios: Sequence[Scenario], summary: pd.DataFrame) -> list[str]:
    """Outputs in the results tables: those the scenarios name, else the key outputs."""
    present = list(dict.fromkeys(summary["output"]))
    wanted = [name for s in scenarios for name in s.outputs]
    chosen = [o for o in present if o in wanted] or [o for o in KEY_OUTPUTS if o in present]
    return chosen or present


def _differing_parameters(scenarios: Sequence[Scenario]) -> list[list[str]]:
    paths = list(dict.fromkeys(p for s in scenarios for p in s.overrides))
    rows = []
    for path in paths:
        values = [s.overrides.get(path, "default") for s in scenarios]
        if any(v != values[0] for v in values[1:]):
            rows.append([f"`{path}`", *(format_value(v) for v in values)])
    return rows


# ------------------------------------------------------------------ sections
def intro(result: ComparisonResult) -> list[Block]:
    """The title and how the comparison was made."""
    comparison = result.comparison
    seeds = comparison.seeds
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ends = end_years_of(result)
    years = (f"{comparison.start_year} (the initial state) to {max(ends.values())}"
             if len(set(ends.values())) == 1 else
             f"{comparison.start_year} (the initial state) to each scenario's end year ("
             + ", ".join(f"{name} {end}" for name, end in ends.items()) + ")")
    return [
        Heading(f"Comparison: {' vs '.join(comparison.names)}", 1),
        Paragraph(
            f"Made with povsim {povsim_version()} on {when}. Each scenario was run with the "
            f"same {len(seeds)} seed{'s' if len(seeds) != 1 else ''} ({_seed_list(seeds)}), "
            "so runs with the same seed share their random shocks (common random numbers) "
            f"and differences from **{comparison.reference.name}**, the reference, are paired "
            f"by seed. Intervals in brackets are {CONFIDENCE:.0%} intervals of the mean over "
            f"seeds. Years: {years}."),
    ]


def summary_blocks(summary: pd.DataFrame, scenarios: Sequence[str], *, start: int,
                   end_years: dict[str, int]) -> list[Block]:
    """The summary in words, under a "Summary" heading.

    Args:
        summary: The summary table with the derived values.
        scenarios: Scenario names in order; the first is the reference.
        start: The start year.
        end_years: Each scenario's end year.

    Returns:
        The heading, what the summary flags, and per year summarised the scenarios
        ranked by their headcount and a finding for each.
    """
    groups = summary_findings(summary, scenarios, start=start, end_years=end_years)
    blocks: list[Block] = [Heading("Summary")]
    if not any(group.findings for group in groups):
        return [*blocks, Paragraph("The outputs have no headcount to summarise.")]
    blocks.append(Paragraph(
        f"What each scenario changed against **{scenarios[0]}**. A difference is clear when "
        "its interval excludes zero. Flagged: a difference or a fall in poverty that rests "
        f"on transfers (more than {TRANSFER_MAJORITY:.0%} of it is made or unmade by "
        "transfers: compare `headcount_pre_transfer`); a scenario that spent less than "
        f"{SPENT_SHARE_FLAG:.0f}% of the funds it received; a scenario that did as well as "
        f"the reference with less than {MUCH_LESS_MONEY:.0%} of its spending, or worse with "
        "as much. Money is in national billions of yuan at 2010 prices."))
    for group in groups:
        if group.heading:
            blocks.append(Heading(group.heading, 3))
        findings = group.findings
        order = ranking(summary, [f.scenario for f in findings], group.statistic)
        if order and len(findings) > 1:
            year = "" if len({f.year for f in findings}) > 1 else f" in {findings[0].year}"
            blocks.append(Paragraph(f"Percent of the population poor{year}, fewest first: "
                                    f"{order}."))
        blocks.append(Bullets(tuple(f.text for f in findings)))
    return blocks


def scenarios_section(result: ComparisonResult) -> list[Block]:
    """What was compared: files, households, years, descriptions, questions, parameters."""
    comparison = result.comparison
    scenarios = comparison.scenarios
    reference = comparison.reference.name
    ends = end_years_of(result)
    blocks: list[Block] = [Heading("Scenarios"), table(
        ["scenario", "file", "extends", "households", "years", "description"],
        [[f"**{s.name}**" + (" (reference)" if s.name == reference else ""),
          f"`{s.path}`", " -> ".join(f"`{f.path}`" for f in s.chain[1:]) or "-",
          f"{s.params.population.n_households:,}",
          f"{comparison.start_year}-{ends[s.name]}", s.description]
         for s in scenarios])]
    questions = [s for s in scenarios if s.question]
    if questions:
        blocks += [Paragraph("Questions:"),
                   Bullets(tuple(f"**{s.name}**: {s.question}" for s in questions))]
    if comparison.overrides:
        sets = ", ".join(f"`{k} = {format_value(v)}`" for k, v in comparison.overrides.items())
        blocks.append(Paragraph(f"Applied to every scenario: {sets}."))
    if _differing_parameters(scenarios):
        blocks.append(Paragraph("The parameters that differ between the scenarios are listed "
                                "under [Parameters](#parameters) below."))
    return blocks


def parameters_section(result: ComparisonResult) -> list[Block]:
    """The parameters that differ between the scenarios, one column a scenario."""
    comparison = result.comparison
    differing = _differing_parameters(comparison.scenarios)
    if not differing:
        return []
    return [Heading("Parameters"),
            Paragraph("Parameters that differ between the scenarios (\"default\": not set; "
                      f"every parameter of every scenario is in `{FILES['parameters']}`):"),
            table(["parameter", *comparison.names], differing)]


def _windows(result: ComparisonResult) -> list[tuple[str, str, str]]:
    """(title, end-year statistic, total statistic) of each set of results tables."""
    ends = end_years_of(result)
    common = min(ends.values())
    if len(set(ends.values())) == 1:
        return [(f"Results in {common}", "end_year", "total")]
    return [(f"Results in {common}, the last year every scenario simulates", "common_year",
             "common_total"),
            ("Results at each scenario's own end year", "end_year", "total")]


def _output_label(rows: Rows, output: str, statistic: str, scenario: str) -> str:
    r = rows.get(scenario, output, statistic)
    unit = f" ({r.unit})" if r is not None and r.unit else ""
    if statistic.endswith("total"):
        period = f", total {r.period}" if r is not None else ", total"
        return f"`{output}`{period}{unit}"
    return f"`{output}`{unit}"


def results_section(result: ComparisonResult, rows: Rows, outputs: Sequence[str],
                    written: Mapping[str, Path]) -> list[Block]:
    """Levels and paired differences of the key outputs, by output, one column a scenario."""
    names = result.comparison.names
    reference = names[0]
    ends = end_years_of(result)
    blocks: list[Block] = []
    for title, end, total in _windows(result):
        own = end == "end_year" and len(set(ends.values())) > 1
        header = [f"{n} ({ends[n]})" if own else n for n in names]
        levels, diffs = [], []
        for output in outputs:
            is_flow = any(rows.get(n, output, total) is not None for n in names)
            statistic = total if is_flow else end
            label = _output_label(rows, output, statistic, reference)
            levels.append([label, *(rows.cell(n, output, statistic) for n in names)])
            diffs.append([label, *(rows.diff_cell(n, output, statistic) for n in names[1:])])
        blocks += [Heading(title), Paragraph(
            f"Mean over seeds [{CONFIDENCE:.0%} interval]. Totals sum a flow over the "
            f"simulated years. Every output is in `{FILES['summary']}` and, year by year, "
            f"in `{FILES['yearly']}`."),
            table(["output", *header], levels)]
        if len(names) > 1:
            blocks += [Paragraph(f"Differences from **{reference}**, paired by seed "
                                 "(n/a: the reference does not cover the year):"),
                       table(["output", *header[1:]], diffs)]
    for kind in ("headcount", "flows"):
        if kind in written:
            blocks.append(Figure(written[kind].name, CAPTIONS[kind]))
    return blocks


def transfers_section(result: ComparisonResult, rows: Rows,
                      written: Mapping[str, Path]) -> list[Block]:
    """Poverty before and after transfers, and the part of the fall transfers pay."""
    if not rows.has("transfer_lift"):
        return []
    ends = end_years_of(result)
    start = result.comparison.start_year
    body = [[f"**{n}**", f"{start}-{ends[n]}",
             *(rows.cell(n, output, statistic) for _, output, statistic in TRANSFER_COLUMNS)]
            for n in result.comparison.names]
    blocks: list[Block] = [
        Heading("Poverty before and after transfers"),
        Paragraph(
            "Public transfers (the dibao, pensions, subsidies and the campaign's transfers) "
            "lift part of the population above the line: `headcount_pre_transfer` is the "
            "headcount on incomes before them, `headcount_rate` after them. A fall in poverty "
            "since the start year splits into the fall before transfers and the part "
            "transfers pay (the growth of what they lift); a result that rests on transfers "
            "lasts only as long as they are paid. In each scenario's end year; "
            f"{DERIVED_MEANING['headcount_fall_by_transfers']}."),
        table(["scenario", "years", *(h for h, _, _ in TRANSFER_COLUMNS)], body)]
    if "transfers" in written:
        blocks.append(Figure(written["transfers"].name, CAPTIONS["transfers"]))
    return blocks


def money_section(result: ComparisonResult, rows: Rows,
                  written: Mapping[str, Path]) -> list[Block]:
    """Money received, spent, leaked, returned and carried; spending by intervention; costs."""
    if not rows.has(national("spending_total")):
        return []
    names = result.comparison.names
    ends = end_years_of(result)
    start = result.comparison.start_year
    money = []
    for n in names:
        cells = []
        for _, output, statistic in MONEY_COLUMNS:
            scale = MILLION if output == "spending_total" else 1.0
            cells.append(rows.cell(n, output, statistic, interval=False, scale=scale))
        money.append([f"**{n}**", f"{start + 1}-{ends[n]}", *cells])
    blocks: list[Block] = [
        Heading("Money"),
        Paragraph(
            "National billions of yuan at 2010 prices: the simulated households' yuan scaled "
            "to the nation as the model scales spending (`spending_national_billion`: the "
            "simulated persons' share of the national rural population). Totals over each "
            "scenario's simulated years; carried: funds still carried into the year after "
            "the end. Means over seeds; intervals are in "
            f"`{FILES['summary']}` (`*_national_billion`, `spent_share_of_funds`)."),
        table(["scenario", "years", *(h for h, _, _ in MONEY_COLUMNS)], money)]
    used = [iv for iv in INTERVENTION_NAMES
            if any((r := rows.get(n, national(f"spending_{iv}"), "total")) is not None
                   and r.mean > 0 for n in names)]
    if used:
        spenders = [n for n in names
                    if (r := rows.get(n, national("spending_total"), "total")) is not None
                    and r.mean > 0]
        body = []
        for iv in used:
            cells = []
            for n in spenders:
                r = rows.get(n, national(f"spending_{iv}"), "total")
                whole = rows.get(n, national("spending_total"), "total")
                share = 100 * r.mean / whole.mean if r is not None and whole.mean else 0.0
                cells.append(f"{fmt(r.mean)} ({share:.0f}%)" if r is not None and r.mean > 0
                             else "-")
            body.append([iv.replace("_", " "), *cells])
        body.append(["**all**", *(rows.cell(n, national("spending_total"), "total",
                                            interval=False) for n in spenders)])
        blocks += [Paragraph("Spending by intervention, total over each scenario's years "
                             "(national billions of yuan, and the share of the scenario's "
                             "spending):"),
                   table(["intervention", *spenders], body)]
    if "spending" in written:
        blocks.append(Figure(written["spending"].name, CAPTIONS["spending"]))
    costs = [c for c in COST_COLUMNS if rows.has(c[1])]
    if costs:
        body = [[f"**{n}**", str(ends[n]), *(rows.cell(n, output, "end_year")
                                              for _, output in costs)] for n in names]
        blocks += [
            Paragraph(
                "Cost per exit: all spending so far per certified exit so far; per sustained "
                "exit: per exit that did not fall back within `run.sustained_exit_years`; per "
                "lasting exit: per exit still out of poverty `run.lasting_exit_years` later. "
                "In yuan per household, which is the same in national and in simulated yuan "
                "(spending and households scale alike); exits in simulated households. In "
                "each scenario's end year:"),
            table(["scenario", "year", *(h for h, _ in costs)], body)]
    if "costs" in written:
        blocks.append(Figure(written["costs"].name, CAPTIONS["costs"]))
    return blocks


def causes_section(written: Mapping[str, Path]) -> list[Block]:
    """The causes figure: shares of the poor beside their counts."""
    if "causes" not in written:
        return []
    return [Heading("Causes among the remaining poor"),
            Paragraph("Shares of each scenario's poor households with each cause, beside the "
                      f"number of poor households that is ({HOUSEHOLDS}): a share of a small "
                      "number of poor is a small number of households."),
            Figure(written["causes"].name, CAPTIONS["causes"])]


def failures_section(result: ComparisonResult) -> list[Block]:
    """The runs that did not finish."""
    if not result.failures:
        return []
    return [Heading("Runs that did not finish"),
            Paragraph(f"{len(result.failures)} of {len(result.outcomes)} runs did not finish; "
                      f"the tables use the others. Full tracebacks are in `{FILES['errors']}`."),
            Bullets(tuple(f"{r.scenario}, seed {r.seed}: `{r.error_summary}`"
                          for r in result.failures))]


def reproducing_section(result: ComparisonResult, reproduce: str) -> list[Block]:
    """Files, the command line that reproduces the comparison, and file hashes."""
    comparison = result.comparison
    blocks: list[Block] = [
        Heading("Reproducing"),
        Paragraph(f"Files: `{FILES['runs']}` (every run, every year), `{FILES['yearly']}`, "
                  f"`{FILES['summary']}` (with the derived values of this report), "
                  f"`{FILES['parameters']}` (every parameter of every scenario), "
                  f"`{FILES['manifest']}` (versions, file hashes, seeds, timings).")]
    if reproduce:
        blocks.append(Code(reproduce, "bash"))
    blocks += [table(["scenario file", "sha256"], [
        [f"`{f.path}`", f"`{f.sha256}`"]
        for f in dict.fromkeys(f for s in comparison.scenarios for f in s.chain)]),
        Paragraph(f"povsim {povsim_version()}, Python {sys.version.split()[0]}, seeds "
                  f"{', '.join(str(s) for s in comparison.seeds)}.")]
    return blocks


def build_report(result: ComparisonResult, summary: pd.DataFrame | None,
                 written: Mapping[str, Path], notes: Sequence[str], *,
                 outputs: Sequence[str] | None = None, reproduce: str = "") -> list[Block]:
    """The report of a comparison, as blocks.

    Args:
        result: The runs.
        summary: The summary table over every output, with the derived values (``None``
            when no run finished).
        written: Files written so far, by kind (figures are shown when present).
        notes: Remarks to show (figures skipped and why).
        outputs: Outputs of the results tables (:func:`report_outputs` if ``None``).
        reproduce: A command line that reproduces the comparison.

    Returns:
        The report's blocks, in order.
    """
    blocks = intro(result)
    if summary is not None and len(summary):
        rows = Rows(summary)
        chosen = list(outputs) if outputs is not None else report_outputs(
            result.comparison.scenarios, summary)
        blocks += summary_blocks(summary, result.comparison.names,
                                 start=result.comparison.start_year,
                                 end_years=end_years_of(result))
        blocks += scenarios_section(result)
        blocks += results_section(result, rows, chosen, written)
        blocks += transfers_section(result, rows, written)
        blocks += money_section(result, rows, written)
        blocks += causes_section(written)
    else:
        blocks += scenarios_section(result)
    if notes:
        blocks += [Heading("Notes"), Bullets(tuple(notes))]
    blocks += failures_section(result)
    blocks += parameters_section(result)
    blocks += reproducing_section(result, reproduce)
    return blocks
