"""Industry support: inputs and livestock, or enterprise shares for households without labour."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.agents import EnterpriseKind
from povsim.chunks import index_chunks
from povsim.interventions.base import Intervention
from povsim.life.income import IncomeEffects

NONE, IN_KIND, CASH, SHARES = 0, 1, 2, 3
"""Kinds of support a household received."""


class Industry(Intervention):
    """Household projects (in kind or cash) and shares in cooperatives or leading enterprises.

    State per household: ``kind`` (none, in kind, cash, shares), ``value`` (yuan),
    ``year`` received, ``short_term`` and ``failed`` (projects), and the enterprise
    holding the shares (``model.stake_enterprise``).
    """

    name = "industry"

    def __init__(self, model):
        super().__init__(model)
        n = model.households.n
        self.kind = np.zeros(n, np.int8)
        self.value = np.zeros(n, np.float32)
        self.year = np.full(n, -1, np.int16)
        self.short_term = np.zeros(n, bool)
        self.failed = np.zeros(n, bool)
        self.stake_enterprise = np.full(n, -1, np.int32)
        self.last = np.full(n, -1, np.int16)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households never supported before, or supported with inputs or "
                           "cash repeat_years ago or more (the grant adds to the project, or "
                           "revives a failed one); inputs if able labour >= "
                           "labour_threshold, otherwise shares",
            "unit_cost": "grant per household",
            "effect": "in kind: grant x inkind_yield a year, declining by inkind_depreciation; "
                      "cash: grant x cash_yield the first year, x cash_decay each year after; "
                      "shares: enterprises.dividend_rate x profit on the stake",
            "lag": "inkind_lag years (in kind); one year (cash, shares)",
            "duration": "until the project fails (in kind, cash); stake_years (shares) or the "
                        "enterprise's failure",
            "failure_risk": "failure_prob a year, short_term_failure_prob for the "
                            "short_term_share of hasty projects; enterprise failure for shares",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        first = self.kind[rows] == NONE
        repeat = self.params.repeat_years
        if repeat <= 0:
            return first
        again = (self.kind[rows] != SHARES) & (self.model.year - self.last[rows] >= repeat)
        return first | again

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), self.params.grant)

    @override
    def deliver(self, rows: np.ndarray) -> None:
        model, p = self.model, self.params
        self.last[rows] = model.year
        running = (self.kind[rows] != NONE) & ~self.failed[rows]
        grown = rows[running]
        self.value[grown] += np.float32(p.grant)  # the project grows; it pays as before
        rows = rows[~running]
        labour = model.able_labour()[rows]
        project = rows[labour >= p.labour_threshold]
        shares = rows[labour < p.labour_threshold]
        self.value[rows] = p.grant
        self.year[rows] = model.year
        self.kind[project] = IN_KIND if p.mode == "in_kind" else CASH
        self.short_term[project] = model.streams.delivery.random(len(project)) < p.short_term_share
        self.failed[project] = False
        if len(shares):
            holder = self._shareholding_enterprise(shares)
            self.kind[shares] = SHARES
            self.stake_enterprise[shares] = holder
            ok = holder >= 0
            np.add.at(model.enterprises.capital, holder[ok], p.grant)
            self.kind[shares[~ok]] = IN_KIND  # no enterprise to hold shares: inputs instead
            self.short_term[shares[~ok]] = False

    def _shareholding_enterprise(self, rows: np.ndarray) -> np.ndarray:
        """The village cooperative if alive, else a leading enterprise of the county."""
        model = self.model
        ent = model.enterprises
        village = model.households.village[rows]
        county = model.villages.county[village]
        holder = np.full(len(rows), -1, np.int32)
        alive = ent.alive
        coop_of_village = np.full(model.villages.n, -1, np.int32)
        coops = np.flatnonzero(alive & (ent.kind == EnterpriseKind.COOPERATIVE))
        coop_of_village[ent.village[coops]] = coops
        leading_of_county = np.full(int(model.villages.county.max()) + 1, -1, np.int32)
        leads = np.flatnonzero(alive & (ent.kind == EnterpriseKind.LEADING))
        leading_of_county[ent.county[leads]] = leads
        holder[:] = coop_of_village[village]
        missing = holder < 0
        holder[missing] = leading_of_county[county[missing]]
        return holder

    @override
    def update(self) -> None:
        p = self.params
        projects = np.flatnonzero(((self.kind == IN_KIND) | (self.kind == CASH)) & ~self.failed)
        if len(projects) == 0:
            return
        risk = np.where(self.short_term[projects], p.short_term_failure_prob, p.failure_prob)
        u = self.model.streams.delivery.random(len(projects))
        self.failed[projects[u < risk]] = True

    @override
    def contribute(self, effects: IncomeEffects) -> None:
        for rows in index_chunks(np.flatnonzero(self.kind != NONE)):
            self._contribute_rows(effects, rows)

    def _contribute_rows(self, effects: IncomeEffects, rows: np.ndarray) -> None:
        model, p = self.model, self.params
        age = (model.year - self.year[rows]).astype(np.float32)
        kind = self.kind[rows]
        value = self.value[rows]
        income = np.zeros(len(rows), np.float32)
        inkind = (kind == IN_KIND) & ~self.failed[rows] & (age >= p.inkind_lag)
        income[inkind] = (value[inkind] * np.float32(p.inkind_yield)
                          * np.float32(1 - p.inkind_depreciation) ** (age[inkind] - p.inkind_lag))
        cash = (kind == CASH) & ~self.failed[rows] & (age >= 1)
        income[cash] = (value[cash] * np.float32(p.cash_yield)
                        * np.float32(p.cash_decay) ** (age[cash] - 1))
        boost = 1 + np.float32(model.p.helpers.effect_boost) * (model.helper_of[rows] >= 0)
        income *= boost
        shares = (kind == SHARES) & (age >= 1) & (age <= p.stake_years)
        holder = self.stake_enterprise[rows[shares]]
        ent = model.enterprises
        income[shares] = (value[shares] * np.float32(model.p.enterprises.dividend_rate)
                          * ent.profit[holder] * ent.alive[holder])
        effects.asset_income[rows] += income

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.last[rows] = -1
        self.kind[rows] = NONE
        self.value[rows] = 0
        self.year[rows] = -1
        self.failed[rows] = False
        self.short_term[rows] = False
        self.stake_enterprise[rows] = -1
