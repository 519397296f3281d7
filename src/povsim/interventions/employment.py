"""Employment: placement in enterprise and workshop jobs, and east-west migrant jobs."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.interventions.jobs import match_in_order


class Employment(Intervention):
    """Places an idle able member in an open county job or an east-west migrant slot.

    Migrant slots come from organised labour export (``migrant_slots`` per registered
    household a year) and from the paired eastern county (labour cooperation).

    State: programme jobs are held in ``model.jobs``; migrant placements add a migrant
    worker to the household. ``migrant_slots`` counts this year's migrant slots.
    """

    name = "employment"
    reaches_followed = True

    def __init__(self, model):
        super().__init__(model)
        self._plan = np.full(model.households.n, -1, np.int32)
        self.migrant_slots = 0
        self.migrant_placed = 0

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households without a programme job with an idle able worker (not "
                           "away, not in a job) who "
                           "meets an open job's skill need, or for whom an east-west migrant "
                           "slot is left",
            "unit_cost": "placement_cost per placement",
            "effect": "a member earns the enterprise's wage x (economy.skill_wage_floor + "
                      "skill), or a migrant wage",
            "lag": "wages from the next year",
            "duration": "until the worker leaves (enterprises.separation_prob a year) or the "
                        "enterprise fails; migrants until they return home",
            "failure_risk": "enterprise failure (enterprises.failure_prob, higher for "
                            "short-term workshops)",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        model = self.model
        return (model.idle_workers(rows) >= 1) & (model.jobs.employer[rows] < 0)

    @override
    def select(self, rows: np.ndarray) -> np.ndarray:
        model = self.model
        ent, hh = model.enterprises, model.households
        open_slots = model.jobs.open_slots(model)
        slot_employer = np.repeat(np.arange(ent.n), open_slots).astype(np.int32)
        employer = match_in_order(
            model.villages.county[hh.village[rows]], hh.skill[rows],
            ent.county[slot_employer], ent.skill_need[slot_employer], slot_employer,
        )
        h = model.p.helpers
        registered = int(np.count_nonzero(model.registry.is_registered()))
        per_household = self.params.migrant_slots
        if h.enabled and model.year >= h.east_west_start_year:
            per_household += h.east_west_job_slots
        self.migrant_slots = round(per_household * registered)
        unmatched = np.flatnonzero(employer < 0)[: self.migrant_slots]
        employer[unmatched] = -2  # -2 marks a migrant slot
        chosen = employer != -1
        self._plan[rows] = employer
        return rows[chosen]

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), self.params.placement_cost)

    @override
    def deliver(self, rows: np.ndarray) -> None:
        model = self.model
        employer = self._plan[rows]
        local = employer >= 0
        model.jobs.place(model, rows[local], employer[local])
        migrants = rows[~local]
        model.households.n_migrant[migrants] += 1
        self.migrant_placed = len(migrants)
