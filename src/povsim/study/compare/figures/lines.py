"""Figures of outputs over the years: one line and band per scenario, each over its own years.

A scenario that runs longer than the others is drawn to its own end year, so one figure
shows a campaign to 2020 beside a transition to 2030.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from povsim.study.compare.figures.palette import looks
from povsim.study.compare.figures.style import (
    BAND_ALPHA,
    PANEL_HEIGHT,
    band_panel,
    figure,
    grid_shape,
    label,
    legend_below,
    legend_handles,
    legend_right,
    note,
    save,
    title,
    year_axis,
)

COSTS = ("cost_per_exit", "cost_per_sustained_exit", "cost_per_lasting_exit")
"""Outputs of the costs figure (those present are drawn)."""

COST_TITLES = {"cost_per_exit": "per exit", "cost_per_sustained_exit": "per sustained exit",
               "cost_per_lasting_exit": "per lasting exit"}
"""Panel titles of the costs figure."""


def plot_headcount(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
                   n_seeds: int, differences: pd.DataFrame | None = None) -> Path:
    """Headcount rate over the years, one line and band per scenario, legend on the right.

    With ``differences`` (and more than one scenario) a second panel gives each
    scenario's difference from the reference, paired by seed: its bands are far
    narrower than the levels', and a scenario that departs from the reference only late
    (a transition after 2020) shows at a readable scale.

    Args:
        yearly: Yearly table with ``headcount_rate``.
        scenarios: Scenario names in order; the first is the reference.
        path: PNG file to write.
        n_seeds: Seeds per scenario (for the title's note).
        differences: Paired yearly differences (``yearly_differences``) or ``None``.

    Returns:
        ``path``.
    """
    palette = looks(scenarios)
    paired = differences is not None and len(scenarios) > 1 and len(differences) > 0
    fig, axes = figure(1, 2 if paired else 1, row_height=PANEL_HEIGHT * 1.3, sharex=True)
    ax = axes[0, 0]
    band_panel(ax, yearly, "headcount_rate", scenarios, palette,
               ylabel="percent of persons below the line")
    ax.set_ylim(bottom=0)
    if paired:
        ax.set_title("Headcount", fontsize="medium")
        right = axes[0, 1]
        right.axhline(0, color=palette[scenarios[0]].colour, linewidth=1.7)
        band_panel(right, differences, "headcount_rate", scenarios[1:], palette,
                   ylabel="percentage points")
        right.set_title(f"Difference from {scenarios[0]}, paired by seed", fontsize="medium")
    title(fig, "Poverty headcount: percent of persons below the line", note(n_seeds))
    legend_right(fig, legend_handles(scenarios, palette))
    return save(fig, path)


def plot_panels(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path, *,
                outputs: Sequence[str], titles: Sequence[str], heading: str,
                n_seeds: int, from_year: int | None = None, ylabel: str | None = None,
                heading_note: str = "") -> Path:
    """Outputs side by side, one panel each, one line and band per scenario.

    Args:
        yearly: Yearly table over the outputs.
        scenarios: Scenario names in order.
        path: PNG file to write.
        outputs: The outputs, one panel each.
        titles: Each panel's title.
        heading: The figure's title.
        n_seeds: Seeds per scenario (for the title's note).
        from_year: First year drawn.
        ylabel: Label of every y axis (each output and its unit if ``None``).
        heading_note: Said in the title's note, before the seeds.

    Returns:
        ``path``.
    """
    palette = looks(scenarios)
    fig, axes = figure(1, len(outputs))
    for ax, output, panel_title in zip(axes[0], outputs, titles, strict=True):
        band_panel(ax, yearly, output, scenarios, palette, from_year=from_year,
                   ylabel=ylabel)
        ax.set_ylim(bottom=0)
        ax.set_title(panel_title, fontsize="medium")
    title(fig, heading, "; ".join(filter(None, (heading_note, note(n_seeds)))))
    legend_below(fig, legend_handles(scenarios, palette), columns=5)
    return save(fig, path)


def plot_flows(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
               n_seeds: int) -> Path:
    """Exits and returns per simulated year, side by side."""
    first = int(yearly["year"].min()) + 1  # flows start with the first simulated year
    return plot_panels(yearly, scenarios, path, outputs=("exits", "returns"),
                       titles=("Exits from poverty", "Returns to poverty"),
                       heading="Households leaving and falling back into poverty each year",
                       n_seeds=n_seeds, from_year=first)


def plot_costs(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
               n_seeds: int) -> Path:
    """Spending so far per exit, per sustained exit and per lasting exit, over the years."""
    have = set(yearly["output"])
    outputs = [o for o in COSTS if o in have]
    return plot_panels(
        yearly, scenarios, path, outputs=outputs, titles=[COST_TITLES[o] for o in outputs],
        heading="Cost of an exit: all spending so far, per exit so far",
        heading_note="yuan per household, the same in national and simulated yuan",
        ylabel="yuan per household", n_seeds=n_seeds)


def plot_transfers(yearly: pd.DataFrame, scenarios: Sequence[str], path: Path,
                   n_seeds: int) -> Path:
    """Poverty before and after transfers, one panel per scenario; the gap is shaded.

    The gap between the two lines is the part of the headcount that public transfers
    (the dibao, pensions, subsidies, ...) lift above the line.
    """
    palette = looks(scenarios)
    rows, columns = grid_shape(len(scenarios))
    fig, axes = figure(rows, columns, row_height=PANEL_HEIGHT * 0.8, sharey=True)
    post = yearly[yearly["output"] == "headcount_rate"]
    pre = yearly[yearly["output"] == "headcount_pre_transfer"]
    for ax, name in zip(axes.flat, scenarios, strict=False):
        after = post[post["scenario"] == name]
        before = pre[pre["scenario"] == name]
        colour = palette[name].colour
        ax.fill_between(after["year"], after["mean"], before["mean"].to_numpy(),
                        color=colour, alpha=2 * BAND_ALPHA, linewidth=0,
                        label="lifted by transfers")
        ax.plot(before["year"], before["mean"], color="0.35", linestyle=(0, (3, 1.5)),
                linewidth=1.6, label="before transfers")
        ax.plot(after["year"], after["mean"], color=colour, linewidth=1.9,
                label="after transfers")
        ax.set_title(name, fontsize="medium")
        ax.set_ylim(bottom=0)
        year_axis(ax)
    for ax in axes[:, 0]:
        ax.set_ylabel(label("headcount", "% of persons"))
    for ax in axes.flat[len(scenarios):]:
        ax.set_visible(False)
    title(fig, "Poverty before and after transfers: the shaded gap is the headcount "
               "that transfers lift above the line",
          f"mean over {n_seeds} seed{'s' if n_seeds != 1 else ''}; intervals in the report's "
          "table")
    handles = [Patch(color="0.6", alpha=0.5, label="lifted by transfers"),
               Line2D([], [], color="0.35", linestyle=(0, (3, 1.5)), linewidth=1.6,
                      label="before transfers (headcount_pre_transfer)"),
               Line2D([], [], color="0.1", linewidth=1.9,
                      label="after transfers (headcount_rate; the scenario's colour)")]
    legend_below(fig, handles, columns=3)
    return save(fig, path)
