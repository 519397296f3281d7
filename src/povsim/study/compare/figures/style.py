"""What every figure of a comparison shares: its width, its title, its bands and its file.

Every figure is :data:`WIDTH` inches wide at :data:`DPI` (so every PNG has the same width
in pixels and sits in the report at the same scale); only heights differ. Titles are
wrapped to the width, never cut off. Bands are the 95% interval of the mean over seeds,
light enough that several can overlap, with their edges drawn thin in the scenario's
colour so that each can be followed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from povsim.study.compare.figures.palette import Look
from povsim.study.intervals import CONFIDENCE
from povsim.util.atomic import atomic_path

DPI = 100
"""Resolution of the PNG files (dots per inch)."""

WIDTH = 11.0
"""Width of every figure in inches (1,100 pixels)."""

PANEL_HEIGHT = 3.6
"""Height of one row of panels, in inches."""

TITLE_HEIGHT = 0.9
"""Height of a figure's title and legend rows, in inches, besides its panels."""

BAND_ALPHA = 0.10
"""Opacity of the interval bands."""

BAND_EDGE = 0.5
"""Width of the band edges (points)."""

TITLE_CHARACTERS = 110
"""Characters of a title line across the figure's width (longer titles wrap)."""

THOUSANDS_FROM = 10_000
"""Axes reaching this value label their ticks with thousands separators (1,500,000)."""


def figure(rows: int = 1, columns: int = 1, *, row_height: float = PANEL_HEIGHT,
           sharey: bool | str = False, sharex: bool = True) -> tuple[Figure, np.ndarray]:
    """A figure :data:`WIDTH` wide with a grid of panels (axes as a 2-D array)."""
    fig, axes = plt.subplots(rows, columns, figsize=(WIDTH, rows * row_height + TITLE_HEIGHT),
                             sharex=sharex, sharey=sharey, squeeze=False,
                             layout="constrained")
    return fig, axes


def title(fig: Figure, text: str, note: str = "") -> None:
    """Give a figure its title (wrapped to the width) and a smaller note under it."""
    lines = textwrap.wrap(text, TITLE_CHARACTERS)
    if note:
        lines += textwrap.wrap(f"({note})", int(TITLE_CHARACTERS * 1.15))
    fig.suptitle("\n".join(lines), fontsize="medium")


def note(n_seeds: int, mark: str = "bands") -> str:
    """What a figure's lines and marks are, for its title."""
    if n_seeds == 1:
        return "one seed: no interval"
    return f"mean over {n_seeds} seeds; {mark}: {CONFIDENCE:.0%} interval of the mean"


def label(output: str, unit: str) -> str:
    """An axis label: the output's name in words and its unit."""
    text = output.replace("_", " ")
    return f"{text} ({unit})" if unit else text


def year_axis(ax: Axes) -> None:
    """Label an axis of years with whole years."""
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.grid(alpha=0.3)


def thousands(ax: Axes, values: np.ndarray) -> None:
    """Separate thousands on the y axis when its values are large."""
    values = np.abs(values[np.isfinite(values)])
    if values.size and values.max() >= THOUSANDS_FROM:
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def band_line(ax: Axes, series: pd.DataFrame, look: Look, name: str) -> None:
    """One scenario's mean over years as a line in its look, its interval as a band."""
    ax.plot(series["year"], series["mean"], label=name, zorder=3, **look.line_kwargs())
    known = series[["ci_low", "ci_high"]].notna().all(axis=1).to_numpy()
    if known.any():
        ax.fill_between(series["year"], series["ci_low"], series["ci_high"], where=known,
                        color=look.colour, alpha=BAND_ALPHA, linewidth=0, zorder=1)
        for edge in ("ci_low", "ci_high"):
            ax.plot(series["year"], series[edge], color=look.colour, linewidth=BAND_EDGE,
                    alpha=0.6, zorder=2)


def band_panel(ax: Axes, yearly: pd.DataFrame, output: str, scenarios: Sequence[str],
               palette: dict[str, Look], *, from_year: int | None = None,
               ylabel: str | None = None) -> None:
    """Draw one output over years: a line per scenario (its own years) and its band.

    Args:
        ax: Where to draw.
        yearly: Yearly table (``yearly_table``) holding ``output``.
        output: The output to draw.
        scenarios: Scenario names in order.
        palette: Each scenario's look.
        from_year: First year to draw (all years if ``None``).
        ylabel: Label of the y axis (the output and its unit if ``None``).
    """
    rows = yearly[yearly["output"] == output]
    if from_year is not None:
        rows = rows[rows["year"] >= from_year]
    for name in scenarios:
        series = rows[rows["scenario"] == name]
        if not series.empty:
            band_line(ax, series, palette[name], name)
    unit = rows["unit"].iloc[0] if len(rows) else ""
    ax.set_ylabel(label(output, unit) if ylabel is None else ylabel)
    year_axis(ax)
    thousands(ax, rows[["mean", "ci_high"]].to_numpy(float))


def legend_handles(scenarios: Sequence[str], palette: dict[str, Look], *,
                   lines: bool = True) -> list[Line2D]:
    """Legend entries of the scenarios, each in its look (its marker alone if not ``lines``)."""
    return [Line2D([], [], label=name, **{**palette[name].line_kwargs(),
                                          **({} if lines else {"linestyle": "none"})})
            for name in scenarios]


def legend_right(fig: Figure, handles: Sequence[object]) -> None:
    """The figure's legend, outside its panels on the right."""
    fig.legend(handles=list(handles), loc="outside right center", frameon=False,
               handlelength=3.5)


def legend_below(fig: Figure, handles: Sequence[object], columns: int = 4) -> None:
    """The figure's legend, outside its panels below them."""
    fig.legend(handles=list(handles), loc="outside lower center", frameon=False,
               ncols=min(columns, max(len(handles), 1)), handlelength=3.5)


def save(fig: Figure, path: Path) -> Path:
    """Write a figure to a PNG file (whole or not at all) and close it."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=DPI, format="png")
    plt.close(fig)
    return path


def grid_shape(panels: int, columns: int = 3) -> tuple[int, int]:
    """Rows and columns of a grid of small multiples."""
    columns = max(1, min(columns, panels))
    return -(-panels // columns), columns
