"""The dibao backstop: benefits fill the gap between per-capita income and the standard."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.world.households import ALL, Rows


class Dibao(Intervention):
    """Minimum living allowance and five-guarantee support for households that cannot work.

    The benefit fills the gap between the standard and per-capita income as the means
    test assesses it (the cadres' observation, with its error), so true incomes after
    the dibao scatter around the standard. Untargeted, the allocation is spread as an
    equal per-capita transfer to every household.

    State: ``enrolled`` and this year's ``benefit`` (yuan) per household.
    """

    name = "dibao"
    needs_capacity = False
    recurring = True

    def __init__(self, model):
        super().__init__(model)
        n = model.households.n
        self.enrolled = np.zeros(n, bool)
        self.benefit = np.zeros(n, np.float32)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households with able labour below max_labour (when labour_test), "
                           "not yet enrolled; enrolled with chance take_up when offered",
            "unit_cost": "the gap (standard - assessed per-capita income) x members, a year",
            "effect": "per-capita income topped up to the standard; handouts to households "
                      "with labour lower motivation (behaviour.handout_penalty)",
            "lag": "paid in the year of enrolment (after delivery) and every year after, on "
                   "that year's income before the dibao",
            "duration": "while enrolled and funded; withdrawn after exit when support is",
            "failure_risk": "benefits cut pro rata when the allocation is short",
        }

    def passes_labour_test(self, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` may receive the dibao under the labour test."""
        p = self.params
        if not p.labour_test:
            return np.ones(len(rows), bool)
        return self.model.able_labour()[rows] < p.max_labour

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        return ~self.enrolled[rows] & self.passes_labour_test(rows)

    @override
    def select(self, rows: np.ndarray) -> np.ndarray:
        u = self.model.streams.behaviour.random(len(rows))
        return rows[u < self.params.take_up]

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        hh = self.model.households
        gap = np.maximum(np.float32(self.params.standard) - hh.income_pc[rows], 0)
        return gap * hh.size()[rows]

    @override
    def deliver(self, rows: np.ndarray) -> None:
        self.enrolled[rows] = True

    @override
    def transfer(self) -> None:
        self.benefit[:] = 0
        rows = np.flatnonzero(self.enrolled)
        if len(rows) == 0:
            return
        hh, p = self.model.households, self.params
        size = hh.size()[rows].astype(np.float32)
        if p.targeting == "untargeted":
            available = self.model.budget.available[self.name]
            per_person = np.float32(available / max(float(size.sum()), 1.0))
            paid = self.pay(float(per_person * size.sum()))
            benefit = per_person * size * np.float32(paid)
        else:
            ok = self.passes_labour_test(rows)
            gap = np.maximum(np.float32(p.standard) - self.assessed_income(rows), 0) * size * ok
            ratio = self.pay(float(gap.sum(dtype=np.float64)))
            benefit = gap * np.float32(ratio)
        self.benefit[rows] = benefit
        hh.transfer_income[rows] += benefit

    def assessed_income(self, rows: np.ndarray) -> np.ndarray:
        """Per-capita income as the means test sees it (before the dibao).

        This year's cadre observation, or true income where cadres observed nothing.
        """
        observed = self.model.registry.observed_pc[rows]
        return np.where(np.isnan(observed), self.model.households.income_pc[rows], observed)

    def handouts_to_workers(self, rows: Rows = ALL) -> np.ndarray:
        """Households with labour receiving benefits (they lose motivation).

        Args:
            rows: Households to return (all if omitted).
        """
        return (self.benefit[rows] > 0) & (self.model.able_labour()[rows] >= 1)

    @override
    def withdraw(self, rows: np.ndarray) -> None:
        self.enrolled[rows] = False

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.enrolled[rows] = False
        self.benefit[rows] = 0
