"""Household-level snapshots of chosen columns, as pandas DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from povsim.governance.causes import derive_causes
from povsim.status import CAUSE_NAMES, CAUSES, RegStatus
from povsim.world.households import COLUMNS

if TYPE_CHECKING:
    from povsim.model import PovertyModel

DERIVED_COLUMNS: dict[str, str] = {
    "size": "Members per household.",
    "county": "County of the household's village.",
    "remoteness": "Remoteness of the household's village.",
    "poor_village": "The household's village of origin is a registered poor village.",
    "cause_names": "Causes of poverty, comma-separated.",
    "reg_status_name": "Registered status by name.",
    "helper": "Row of the household's pairing helper (-1: none).",
    "employer": "Row of the enterprise employing a placed member (-1: none).",
}
"""Snapshot columns computed on the fly, beside the stored ones in ``COLUMNS``."""


def household_snapshot(model: PovertyModel, columns: Sequence[str] | None = None,
                       rows: np.ndarray | None = None) -> pd.DataFrame:
    """Household-level table of chosen columns for the current year.

    Args:
        model: The model.
        columns: Stored columns (see :data:`povsim.world.households.COLUMNS`) or derived
            ones (:data:`DERIVED_COLUMNS`); all stored columns if omitted.
        rows: Households to include (all if omitted).

    Returns:
        A DataFrame indexed by household id with a ``year`` column first.

    Raises:
        KeyError: If a column name is unknown (the message lists the known ones).
    """
    hh = model.households
    idx = np.arange(hh.n) if rows is None else np.asarray(rows)
    names = list(columns) if columns is not None else list(COLUMNS)
    unknown = [c for c in names if c not in COLUMNS and c not in DERIVED_COLUMNS]
    if unknown:
        known = ", ".join([*COLUMNS, *DERIVED_COLUMNS])
        raise KeyError(f"unknown snapshot column(s) {unknown}; known columns: {known}")
    data: dict[str, object] = {"year": np.full(len(idx), model.year, np.int16)}
    village = hh.village[idx]
    derived = {
        "size": lambda: hh.size()[idx],
        "county": lambda: model.villages.county[village],
        "remoteness": lambda: model.villages.remoteness[village],
        "poor_village": lambda: model.villages.poor_village[hh.origin_village[idx]],
        "cause_names": lambda: [
            ",".join(n for n, c in zip(CAUSE_NAMES, CAUSES, strict=True) if m & c)
            for m in derive_causes(hh, model.villages, model.p, idx)
        ],
        "reg_status_name": lambda: [RegStatus(s).name.lower() for s in hh.reg_status[idx]],
        "helper": lambda: model.helper_of[idx],
        "employer": lambda: model.jobs.employer[idx],
    }
    for name in names:
        data[name] = getattr(hh, name)[idx] if name in COLUMNS else derived[name]()
    return pd.DataFrame(data, index=pd.Index(idx, name="household"))
