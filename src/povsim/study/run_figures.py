"""Figures of a run: headcount over time and the yearly flows in and out of poverty."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd


def plot_run(outputs: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Plot the headcount rate and the yearly flows of one run to a PNG file.

    Args:
        outputs: Yearly outputs (``PovertyModel.outputs()``).
        path: PNG file to write.
        title: Figure title.

    Returns:
        The path written.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    ax1.plot(outputs["year"], outputs["headcount_rate"], marker="o", color="tab:red")
    ax1.set_ylabel("headcount rate (% of persons)")
    ax1.set_xlabel("year")
    ax1.set_ylim(bottom=0)
    ax1.set_title("Poverty headcount at the 2010 line")
    ax1.grid(alpha=0.3)
    flows = outputs.iloc[1:]
    width = 0.27
    ax2.bar(flows["year"] - width, flows["entries"], width, label="entries", color="tab:orange")
    ax2.bar(flows["year"], flows["returns"], width, label="returns", color="tab:purple")
    ax2.bar(flows["year"] + width, flows["exits"], width, label="exits", color="tab:green")
    ax2.set_ylabel("simulated households")
    ax2.set_xlabel("year")
    ax2.set_title("Flows into and out of poverty")
    ax2.legend(frameon=False)
    ax2.grid(alpha=0.3, axis="y")
    if title:
        fig.suptitle(title)
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
