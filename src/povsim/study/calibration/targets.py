"""Calibration targets and how the model measures each of them.

Targets come from ``data/targets.csv`` (name, year, value, unit, tolerance, source).
Each target name maps to a *measure*: a function of the yearly outputs of several
runs (one per seed) and of the parameters, giving one model value per seed on the
target's own definition (the headcount at the 2010 line over persons; cause shares
among registered households with several causes a household; ...).

A target with a tolerance is *checked* (the model mean must lie within it; one-sided,
at least ``value - tolerance``, when the unit says "at least"); one without is
*reported* only.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from povsim.errors import PovsimError
from povsim.params import Parameters
from povsim.params.spec import YEAR_LIMITS
from povsim.util.hints import did_you_mean
from povsim.util.tomlfile import is_file, path_problem, shown

TARGET_COLUMNS = ("target", "year", "value", "unit", "tolerance", "source")
"""Columns every target file needs."""

TOLERANCE_HELP = "a positive number, or empty for a target that is reported, not checked"
"""What a target's tolerance may be."""

DEFAULT_TARGETS = Path(__file__).resolve().parents[4] / "data" / "targets.csv"
"""The project's target file (a copy of the shared targets with their sources)."""

Measure = Callable[[pd.DataFrame, int, Parameters], pd.Series]
"""A measure: (runs, year, parameters) -> one value per seed (a Series indexed by seed)."""


@dataclass(frozen=True, slots=True)
class Target:
    """One calibration target.

    Attributes:
        name: Target name (e.g. ``headcount_rate``).
        year: Year it refers to.
        value: The observed value.
        unit: Its unit (a unit with "at least" makes the check one-sided).
        tolerance: Allowed distance from the value; ``None``: reported, not checked.
        source: Where the value comes from.
        where: The file and line it was read from (``targets.csv, line 7``), for
            messages; empty for a target made in Python.
    """

    name: str
    year: int
    value: float
    unit: str
    tolerance: float | None
    source: str
    where: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.tolerance is not None and not self.tolerance > 0:
            raise PovsimError(f"target {self.key}: tolerance {self.tolerance!r}; allowed: "
                              f"{TOLERANCE_HELP}")

    @property
    def key(self) -> str:
        """``name@year``, unique within a target file."""
        return f"{self.name}@{self.year}"

    @property
    def checked(self) -> bool:
        """Whether the target has a tolerance the model must meet."""
        return self.tolerance is not None

    @property
    def one_sided(self) -> bool:
        """Whether the data give a lower bound ("at least")."""
        return "at least" in self.unit

    def within(self, model_value: float) -> bool | None:
        """Whether ``model_value`` meets the target (``None`` when not checked)."""
        if self.tolerance is None or math.isnan(model_value):
            return None if self.tolerance is None else False
        if self.one_sided:
            return model_value >= self.value - self.tolerance
        return abs(model_value - self.value) <= self.tolerance

    def distance(self, model_value: float) -> float:
        """Signed distance in tolerances (0 inside a one-sided bound's admissible side)."""
        scale = self.tolerance if self.tolerance is not None else max(abs(self.value), 1.0)
        gap = model_value - self.value
        if self.one_sided and gap > 0:
            return 0.0
        return gap / scale


def load_targets(path: str | Path = DEFAULT_TARGETS) -> list[Target]:
    """Read a target file, checking that every target has a known measure.

    Args:
        path: CSV with columns target, year, value, unit, tolerance, source.

    Returns:
        The targets, in file order.

    Raises:
        PovsimError: If the file is missing or malformed (listing every bad row, by line
            and column), or names an unknown target or a ``name@year`` twice.
    """
    bad = path_problem(path)
    if bad:
        raise PovsimError(f"target file {shown(path)!r}: not a usable file path ({bad})")
    p = Path(path)
    if not is_file(p):
        raise PovsimError(f"target file not found: {shown(p)}")
    try:
        text = p.read_text(encoding="utf-8-sig")      # a byte order mark is not a column
    except UnicodeDecodeError as exc:
        raise PovsimError(f"{p}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it "
                          "as UTF-8") from exc
    except OSError as exc:
        raise PovsimError(f"{p}: cannot read the file: {exc.strerror or exc}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    targets: list[Target] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    try:
        header = [str(c).strip() for c in reader.fieldnames or []]
        missing = [c for c in TARGET_COLUMNS if c not in header]
        if missing:
            raise PovsimError(f"{p}: missing columns {missing} in its first line "
                              f"{', '.join(header) or '(empty)'}; needed: "
                              f"{list(TARGET_COLUMNS)}")
        reader.fieldnames = header
        for row in reader:
            where = f"{p}, line {reader.line_num}"
            target, found = _parse_row(row, where)
            problems += found
            if target is None:
                continue
            if target.key in first_line:
                problems.append(f"{where}: {target.key} again (first on line "
                                f"{first_line[target.key]}); allowed: each target name and "
                                "year once")
                continue
            first_line[target.key] = reader.line_num
            targets.append(target)
    except csv.Error as exc:
        raise PovsimError(f"{p}, line {reader.line_num + 1}: not readable as CSV: {exc}") \
            from exc
    if not targets and not problems:
        raise PovsimError(f"{p}: no targets (a header and no rows); allowed: one row a "
                          f"target, with {', '.join(TARGET_COLUMNS)}")
    if problems:
        raise PovsimError(problems[0] if len(problems) == 1 else "\n".join(
            [f"{len(problems)} problems in the target file {p}:",
             *(f"  - {m}" for m in problems)]))
    return targets


def _parse_row(row: dict[str | None, Any], where: str) -> tuple[Target | None, list[str]]:
    """The target on one row of a target file, or ``None`` and what is wrong with it."""
    if None in row:
        return None, [f"{where}: {len(row[None])} more fields than the header's columns "
                      f"({', '.join(TARGET_COLUMNS)}); quote a text containing commas"]
    short = [c for c in TARGET_COLUMNS if row[c] is None]
    if short:
        return None, [f"{where}: no value for {', '.join(short)}; each row needs "
                      f"{', '.join(TARGET_COLUMNS)}"]
    name = row["target"].strip()
    problems = []
    if name not in MEASURES:
        problems.append(f"{where}: unknown target {name!r}"
                        f"{did_you_mean(name, list(MEASURES))}; known: "
                        f"{', '.join(sorted(MEASURES))}")
    year, found = _number(row, "year", int, "a whole year like 2015", where)
    problems += found
    value, found = _number(row, "value", float, "a finite number", where)
    problems += found
    tolerance = None
    if row["tolerance"].strip():
        tolerance, found = _number(row, "tolerance", float, TOLERANCE_HELP, where)
        problems += found
        if not found and not tolerance > 0:
            problems.append(f"{where}, column tolerance: {row['tolerance']!r}; allowed: "
                            f"{TOLERANCE_HELP}")
    if problems:
        return None, problems
    return Target(name, year, value, row["unit"].strip(), tolerance,
                  row["source"].strip(), where), []


def _number[N: (int, float)](row: dict[str | None, Any], column: str, kind: type[N],
                             allowed: str, where: str) -> tuple[N, list[str]]:
    """The number in ``column`` of ``row`` (``kind``), or a problem naming the column."""
    text = row[column].strip()
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        return kind(0), [f"{where}, column {column}: {text!r}; allowed: {allowed}"]
    return value, []


def select_targets(targets: list[Target], names: list[str]) -> list[Target]:
    """The targets named ``name`` (all years) or ``name@year``.

    Raises:
        PovsimError: For a name that matches no target.
    """
    chosen: list[Target] = []
    for name in names:
        match = [t for t in targets if name in (t.name, t.key)]
        if not match:
            known = ", ".join(sorted({t.name for t in targets}))
            raise PovsimError(f"no target {name!r}; targets: {known}")
        chosen += [t for t in match if t not in chosen]
    return chosen


# ------------------------------------------------------------------ measures
def _output(column: str) -> Measure:
    def measure(runs: pd.DataFrame, year: int, params: Parameters) -> pd.Series:
        rows = runs[runs["year"] == year]
        if rows.empty:
            raise PovsimError(f"the runs do not reach {year} (needed for {column})")
        return rows.set_index("seed")[column].astype(float)

    return measure


def _parameter(path: str, scale: float = 1.0) -> Measure:
    def measure(runs: pd.DataFrame, year: int, params: Parameters) -> pd.Series:
        seeds = sorted(runs["seed"].unique())
        value = float(params.at(year).get(path)) * scale
        return pd.Series(value, index=pd.Index(seeds, name="seed"))

    return measure


def _relocation_cost_per_person(runs: pd.DataFrame, year: int, params: Parameters) -> pd.Series:
    upto = runs[runs["year"] <= year]
    spent = upto.groupby("seed")["spending_relocation"].sum()
    persons = upto[upto["year"] == year].set_index("seed")["relocated_persons"]
    return (spent / persons.replace(0, np.nan)).astype(float)


FUNDS_GROWTH_FROM = 2013
"""First year of the campaign's funds, from which their yearly growth is measured."""


def _funds_growth(runs: pd.DataFrame, year: int, params: Parameters) -> pd.Series:
    """Yearly growth of the central funds (``budget.national_billion``) to ``year``, percent."""
    seeds = sorted(runs["seed"].unique())
    first = params.at(FUNDS_GROWTH_FROM).budget.national_billion
    last = params.at(year).budget.national_billion
    value = ((last / first) ** (1 / (year - FUNDS_GROWTH_FROM)) - 1) * 100 if first > 0 else np.nan
    return pd.Series(float(value), index=pd.Index(seeds, name="seed"))


LOOKBACK_FROM = 2015
"""First year of the look-back re-verification, from which its flows are summed."""


def _sum_from(column: str, first: int) -> Measure:
    """The sum of a yearly output from ``first`` to the target's year, per seed."""

    def measure(runs: pd.DataFrame, year: int, params: Parameters) -> pd.Series:
        rows = runs[(runs["year"] >= first) & (runs["year"] <= year)]
        if rows.empty or rows["year"].max() < year:
            raise PovsimError(f"the runs do not reach {year} (needed for {column})")
        return rows.groupby("seed")[column].sum().astype(float)

    return measure


NATIONAL_POOR_COUNTIES = 832
"""Designated poor counties nationally: simulated county exits are scaled to this."""


def _counties_exited(runs: pd.DataFrame, year: int, params: Parameters) -> pd.Series:
    """Designated counties exited by ``year`` as a share of the designated, times 832."""
    rows = runs[runs["year"] == year].set_index("seed")
    if rows.empty:
        raise PovsimError(f"the runs do not reach {year} (needed for county exits)")
    share = rows["counties_exited"] / rows["counties_designated"].replace(0, np.nan)
    return (share * NATIONAL_POOR_COUNTIES).astype(float)


INCOME_GROWTH_FROM = 2014
"""First year registered poor villages exist, from which their income growth is measured."""


def _income_growth_gap(runs: pd.DataFrame, year: int, params: Parameters) -> pd.Series:
    """Yearly growth of mean income in registered poor villages minus overall, in points."""
    start = runs[runs["year"] == INCOME_GROWTH_FROM].set_index("seed")
    end = runs[runs["year"] == year].set_index("seed")
    years = year - INCOME_GROWTH_FROM

    def growth(col: str) -> pd.Series:
        return ((end[col] / start[col]) ** (1 / years) - 1) * 100

    return (growth("mean_income_poor_villages") - growth("mean_income")).astype(float)


MEASURES: dict[str, Measure] = {
    "headcount_rate": _output("headcount_rate"),
    "headcount_millions": _output("poor_persons_million"),
    "cause_share_illness": _output("share_registered_illness"),
    "cause_share_disability": _output("share_registered_disability"),
    "cause_share_lack_of_labour": _output("share_registered_lack_of_labour"),
    "cause_share_lack_of_skills": _output("share_registered_lack_of_skills"),
    "cause_share_aged_65_plus": _output("share_registered_old_age"),
    "cause_share_lack_of_capital": _output("share_registered_lack_of_capital"),
    "share_of_poor_in_poor_villages": _output("share_poor_in_poor_villages"),
    "relocated_share_of_2012_poor": _output("relocated_share_of_initial_poor"),
    "relocation_cost_per_person": _relocation_cost_per_person,
    "microloan_approval_share": _output("borrowed_share_registered"),
    "microloan_max": _parameter("interventions.microloans.max_amount"),
    "inpatient_reimbursement": _parameter("interventions.health.reimbursement_rate", 100.0),
    "poor_out_of_pocket_medical_share": _output("oop_share_registered"),
    "poor_area_income_growth_gap": _income_growth_gap,
    "central_poverty_funds_growth": _funds_growth,
    "registered_persons_million": _output("registered_persons_million"),
    "registered_households_million": _output("registered_households_million"),
    "registered_remaining_million": _output("registered_persons_million"),
    "poor_villages_share": _output("poor_village_share"),
    "poor_counties_designated": _output("counties_designated"),
    "backstop_covered_registered_million": _output("backstop_registered_persons_million"),
    "registered_poor_income": _output("income_designated_counties_current"),
    "poor_areas_headcount_rate": _output("headcount_designated_counties"),
    "poor_labourers_employed_million": _output("registered_labourers_working_million"),
    "lifted_out_income": _output("exited_income_current"),
    "lifted_out_employed_million": _output("exited_labourers_working_million"),
    "central_transition_funds": _parameter("budget.national_billion"),
    "monitored_risk_cleared_share": _output("risk_cleared_cumulative_share"),
    "lookback_removed_million": _sum_from("removed_persons_million", LOOKBACK_FROM),
    "lookback_added_million": _sum_from("sweep_added_persons_million", LOOKBACK_FROM),
    "poor_counties_exited": _counties_exited,
    "rural_mean_income": _output("mean_income_current"),
    "rural_operating_income": _output("operating_income_current"),
    "rural_wage_transfer_income": _output("wage_transfer_income_current"),
}
"""How the model measures each target name."""

MEASURE_NOTES: dict[str, str] = {
    "headcount_rate": "share of persons below the 2010 line (person-weighted)",
    "headcount_millions": "poor persons, national equivalent (household weights)",
    "cause_share_illness": "registered households with illness (several causes a household)",
    "cause_share_disability": "registered households with disability",
    "cause_share_lack_of_labour": "registered households lacking labour",
    "cause_share_lack_of_skills": "registered households lacking skills",
    "cause_share_aged_65_plus": "registered households where old age is a cause",
    "cause_share_lack_of_capital": "registered households lacking capital (savings)",
    "share_of_poor_in_poor_villages": "poor persons from registered poor villages",
    "relocated_share_of_2012_poor": "relocated persons / poor persons of 2012",
    "relocation_cost_per_person": "relocation spending so far / relocated persons",
    "microloan_approval_share": "registered households that have taken a microloan",
    "microloan_max": "parameter interventions.microloans.max_amount",
    "inpatient_reimbursement": "parameter interventions.health.reimbursement_rate",
    "poor_out_of_pocket_medical_share": "out-of-pocket share of registered households' "
                                        "medical spending",
    "poor_area_income_growth_gap": f"yearly income growth in registered poor villages minus "
                                   f"overall, {INCOME_GROWTH_FROM} to the target year",
    "central_poverty_funds_growth": "yearly growth of parameter budget.national_billion from "
                                    f"{FUNDS_GROWTH_FROM} to the target year",
    "registered_persons_million": "persons on the register as poor at the end of the year, "
                                  "national equivalent",
    "registered_households_million": "households on the register as poor, national equivalent",
    "registered_remaining_million": "persons still on the register as poor (not exited) at "
                                    "the end of the year, national equivalent",
    "poor_villages_share": "registered poor villages / administrative villages (an input: "
                           "parameter identification.poor_village_share)",
    "poor_counties_designated": "designated poor counties among the simulated counties (an "
                                "input: counties.designated_share of persons; 832 nationally)",
    "backstop_covered_registered_million": "persons ever registered receiving the dibao or "
                                           "extreme-poverty support, national equivalent",
    "registered_poor_income": "mean per-capita income of persons of designated poor counties, "
                              "current yuan (run.price_index): the source's 6,079 and 12,588 "
                              "yuan are the 2021 white paper's figures for rural residents "
                              "of poor areas (no register existed in 2013)",
    "poor_areas_headcount_rate": "share of persons of designated poor counties (by county "
                                 "of origin) below the line",
    "poor_labourers_employed_million": "members in work (migrant, local, programme job or "
                                       "post) of households ever registered, national",
    "lifted_out_income": "mean per-capita net income of persons whose exit stands, current "
                         "yuan",
    "lifted_out_employed_million": "members in work of households whose exit stands, national",
    "central_transition_funds": "parameter budget.national_billion (an input)",
    "monitored_risk_cleared_share": "flags whose risk was cleared / households flagged "
                                    "by monitoring since it began (2020) to the end of the "
                                    "year: the source's \"nearly 70% of those monitored "
                                    "are risk-free\" is a stock, not a year's flow",
    "lookback_removed_million": f"persons struck out by the sweep, {LOOKBACK_FROM} to the "
                                "target year, national",
    "lookback_added_million": f"persons added by the sweep, {LOOKBACK_FROM} to the target "
                              "year, national",
    "poor_counties_exited": "designated counties exited by the end of the year / designated, "
                            f"x {NATIONAL_POOR_COUNTIES}",
    "rural_mean_income": "mean per-capita net income of all persons, current yuan (net of "
                         "medical, schooling and debt costs, which the survey's disposable "
                         "income is not)",
    "rural_operating_income": "farm and household business income per person, current "
                              "yuan",
    "rural_wage_transfer_income": "wages, remittances and transfers (pensions, subsidies, "
                                  "dibao, money from children and neighbours) per person, "
                                  "current yuan: the survey counts remittances of members "
                                  "away as transfers, the model as wages",
}
"""What each measure computes, for reports."""


FIRST_YEARS: dict[str, int] = {
    "central_poverty_funds_growth": FUNDS_GROWTH_FROM + 1,
    "poor_area_income_growth_gap": INCOME_GROWTH_FROM + 1,
    "lookback_removed_million": LOOKBACK_FROM,
    "lookback_added_million": LOOKBACK_FROM,
}
"""The first year each measure that starts from a given year can be taken in (a growth
from 2013 needs a later year; sums from 2015 need 2015)."""

PARAMETER_MEASURES = ("microloan_max", "inpatient_reimbursement", "central_transition_funds",
                      "central_poverty_funds_growth")
"""Measures of parameter values, not of the runs' outputs: any year a run can reach."""


def target_years(name: str, start_year: int) -> tuple[int, int]:
    """The years a target can name for runs that start in ``start_year``.

    Output measures need a simulated year (the start year's state or later); measures
    from a given year (growth since 2013, sums since 2015) need a later one; and no run
    reaches past :data:`~povsim.params.spec.YEAR_LIMITS` (the runs of a validation are
    run on to the last year a target names).

    Returns:
        The first and last allowed year.
    """
    first = YEAR_LIMITS[0] if name in PARAMETER_MEASURES else start_year
    if name == "poor_area_income_growth_gap":
        first = max(start_year, INCOME_GROWTH_FROM) + 1
    elif name in FIRST_YEARS:
        first = max(first, FIRST_YEARS[name])
    return first, YEAR_LIMITS[1]


def check_target_years(targets: Sequence[Target], start_year: int, runs: str,
                       end_year: int | None = None) -> None:
    """Refuse targets in years the runs cannot measure them, before anything runs.

    Args:
        targets: The targets (with the file and line each came from).
        start_year: The start year of the runs.
        runs: What runs, for the message (``the runs of baseline``).
        end_year: The last year the runs reach, if they are not run on to the targets'
            years (as a validation's are); output measures must lie within it.

    Raises:
        PovsimError: Listing every target out of range with its file and line.
    """
    problems = []
    for t in targets:
        first, last = target_years(t.name, start_year)
        if end_year is not None and t.name not in PARAMETER_MEASURES:
            last = end_year
        if not first <= t.year <= last:
            where = f"{t.where}: " if t.where else ""
            reach = f"end in {end_year}" if end_year is not None and last == end_year \
                else f"reach {YEAR_LIMITS[1]} at the latest"
            problems.append(f"{where}{t.key}: year {t.year}: allowed: a year from {first} to "
                            f"{last} ({runs} start in {start_year} and {reach})")
    if problems:
        raise PovsimError(problems[0] if len(problems) == 1 else "\n".join(
            [f"{len(problems)} targets in years the runs cannot measure:",
             *(f"  - {m}" for m in problems)]))


def measure(target: Target, runs: pd.DataFrame, params: Parameters) -> pd.Series:
    """The model's value of ``target`` in each seed's run."""
    return MEASURES[target.name](runs, target.year, params)
