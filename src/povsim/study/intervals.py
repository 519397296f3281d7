"""Intervals of a mean over seeds: the one definition every table, figure and report uses.

A statistic over runs (an output's mean over seeds, a paired difference between two
scenarios) is shown with its :data:`CONFIDENCE` interval from the t distribution with
``n - 1`` degrees of freedom; with fewer than two values there is no interval (NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.typing import SeriesGroupBy
from scipy import stats

CONFIDENCE = 0.95
"""Level of the intervals: 95% intervals of the mean over seeds (t distribution)."""


def interval_half_width(sd: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Half-width of the :data:`CONFIDENCE` interval of a mean (t distribution).

    Args:
        sd: Sample standard deviations (ddof 1).
        n: Sample sizes.

    Returns:
        The half-widths; NaN where ``n < 2``.
    """
    n = np.asarray(n, dtype=float)
    sd = np.asarray(sd, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + CONFIDENCE / 2, np.where(n >= 2, n - 1, np.nan))
        return np.where(n >= 2, t * sd / np.sqrt(n), np.nan)


def mean_intervals(groups: SeriesGroupBy, prefix: str = "") -> pd.DataFrame:
    """Mean of each group with its :data:`CONFIDENCE` interval and its size.

    Args:
        groups: Grouped values (missing values are left out of every statistic).
        prefix: Put before each column name (``"diff_"``).

    Returns:
        One row per group (indexed by the group keys): ``mean``, ``ci_low``,
        ``ci_high`` (NaN for a group of fewer than 2 values) and ``n``.
    """
    table = groups.agg(["mean", "std", "count"])
    half = interval_half_width(table["std"], table["count"])
    return pd.DataFrame({
        f"{prefix}mean": table["mean"],
        f"{prefix}ci_low": table["mean"] - half,
        f"{prefix}ci_high": table["mean"] + half,
        f"{prefix}n": table["count"].astype(int),
    })
