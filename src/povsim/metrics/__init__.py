"""Outputs: module-level reporters for Mesa's DataCollector, their registry, and snapshots.

True poverty status and its flows are kept by ``bookkeeping``, which the model updates
each year and the reporters read.

Each reporter takes the model and returns one number for the current year; the
poverty reporters share intermediate arrays through a per-year cache. Every output
is documented in :data:`OUTPUTS` (name -> (reporter, unit)); the reporter's
docstring says what it measures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import mesa
import pandas as pd

from povsim.errors import PovsimError
from povsim.metrics.policy import POLICY_OUTPUTS
from povsim.metrics.poverty import POVERTY_OUTPUTS, gini_coefficient
from povsim.metrics.register import REGISTER_OUTPUTS
from povsim.metrics.snapshot import DERIVED_COLUMNS, household_snapshot
from povsim.util.hints import did_you_mean

if TYPE_CHECKING:
    from povsim.model import PovertyModel

OUTPUTS: dict[str, tuple[Callable[[PovertyModel], float], str]] = {
    **POVERTY_OUTPUTS,
    **POLICY_OUTPUTS,
    **REGISTER_OUTPUTS,
}
"""Every yearly output: name mapped to (reporter, unit)."""

__all__ = [
    "DERIVED_COLUMNS",
    "OUTPUTS",
    "OutputCollector",
    "describe_outputs",
    "gini_coefficient",
    "household_snapshot",
    "model_reporters",
]


class OutputCollector(mesa.DataCollector):
    """Mesa's DataCollector for model reporters that return plain numbers.

    Mesa copies every reported value (``copy.deepcopy``) in case it is a mutable
    object that changes later; a number cannot, so after the first collection (which
    Mesa also uses to check the reporters) the values are stored as they are.
    """

    def collect(self, model: mesa.Model) -> None:
        """Collect every model reporter's value for the current step."""
        if not self._validated or self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        for name, reporter in self.model_reporters.items():
            self.model_vars[name].append(reporter(model))


def model_reporters(names: Sequence[str] | None = None
                    ) -> dict[str, Callable[[PovertyModel], float]]:
    """Reporters for ``mesa.DataCollector(model_reporters=...)``.

    Args:
        names: Outputs to report (all of :data:`OUTPUTS` if omitted); ``year`` is always
            reported first. Outputs not asked for are not computed.

    Returns:
        Output name mapped to its reporter.

    Raises:
        PovsimError: For an unknown output name (with a suggestion).
    """
    if names is None:
        return {name: reporter for name, (reporter, _) in OUTPUTS.items()}
    unknown = [n for n in names if n not in OUTPUTS]
    if unknown:
        listed = ", ".join(f"{n!r}{did_you_mean(n, OUTPUTS)}" for n in unknown)
        raise PovsimError(f"unknown output(s) {listed}; see `povsim outputs` for the list")
    chosen = ["year", *(n for n in dict.fromkeys(names) if n != "year")]
    return {name: OUTPUTS[name][0] for name in chosen}


def describe_outputs() -> pd.DataFrame:
    """Table of outputs: name, unit and description."""
    rows = [
        {"output": name, "unit": unit, "description": " ".join((rep.__doc__ or "").split())}
        for name, (rep, unit) in OUTPUTS.items()
    ]
    return pd.DataFrame(rows)
