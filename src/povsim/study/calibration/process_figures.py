"""Figures of a validation that show how the model gets to its numbers, year by year.

The target table says whether the stocks are right; these figures show the process
behind them, which the data constrain less but an analyst must be able to believe:
the register's stocks and gross flows beside the headcount, the designated counties'
exits against the national count, poverty before and after transfers, and the
identification errors of the register.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from povsim.study.calibration.targets import NATIONAL_POOR_COUNTIES
from povsim.study.calibration.validate import Validation
from povsim.study.intervals import interval_half_width
from povsim.util.atomic import atomic_path

FIGURE_DPI = 120
"""Resolution of the figures."""

REGISTER_FLOWS: tuple[tuple[str, str], ...] = (
    ("new_registrations", "registered (new)"),
    ("added_by_sweep", "added by the look-back sweep"),
    ("removals", "removed (not poor, sweep or check)"),
    ("exits_registered", "certified exits"),
    ("returns_registered", "returned to the register"),
)
"""Gross flows of the register drawn, each a yearly count of simulated households."""


def _save(fig: plt.Figure, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=FIGURE_DPI, format="png")
    plt.close(fig)


def _band(ax: plt.Axes, runs: pd.DataFrame, column: str, label: str, *, color: str,
          style: str = "-", scale: pd.Series | float = 1.0) -> None:
    """Mean over seeds of ``column`` by year (times ``scale``) with its 95% band."""
    values = runs[column].astype(float) * scale
    g = values.groupby(runs["year"])
    mean = g.mean()
    half = np.nan_to_num(np.asarray(interval_half_width(g.std(ddof=1), g.count()), float))
    ax.plot(mean.index, mean.values, style, color=color, label=label, marker=".")
    ax.fill_between(mean.index, mean - half, mean + half, color=color, alpha=0.18, lw=0)


def _finish(ax: plt.Axes, ylabel: str, *, legend: bool = True) -> None:
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if legend:
        ax.legend(frameon=False, fontsize=8)


def household_scale(runs: pd.DataFrame) -> pd.Series:
    """National millions of households per simulated household, for each row of ``runs``.

    Each run's registered households in national millions over its simulated count, in
    the first year with a register (the same for every year of the run).
    """
    ok = runs[runs["registered_households"] > 0]
    per_run = (ok["registered_households_million"] / ok["registered_households"]).groupby(
        ok["seed"]).first()
    return runs["seed"].map(per_run).astype(float)


def register_start(runs: pd.DataFrame) -> int:
    """The first year any run has a register (the last year if none has)."""
    built = runs.loc[runs["registered_households"] > 0, "year"]
    return int(built.min()) if len(built) else int(runs["year"].max())


def plot_register(v: Validation, path: Path) -> None:
    """The register's stocks beside the headcount, and its gross flows, by year."""
    runs = v.runs
    built = runs[runs["year"] >= register_start(runs)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6), constrained_layout=True)
    _band(left, runs, "poor_persons_million", "poor persons (below the line)", color="black")
    _band(left, built, "registered_persons_million", "on the register as poor",
          color="tab:blue")
    _band(left, built, "on_books_persons_million", "ever registered (on the books)",
          color="tab:gray", style="--")
    _band(left, built, "backstop_registered_persons_million",
          "ever registered, on the dibao or\nextreme-poverty support", color="tab:green",
          style=":")
    data = v.table[v.table["target"].isin(["registered_persons_million",
                                           "registered_remaining_million"])]
    if len(data):
        left.errorbar(data["year"], data["data"], yerr=data["tolerance"].fillna(0), fmt="o",
                      color="tab:blue", capsize=3, label="register, data")
    left.set_title("Stocks (national millions of persons)")
    _finish(left, "million persons")
    scale = household_scale(built)
    colors = ("tab:blue", "tab:purple", "tab:red", "tab:green", "tab:orange")
    for (column, label), color in zip(REGISTER_FLOWS, colors, strict=True):
        if column in built:
            _band(right, built, column, label, color=color, scale=scale)
    right.set_title("Gross flows of the register (national)")
    _finish(right, "million households a year")
    _save(fig, path)


def plot_county_exits(v: Validation, path: Path) -> None:
    """Designated counties exited by the end of each year: model (scaled) and data."""
    runs = v.runs
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    share = runs["counties_exited"] / runs["counties_designated"].replace(0, np.nan)
    shown = runs.assign(exited=(share * NATIONAL_POOR_COUNTIES).fillna(0.0))
    _band(ax, shown, "exited", "model: designated counties exited (scaled to 832)",
          color="tab:blue")
    data = v.table[v.table["target"] == "poor_counties_exited"]
    if len(data):
        ax.plot(data["year"], data["data"], "o", color="black", label="data (LGOP)")
    ax.axhline(NATIONAL_POOR_COUNTIES, color="gray", lw=0.8, ls=":")
    ax.set_title("Designated poor counties that have exited")
    _finish(ax, "counties (of 832)")
    _save(fig, path)


def plot_transfers(v: Validation, path: Path) -> None:
    """The headcount before and after public transfers, by year."""
    runs = v.runs
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    _band(ax, runs, "headcount_pre_transfer", "before public transfers", color="tab:red",
          style="--")
    _band(ax, runs, "headcount_rate", "after transfers (the headcount)", color="tab:blue")
    data = v.table[v.table["target"] == "headcount_rate"]
    if len(data):
        ax.errorbar(data["year"], data["data"], yerr=data["tolerance"], fmt="o", color="black",
                    capsize=3, label="data (NBS) with tolerance")
    ax.set_title("Poverty before and after public transfers (% of persons)")
    _finish(ax, "% of persons below the line")
    _save(fig, path)


def plot_identification(v: Validation, path: Path) -> None:
    """The register's identification errors by year."""
    runs = v.runs
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    _band(ax, runs[runs["registered_households"] > 0], "inclusion_error",
          "inclusion: registered households not poor (% of registered)", color="tab:orange")
    _band(ax, runs, "exclusion_error",
          "exclusion: poor households neither registered nor monitored (% of poor)",
          color="tab:purple")
    ax.set_title("Identification errors of the register")
    _finish(ax, "percent")
    _save(fig, path)


PROCESS_FIGURES: Sequence[tuple[str, str, Callable[[Validation, Path], None]]] = (
    ("register", "register.png", plot_register),
    ("county_exits", "county_exits.png", plot_county_exits),
    ("transfers", "transfers.png", plot_transfers),
    ("identification", "identification.png", plot_identification),
)
"""Each process figure: its key, file name and drawing function."""
