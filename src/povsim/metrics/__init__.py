"""Outputs: module-level reporters for Mesa's DataCollector, their registry, and snapshots.

Each reporter takes the model and returns one number for the current year; the
poverty reporters share intermediate arrays through a per-year cache. Every output
is documented in :data:`OUTPUTS` (name -> (reporter, unit)); the reporter's
docstring says what it measures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from povsim.metrics.policy import POLICY_OUTPUTS
from povsim.metrics.poverty import POVERTY_OUTPUTS, gini_coefficient
from povsim.metrics.snapshot import DERIVED_COLUMNS, household_snapshot

if TYPE_CHECKING:
    from povsim.model import PovertyModel

OUTPUTS: dict[str, tuple[Callable[[PovertyModel], float], str]] = {
    **POVERTY_OUTPUTS,
    **POLICY_OUTPUTS,
}
"""Every yearly output: name mapped to (reporter, unit)."""

__all__ = [
    "DERIVED_COLUMNS",
    "OUTPUTS",
    "describe_outputs",
    "gini_coefficient",
    "household_snapshot",
    "model_reporters",
]


def model_reporters() -> dict[str, Callable[[PovertyModel], float]]:
    """Reporters for ``mesa.DataCollector(model_reporters=...)``."""
    return {name: reporter for name, (reporter, _) in OUTPUTS.items()}


def describe_outputs() -> pd.DataFrame:
    """Table of outputs: name, unit and description."""
    rows = [
        {"output": name, "unit": unit, "description": " ".join((rep.__doc__ or "").split())}
        for name, (rep, unit) in OUTPUTS.items()
    ]
    return pd.DataFrame(rows)
