"""Values a comparison derives from each run's outputs, for its report.

The model's outputs give spending in yuan of the simulated households and in national
billions (``spending_national_billion``); the money received, leaked, returned and
carried only in simulated yuan. Each run's national scale is the model's own: the ratio
of its ``cumulative_spending_national_billion`` to its ``cumulative_spending`` (the
simulated persons' share of the national rural population, the same in every year of a
run and, with the same seed, in every scenario). So, for each run:

* money in national billions: funds received, spent, leaked, returned unspent, carried
  at the end, and spent by each intervention; the share of the funds received that was
  spent;
* what transfers do: the points of the headcount they lift (``headcount_pre_transfer``
  minus ``headcount_rate``), and the fall of the headcount from the start year split into
  the fall before transfers and the part transfers pay (the growth of that lift);
* the poor households with each cause (the share of the poor times their number), so
  that shares of poor populations of very different sizes can be read with their counts.

Every value is summarised like an output (:func:`~povsim.study.compare.tables.paired_summary`):
mean over seeds, interval, difference from the reference paired by seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from povsim.params.policy import INTERVENTION_NAMES
from povsim.status import CAUSE_NAMES
from povsim.study.compare.tables import ID_COLUMNS, end_years, paired_summary

NATIONAL = "billion yuan (national, 2010 prices)"
"""Unit of money in national terms."""

POINTS = "percentage points"
"""Unit of a change or gap in a rate given in percent."""

HOUSEHOLDS = "simulated households"
"""Unit of counts of simulated households."""

MONEY_FLOWS = ("new_funds", "spending_total", "leakage", "unspent_funds",
               *(f"spending_{name}" for name in INTERVENTION_NAMES))
"""Yearly money outputs (simulated yuan) given in national billions as totals."""

SPENDING_BY_INTERVENTION = tuple(f"spending_{name}" for name in INTERVENTION_NAMES)
"""Yearly spending of each intervention (simulated yuan)."""

CAUSE_SHARES = tuple(f"share_poor_{name}" for name in CAUSE_NAMES)
"""Outputs giving the percent of poor households with each cause."""

SCALE = ("cumulative_spending_national_billion", "cumulative_spending")
"""Outputs whose ratio gives a run's national scale (billions per simulated yuan)."""

TRANSFERS = ("headcount_rate", "headcount_pre_transfer")
"""Outputs of poverty after and before transfers."""


def national(output: str) -> str:
    """Name of a money output given in national billions: ``<output>_national_billion``."""
    return f"{output}_national_billion"


def cause_count(cause_share: str) -> str:
    """Name of the count of poor households with a cause: ``poor_households_<cause>``."""
    return "poor_households_" + cause_share.removeprefix("share_poor_")


DERIVED_UNITS: dict[str, str] = {
    **{national(flow): NATIONAL for flow in MONEY_FLOWS},
    national("carried_funds"): NATIONAL,
    "spent_share_of_funds": "percent of funds received",
    "transfer_lift": POINTS,
    "headcount_fall": POINTS,
    "headcount_pre_transfer_fall": POINTS,
    "headcount_fall_by_transfers": POINTS,
    **{cause_count(share): HOUSEHOLDS for share in CAUSE_SHARES},
}
"""Unit of every derived value, by name."""

DERIVED_MEANING: dict[str, str] = {
    "spent_share_of_funds": "spending as a percent of the funds received (new_funds)",
    "transfer_lift": "points of the headcount lifted out of poverty by transfers "
                     "(headcount_pre_transfer - headcount_rate)",
    "headcount_fall": "fall of the headcount rate from the start year",
    "headcount_pre_transfer_fall": "fall of the headcount before transfers from the start year",
    "headcount_fall_by_transfers": "part of the headcount's fall paid by transfers (the "
                                   "growth of transfer_lift since the start year)",
}
"""What the derived values that are not money or counts mean."""


def national_scale(runs: pd.DataFrame) -> pd.Series:
    """Each run's national billions per simulated yuan, indexed by scenario and seed.

    The ratio of the run's cumulative spending in national billions to its cumulative
    spending in simulated yuan, in its last year. A run that spent nothing takes the
    scale of a run with the same seed (the same households) that did; NaN if none did.

    Args:
        runs: Yearly outputs of the runs (with the :data:`SCALE` outputs).

    Returns:
        The scale of each run.
    """
    last = runs.sort_values("year").groupby(list(ID_COLUMNS), sort=False).tail(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = last[SCALE[0]].to_numpy(float) / last[SCALE[1]].to_numpy(float)
    scale = pd.Series(np.where(np.isfinite(ratio), ratio, np.nan),
                      index=pd.MultiIndex.from_frame(last[list(ID_COLUMNS)]))
    by_seed = scale.groupby(level="seed").transform("max")
    return scale.fillna(by_seed)


OWN = {"total": "total", "end_year": "end_year", "change": "change"}
"""Statistic of each kind of derived value in each scenario's own end year."""

COMMON = {"total": "common_total", "end_year": "common_year", "change": "common_change"}
"""Statistic of each kind of derived value in the last year all scenarios cover."""


def _windows(ends: dict[str, int]) -> list[tuple[dict[str, str], dict[str, int]]]:
    """Statistics and the year each scenario is summarised in.

    Its own end year, and the last year all cover when they end apart.
    """
    windows = [(OWN, ends)]
    if len(set(ends.values())) > 1:
        common = min(ends.values())
        windows.append((COMMON, dict.fromkeys(ends, common)))
    return windows


def _run_values(table: pd.DataFrame, year: int, scale: float) -> list[tuple[str, str, float]]:
    """A run's derived values up to ``year``: (name, kind, value).

    The kind is ``total``, ``end_year`` or ``change``.
    """
    have = set(table.columns)
    start = int(table.index.min())
    simulated = table.loc[start + 1:year]
    last = table.loc[year]
    out: list[tuple[str, str, float]] = []
    if set(SCALE) <= have:
        out.extend((national(flow), "total", float(simulated[flow].sum()) * scale)
                   for flow in MONEY_FLOWS if flow in have)
        if "carried_funds" in have:
            out.append((national("carried_funds"), "end_year",
                        float(last["carried_funds"]) * scale))
    if {"new_funds", "spending_total"} <= have:
        received = float(simulated["new_funds"].sum())
        spent = float(simulated["spending_total"].sum())
        out.append(("spent_share_of_funds", "total",
                    100 * spent / received if received > 0 else np.nan))
    if set(TRANSFERS) <= have:
        post, pre = table["headcount_rate"], table["headcount_pre_transfer"]
        fall, fall_pre = post[start] - post[year], pre[start] - pre[year]
        out += [("transfer_lift", "end_year", float(pre[year] - post[year])),
                ("headcount_fall", "change", float(fall)),
                ("headcount_pre_transfer_fall", "change", float(fall_pre)),
                ("headcount_fall_by_transfers", "change", float(fall - fall_pre))]
    if "poor_households" in have:
        for share in (s for s in CAUSE_SHARES if s in have):
            out.append((cause_count(share), "end_year",
                        float(last[share]) / 100 * float(last["poor_households"])))
    return out


def derived_values(runs: pd.DataFrame) -> pd.DataFrame:
    """Each run's derived values (those its outputs allow), in the summary's long form.

    Args:
        runs: Yearly outputs of the runs (scenario, seed, year, outputs).

    Returns:
        Columns scenario, seed, output, statistic (``total``, ``end_year``, ``change``;
        and ``common_total``, ``common_year``, ``common_change`` for the last year all
        scenarios cover, when they end apart), period, unit, value.
    """
    columns = [*ID_COLUMNS, "output", "statistic", "period", "unit", "value"]
    if runs.empty:
        return pd.DataFrame(columns=columns)
    start = int(runs["year"].min())
    scales = national_scale(runs) if set(SCALE) <= set(runs.columns) else None
    periods = {"total": lambda y: f"{start + 1}-{y}", "end_year": str,
               "change": lambda y: f"{start}-{y}"}
    rows = []
    for statistics, years in _windows(end_years(runs)):
        for (scenario, seed), table in runs.groupby(list(ID_COLUMNS), sort=False):
            year = years[str(scenario)]
            scale = float(scales[(scenario, seed)]) if scales is not None else np.nan
            for name, kind, value in _run_values(table.set_index("year").sort_index(), year,
                                                 scale):
                rows.append((scenario, seed, name, statistics[kind], periods[kind](year),
                             DERIVED_UNITS[name], value))
    return pd.DataFrame(rows, columns=columns)


def derived_summary(runs: pd.DataFrame, scenarios: Sequence[str]) -> pd.DataFrame:
    """The derived values summarised like outputs: means, intervals, paired differences.

    Args:
        runs: Yearly outputs of the runs.
        scenarios: Scenario names in order; the first is the reference.

    Returns:
        A summary table (:data:`~povsim.study.compare.tables.SUMMARY_COLUMNS`), empty if
        the outputs allow no derived value.
    """
    values = derived_values(runs)
    if values.empty:
        return paired_summary(values.assign(value=pd.Series(dtype=float)), scenarios)
    return paired_summary(values, scenarios, list(DERIVED_UNITS))


def national_by_year(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean funds received and spending of each intervention by scenario and year, national.

    Args:
        runs: Yearly outputs of the runs.

    Returns:
        A tidy table: scenario, year, series (``new_funds`` or an intervention's name),
        mean (billion yuan a year, national, 2010 prices); empty without the money
        outputs.
    """
    flows = [f for f in ("new_funds", *SPENDING_BY_INTERVENTION) if f in runs.columns]
    if not flows or not set(SCALE) <= set(runs.columns):
        return pd.DataFrame(columns=["scenario", "year", "series", "mean"])
    scale = national_scale(runs)
    keys = pd.MultiIndex.from_frame(runs[list(ID_COLUMNS)])
    values = runs[flows].mul(scale.reindex(keys).to_numpy(), axis=0)
    values[["scenario", "year"]] = runs[["scenario", "year"]]
    means = values.groupby(["scenario", "year"], sort=False)[flows].mean().reset_index()
    tidy = means.melt(id_vars=["scenario", "year"], var_name="series", value_name="mean")
    tidy["series"] = tidy["series"].str.replace(r"^spending_", "", regex=True)
    return tidy
