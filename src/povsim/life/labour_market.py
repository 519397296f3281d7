"""Phase 6 (with migration): jobs that follow the migrant-worker record.

With ``economy.jobs_follow_record`` on, how many members work away and in local wage
jobs is set by the demand for their labour, not by how many are willing: the model's
migrant workers follow the national record of out-migrant workers, and its local wage
jobs the record of local migrant workers (both as ratios to their start-year values,
``economy.out_migrant_workers_million`` and ``economy.local_migrant_workers_million``).

Each year the jobs the record adds, and those left by members who came home, aged or
fell ill, are vacancies. Idle able workers are hired into them in proportion to their
chance of finding such a job on their own (skill and, for migrant work, contacts who
work away): every candidate's chance is multiplied by one factor (:func:`hiring_scale`)
so that the expected hires, weighted to the nation, fill the vacancies. Where the
stock already exceeds the record (more returned or were placed by the employment
programme than the record allows), no one is hired and the stock falls back through
returns and labour lost.

Without the switch, migration is the supply-side hazard of :mod:`povsim.life.behaviour`
(every willing idle worker with luck leaves), and local jobs are only lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from povsim.draws import YearDraws
    from povsim.model import PovertyModel
    from povsim.params import Parameters
    from povsim.world.households import Households


@dataclass(frozen=True, slots=True)
class JobStocks:
    """The model's wage jobs at the start, and the record they are scaled by.

    Attributes:
        migrants: Weighted members working away at setup (national persons).
        local_jobs: Weighted members in local wage jobs at setup (national persons).
        migrant_record: Out-migrant workers of the record in the start year (millions).
        local_record: Local migrant workers of the record in the start year (millions).
    """

    migrants: float
    local_jobs: float
    migrant_record: float
    local_record: float

    @classmethod
    def at_start(cls, hh: Households, params: Parameters) -> JobStocks:
        """The stocks of a freshly built population and the record's start-year values."""
        e = params.economy
        return cls(
            migrants=weighted_sum(hh.weight, hh.n_migrant),
            local_jobs=weighted_sum(hh.weight, hh.n_local_job),
            migrant_record=e.out_migrant_workers_million,
            local_record=e.local_migrant_workers_million,
        )

    def migrant_target(self, params: Parameters) -> float:
        """Weighted migrant workers the record allows in the year of ``params``."""
        return self.migrants * _ratio(params.economy.out_migrant_workers_million,
                                      self.migrant_record)

    def local_target(self, params: Parameters) -> float:
        """Weighted local wage jobs the record allows in the year of ``params``."""
        return self.local_jobs * _ratio(params.economy.local_migrant_workers_million,
                                        self.local_record)


def weighted_sum(weights: np.ndarray, values: np.ndarray) -> float:
    """Sum of ``weights x values`` in float64 (numpy's own loop: no BLAS threads)."""
    return float(np.einsum("i,i->", weights, values, dtype=np.float64))


def _ratio(value: float, start: float) -> float:
    return value / start if start > 0 else 0.0


def hiring_scale(vacancies: float, weights: np.ndarray, chances: np.ndarray) -> float:
    """Factor on candidates' chances that makes their expected weighted hires ``vacancies``.

    Args:
        vacancies: Jobs to fill (weighted persons); none are filled when not above zero.
        weights: Each household's weight (persons of the nation it stands for).
        chances: Each household's chance of finding the job on its own (zero for a
            household that is not a candidate).

    Returns:
        The factor (0 when there is nothing to fill or no one with a chance). A chance
        times the factor above one is a certain hire, so the expected hires can fall
        short of the vacancies when they exceed what the candidates can take.
    """
    if vacancies <= 0:
        return 0.0
    supply = weighted_sum(weights, chances)
    return vacancies / supply if supply > 0 else 0.0


def _fill_vacancies(chance: np.ndarray, weights: np.ndarray, held: np.ndarray,
                    target: float) -> None:
    """Scale the candidates' ``chance`` in place so their expected hires fill the record.

    The vacancies are ``target`` less the weighted jobs ``held``.
    """
    chance *= np.float32(hiring_scale(target - weighted_sum(weights, held), weights, chance))


def fill_jobs_to_record(model: PovertyModel, draws: YearDraws,
                        migrant_contacts: np.ndarray | None) -> None:
    """Migrants come home; idle workers fill the record's migrant, then local, jobs.

    Args:
        model: The model (households changed in place).
        draws: The year's bulk draws (``u_migration`` decides returns and migrant hires).
        migrant_contacts: Share of each household's contacts working away (``None``
            when ``job_info_effect`` is zero).
    """
    idle = model.idle_workers()
    if draws.u_migration is not None:
        idle += migrate_to_record(model, draws.u_migration, migrant_contacts, idle)
    hire_local(model, idle)


def migrate_to_record(model: PovertyModel, u: np.ndarray, migrant_contacts: np.ndarray | None,
                      idle: np.ndarray) -> np.ndarray:
    """Migrants come home at their yearly rate; idle workers fill the record's migrant jobs.

    Args:
        model: The model (households changed in place).
        u: The year's migration uniforms (they decide both returns and hires).
        migrant_contacts: Share of each household's contacts working away (``None``
            when ``job_info_effect`` is zero).
        idle: Each household's idle able workers before anyone moves.

    Returns:
        The change in each household's idle workers (+1 home, -1 gone).
    """
    e = model.p.economy
    hh = model.households
    back = (hh.n_migrant > 0) & (u < np.float32(e.p_migrant_return))
    hh.n_migrant -= back.astype(hh.n_migrant.dtype)
    chance = np.float32(e.p_find_migrant_job / model.p.population.reference_skill) * hh.skill
    if migrant_contacts is not None:
        chance += np.float32(e.job_info_effect) * migrant_contacts
    chance *= ~back & (idle >= 1)  # candidates: idle workers who did not just come home
    _fill_vacancies(chance, hh.weight, hh.n_migrant, model.job_stocks.migrant_target(model.p))
    go = u > 1 - chance
    hh.n_migrant += go.astype(hh.n_migrant.dtype)
    return back.astype(idle.dtype) - go


def hire_local(model: PovertyModel, idle: np.ndarray) -> None:
    """Idle workers fill the local wage jobs the record allows (one member a household a year).

    The draws come from the model's ``labour_market`` stream, so the other streams
    see the same numbers with the switch on or off.

    Args:
        model: The model (households changed in place).
        idle: Each household's idle able workers.
    """
    hh = model.households
    u = model.streams.labour_market.random(hh.n, dtype=np.float32)
    pop = model.p.population
    chance = np.float32(pop.p_local_job_per_worker / pop.reference_skill) * hh.skill
    chance *= idle >= 1  # candidates: households with an idle worker
    _fill_vacancies(chance, hh.weight, hh.n_local_job, model.job_stocks.local_target(model.p))
    hire = u < chance
    hh.n_local_job += hire.astype(hh.n_local_job.dtype)
