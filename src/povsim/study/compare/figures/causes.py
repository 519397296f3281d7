"""Causes among the remaining poor: shares beside counts, one marker per scenario and cause.

Shares of poor populations of very different sizes mislead on their own (half of 15
households is not half of 120), so the left panel gives the percent of each scenario's
poor households with each cause and the right panel how many poor households that is.
A household may have several causes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from povsim.status import CAUSE_NAMES
from povsim.study.compare.derived import cause_count
from povsim.study.compare.figures.palette import looks
from povsim.study.compare.figures.style import (
    figure,
    legend_handles,
    legend_right,
    note,
    save,
    thousands,
    title,
)

CAUSE_OUTPUTS = tuple(f"share_poor_{name}" for name in CAUSE_NAMES)
"""Outputs giving the percent of the poor with each cause."""

ROW_INCHES = 0.3
"""Height of each cause's row, in inches, besides ROW_INCHES_PER_SCENARIO per scenario."""

ROW_INCHES_PER_SCENARIO = 0.05
"""Height each scenario adds to a cause's row, in inches."""

DODGE = 0.7
"""Share of a cause's row over which its scenarios' markers are spread."""


def _statistic(summary: pd.DataFrame) -> str:
    """The statistic drawn: the end year, or the common year when scenarios end apart."""
    return "common_year" if (summary["statistic"] == "common_year").any() else "end_year"


def _dots(ax, rows: pd.DataFrame, outputs: Sequence[str], scenarios: Sequence[str],
          palette) -> None:
    """Each scenario's value of each output (one row each) with its interval whiskers."""
    base = np.arange(len(outputs))
    step = DODGE / max(len(scenarios), 1)
    for i, name in enumerate(scenarios):
        part = rows[rows["scenario"] == name].set_index("output").reindex(list(outputs))
        mean = part["mean"].to_numpy(float)
        err = np.vstack([mean - part["ci_low"].to_numpy(float),
                         part["ci_high"].to_numpy(float) - mean])
        look = palette[name]
        ax.errorbar(mean, base + (i - (len(scenarios) - 1) / 2) * step,
                    xerr=None if np.isnan(err).all() else err, linestyle="none",
                    marker=look.marker, color=look.colour, markersize=5, elinewidth=1,
                    capsize=0)
    ax.set_ylim(len(outputs) - 0.5, -0.5)
    ax.set_xlim(left=0)
    for edge in base[:-1] + 0.5:
        ax.axhline(edge, color="0.85", linewidth=0.8)
    ax.grid(alpha=0.3, axis="x")


def plot_causes(summary: pd.DataFrame, scenarios: Sequence[str], path: Path,
                n_seeds: int) -> Path:
    """Share and number of the poor with each cause, in the end year (or the common year).

    Args:
        summary: Summary table with the ``share_poor_*`` outputs and, for the counts,
            the derived ``poor_households_*`` values.
        scenarios: Scenario names in order.
        path: PNG file to write.
        n_seeds: Seeds per scenario (for the title's note).

    Returns:
        ``path``.
    """
    statistic = _statistic(summary)
    rows = summary[summary["statistic"] == statistic]
    causes = [c for c in CAUSE_OUTPUTS if c in set(rows["output"])]
    counts = [cause_count(c) for c in causes]
    have_counts = set(counts) <= set(rows["output"])
    palette = looks(scenarios)
    height = ROW_INCHES + ROW_INCHES_PER_SCENARIO * len(scenarios)
    fig, axes = figure(1, 2 if have_counts else 1, row_height=height * len(causes),
                       sharex=False, sharey=True)
    _dots(axes[0, 0], rows, causes, scenarios, palette)
    axes[0, 0].set_yticks(np.arange(len(causes)),
                          [c.removeprefix("share_poor_").replace("_", " ") for c in causes])
    axes[0, 0].set_xlim(0, 100)
    axes[0, 0].set_xlabel("percent of the scenario's poor households")
    axes[0, 0].set_title("Share of the poor", fontsize="medium")
    if have_counts:
        _dots(axes[0, 1], rows, counts, scenarios, palette)
        axes[0, 1].set_xlabel("poor households with the cause (simulated households)")
        axes[0, 1].set_title("Number of poor households", fontsize="medium")
        thousands(axes[0, 1], rows[rows["output"].isin(counts)]["ci_high"].to_numpy(float))
    periods = rows[rows["output"].isin(causes)].drop_duplicates("scenario")
    years = sorted(set(periods["period"]))
    when = years[0] if len(years) == 1 else " and ".join(years) + " (each scenario's end)"
    title(fig, f"Causes among the remaining poor in {when}; a household may have several",
          note(n_seeds, "whiskers"))
    legend_right(fig, legend_handles(scenarios, palette, lines=False))
    return save(fig, path)
