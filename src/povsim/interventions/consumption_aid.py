"""Consumption aid: units and enterprises buy poor villages' produce at a premium."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.agents import EnterpriseKind
from povsim.interventions.base import Intervention


class ConsumptionAid(Intervention):
    """Farm households of covered villages earn a premium on their produce.

    Covered villages are the registered poor villages (by_cause, package) or every
    village (untargeted). The premium is bought by the county's leading enterprises
    (their ``purchases``) and paid from this intervention's allocation.

    State: ``covered`` villages and this year's ``premium`` per household.
    """

    name = "consumption_aid"
    needs_capacity = False
    village_level = True

    def __init__(self, model):
        super().__init__(model)
        self.covered = np.zeros(model.villages.n, bool)
        self.premium = np.zeros(model.households.n, np.float32)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households of registered poor villages (all villages untargeted)",
            "unit_cost": "premium x farm income, a year",
            "effect": "asset income + premium x farm income",
            "lag": "from the next year",
            "duration": "while running and funded",
            "failure_risk": "premiums cut pro rata when the allocation is short",
        }

    @override
    def deliver_year(self, pool: np.ndarray) -> int:
        v = self.model.villages
        if self.params.targeting == "untargeted":
            self.covered[:] = ~v.is_site
        else:
            self.covered[:] = v.poor_village
        self.delivered = int(self.covered.sum())
        return self.delivered

    @override
    def top_up(self) -> None:
        model, p = self.model, self.params
        self.premium[:] = 0
        if not self.covered.any():
            return
        hh = model.households
        rows = np.flatnonzero(self.covered[hh.village_index()])
        premium = np.maximum(hh.farm_income[rows], 0) * np.float32(p.premium)
        ratio = np.float32(self.pay(float(premium.sum(dtype=np.float64))))
        premium *= ratio
        self.premium[rows] = premium
        hh.asset_income[rows] += premium
        self._record_purchases(rows, premium)

    def _record_purchases(self, rows: np.ndarray, premium: np.ndarray) -> None:
        model = self.model
        ent = model.enterprises
        county = model.villages.county[model.households.village[rows]]
        bought = np.bincount(county, weights=premium, minlength=int(ent.county.max()) + 1)
        leads = np.flatnonzero(ent.alive & (ent.kind == EnterpriseKind.LEADING))
        if len(leads) == 0:
            return
        per_county = np.bincount(ent.county[leads], minlength=len(bought))
        share = bought[ent.county[leads]] / np.maximum(per_county[ent.county[leads]], 1)
        ent.purchases[leads] += share.astype(np.float32)
