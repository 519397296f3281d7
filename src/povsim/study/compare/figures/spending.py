"""Spending by intervention: one panel per scenario, the interventions stacked year by year.

In national billions of yuan (2010 prices) a year, with the funds the scenario received
drawn over the stack, so money left unspent shows as the gap between the line and the
stack's top.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from povsim.params.policy import INTERVENTION_NAMES
from povsim.study.compare.figures.style import (
    PANEL_HEIGHT,
    figure,
    grid_shape,
    legend_below,
    save,
    title,
    year_axis,
)

RECEIVED = "new_funds"
"""The series of funds received, drawn as a line over the stack."""


def intervention_colours() -> dict[str, tuple[float, ...]]:
    """A fixed colour per intervention (tab20, skipping its light halves after ten)."""
    cycle = plt.get_cmap("tab20").colors
    order = [*range(0, 20, 2), *range(1, 20, 2)]
    return {name: cycle[order[i % len(order)]] for i, name in enumerate(INTERVENTION_NAMES)}


def plot_spending(national: pd.DataFrame, scenarios: Sequence[str], path: Path,
                  n_seeds: int) -> Path:
    """Spending of each intervention stacked, per scenario, with the funds received.

    Args:
        national: Yearly means in national billions (``national_by_year``): scenario,
            year, series (an intervention or ``new_funds``), mean.
        scenarios: Scenario names in order.
        path: PNG file to write.
        n_seeds: Seeds per scenario (for the title).

    Returns:
        ``path``.
    """
    first = int(national["year"].min()) + 1
    national = national[national["year"] >= first]
    spent = national[national["series"] != RECEIVED]
    used = [name for name in INTERVENTION_NAMES
            if (spent.loc[spent["series"] == name, "mean"] > 0).any()]
    colours = intervention_colours()
    rows, columns = grid_shape(len(scenarios))
    fig, axes = figure(rows, columns, row_height=PANEL_HEIGHT * 0.8, sharey=True)
    for ax, name in zip(axes.flat, scenarios, strict=False):
        mine = national[national["scenario"] == name]
        wide = mine.pivot(index="year", columns="series", values="mean").fillna(0.0)
        years = wide.index.to_numpy()
        stack = [wide[s].to_numpy() if s in wide else np.zeros(len(years)) for s in used]
        if used:
            ax.stackplot(years, *stack, colors=[colours[s] for s in used], linewidth=0)
        if RECEIVED in wide and (wide[RECEIVED] > 0).any():
            ax.plot(years, wide[RECEIVED], color="black", linestyle=(0, (4, 2)),
                    linewidth=1.5)
        if not any(s.any() for s in stack):
            ax.text(0.5, 0.5, "no campaign spending", transform=ax.transAxes,
                    ha="center", va="center", color="0.4")
        ax.set_title(name, fontsize="medium")
        year_axis(ax)
    for ax in axes[:, 0]:
        ax.set_ylabel("billion yuan a year\n(national, 2010 prices)")
    for ax in axes.flat[len(scenarios):]:
        ax.set_visible(False)
    title(fig, "Spending by intervention, and the funds received (dashed line)",
          f"national billions of yuan, 2010 prices; mean over {n_seeds} seed"
          f"{'s' if n_seeds != 1 else ''}")
    handles = [Patch(color=colours[s], label=s.replace("_", " ")) for s in used]
    handles.append(Line2D([], [], color="black", linestyle=(0, (4, 2)), linewidth=1.5,
                          label="funds received"))
    legend_below(fig, handles, columns=5)
    return save(fig, path)
