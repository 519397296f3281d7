"""The intervention x cause effectiveness matrix, from the intervention-cause sweep.

Run the sweep first, then this script::

    povsim sweep experiments/intervention-cause.toml
    python experiments/intervention_cause_matrix.py [results/intervention-cause]

For every intervention (policy) and cause of poverty: the number of poor households
with that cause in the last year (share_poor_<cause> x poor_households), compared
with the policy "none" (all interventions off) run with the same seed. The cell is
the reduction in percent, 100 x (none - intervention) / none, from the means over
seeds (positive: fewer poor with that cause). Writes cause-matrix.csv (long: one row a
cell, with the counts) and cause-matrix.png (a heatmap) into the sweep's folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from povsim import load_results

DEFAULT_FOLDER = Path("results/intervention-cause")
REFERENCE = "none"
SHARE_PREFIX = "share_poor_"
PERCENT = 100.0
COLOUR_LIMIT = 100.0
"""The heatmap's colour scale runs from -100% to +100%."""


def cause_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Poor households with each cause in the last year, one row per run and cause."""
    last = results[results["year"] == results["year"].max()]
    causes = [c for c in last.columns if c.startswith(SHARE_PREFIX)]
    long = last.melt(id_vars=["policy", "seed", "poor_households"], value_vars=causes,
                     var_name="cause", value_name="share")
    long["cause"] = long["cause"].str.removeprefix(SHARE_PREFIX)
    long["poor_with_cause"] = long["share"] / PERCENT * long["poor_households"]
    return long


def matrix(results: pd.DataFrame) -> pd.DataFrame:
    """One row per intervention and cause: mean counts and the reduction versus none."""
    counts = cause_counts(results)
    if REFERENCE not in set(counts["policy"]):
        sys.exit(f"no policy named {REFERENCE!r} in the results: run "
                 "experiments/intervention-cause.toml")
    reference = counts[counts["policy"] == REFERENCE][["seed", "cause", "poor_with_cause"]]
    paired = counts[counts["policy"] != REFERENCE].merge(
        reference.rename(columns={"poor_with_cause": "without"}), on=["seed", "cause"])
    table = paired.groupby(["policy", "cause"], sort=False).agg(
        poor_with_cause=("poor_with_cause", "mean"), without=("without", "mean"),
        seeds=("seed", "nunique")).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["reduction_percent"] = PERCENT * (table["without"] - table["poor_with_cause"]) \
            / table["without"].where(table["without"] > 0)
    return table


def plot(table: pd.DataFrame, path: Path, year: int) -> None:
    """Heatmap of the reductions in ``year``: interventions down, causes across."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = table.pivot(index="policy", columns="cause", values="reduction_percent")
    grid = grid.loc[table["policy"].unique(), table["cause"].unique()]
    fig, ax = plt.subplots(figsize=(1.0 * grid.shape[1] + 3, 0.45 * grid.shape[0] + 2))
    image = ax.imshow(grid.to_numpy(), cmap="RdBu", vmin=-COLOUR_LIMIT, vmax=COLOUR_LIMIT,
                      aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=35, ha="right")
    ax.set_yticks(range(grid.shape[0]), grid.index)
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=7)
    ax.set_title(f"Fewer poor households with each cause in {year}, each intervention alone "
                 "with the whole budget\n(% versus no intervention, same seeds)", fontsize=10)
    fig.colorbar(image, ax=ax, label="reduction (%)")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    results = load_results(folder)
    table = matrix(results)
    csv, png = folder / "cause-matrix.csv", folder / "cause-matrix.png"
    table.to_csv(csv, index=False, float_format="%.4g")
    plot(table, png, year=int(results["year"].max()))
    wide = table.pivot(index="policy", columns="cause", values="reduction_percent")
    print(wide.round(0).to_string())
    print(f"wrote {csv} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
