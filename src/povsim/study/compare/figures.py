"""Figures of a comparison: each scenario's mean over seeds with its 95% interval.

Every figure takes the summary tables of :mod:`povsim.study.compare.tables` (``yearly_table`` and
``summary_table`` over every output) and gives each scenario the same colour in
every figure, the reference first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from povsim.status import CAUSE_NAMES
from povsim.study.compare.comparison import FILES
from povsim.study.intervals import CONFIDENCE
from povsim.util.atomic import atomic_path

DPI = 120
"""Resolution of the PNG files (dots per inch)."""

PANEL_SIZE = (5.6, 4.2)
"""Width and height of one panel in inches."""

BAND_ALPHA = 0.2
"""Opacity of the interval bands."""

BAR_HEIGHT = 0.8
"""Share of each cause's row taken by its group of bars."""

BAR_INCHES = 0.3
"""Height of one bar of the causes figure, in inches (the figure grows with the bars)."""

MARGIN_INCHES = 1.8
"""Height of the causes figure's title and axis, in inches."""

CAUSES_WIDTH = 8.0
"""Width of the causes figure, in inches."""

SPENDING_OUTPUTS = ("spending_total", "cost_per_sustained_exit")
"""Outputs of the spending figure; it is drawn only when both exist."""

CAUSE_OUTPUTS = tuple(f"share_poor_{name}" for name in CAUSE_NAMES)
"""Outputs giving the share of the poor with each cause."""

THOUSANDS_FROM = 10_000
"""Axes reaching this value label their ticks with thousands separators (1,500,000)."""


def colours(scenarios: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """A fixed colour per scenario (matplotlib's tab10 cycle, in the order given)."""
    cycle = plt.get_cmap("tab10").colors
    return {name: cycle[i % len(cycle)] for i, name in enumerate(scenarios)}


def _label(output: str, unit: str) -> str:
    return f"{output.replace('_', ' ')} ({unit})" if unit else output.replace("_", " ")


def band_panel(ax: Axes, yearly: pd.DataFrame, output: str, scenarios: Sequence[str],
               *, from_year: int | None = None) -> None:
    """Draw one output over years: a line per scenario and its interval as a band.

    Args:
        ax: Where to draw.
        yearly: Yearly table (``compare.yearly_table``) holding ``output``.
        output: The output to draw.
        scenarios: Scenario names in order.
        from_year: First year to draw (all years if ``None``).
    """
    rows = yearly[yearly["output"] == output]
    if from_year is not None:
        rows = rows[rows["year"] >= from_year]
    palette = colours(scenarios)
    for name in scenarios:
        series = rows[rows["scenario"] == name]
        if series.empty:
            continue
        ax.plot(series["year"], series["mean"], marker="o", markersize=3.5,
                color=palette[name], label=name)
        ax.fill_between(series["year"], series["ci_low"], series["ci_high"],
                        color=palette[name], alpha=BAND_ALPHA, linewidth=0)
    unit = rows["unit"].iloc[0] if len(rows) else ""
    ax.set_ylabel(_label(output, unit))
    ax.set_xlabel("year")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    values = np.abs(rows[["mean", "ci_high"]].to_numpy(float))
    if np.isfinite(values).any() and np.nanmax(values) >= THOUSANDS_FROM:
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.grid(alpha=0.3)


def _save(fig: Figure, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=DPI, format="png")
    plt.close(fig)
    return path


def _note(n_seeds: int, mark: str = "band") -> str:
    if n_seeds == 1:
        return "one seed: no interval"
    return f"mean over {n_seeds} seeds; {mark}: {CONFIDENCE:.0%} interval of the mean"


def plot_headcount(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
                   n_seeds: int) -> Path:
    """Headcount rate over the years, one line and band per scenario."""
    fig, ax = plt.subplots(figsize=PANEL_SIZE, constrained_layout=True)
    band_panel(ax, yearly, "headcount_rate", scenarios)
    ax.set_ylim(bottom=0)
    ax.set_title(f"Poverty headcount ({_note(n_seeds)})", fontsize="medium")
    ax.legend(frameon=False)
    return _save(fig, path)


def _two_band_panels(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
                     outputs: Sequence[str], titles: Sequence[str], title: str) -> Path:
    """Two outputs per simulated year side by side, one band per scenario."""
    first = int(yearly["year"].min()) + 1  # flows start with the first simulated year
    fig, axes = plt.subplots(1, 2, figsize=(2 * PANEL_SIZE[0], PANEL_SIZE[1]), sharex=True,
                             constrained_layout=True)
    for ax, output, panel_title in zip(axes, outputs, titles, strict=True):
        band_panel(ax, yearly, output, scenarios, from_year=first)
        ax.set_ylim(bottom=0)
        ax.set_title(panel_title)
    axes[0].legend(frameon=False)
    fig.suptitle(title, fontsize="medium")
    return _save(fig, path)


def plot_flows(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
               n_seeds: int) -> Path:
    """Exits and returns per simulated year, side by side."""
    return _two_band_panels(yearly, scenarios, path, ("exits", "returns"),
                            ("Exits from poverty", "Returns to poverty"),
                            f"Flows per year ({_note(n_seeds)})")


def plot_spending(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
                  n_seeds: int) -> Path:
    """Spending per year and cost per sustained exit, side by side."""
    return _two_band_panels(yearly, scenarios, path, SPENDING_OUTPUTS,
                            ("Spending", "Cost per sustained exit"),
                            f"Spending ({_note(n_seeds)})")


def plot_causes(summary: pd.DataFrame, scenarios: Sequence[str], path: Path,
                n_seeds: int) -> Path:
    """Share of the poor with each cause in the end year: bars with interval whiskers."""
    rows = summary[(summary["statistic"] == "end_year") & summary["output"].isin(CAUSE_OUTPUTS)]
    causes = [c for c in CAUSE_OUTPUTS if c in set(rows["output"])]
    palette = colours(scenarios)
    height = BAR_HEIGHT / max(len(scenarios), 1)
    size = (CAUSES_WIDTH, BAR_INCHES * len(causes) * len(scenarios) + MARGIN_INCHES)
    fig, ax = plt.subplots(figsize=size, constrained_layout=True)
    base = np.arange(len(causes))
    for i, name in enumerate(scenarios):
        part = rows[rows["scenario"] == name].set_index("output").reindex(causes)
        mean = part["mean"].to_numpy(dtype=float)
        err = np.vstack([mean - part["ci_low"].to_numpy(dtype=float),
                         part["ci_high"].to_numpy(dtype=float) - mean])
        ax.barh(base + (i - (len(scenarios) - 1) / 2) * height, mean, height,
                xerr=None if np.isnan(err).all() else err, color=palette[name], label=name,
                error_kw={"elinewidth": 1, "capsize": 2})
    ax.set_yticks(base, [c.removeprefix("share_poor_").replace("_", " ") for c in causes])
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_xlabel("percent of poor households (a household may have several causes)")
    period = rows["period"].iloc[0] if len(rows) else ""
    ax.set_title(f"Causes among the remaining poor, {period}\n({_note(n_seeds, 'whiskers')})",
                 fontsize="medium")
    ax.grid(alpha=0.3, axis="x")
    ax.legend(frameon=False, loc="best")
    return _save(fig, path)


def plot_comparison(yearly: pd.DataFrame, summary: pd.DataFrame, scenarios: Sequence[str],
                    out: Path, *, n_seeds: int) -> dict[str, Path | str]:
    """Draw every figure the outputs allow.

    Args:
        yearly: Yearly table over every output.
        summary: Summary table over every output.
        scenarios: Scenario names in order.
        out: Folder to write to.
        n_seeds: Seeds per scenario (for the captions).

    Returns:
        By figure kind, the PNG written, or a note saying why the figure was skipped.
    """
    have = set(yearly["output"])
    made: dict[str, Path | str] = {}
    if "headcount_rate" in have:
        made["headcount"] = plot_headcount(yearly, scenarios, out / FILES["headcount"],
                                           n_seeds)
    if {"exits", "returns"} <= have:
        made["flows"] = plot_flows(yearly, scenarios, out / FILES["flows"], n_seeds)
    if set(SPENDING_OUTPUTS) <= have:
        made["spending"] = plot_spending(yearly, scenarios, out / FILES["spending"], n_seeds)
    else:
        missing = " and ".join(f"`{o}`" for o in SPENDING_OUTPUTS if o not in have)
        made["spending"] = (f"No spending figure: the model's outputs have no {missing} "
                            "(they come with the interventions and the budget).")
    if have & set(CAUSE_OUTPUTS):
        made["causes"] = plot_causes(summary, scenarios, out / FILES["causes"], n_seeds)
    return made
