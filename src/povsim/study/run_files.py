"""Writing a run's results: the yearly table, a JSON summary and a figure."""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from povsim.model import PovertyModel
from povsim.study.run_figures import plot_run
from povsim.util.jsonable import jsonable


def run_summary(model: PovertyModel, outputs: pd.DataFrame, **extra: Any) -> dict[str, Any]:
    """Key facts of a finished run as plain data.

    Args:
        model: The finished model.
        outputs: Its yearly outputs.
        **extra: More fields to include (scenario, seed, timings, command line).

    Returns:
        A JSON-serialisable dict.
    """
    from povsim.util.versions import povsim_version

    first, last = outputs.iloc[0], outputs.iloc[-1]
    flows = outputs.iloc[1:]
    summary: dict[str, Any] = {
        **extra,
        "povsim_version": povsim_version(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "households": model.households.n,
        "villages": int((~model.villages.is_site).sum()),
        "start_year": int(first["year"]),
        "end_year": int(last["year"]),
        "headcount_rate_start": float(first["headcount_rate"]),
        "headcount_rate_end": float(last["headcount_rate"]),
        "poor_persons_million_start": float(first["poor_persons_million"]),
        "poor_persons_million_end": float(last["poor_persons_million"]),
        "total_entries": int(flows["entries"].sum()),
        "total_exits": int(flows["exits"].sum()),
        "total_returns": int(flows["returns"].sum()),
        "gini_end": float(last["gini"]),
        "headcount_path": {int(y): round(float(h), 3)
                           for y, h in zip(outputs["year"], outputs["headcount_rate"],
                                           strict=True)},
        "phase_seconds": {k: round(v, 4) for k, v in model.phase_seconds.items()},
    }
    return summary


def write_run(model: PovertyModel, out_dir: str | Path, *, title: str = "",
              **extra: Any) -> dict[str, Path]:
    """Write ``timeseries.csv``, ``summary.json`` and ``headcount.png`` to ``out_dir``.

    Args:
        model: The finished model.
        out_dir: Folder to write to (created if missing).
        title: Figure title.
        **extra: Extra summary fields.

    Returns:
        The paths written, by kind.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outputs = model.outputs()
    paths = {
        "timeseries": out / "timeseries.csv",
        "summary": out / "summary.json",
        "plot": out / "headcount.png",
    }
    outputs.to_csv(paths["timeseries"], index=False)
    summary = run_summary(model, outputs, **extra)
    paths["summary"].write_text(json.dumps(jsonable(summary), indent=2) + "\n")
    plot_run(outputs, paths["plot"], title=title)
    return paths
