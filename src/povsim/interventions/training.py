"""Skills training."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention


class Training(Intervention):
    """Raises the skill of a household's workers once."""

    name = "training"

    def __init__(self, model):
        super().__init__(model)
        self.trained = np.full(model.households.n, -1, np.int16)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households with a working-age member, skill below max_skill, "
                           "never trained",
            "unit_cost": "unit_cost per trainee",
            "effect": "skill + skill_gain (wages, job access, loan returns)",
            "lag": "from the next year",
            "duration": "permanent",
            "failure_risk": "none",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        hh = self.model.households
        return ((self.trained[rows] < 0) & (hh.n_adult[rows] > 0)
                & (hh.skill[rows] < self.params.max_skill))

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), self.params.unit_cost)

    @override
    def deliver(self, rows: np.ndarray) -> None:
        hh = self.model.households
        hh.skill[rows] = np.minimum(hh.skill[rows] + np.float32(self.params.skill_gain), 1.0)
        self.trained[rows] = self.model.year

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.trained[rows] = -1
