"""Programme jobs: members placed in enterprise and workshop jobs.

One member per household at most holds a programme job (placed by the employment
intervention, or at a resettlement site as relocation follow-up). The job pays the
enterprise's wage, scaled by skill and wage growth, and takes one labour unit from
the farm. Jobs end when the enterprise fails or the worker leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.life.income import IncomeEffects

if TYPE_CHECKING:
    from povsim.model import PovertyModel


class Jobs:
    """Who works where.

    Attributes:
        employer: Enterprise row of each household's placed member (-1: none).
        since: Year the job began (-1: none).
    """

    def __init__(self, n: int):
        self.employer = np.full(n, -1, np.int32)
        self.since = np.full(n, -1, np.int16)

    def holders(self) -> np.ndarray:
        """Rows of households with a programme job."""
        return np.flatnonzero(self.employer >= 0)

    def open_slots(self, model: PovertyModel) -> np.ndarray:
        """Open jobs of each enterprise (0 for failed ones)."""
        ent = model.enterprises
        return np.where(ent.alive, np.maximum(ent.jobs - ent.filled, 0), 0)

    def place(self, model: PovertyModel, rows: np.ndarray, employers: np.ndarray) -> None:
        """Give ``rows`` a job at ``employers`` (one enterprise row each)."""
        self.employer[rows] = employers
        self.since[rows] = model.year
        np.add.at(model.enterprises.filled, employers, 1)

    def release(self, model: PovertyModel, rows: np.ndarray) -> None:
        """End the jobs of ``rows``."""
        rows = rows[self.employer[rows] >= 0]
        np.subtract.at(model.enterprises.filled, self.employer[rows], 1)
        self.employer[rows] = -1
        self.since[rows] = -1

    def update(self, model: PovertyModel, failed_enterprises: np.ndarray) -> None:
        """Jobs at failed enterprises end; some workers leave (``separation_prob``)."""
        held = self.holders()
        if len(held) == 0:
            return
        lost = np.isin(self.employer[held], failed_enterprises)
        leave = model.streams.agents.random(len(held)) < model.p.enterprises.separation_prob
        self.release(model, held[lost | leave])

    def contribute(self, model: PovertyModel, effects: IncomeEffects) -> None:
        """Add programme wages and the labour they take to this year's income."""
        held = self.holders()
        if len(held) == 0:
            return
        hh, e = model.households, model.p.economy
        wage = model.enterprises.wage[self.employer[held]]
        level = model.levels.wage
        effects.job_wage[held] += wage * (np.float32(e.skill_wage_floor) + hh.skill[held]) * level
        effects.job_labour[held] += 1.0

    def forget(self, model: PovertyModel, rows: np.ndarray) -> None:
        """Households replaced by new ones lose their programme jobs."""
        self.release(model, rows)


def match_in_order(candidate_county: np.ndarray, candidate_skill: np.ndarray,
                   slot_county: np.ndarray, slot_skill_need: np.ndarray,
                   slot_employer: np.ndarray) -> np.ndarray:
    """Match candidates (in priority order) to open job slots of their county, in one round.

    In each county the slots are sorted from the easiest to the hardest; the first
    candidates (in priority order) who meet the easiest slot's need are paired with the
    slots in that order, and a pair holds when the candidate meets its slot's need. The
    conflict of many candidates for few slots is thus settled by priority, without a
    loop over households.

    Args:
        candidate_county: County of each candidate, in priority order.
        candidate_skill: Skill of each candidate.
        slot_county: County of each open slot.
        slot_skill_need: Skill each slot requires.
        slot_employer: Enterprise row of each slot.

    Returns:
        Employer of each candidate (-1 where none was found).
    """
    result = np.full(len(candidate_county), -1, np.int32)
    for county in np.unique(candidate_county):
        slots = np.flatnonzero(slot_county == county)
        if len(slots) == 0:
            continue
        slots = slots[np.argsort(slot_skill_need[slots], kind="stable")]
        cand = np.flatnonzero((candidate_county == county)
                              & (candidate_skill >= slot_skill_need[slots[0]]))
        k = min(len(cand), len(slots))
        cand, slots = cand[:k], slots[:k]
        ok = candidate_skill[cand] >= slot_skill_need[slots]
        result[cand[ok]] = slot_employer[slots[ok]]
    return result
