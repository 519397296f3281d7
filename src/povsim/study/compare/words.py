"""The summary in words: what each scenario changed against the reference, and the flags.

For each scenario, in sentences, from the summary table (every number is a row of it,
formatted as in its tables, and recorded as a :class:`Quote`):

* the headcount in the year summarised and, for the others, the difference from the
  reference paired by seed with its 95% interval ("3.19 [3.05, 3.33] percentage points
  more of the population poor in 2020 than baseline"), and in national millions;
* a flag when a difference rests on transfers: most of it is gone before transfers
  (``headcount_pre_transfer``); and when most of a scenario's own fall in poverty since
  the start year is paid by transfers (poverty before transfers barely moved);
* what it spent in national billions against the reference, and whether it did as well
  with much less money or worse with as much;
* a flag when it spent much less than it received: the share spent, what was returned
  unspent (``unspent_funds``), carried past the year (``carried_funds``) and leaked;
* returns to poverty against the reference, when they clearly differ.

When scenarios end in different years, each is summarised in the last year all cover
(statistics ``common_*``) and in its own end year; a difference in its own end year is
given only against a reference that runs as long.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from povsim.study.compare.text import fmt, format_interval

TRANSFER_MAJORITY = 0.5
"""Share of a fall (or a difference) in the headcount above which it rests on transfers."""

SPENT_SHARE_FLAG = 75.0
"""Percent of the funds received below which a scenario is flagged for money left unspent."""

MUCH_LESS_MONEY = 0.75
"""Spending below this share of the reference's is "much less money"."""


@dataclass(frozen=True)
class Quote:
    """A number a sentence states, and the summary row it comes from.

    Attributes:
        scenario: The row's scenario.
        output: The row's output (or derived value).
        statistic: The row's statistic.
        field: ``mean`` or ``diff``.
        text: The number as written (with its interval when it has one).
    """

    scenario: str
    output: str
    statistic: str
    field: str
    text: str


@dataclass
class Finding:
    """What the summary says of one scenario in one year: sentences and their numbers.

    Attributes:
        scenario: The scenario.
        year: The year summarised.
        sentences: The sentences, in order.
        quotes: Every number the sentences state.
    """

    scenario: str
    year: int
    sentences: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The finding as one Markdown paragraph, led by the scenario's name."""
        return f"**{self.scenario}**: " + " ".join(self.sentences)


def _finite(x: float) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


class Summary:
    """Rows of a summary table by scenario, output and statistic (one period each)."""

    def __init__(self, table: pd.DataFrame):
        self._rows = {(r.scenario, r.output, r.statistic): r
                      for r in table.itertuples(index=False)}

    def row(self, scenario: str, output: str, statistic: str):
        """The row, or ``None`` if the table has none (or its mean is missing)."""
        r = self._rows.get((scenario, output, statistic))
        return r if r is not None and _finite(r.mean) else None


def magnitude(mean: float, low: float, high: float) -> str:
    """The size of a signed value with its interval: ``-3 [-4, -2]`` is ``3.00 [2.00, 4.00]``."""
    if mean < 0:
        mean, low, high = -mean, -high, -low
    return fmt(mean) + format_interval(low, high)


def signed(mean: float, low: float, high: float) -> str:
    """A signed value with its signed interval: ``+0.01 [-0.02, +0.04]``."""
    return fmt(mean, sign=True) + format_interval(low, high, sign=True)


def level(row) -> str:
    """A row's mean with its interval: ``3.45 [3.28, 3.62]``."""
    return fmt(row.mean) + format_interval(row.ci_low, row.ci_high)


SAME = 1e-9
"""Differences this small relative to the value (rounding in sums of money) are none."""


def is_same(row) -> bool:
    """Whether a row equals the reference's in every run (no difference but rounding)."""
    tolerance = SAME * max(1.0, abs(row.mean)) if _finite(row.mean) else SAME
    return _finite(row.diff) and all(not _finite(x) or abs(x) <= tolerance
                                     for x in (row.diff, row.diff_ci_low, row.diff_ci_high))


def is_clear(row) -> bool:
    """Whether a row's difference from the reference is clear.

    Its interval excludes 0 (with one seed, no interval: the difference is not 0), and it
    is more than rounding.
    """
    if not _finite(row.diff) or is_same(row):
        return False
    if _finite(row.diff_ci_low) and _finite(row.diff_ci_high):
        return row.diff_ci_low > 0 or row.diff_ci_high < 0
    return row.diff != 0


class _Writer:
    """Builds one finding, recording every number it writes."""

    def __init__(self, finding: Finding):
        self.finding = finding

    def mean(self, row) -> str:
        text = level(row)
        self._quote(row, "mean", text)
        return text

    def plain(self, row) -> str:
        text = fmt(row.mean)
        self._quote(row, "mean", text)
        return text

    def size(self, row) -> str:
        text = magnitude(row.diff, row.diff_ci_low, row.diff_ci_high)
        self._quote(row, "diff", text)
        return text

    def signed(self, row) -> str:
        text = signed(row.diff, row.diff_ci_low, row.diff_ci_high)
        self._quote(row, "diff", text)
        return text

    def say(self, sentence: str) -> None:
        self.finding.sentences.append(sentence)

    def _quote(self, row, kind: str, text: str) -> None:
        self.finding.quotes.append(Quote(row.scenario, row.output, row.statistic, kind, text))


def _more(diff: float, fewer: str = "fewer") -> str:
    return "more" if diff > 0 else fewer


def describe(summary: Summary, scenario: str, reference: str, *, year: int, start: int,
             common: bool) -> Finding:
    """What the summary says of one scenario in one year.

    Args:
        summary: The summary table (outputs and derived values).
        scenario: The scenario.
        reference: The reference scenario.
        year: The year summarised (the scenario's end year, or the common year).
        start: The start year (the initial state).
        common: Whether the year is the last year all scenarios cover (``common_*`` rows).

    Returns:
        The finding; without sentences if the summary has no headcount for it.
    """
    prefix = "common_" if common else ""
    end = "common_year" if common else "end_year"
    total, change = prefix + "total", prefix + "change"
    w = _Writer(Finding(scenario, year))
    hc = summary.row(scenario, "headcount_rate", end)
    if hc is None:
        return w.finding
    is_reference = scenario == reference
    compared = not is_reference and _finite(hc.diff)
    persons = summary.row(scenario, "poor_persons_million", end)
    fall = summary.row(scenario, "headcount_fall", change)

    if not compared:
        sentence = f"{w.mean(hc)} percent of the population poor in {year}"
        if persons is not None:
            sentence += f", {w.mean(persons)} million people nationally"
        if fall is not None:
            sentence += f"; the headcount fell {w.mean(fall)} percentage points from {start}"
        if not is_reference:
            ref_end = summary.row(reference, "headcount_rate", "end_year")
            ends = f" (it ends in {ref_end.period})" if ref_end is not None else ""
            sentence += f"; no difference from {reference} is given for {year}{ends}"
        w.say(sentence + ".")
    else:
        ref = summary.row(reference, "headcount_rate", end)
        against = f"({w.plain(hc)} against {w.plain(ref)} percent)" if ref is not None else ""
        if is_clear(hc):
            sentence = (f"{w.size(hc)} percentage points {_more(hc.diff)} of the population "
                        f"poor in {year} than {reference} {against}".rstrip())
            if persons is not None and is_clear(persons):
                sentence += (f", that is {w.size(persons)} million "
                             f"{_more(persons.diff)} poor people nationally")
        elif is_same(hc):
            sentence = (f"the same headcount as {reference} in {year}, run for run "
                        f"({w.plain(hc)} percent of the population poor)")
        else:
            sentence = (f"no clear difference from {reference} in the share of the population "
                        f"poor in {year}: {w.signed(hc)} percentage points {against}".rstrip())
        w.say(sentence + ".")
        _transfers_of_difference(w, summary, hc, end)
    _transfers_of_fall(w, summary, scenario, change, start)
    _money(w, summary, scenario, reference, hc, end, total, year, compared)
    if compared:
        returns = summary.row(scenario, "returns", total)
        if returns is not None and is_clear(returns):
            w.say(f"Over {returns.period}, {w.size(returns)} {_more(returns.diff)} households "
                  f"fell back into poverty than in {reference} (returns, simulated "
                  "households).")
    return w.finding


def _transfers_of_difference(w: _Writer, summary: Summary, hc, end: str) -> None:
    """Flag a clear difference in the headcount that transfers make or unmake.

    Either most of it is gone before transfers (it rests on transfers paid, not on
    incomes earned), or before transfers it is larger and transfers make up most of
    the gap.
    """
    pre = summary.row(hc.scenario, "headcount_pre_transfer", end)
    if pre is None or not is_clear(hc) or not _finite(pre.diff):
        return
    same_sign = pre.diff * hc.diff > 0
    if not same_sign or abs(pre.diff) < (1 - TRANSFER_MAJORITY) * abs(hc.diff):
        w.say("Most of this difference rests on transfers, not on incomes earned: before "
              f"transfers the difference is only {w.signed(pre)} percentage points.")
    elif abs(pre.diff) - abs(hc.diff) > TRANSFER_MAJORITY * abs(pre.diff):
        closed = 100 * (1 - hc.diff / pre.diff)
        w.say(f"Before transfers the difference is larger, {w.signed(pre)} percentage "
              f"points: transfers close {fmt(closed)} percent of that gap, so this result "
              "rests on transfers being paid (without them the difference would be larger).")


def _transfers_of_fall(w: _Writer, summary: Summary, scenario: str, change: str,
                       start: int) -> None:
    """Flag a fall in the headcount mostly paid by transfers."""
    fall = summary.row(scenario, "headcount_fall", change)
    paid = summary.row(scenario, "headcount_fall_by_transfers", change)
    before = summary.row(scenario, "headcount_pre_transfer_fall", change)
    if None in (fall, paid, before) or fall.mean <= 0:
        return
    if paid.mean > TRANSFER_MAJORITY * fall.mean:
        w.say(f"Most of its fall in poverty since {start} is paid by transfers: of the "
              f"{w.mean(fall)} percentage points the headcount fell, {w.mean(paid)} are "
              "transfers lifting more people above the line, while poverty before "
              f"transfers fell {w.mean(before)} points.")


def _against(w: _Writer, row, reference: str, compared: bool, less: str = "less") -> str:
    """``, 12 [10, 14] billion less than baseline`` (or the same, or about as much)."""
    if not compared or not _finite(row.diff):
        return ""
    if is_clear(row):
        return f", {w.size(row)} billion {_more(row.diff, less)} than {reference}"
    if is_same(row):
        return f", the same as {reference}"
    return f", about as much as {reference} ({w.signed(row)} billion)"


def _money(w: _Writer, summary: Summary, scenario: str, reference: str, hc, end: str,
           total: str, year: int, compared: bool) -> None:
    """What the scenario received and spent, against the reference.

    Then whether it did as well for much less money, or worse for as much; and the money it
    left unspent.
    """
    spent = summary.row(scenario, "cumulative_spending_national_billion", end)
    if spent is None:
        return
    funds = summary.row(scenario, "new_funds_national_billion", total)
    period = funds.period if funds is not None else f"to {year}"
    if spent.mean == 0 and (not _finite(spent.ci_high) or spent.ci_high == 0):
        w.say(f"It spent nothing on the campaign's measures ({period}).")
        return
    sentence = "It "
    if funds is not None:
        against = _against(w, funds, reference, compared)
        sentence += (f"received {w.mean(funds)} billion yuan ({period}, national, 2010 "
                     f"prices){against}{',' if against else ''} and ")
        sentence += f"spent {w.mean(spent)} billion{_against(w, spent, reference, compared)}"
    else:
        sentence += (f"spent {w.mean(spent)} billion yuan ({period}, national, 2010 prices)"
                     f"{_against(w, spent, reference, compared)}")
    w.say(sentence + ".")
    ref = summary.row(reference, "cumulative_spending_national_billion", end)
    if compared and ref is not None and ref.mean > 0:
        share = 100 * spent.mean / ref.mean
        much_less = is_clear(spent) and spent.diff < 0 and share < 100 * MUCH_LESS_MONEY
        if much_less and not (is_clear(hc) and hc.diff > 0):
            better = "better than" if is_clear(hc) and hc.diff < 0 else "as well as"
            w.say(f"So it did {better} {reference} on the headcount with {fmt(share)} "
                  f"percent of {reference}'s spending.")
        elif is_clear(hc) and hc.diff > 0 and not (is_clear(spent) and spent.diff < 0):
            w.say(f"So it did worse than {reference} on the headcount with "
                  f"{fmt(share)} percent of {reference}'s spending.")
    _unspent(w, summary, scenario, end, total, year)


def _unspent(w: _Writer, summary: Summary, scenario: str, end: str, total: str,
             year: int) -> None:
    """Flag a scenario that spent much less than it received."""
    share = summary.row(scenario, "spent_share_of_funds", total)
    if share is None or share.mean >= SPENT_SHARE_FLAG:
        return
    parts = []
    returned = summary.row(scenario, "unspent_funds_national_billion", total)
    if returned is not None and returned.mean > 0:
        parts.append(f"{w.plain(returned)} billion were returned unspent")
    carried = summary.row(scenario, "carried_funds_national_billion", end)
    if carried is not None and carried.mean > 0:
        parts.append(f"{w.plain(carried)} billion were still carried past {year}")
    leaked = summary.row(scenario, "leakage_national_billion", total)
    if leaked is not None and leaked.mean > 0:
        parts.append(f"{w.plain(leaked)} billion leaked")
    left = ("; " + ", ".join(parts)) if parts else ""
    w.say(f"It spent only {w.mean(share)} percent of the money it received{left}.")


def ranking(table: pd.DataFrame, scenarios: Sequence[str], statistic: str) -> str:
    """The scenarios by their headcount, fewest poor first: ``baseline 0.541, ...``.

    Args:
        table: The summary table.
        scenarios: Scenario names (those to rank).
        statistic: ``end_year`` or ``common_year``.

    Returns:
        The ranking as text ("" without headcounts).
    """
    rows = table[(table["output"] == "headcount_rate") & (table["statistic"] == statistic)
                 & table["scenario"].isin(scenarios)].sort_values("mean", kind="stable")
    return ", ".join(f"{r.scenario} {fmt(r.mean)} ({r.period})" if statistic == "end_year"
                     and rows["period"].nunique() > 1 else f"{r.scenario} {fmt(r.mean)}"
                     for r in rows.itertuples(index=False))


@dataclass(frozen=True)
class Group:
    """Findings in one year (or each scenario's own end year), with their heading.

    Attributes:
        heading: Heading ("" when the scenarios end together: the only group).
        statistic: ``end_year`` or ``common_year``: the summary rows they state.
        findings: One finding per scenario.
    """

    heading: str
    statistic: str
    findings: tuple[Finding, ...]


def summary_findings(table: pd.DataFrame, scenarios: Sequence[str], *, start: int,
                     end_years: dict[str, int]) -> list[Group]:
    """The summary in words: findings for every scenario, by the year summarised.

    Args:
        table: The summary table, with the derived values.
        scenarios: Scenario names in order; the first is the reference.
        start: The start year.
        end_years: Each scenario's end year.

    Returns:
        One group (every scenario in its end year) when the scenarios end together;
        else every scenario in the last year all cover, then those that run longer in
        their own end year. Scenarios without a headcount are left out.
    """
    summary = Summary(table)
    reference = scenarios[0]
    common = min(end_years.values())

    def found(names: Sequence[str], *, shared: bool) -> tuple[Finding, ...]:
        described = (describe(summary, s, reference, year=common if shared else end_years[s],
                              start=start, common=shared and not together) for s in names)
        return tuple(f for f in described if f.sentences)

    together = len(set(end_years.values())) == 1
    if together:
        return [Group("", "end_year", found(scenarios, shared=False))]
    longer = [s for s in scenarios if end_years[s] > common]
    return [Group(f"In {common}, the last year every scenario simulates", "common_year",
                  found(scenarios, shared=True)),
            Group("At each scenario's own end year", "end_year", found(longer, shared=False))]
