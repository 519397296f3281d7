"""Poverty-alleviation microloans: no collateral, subsidised interest, default risk."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.life.income import IncomeEffects


class Microloans(Intervention):
    """Loans invested in a household project whose return depends on skill and motivation.

    Each year the project yields its expected return plus noise; a year with a negative
    return ends it and the capital is lost. At the end of the term a surviving project
    repays the principal; a failed one defaults and the principal becomes household debt.

    State per household: ``principal``, ``issued`` (year), ``expected`` (yearly return
    rate), ``failed``, ``realised`` (this year's return rate) and, per year, counts of
    loans issued, defaults and repayments.
    """

    name = "microloans"

    def __init__(self, model):
        super().__init__(model)
        n = model.households.n
        self.principal = np.zeros(n, np.float32)
        self.issued = np.full(n, -1, np.int16)
        self.expected = np.zeros(n, np.float32)
        self.realised = np.zeros(n, np.float32)
        self.failed = np.zeros(n, bool)
        self.ever_borrowed = np.zeros(n, bool)
        self.defaults = 0
        self.repaid = 0
        self.matured = 0

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households with able labour and no loan outstanding, approved by "
                           "the bank (approval_rate) and willing (behaviour.loan_uptake x "
                           "motivation)",
            "unit_cost": "risk_fund_share of the principal at issue, plus interest_rate on "
                         "the principal each year (subsidy)",
            "effect": "principal = min(max_amount, amount_per_worker x workers) invested at "
                      "investment_return x (return_skill_offset + skill) x "
                      "(return_motivation_offset + motivation) a year",
            "lag": "returns from the next year",
            "duration": "term_years, then repaid or in default",
            "failure_risk": "a year with a negative realised return (return_sd) ends the "
                            "project; the loan defaults at term and becomes debt",
        }

    def outstanding(self) -> np.ndarray:
        """Households with a loan outstanding."""
        return self.issued >= 0

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        return (self.issued[rows] < 0) & (self.model.able_labour()[rows] >= 1)

    @override
    def select(self, rows: np.ndarray) -> np.ndarray:
        model, p = self.model, self.params
        u = model.streams.behaviour.random((2, len(rows)))
        approved = u[0] < p.approval_rate
        willing = u[1] < model.p.behaviour.loan_uptake * model.households.motivation[rows]
        return rows[approved & willing]

    def amounts(self, rows: np.ndarray) -> np.ndarray:
        """Loan size of each household."""
        p = self.params
        workers = np.floor(self.model.able_labour()[rows])
        return np.minimum(p.max_amount, p.amount_per_worker * workers).astype(np.float32)

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return self.amounts(rows) * self.params.risk_fund_share

    @override
    def deliver(self, rows: np.ndarray) -> None:
        model, p = self.model, self.params
        hh = model.households
        self.principal[rows] = self.amounts(rows)
        self.issued[rows] = model.year
        self.failed[rows] = False
        self.ever_borrowed[rows] = True
        helped = model.helper_of[rows] >= 0
        self.expected[rows] = (p.investment_return * (p.return_skill_offset + hh.skill[rows])
                               * (p.return_motivation_offset + hh.motivation[rows])
                               * (1 + model.p.helpers.effect_boost * helped))

    @override
    def update(self) -> None:
        """Realise this year's returns; a negative one ends the project."""
        model, p = self.model, self.params
        self.realised[:] = 0
        rows = np.flatnonzero(self.outstanding() & ~self.failed)
        if len(rows) == 0:
            return
        noise = model.streams.delivery.standard_normal(len(rows)).astype(np.float32)
        r = self.expected[rows] + np.float32(p.return_sd) * noise
        self.failed[rows[r < 0]] = True
        self.realised[rows] = np.maximum(r, 0)

    @override
    def top_up(self) -> None:
        """Settle loans at the end of their term: repaid, or in default (debt; income unchanged)."""
        model, p = self.model, self.params
        self.defaults = self.repaid = self.matured = 0
        rows = np.flatnonzero(self.outstanding())
        due = rows[model.year - self.issued[rows] >= p.term_years]
        defaulted = due[self.failed[due]]
        model.households.debt[defaulted] += self.principal[defaulted]
        self.defaults = len(defaulted)
        self.repaid = len(due) - len(defaulted)
        self.matured = len(due)
        self.principal[due] = 0
        self.issued[due] = -1
        self.failed[due] = False
        self.expected[due] = 0

    @override
    def contribute(self, effects: IncomeEffects) -> None:
        rows = np.flatnonzero(self.outstanding())
        if len(rows) == 0:
            return
        effects.asset_income[rows] += self.principal[rows] * self.realised[rows]
        interest = self.principal[rows] * np.float32(self.params.interest_rate)
        ratio = self.pay(float(interest.sum(dtype=np.float64)))
        effects.debt_service[rows] += interest * np.float32(1 - ratio)

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.principal[rows] = 0
        self.issued[rows] = -1
        self.failed[rows] = False
        self.ever_borrowed[rows] = False
