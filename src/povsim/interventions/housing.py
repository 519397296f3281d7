"""Renovation of dilapidated houses."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.ordering import stable_order_of_labels


class Housing(Intervention):
    """A dilapidated house is made safe; the household pays a share (as debt)."""

    name = "housing"
    needs_capacity = False  # surveyed and organised by the county's housing bureau

    def __init__(self, model):
        super().__init__(model)
        self.renovated = np.zeros(model.households.n, bool)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households with an unsafe house (those verified above the line, "
                           "for whom it is the guarantee missing to exit, first)",
            "unit_cost": "unit_cost per house",
            "effect": "the house is safe (safe-housing guarantee); copay_share of the cost "
                      "becomes household debt",
            "lag": "at once",
            "duration": "until a disaster damages the house again",
            "failure_risk": "none",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        return ~self.model.households.safe_house[rows]

    @override
    def select(self, rows: np.ndarray) -> np.ndarray:
        """With ``exit_ready_first``, households verified above the line come first."""
        if not self.params.exit_ready_first or len(rows) == 0:
            return rows
        model = self.model
        known = model.registry.known_pc[rows]
        waiting = ~(known >= np.float32(model.p.run.poverty_line))  # unknown counts as poor
        return rows[stable_order_of_labels(waiting.astype(np.int8))]

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), self.params.unit_cost)

    @override
    def deliver(self, rows: np.ndarray) -> None:
        hh, p = self.model.households, self.params
        hh.safe_house[rows] = True
        hh.debt[rows] += np.float32(p.copay_share * p.unit_cost)
        self.renovated[rows] = True

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.renovated[rows] = False
