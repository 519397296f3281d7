"""Village infrastructure: roads, water, power, broadband and clinics."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.status import RegStatus
from povsim.world.villages import INFRASTRUCTURE


class Infrastructure(Intervention):
    """Builds missing infrastructure items in villages (the unit is one item in one village).

    Items are built in the order of :data:`~povsim.world.villages.INFRASTRUCTURE` (safe
    water first), each in villages served poorest first: registered poor villages, then
    villages with registered households (by_cause and package); untargeted, in random
    order. An item works ``lag_years`` after it is funded.

    State: ``started`` (year each item was funded, -1 none), items x villages.
    """

    name = "infrastructure"
    needs_capacity = False
    village_level = True

    def __init__(self, model):
        super().__init__(model)
        self.started = np.full((len(INFRASTRUCTURE), model.villages.n), -1, np.int16)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "villages missing an item, registered poor villages first",
            "unit_cost": "cost_per_household x village households, per item",
            "effect": "road: economy.road_remoteness_cut of the market-access penalty "
                      "removed; each item: economy.infrastructure_farm_bonus on farm "
                      "income; water: the safe-water guarantee; clinic: "
                      "health.clinic_cost_cut of illness costs",
            "lag": "lag_years to build",
            "duration": "permanent",
            "failure_risk": "none",
        }

    @override
    def deliver_year(self, pool: np.ndarray) -> int:
        model, p = self.model, self.params
        v = model.villages
        villages = self._village_order(p.targeting)
        missing = np.array([~getattr(v, item)[villages] & (self.started[k, villages] < 0)
                            for k, item in enumerate(INFRASTRUCTURE)])  # items x villages
        item_idx, village_pos = np.nonzero(missing)
        order = np.lexsort((village_pos, item_idx))  # each item everywhere, water first
        item_idx, village_pos = item_idx[order], village_pos[order]
        units_village = villages[village_pos]
        size = model.households.village_sizes(v.n)
        costs = p.cost_per_household * size[units_village]
        k = model.budget.fund_in_order(self.name, costs)
        self.started[item_idx[:k], units_village[:k]] = model.year
        self.delivered = k
        return k

    def _village_order(self, targeting: str) -> np.ndarray:
        model = self.model
        v, hh = model.villages, model.households
        original = np.flatnonzero(~v.is_site)
        if targeting == "untargeted":
            return model.streams.delivery.permutation(original)
        registered = np.bincount(hh.village[hh.reg_status == RegStatus.REGISTERED],
                                 minlength=v.n)
        key_poor = ~v.poor_village[original]
        key_need = -registered[original]
        order = np.lexsort((key_need, key_poor))
        chosen = original[order]
        return chosen[(v.poor_village[chosen]) | (registered[chosen] > 0)]

    @override
    def update(self) -> None:
        model, p = self.model, self.params
        ready = (self.started >= 0) & (model.year - self.started >= p.lag_years)
        for k, item in enumerate(INFRASTRUCTURE):
            getattr(model.villages, item)[ready[k]] = True
