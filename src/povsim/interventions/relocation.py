"""Relocation from inhospitable villages to resettlement sites in town."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.agents import EnterpriseKind, add_village_enterprises
from povsim.interventions.base import Intervention
from povsim.life.income import IncomeEffects


class Relocation(Intervention):
    """Moves a household to its county's resettlement site.

    The household gets safe housing, keeps only ``farm_retained`` of its farm income,
    pays a co-payment (as debt), takes new neighbours (its non-kin ties are rewired to
    site residents) and, with follow-up support, a job at the site's workshop.

    State: ``year`` of the move (-1: not moved).
    """

    name = "relocation"

    def __init__(self, model):
        super().__init__(model)
        self.year = np.full(model.households.n, -1, np.int16)
        self.moved_this_year = 0

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households of inhospitable villages not yet moved that accept "
                           "(behaviour.relocation_acceptance, lower for the elderly)",
            "unit_cost": "cost_per_person x members",
            "effect": "safe house; farm income x farm_retained; new ties at the site; with "
                      "follow_up_jobs a site job with follow_up_job_prob; co-payment "
                      "(copay_per_person x members, at most copay_cap) as debt",
            "lag": "at once (move); wages and farm losses from the next year",
            "duration": "permanent",
            "failure_risk": "without follow-up jobs, income falls with the farm",
        }

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        hh, v = self.model.households, self.model.villages
        return v.inhospitable[hh.village[rows]] & ~hh.relocated[rows]

    @override
    def select(self, rows: np.ndarray) -> np.ndarray:
        model = self.model
        hh, b = model.households, model.p.behaviour
        only_elderly = hh.n_adult[rows] == 0
        accept = b.relocation_acceptance * (1 - b.elderly_reluctance * only_elderly)
        return rows[model.streams.behaviour.random(len(rows)) < accept]

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return self.params.cost_per_person * self.model.households.size()[rows]

    @override
    def deliver(self, rows: np.ndarray) -> None:
        model, p = self.model, self.params
        hh, v = model.households, model.villages
        size = hh.size()[rows]
        site = v.site_of_county()[v.county[hh.village[rows]]]
        hh.village[rows] = site
        hh.forget_derived("village_sizes")
        hh.relocated[rows] = True
        hh.safe_house[rows] = True
        hh.debt[rows] += np.minimum(p.copay_per_person * size, p.copay_cap).astype(np.float32)
        self.year[rows] = model.year
        self.moved_this_year = len(rows)
        model.jobs.release(model, rows)  # jobs back in the old village are left behind
        rng = model.streams.delivery
        at_sites = np.flatnonzero(v.at_site(hh.village))
        model.network.rewire_rows(rows, at_sites, rng, household_place=site,
                                  member_place=hh.village[at_sites])
        if p.follow_up_jobs:
            self._site_jobs(rows, site, rng)

    def _site_jobs(self, rows: np.ndarray, site: np.ndarray, rng: np.random.Generator) -> None:
        """Follow-up support: jobs at each site's workshop for relocated households."""
        model, p = self.model, self.params
        ent = model.enterprises
        want = (model.idle_workers(rows) >= 1) & (rng.random(len(rows)) < p.follow_up_job_prob)
        takers, sites = rows[want], site[want]
        for s in np.unique(sites):
            workers = takers[sites == s]
            shop = np.flatnonzero((ent.village == s) & (ent.kind == EnterpriseKind.WORKSHOP)
                                  & ent.alive)
            if len(shop) == 0:
                shop = add_village_enterprises(model, np.array([s]), EnterpriseKind.WORKSHOP,
                                               rng, short_term_possible=False,
                                               jobs=np.array([0], np.int32))
            e = int(shop[0])
            ent.jobs[e] = max(int(ent.jobs[e]), int(ent.filled[e]) + len(workers))
            model.jobs.place(model, workers, np.full(len(workers), e, np.int32))

    @override
    def contribute(self, effects: IncomeEffects) -> None:
        moved = self.year >= 0
        effects.farm_multiplier[moved] *= np.float32(self.params.farm_retained)

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.year[rows] = -1
