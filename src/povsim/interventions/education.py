"""Education: schooling costs covered and no dropout; children's skill later higher."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.life.income import IncomeEffects


class Education(Intervention):
    """Pays a share of school-age children's costs and brings dropouts back to school.

    State: ``covered`` (bool per household). Children of covered households bring
    ``skill_bonus`` more skill when they reach working age (see
    :func:`povsim.life.demography.age_households`).
    """

    name = "education"
    needs_capacity = False
    recurring = True

    def __init__(self, model):
        super().__init__(model)
        self.covered = np.zeros(model.households.n, bool)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households with a school-age child, not yet covered",
            "unit_cost": "economy.schooling_cost x covered_share per school-age child a year",
            "effect": "schooling costs paid, no dropout (compulsory-schooling guarantee); "
                      "children reach working age with skill_bonus more skill",
            "lag": "costs from the next year; skill when the child reaches working age",
            "duration": "while covered and funded; withdrawn after exit when support is",
            "failure_risk": "cover cut pro rata when the allocation is short",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        return ~self.covered[rows] & (self.model.households.n_school[rows] > 0)

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        e = self.model.p.economy
        return self.model.households.n_school[rows] * e.schooling_cost * self.params.covered_share

    @override
    def deliver(self, rows: np.ndarray) -> None:
        self.covered[rows] = True
        self.model.households.dropouts[rows] = 0  # dropouts are brought back to school

    @override
    def contribute(self, effects: IncomeEffects) -> None:
        rows = np.flatnonzero(self.covered)
        if len(rows) == 0:
            return
        request = float(self.unit_costs(rows).sum(dtype=np.float64))
        ratio = self.pay(request)
        effects.schooling_covered[rows] = self.params.covered_share * ratio

    def skill_bonus(self) -> np.ndarray | None:
        """Extra skill children of each household bring on reaching working age."""
        if not self.covered.any():
            return None
        return self.covered * np.float32(self.params.skill_bonus)

    @override
    def withdraw(self, rows: np.ndarray) -> None:
        self.covered[rows] = False

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.covered[rows] = False
