"""Figures of a comparison: each scenario's mean over seeds with its 95% interval.

Every figure is as wide as the others and gives each scenario the same look (colour,
line style, marker: :mod:`~povsim.study.compare.figures.palette`), the reference first.
:func:`plot_comparison` draws every figure the outputs allow.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from povsim.study.compare.comparison import FILES
from povsim.study.compare.figures.causes import CAUSE_OUTPUTS, plot_causes
from povsim.study.compare.figures.lines import (
    COSTS,
    plot_costs,
    plot_flows,
    plot_headcount,
    plot_transfers,
)
from povsim.study.compare.figures.spending import plot_spending

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

FIGURES = {kind: FILES[kind] for kind in ("headcount", "transfers", "flows", "spending",
                                          "costs", "causes")}
"""Each figure's file, by kind, in the order of the report."""

CAPTIONS = {
    "headcount": "Poverty headcount by year",
    "transfers": "Poverty before and after transfers",
    "flows": "Exits from and returns to poverty by year",
    "spending": "Spending by intervention and the funds received (national)",
    "costs": "Cost per exit, per sustained exit and per lasting exit",
    "causes": "Causes among the remaining poor: shares and counts",
}
"""Caption of each figure in the report, by kind."""


def plot_comparison(yearly: pd.DataFrame, summary: pd.DataFrame, national: pd.DataFrame,
                    scenarios: Sequence[str], out: Path, *, n_seeds: int,
                    differences: pd.DataFrame | None = None) -> dict[str, Path | str]:
    """Draw every figure the outputs allow.

    Args:
        yearly: Yearly table over every output.
        summary: Summary table over every output, with the derived values.
        national: Yearly funds and spending by intervention in national billions
            (:func:`~povsim.study.compare.derived.national_by_year`).
        scenarios: Scenario names in order.
        out: Folder to write to.
        n_seeds: Seeds per scenario (for the titles).
        differences: Yearly differences from the reference, paired by seed
            (:func:`~povsim.study.compare.tables.yearly_differences`), for the headcount.

    Returns:
        By figure kind, the PNG written, or a note saying why the figure was skipped.
    """
    have = set(yearly["output"])
    made: dict[str, Path | str] = {}
    if "headcount_rate" in have:
        made["headcount"] = plot_headcount(yearly, scenarios, out / FIGURES["headcount"],
                                           n_seeds, differences)
    if {"headcount_rate", "headcount_pre_transfer"} <= have:
        made["transfers"] = plot_transfers(yearly, scenarios, out / FIGURES["transfers"],
                                           n_seeds)
    if {"exits", "returns"} <= have:
        made["flows"] = plot_flows(yearly, scenarios, out / FIGURES["flows"], n_seeds)
    if len(national):
        made["spending"] = plot_spending(national, scenarios, out / FIGURES["spending"],
                                         n_seeds)
    else:
        made["spending"] = ("No spending figure: the model's outputs have no spending by "
                            "intervention (`spending_*`, `cumulative_spending`; they come "
                            "with the interventions and the budget).")
    if have & set(COSTS):
        made["costs"] = plot_costs(yearly, scenarios, out / FIGURES["costs"], n_seeds)
    if have & set(CAUSE_OUTPUTS):
        made["causes"] = plot_causes(summary, scenarios, out / FIGURES["causes"], n_seeds)
    return made
