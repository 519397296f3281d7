"""Public welfare posts (forest rangers, cleaners) for weak labour."""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.interventions.base import Intervention
from povsim.life.income import IncomeEffects
from povsim.world.households import ALL, Rows


class PublicPosts(Intervention):
    """A paid part-time post for a household whose labour is weak.

    State: ``since`` (year the post began, -1 none).
    """

    name = "public_posts"
    recurring = True

    def __init__(self, model):
        super().__init__(model)
        self.since = np.full(model.households.n, -1, np.int16)

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "households without a post with some labour (a working-age or "
                           "elderly member) that is weak: skill below max_skill, a disabled "
                           "or an elderly member",
            "unit_cost": "wage a year (recurring)",
            "effect": "wage income; labour_used taken from the farm; rewards work "
                      "(behaviour.work_reward)",
            "lag": "paid from the next year",
            "duration": "duration_years; withdrawn after exit when support is",
            "failure_risk": "wages cut pro rata when the allocation is short",
        }

    def holders(self, rows: Rows = ALL) -> np.ndarray:
        """Whether each of ``rows`` (all households if omitted) holds a post."""
        return self.since[rows] >= 0

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        hh = self.model.households
        some_labour = (hh.n_adult[rows] + hh.n_elderly[rows]) > 0
        weak = (hh.skill[rows] < self.params.max_skill) | hh.disabled[rows] | (
            hh.n_elderly[rows] > 0)
        return (self.since[rows] < 0) & some_labour & weak

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), self.params.wage)

    @override
    def deliver(self, rows: np.ndarray) -> None:
        self.since[rows] = self.model.year

    @override
    def update(self) -> None:
        ended = self.holders() & (self.model.year - self.since > self.params.duration_years)
        self.since[ended] = -1

    @override
    def contribute(self, effects: IncomeEffects) -> None:
        rows = np.flatnonzero(self.holders() & (self.since < self.model.year))
        if len(rows) == 0:
            return
        p = self.params
        ratio = np.float32(self.pay(p.wage * len(rows)))
        effects.job_wage[rows] += np.float32(p.wage) * ratio
        effects.job_labour[rows] += np.float32(p.labour_used) * ratio

    @override
    def withdraw(self, rows: np.ndarray) -> None:
        self.since[rows] = -1

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.since[rows] = -1
