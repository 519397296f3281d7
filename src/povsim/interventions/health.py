"""Health insurance and layered reimbursement for covered (registered poor) households."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.life.income import IncomeEffects


class Health(Intervention):
    """Premiums paid and medical costs reimbursed at a higher rate, with a yearly cap.

    State: ``covered`` (bool per household).
    """

    name = "health"
    needs_capacity = False
    recurring = True

    def __init__(self, model):
        super().__init__(model)
        self.covered = np.zeros(model.households.n, bool)
        self.campaign_cost = 0.0

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "any household not yet covered (registered households unless "
                           "untargeted)",
            "unit_cost": "premium_subsidy per member a year plus the reimbursement above "
                         "health.baseline_reimbursement and the out-of-pocket spending above "
                         "oop_cap",
            "effect": "reimbursement_rate of medical costs reimbursed; out-of-pocket capped at "
                      "oop_cap; counts as the basic-medical guarantee",
            "lag": "from the next year's illness costs",
            "duration": "while covered and funded; withdrawn after exit when support is",
            "failure_risk": "benefits cut pro rata when the allocation is short",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        return ~self.covered[rows]

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        hh, p = self.model.households, self.params
        base = self.model.p.health.baseline_reimbursement
        expected = hh.medical_spending[rows] * max(p.reimbursement_rate - base, 0.0)
        return p.premium_subsidy * hh.size()[rows] + expected

    @override
    def deliver(self, rows: np.ndarray) -> None:
        self.covered[rows] = True

    @override
    def contribute(self, effects: IncomeEffects) -> None:
        rows = np.flatnonzero(self.covered)
        self.campaign_cost = 0.0
        if len(rows) == 0:
            return
        hh, p = self.model.households, self.params
        base = np.float32(self.model.p.health.baseline_reimbursement)
        spend = hh.medical_spending[rows]
        oop_base = spend * (1 - base)
        oop_new = np.minimum(spend * np.float32(1 - p.reimbursement_rate), np.float32(p.oop_cap))
        oop_new = np.minimum(oop_new, oop_base)
        premiums = p.premium_subsidy * float(hh.size()[rows].sum())
        request = premiums + float((oop_base - oop_new).sum(dtype=np.float64))
        ratio = np.float32(self.pay(request))
        self.campaign_cost = request * float(ratio)
        oop = oop_base - ratio * (oop_base - oop_new)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(spend > 0, 1 - oop / spend, base)
        effects.reimbursement[rows] = rate

    @override
    def withdraw(self, rows: np.ndarray) -> None:
        self.covered[rows] = False

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.covered[rows] = False
