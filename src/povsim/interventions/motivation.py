"""Motivation campaigns ('support will and wisdom')."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention


class Motivation(Intervention):
    """Reaches households with role models, rewards for work and training of the will.

    State: ``last`` (the last year a household was reached, -1 never); a household
    can be reached once a year.
    """

    name = "motivation"
    needs_capacity = False

    def __init__(self, model):
        super().__init__(model)
        self.last = np.full(model.households.n, -1, np.int16)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households not reached yet this year",
            "unit_cost": "unit_cost per household a year",
            "effect": "motivation + effect (up to 1): more market income, loan uptake",
            "lag": "at once",
            "duration": "fades only through peers and handouts (behaviour phase)",
            "failure_risk": "none",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        return self.last[rows] < self.model.year

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), self.params.unit_cost)

    @override
    def deliver(self, rows: np.ndarray) -> None:
        hh = self.model.households
        hh.motivation[rows] = np.minimum(hh.motivation[rows] + np.float32(self.params.effect),
                                         1.0)
        self.last[rows] = self.model.year

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.last[rows] = -1
