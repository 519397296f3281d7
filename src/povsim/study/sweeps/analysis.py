"""Global sensitivity analysis of a sweep: Sobol indices or Morris elementary effects.

:func:`sensitivity` reads a sweep whose design is ``sobol`` or ``morris``, takes one
value of the chosen outcome per run (an output in a year, a total, or a derived
rate; see :mod:`povsim.study.outcomes`), **averages the replications of each
design point** (so the indices describe the mean response and the noise between
seeds is averaged away, not attributed to any parameter), and calls SALib:

* ``sobol``: ``SALib.analyze.sobol.analyze`` gives first-order (``S1``) and total
  (``ST``) indices with their confidence intervals (half-widths at ``conf_level``,
  by bootstrap);
* ``morris``: ``SALib.analyze.morris.analyze`` gives ``mu_star`` (mean absolute
  elementary effect) with its confidence interval, ``mu`` and ``sigma``.

Analyses are per scenario and policy. :func:`write_sensitivity` writes the table
(CSV) and a bar plot (PNG) to ``<sweep>/sensitivity/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from povsim.errors import PovsimError
from povsim.study.outcomes import describe, outcome_per_run
from povsim.study.store import ResultStore
from povsim.study.sweeps.designs import MORRIS_LEVELS
from povsim.study.sweeps.spec import SA_DESIGNS, salib_module

CONF_LEVEL = 0.95
"""Level of the confidence intervals of the indices."""

NUM_RESAMPLES = 1000
"""Bootstrap resamples for the confidence intervals."""

ANALYSIS_SEED = 20130101
"""Seed of the bootstrap (so a rerun gives the same intervals). Not 0: SALib's Sobol
analysis ignores a seed that is false (``if seed:``)."""

GROUP_COLUMNS = ("scenario", "policy")
OUTPUT_FOLDER = "sensitivity"
SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("mu", "mu_star", "mu_star_conf", "sigma")
FIGURE_DPI = 150
BAR_WIDTH = 0.38
MISSING_SHOWN = 10
"""Missing design points named in the error message; the rest are counted."""


def sensitivity(root: str | Path, output: str, *, year: int | None = None,
                conf_level: float = CONF_LEVEL, num_resamples: int = NUM_RESAMPLES,
                results: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sensitivity indices of one outcome of a sweep.

    Args:
        root: The sweep's folder.
        output: Outcome name (``headcount_rate``, ``total_exits``, ``return_rate``).
        year: Year of the outcome (the last year if ``None``).
        conf_level: Level of the confidence intervals.
        num_resamples: Bootstrap resamples.
        results: The sweep's stored runs, if already read (:func:`load_results`);
            read from ``root`` if ``None``.

    Returns:
        One row per scenario, policy and parameter: for Sobol ``S1``, ``S1_conf``,
        ``ST``, ``ST_conf``; for Morris ``mu``, ``mu_star``, ``mu_star_conf``,
        ``sigma``; with the outcome, year and number of points.

    Raises:
        PovsimError: If the design is not sobol or morris, the sweep is incomplete, or
            the outcome is unknown or not finite at some point.
    """
    store = ResultStore(root)
    manifest = store.read_sweep_manifest()
    design = manifest["design"]
    kind = design["kind"]
    if kind not in SA_DESIGNS:
        raise PovsimError(f"{root}: sensitivity analysis needs a sobol or morris design; "
                          f"this sweep used {kind!r} (set design = \"sobol\" or \"morris\" "
                          "in the spec)")
    module = salib_module("analyze", kind)
    n_points = int(design["points"])
    if results is None:
        results = store.load()
    if results.empty:
        raise PovsimError(f"{root}: no run has finished yet")
    values = outcome_per_run(results, output, year).reset_index()
    ids = results.drop_duplicates("run_id").set_index("run_id")
    values = values.join(ids[[*GROUP_COLUMNS, "point"]], on="run_id")
    used_year = int(year if year is not None else results["year"].max())
    problem = {**design["problem"], "bounds": [list(b) for b in design["problem"]["bounds"]]}
    raw = np.asarray(design["raw"], dtype=float)
    tables = []
    for (scenario, policy), group in values.groupby(list(GROUP_COLUMNS), sort=False):
        means = group.groupby("point")[output].mean().reindex(range(n_points))
        _check_complete(means, root, output, scenario, policy)
        y = means.to_numpy()
        if kind == "sobol":
            second = bool(design["options"].get("calc_second_order", False))
            found = module.analyze(problem, y, calc_second_order=second,
                                   num_resamples=num_resamples, conf_level=conf_level,
                                   seed=ANALYSIS_SEED)
            columns = SOBOL_COLUMNS
        else:
            levels = int(design["options"].get("num_levels", MORRIS_LEVELS))
            found = module.analyze(problem, raw, y, num_resamples=num_resamples,
                                   conf_level=conf_level, num_levels=levels,
                                   seed=ANALYSIS_SEED)
            columns = MORRIS_COLUMNS
        table = pd.DataFrame({"parameter": problem["names"],
                              **{c: np.asarray(found[c], dtype=float) for c in columns}})
        table.insert(0, "policy", policy)
        table.insert(0, "scenario", scenario)
        tables.append(table)
    out = pd.concat(tables, ignore_index=True)
    out.insert(2, "output", output)
    out.insert(3, "year", used_year)
    out["points"] = n_points
    out["method"] = kind
    return out


def _check_complete(means: pd.Series, root: Path | str, output: str, scenario: str,
                    policy: str) -> None:
    missing = means.index[means.isna()].tolist()
    if not missing:
        return
    shown = ", ".join(map(str, missing[:MISSING_SHOWN])) + (
        " ..." if len(missing) > MISSING_SHOWN else "")
    raise PovsimError(
        f"{root}: {len(missing)} of {len(means)} design points of scenario {scenario!r}, "
        f"policy {policy!r} have no finite value of {output!r} (points {shown}); the "
        "analysis needs every point: finish the sweep (povsim sweep SPEC --resume), look at "
        "failures/, or choose an outcome defined in every run")


def write_sensitivity(root: str | Path, table: pd.DataFrame,
                      out_dir: str | Path | None = None) -> dict[str, Path]:
    """Write a sensitivity table (CSV) and its bar plot (PNG).

    Args:
        root: The sweep's folder.
        table: As returned by :func:`sensitivity`.
        out_dir: Where to write (``<root>/sensitivity`` if ``None``).

    Returns:
        The files written: ``{"table": ..., "figure": ...}``.
    """
    from povsim.util.atomic import atomic_path, write_text

    folder = Path(out_dir) if out_dir is not None else Path(root) / OUTPUT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    output, year, method = table["output"].iloc[0], int(table["year"].iloc[0]), \
        table["method"].iloc[0]
    stem = f"{method}-{output}-{year}"
    csv = write_text(folder / f"{stem}.csv", table.to_csv(index=False, lineterminator="\n",
                                                         float_format="%.6g"))
    figure = plot_sensitivity(table)
    png = folder / f"{stem}.png"
    with atomic_path(png) as tmp:
        figure.savefig(tmp, dpi=FIGURE_DPI, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    return {"table": csv, "figure": png}


def plot_sensitivity(table: pd.DataFrame) -> Any:
    """Bar plot of sensitivity indices: one panel per scenario and policy.

    Sobol: first-order and total indices side by side with their confidence
    intervals. Morris: ``mu_star`` with its confidence interval, and ``sigma``.

    Args:
        table: As returned by :func:`sensitivity`.

    Returns:
        The matplotlib figure.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(table.groupby(list(GROUP_COLUMNS), sort=False))
    method = table["method"].iloc[0]
    output, year = table["output"].iloc[0], int(table["year"].iloc[0])
    n_params = table["parameter"].nunique()
    fig, axes = plt.subplots(len(groups), 1, squeeze=False,
                             figsize=(max(6.0, 0.9 * n_params + 2), 3.4 * len(groups)))
    bars: Mapping[str, tuple[str, str | None]] = (
        {"first order (S1)": ("S1", "S1_conf"), "total (ST)": ("ST", "ST_conf")}
        if method == "sobol" else {"mu*": ("mu_star", "mu_star_conf"), "sigma": ("sigma", None)})
    for ax, ((scenario, policy), group) in zip(axes[:, 0], groups, strict=True):
        x = np.arange(len(group))
        for i, (label, (value, conf)) in enumerate(bars.items()):
            ax.bar(x + (i - 0.5) * BAR_WIDTH, group[value], BAR_WIDTH, label=label,
                   yerr=group[conf] if conf else None, capsize=3)
        ax.set_xticks(x, group["parameter"], rotation=30, ha="right")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_ylabel("index" if method == "sobol" else f"effect on {output}")
        label = "" if len(groups) == 1 else f" ({scenario}, {policy})"
        ax.set_title(f"{'Sobol indices' if method == 'sobol' else 'Morris screening'} of "
                     f"{output} in {year}{label}", fontsize=10)
        ax.legend(frameon=False, fontsize=8)
    unit = describe(output)
    if unit:
        errors = "; error bars: confidence intervals" if method == "sobol" else \
            "; error bars on mu*: confidence intervals"
        fig.supxlabel(f"{output}: {unit}{errors}", fontsize=8)
    fig.tight_layout()
    return fig
