"""Poverty outputs: headcount, gap, severity, flows, inequality, causes among the poor.

Poverty measures are person-weighted: each member of a household has its
per-capita income, and each household stands for ``weight`` real households.
Negative incomes count as zero in the gap measures and the Gini.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from povsim.metrics.frame import bottom_mean_of_bins, dot, gini_of_bins, year_frame
from povsim.status import CAUSE_NAMES

if TYPE_CHECKING:
    from povsim.model import PovertyModel

BOTTOM_SHARE = 0.4
"""Share of persons whose mean income is reported as ``bottom40_mean_income``."""


# ----------------------------------------------------------------- reporters
def year(model: PovertyModel) -> int:
    """Calendar year of the state."""
    return model.year


def headcount_rate(model: PovertyModel) -> float:
    """Share of persons below the line, in percent."""
    t = year_frame(model).totals
    return 100.0 * t.poor_persons / t.persons


def poor_persons_million(model: PovertyModel) -> float:
    """Persons below the line, national-equivalent millions (household weights)."""
    return year_frame(model).totals.poor_persons / 1e6


def poor_households(model: PovertyModel) -> int:
    """Simulated households below the line."""
    return year_frame(model).totals.poor


def poverty_gap(model: PovertyModel) -> float:
    """FGT1: mean normalised shortfall from the line over all persons (0-1)."""
    t = year_frame(model).totals
    return t.gap / t.persons


def poverty_severity(model: PovertyModel) -> float:
    """FGT2: mean squared normalised shortfall over all persons (0-1)."""
    t = year_frame(model).totals
    return t.severity / t.persons


def entries(model: PovertyModel) -> int:
    """Households poor for the first time this year."""
    return model.flows.entries


def exits(model: PovertyModel) -> int:
    """Households that left true poverty this year."""
    return model.flows.exits


def returns(model: PovertyModel) -> int:
    """Households poor again this year after having been out."""
    return model.flows.returns


def illness_driven_entries(model: PovertyModel) -> int:
    """Entries and returns this year of households hit by illness.

    Illness: an episode, or out-of-pocket medical spending above causes.illness_spending.
    """
    return model.flows.illness_driven


def dissolved(model: PovertyModel) -> int:
    """Poor households whose members all died this year."""
    return model.flows.dissolved


def mean_completed_spell(model: PovertyModel) -> float:
    """Mean length in years of the poverty spells that ended this year."""
    return model.flows.mean_completed_spell


def mean_income(model: PovertyModel) -> float:
    """Mean per-capita net income over persons (yuan, 2010 prices)."""
    f = year_frame(model)
    return dot(f.persons, f.clipped_income) / f.total_persons


def bottom40_mean_income(model: PovertyModel) -> float:
    """Mean per-capita income of the poorest 40% of persons (yuan, 2010 prices)."""
    f = year_frame(model)
    bins = f.income_bins
    if bins is not None:
        return bottom_mean_of_bins(bins, BOTTOM_SHARE)
    s = f.sorted_income
    cum = np.cumsum(s.persons)
    cutoff = BOTTOM_SHARE * f.total_persons
    k = int(np.searchsorted(cum, cutoff))
    full = dot(s.persons[:k], s.income[:k])
    part = cutoff - (cum[k - 1] if k else 0.0)
    full += part * s.income[min(k, len(cum) - 1)]
    return full / cutoff


def gini(model: PovertyModel) -> float:
    """Gini coefficient of per-capita income over persons (negative incomes as 0).

    Exact up to 50,000 households; above, from incomes in bins 0.012% wide, which can
    understate it by at most 0.00006 (by about 1e-9 for a million households).
    """
    f = year_frame(model)
    bins = f.income_bins
    if bins is not None:
        return gini_of_bins(bins)[0]
    s = f.sorted_income
    return gini_coefficient(s.income, s.persons, presorted=True)


def gini_coefficient(values: np.ndarray, weights: np.ndarray, *, presorted: bool = False) -> float:
    """Weighted Gini coefficient.

    Args:
        values: Non-negative values (e.g. incomes).
        weights: Non-negative weights (e.g. persons).
        presorted: Whether ``values`` are already in ascending order.

    Returns:
        The Gini coefficient (0 = equality), or NaN when there is no income.
    """
    v = np.asarray(values, np.float64)
    w = np.asarray(weights, np.float64)
    if not presorted:
        order = np.argsort(v, kind="stable")
        v, w = v[order], w[order]
    total_w = w.sum()
    total_y = dot(v, w)
    if total_w <= 0 or total_y <= 0:
        return float("nan")
    cum_y = np.cumsum(v * w) / total_y
    prev = np.concatenate([[0.0], cum_y[:-1]])
    return float(1.0 - dot(w / total_w, cum_y + prev))


def _cause_share(index: int) -> Callable[[PovertyModel], float]:
    def share(model: PovertyModel) -> float:
        f = year_frame(model)
        if f.totals.poor == 0:
            return float("nan")
        return 100.0 * float(f.cause_counts.poor_causes[index]) / f.totals.poor

    share.__name__ = f"share_poor_{CAUSE_NAMES[index]}"
    share.__qualname__ = share.__name__
    share.__doc__ = f"Percent of poor households with {CAUSE_NAMES[index].replace('_', ' ')}."
    return share


# Module-level cause reporters (picklable by name).
share_poor_illness = _cause_share(0)
share_poor_disability = _cause_share(1)
share_poor_lack_of_labour = _cause_share(2)
share_poor_lack_of_skills = _cause_share(3)
share_poor_old_age = _cause_share(4)
share_poor_lack_of_capital = _cause_share(5)
share_poor_remote_location = _cause_share(6)
share_poor_schooling_costs = _cause_share(7)
share_poor_disaster = _cause_share(8)


POVERTY_OUTPUTS: dict[str, tuple[Callable[[PovertyModel], float], str]] = {
    "year": (year, "year"),
    "headcount_rate": (headcount_rate, "percent of persons"),
    "poor_persons_million": (poor_persons_million, "million persons (national equivalent)"),
    "poor_households": (poor_households, "simulated households"),
    "poverty_gap": (poverty_gap, "FGT1, 0-1"),
    "poverty_severity": (poverty_severity, "FGT2, 0-1"),
    "entries": (entries, "simulated households/year"),
    "exits": (exits, "simulated households/year"),
    "returns": (returns, "simulated households/year"),
    "dissolved": (dissolved, "simulated households/year"),
    "illness_driven_entries": (illness_driven_entries, "simulated households/year"),
    "mean_completed_spell": (mean_completed_spell, "years"),
    "mean_income": (mean_income, "yuan/person/year (2010 prices)"),
    "bottom40_mean_income": (bottom40_mean_income, "yuan/person/year (2010 prices)"),
    "gini": (gini, "0-1"),
    **{
        f"share_poor_{name}": (globals()[f"share_poor_{name}"], "percent of poor households")
        for name in CAUSE_NAMES
    },
}
"""Poverty outputs: name mapped to (reporter, unit)."""
