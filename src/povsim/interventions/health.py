"""Health insurance and layered reimbursement for covered (registered poor) households."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.life.health import expected_medical_spending
from povsim.life.income import IncomeEffects


class Health(Intervention):
    """Premiums paid and medical costs reimbursed at a higher rate, with a yearly cap.

    State: ``covered`` and ``new`` (enrolled this year) per household.
    """

    name = "health"
    reaches_followed = True
    needs_capacity = False
    recurring = True

    def __init__(self, model):
        super().__init__(model)
        self.covered = np.zeros(model.households.n, bool)
        self.new = np.zeros(model.households.n, bool)
        self.campaign_cost = 0.0

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "any household not yet covered (registered households unless "
                           "untargeted)",
            "unit_cost": "premium_subsidy per member a year plus the reimbursement above "
                         "health.baseline_reimbursement and the out-of-pocket spending above "
                         "oop_cap (enrolment is budgeted on expected medical spending)",
            "effect": "reimbursement_rate of medical costs reimbursed; out-of-pocket capped at "
                      "oop_cap; premiums paid, so the household is insured (the basic-medical "
                      "guarantee)",
            "lag": "this year's costs are settled at the programme's rate once enrolled",
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
        extra = max(p.reimbursement_rate - base, 0.0)
        expected = expected_medical_spending(hh, self.model.p, rows) * extra
        return p.premium_subsidy * hh.size()[rows] + expected

    @override
    def deliver(self, rows: np.ndarray) -> None:
        self.covered[rows] = True
        self.new[rows] = True
        self.model.households.insured[rows] = True  # the programme pays the premiums

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
    def transfer(self) -> None:
        """Settle this year's medical bills of the households enrolled this year.

        Bills of the registered poor were settled at the programme's rate at discharge
        once they were registered, so a household enrolled this year is reimbursed its
        costs of this year too (the ones the baseline scheme left it), from the same
        allocation, instead of waiting for the next year.
        """
        rows = np.flatnonzero(self.new)
        self.new[:] = False
        if len(rows) == 0:
            return
        hh, p = self.model.households, self.params
        spend = hh.medical_spending[rows]
        oop_new = np.minimum(spend * np.float32(1 - p.reimbursement_rate), np.float32(p.oop_cap))
        refund = np.maximum(hh.medical_oop[rows] - oop_new, 0)
        ratio = np.float32(self.pay(float(refund.sum(dtype=np.float64))))
        hh.medical_oop[rows] -= refund * ratio

    @override
    def withdraw(self, rows: np.ndarray) -> None:
        self.covered[rows] = False

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.covered[rows] = False
