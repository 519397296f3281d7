"""Figures a spec asks for (``[[figures]]``), drawn from a sweep's results.

Each figure shows the mean over runs of an outcome (see
:mod:`povsim.study.outcomes`) in a year (the last year if not given), against
the experiment's factors (or ``policy`` / ``scenario``):

* ``heatmap``: ``x`` by ``y``, one cell per combination, the mean in each cell;
* ``lines``: the mean against ``x`` with its 95% interval as a band, one line per
  value of ``by`` (optional), one panel per outcome in ``outputs``;
* ``bars``: the mean for each ``x`` with its 95% interval, one panel per outcome.

Runs that differ in anything not on an axis (replications, other factors) are pooled.
Axis values keep the order of the spec (policies as declared, values as listed).
Next to each ``<name>.png`` the plotted numbers are written as ``<name>.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from povsim.study.outcomes import describe, outcome_per_run

FIGURE_DPI = 150
PANEL_SIZE = (5.2, 3.6)
BAND_ALPHA = 0.2
HEATMAP_CMAP = "viridis"
ANNOTATE_MAX_CELLS = 64
"""Heatmaps with at most this many cells print the value in each cell."""


def figure_data(results: pd.DataFrame, figure: Mapping[str, Any]) -> pd.DataFrame:
    """The numbers a figure plots: mean, 95% interval and n by axis values and outcome.

    Args:
        results: The sweep's results (:func:`~povsim.study.store.load_results`).
        figure: The figure's entry of the spec.

    Returns:
        Columns: the axes (``x``, then ``y`` or ``by`` if any), ``output``, ``year``,
        ``period`` (the year, or the years a total covers), ``mean``, ``ci_low``,
        ``ci_high``, ``n``.
    """
    from povsim.study.intervals import mean_intervals

    axes = [figure["x"], *(figure[k] for k in ("y", "by") if figure.get(k))]
    runs = results.drop_duplicates("run_id").set_index("run_id")[axes]
    parts = []
    year = figure.get("year")
    used_year = int(year if year is not None else results["year"].max())
    for output in figure["outputs"]:
        values = outcome_per_run(results, output, year).rename("value")
        groups = runs.join(values).groupby(axes, sort=False)["value"]
        table = mean_intervals(groups).reset_index()
        table.insert(len(axes), "output", output)
        table.insert(len(axes) + 1, "year", used_year)
        table.insert(len(axes) + 2, "period", period(output, int(results["year"].min()),
                                                     used_year))
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def draw_figure(data: pd.DataFrame, figure: Mapping[str, Any]) -> Any:
    """Draw a figure from :func:`figure_data`.

    Args:
        data: The numbers to plot.
        figure: The figure's entry of the spec.

    Returns:
        The matplotlib figure.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outputs = list(figure["outputs"])
    kind = figure["kind"]
    shown = outputs[:1] if kind == "heatmap" else outputs
    fig, axes = plt.subplots(1, len(shown), squeeze=False,
                             figsize=(PANEL_SIZE[0] * len(shown), PANEL_SIZE[1]))
    for ax, output in zip(axes[0], shown, strict=True):
        part = data[data["output"] == output]
        if kind == "heatmap":
            _heatmap(ax, fig, part, figure["x"], figure["y"], output)
        elif kind == "lines":
            _lines(ax, part, figure["x"], figure.get("by"))
        else:
            _bars(ax, part, figure["x"])
        unit = describe(output)
        ax.set_title(f"{output}, {part['period'].iloc[0]}" + (f"\n({unit})" if unit else ""),
                     fontsize=9)
        if kind != "heatmap":
            ax.set_ylabel(output)
    if figure.get("title"):
        fig.suptitle(figure["title"], fontsize=11)
    fig.tight_layout()
    return fig


def _heatmap(ax: Any, fig: Any, part: pd.DataFrame, x: str, y: str, output: str) -> None:
    grid = part.pivot_table(index=y, columns=x, values="mean", sort=False)
    image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap=HEATMAP_CMAP)
    ax.set_xticks(range(grid.shape[1]), [_label(v) for v in grid.columns], rotation=30)
    ax.set_yticks(range(grid.shape[0]), [_label(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=f"mean {output}")
    if grid.size <= ANNOTATE_MAX_CELLS:
        finite = grid.to_numpy()[np.isfinite(grid.to_numpy())]
        middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for (i, j), value in np.ndenumerate(grid.to_numpy()):
            if np.isfinite(value):
                ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=7,
                        color="black" if value > middle else "white")


def _lines(ax: Any, part: pd.DataFrame, x: str, by: str | None) -> None:
    groups = part.groupby(by, sort=False) if by else [(None, part)]
    numeric = pd.api.types.is_numeric_dtype(part[x])
    for key, group in groups:
        xs = group[x] if numeric else np.arange(len(group))
        label = f"{by} = {_label(key)}" if by else None
        ax.plot(xs, group["mean"], marker="o", label=label)
        ax.fill_between(xs, group["ci_low"], group["ci_high"], alpha=BAND_ALPHA)
        if not numeric:
            ax.set_xticks(xs, [_label(v) for v in group[x]], rotation=30, ha="right")
    ax.set_xlabel(x)
    if by:
        ax.legend(frameon=False, fontsize=7)


def _bars(ax: Any, part: pd.DataFrame, x: str) -> None:
    positions = np.arange(len(part))
    error = np.vstack([part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]])
    ax.bar(positions, part["mean"], yerr=np.nan_to_num(error), capsize=3)
    ax.set_xticks(positions, [_label(v) for v in part[x]], rotation=40, ha="right")
    ax.set_xlabel(x)


def period(output: str, start_year: int, year: int) -> str:
    """``"2020"`` for a value in a year; ``"2013-2020"`` for a total or a derived rate."""
    from povsim.study.outcomes import output_units

    first = start_year + 1
    return str(year) if output in output_units() or first == year else f"{first}-{year}"


def _label(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def write_figures(root: str | Path, figures: list[Mapping[str, Any]],
                  results: pd.DataFrame | None = None) -> dict[str, Path]:
    """Draw every figure of a spec into the sweep's folder (``<name>.png``, ``<name>.csv``).

    Args:
        root: The sweep's folder.
        figures: The spec's ``[[figures]]`` entries.
        results: The results (read from ``root`` if ``None``).

    Returns:
        The files written, by name.
    """
    import matplotlib.pyplot as plt

    from povsim.study.store import load_results
    from povsim.util.atomic import atomic_path, write_text

    if not figures:
        return {}
    results = load_results(root) if results is None else results
    written: dict[str, Path] = {}
    for figure in figures:
        data = figure_data(results, figure)
        name = figure["name"]
        written[f"{name}.csv"] = write_text(Path(root) / f"{name}.csv", data.to_csv(
            index=False, lineterminator="\n", float_format="%.6g"))
        fig = draw_figure(data, figure)
        png = Path(root) / f"{name}.png"
        with atomic_path(png) as tmp:
            fig.savefig(tmp, dpi=FIGURE_DPI, bbox_inches="tight")
        plt.close(fig)
        written[f"{name}.png"] = png
    return written
