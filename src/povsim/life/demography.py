"""Phase 1a: ageing, births and deaths.

Members are counted by age group (under 6, 6-15, 16-64, 65+). Each year at most
one member of a household moves up each age group, is born or dies; the chance
grows with the number of members that could (``count x rate``, capped at 1). When
no member is left, a new young household takes the row (household formation), so
the number of households and their weights stay constant.
"""

from __future__ import annotations

import numpy as np

from povsim.chunks import row_chunks
from povsim.draws import YearDraws
from povsim.params import DemographyParams, Parameters
from povsim.world.households import Households
from povsim.world.population import generate_members
from povsim.world.villages import Villages


def age_households(hh: Households, params: Parameters, draws: YearDraws,
                   villages: Villages, rng: np.random.Generator,
                   schooling_bonus: np.ndarray | None = None) -> np.ndarray:
    """Advance every household's members by one year.

    A child reaching working age moves the skill of the household's workers towards
    the skill it brings: ``schooling.completion_skill`` (plus ``schooling_bonus`` when
    its schooling was covered) or ``schooling.dropout_skill`` if it dropped out.

    Args:
        hh: Household table (changed in place).
        params: Parameters in force this year.
        draws: The year's bulk draws.
        villages: Village table (for the remoteness of replacement households).
        rng: The demography stream (for replacement households).
        schooling_bonus: Extra skill children of each household bring (education).

    Returns:
        Rows of households that were replaced by newly formed ones.
    """
    empty = [_age_rows(hh, params, draws, schooling_bonus, rows) for rows in row_chunks(hh.n)]
    hh.forget_derived()
    empty = np.concatenate(empty)
    if len(empty):
        replace_households(hh, empty, params, villages, rng)
    return empty


def _age_rows(hh: Households, params: Parameters, draws: YearDraws,
              schooling_bonus: np.ndarray | None, rows: slice) -> np.ndarray:
    """Age the households of a block of rows; returns the rows left without members.

    A step whose draw was skipped this year (its rate is zero, see
    :data:`povsim.draws.OPTIONAL_UNIFORMS`) changes nothing and is left out.
    """
    demo = params.demography
    head_age, n_young, n_school = hh.head_age[rows], hh.n_young[rows], hh.n_school[rows]
    n_adult, n_elderly = hh.n_adult[rows], hh.n_elderly[rows]  # views: changed in place
    head_age += 1

    # A uniform draw u is below count x rate only when count > 0 (u >= 0).
    if draws.u_young is not None:
        move = draws.u_young[rows] < n_young * np.float32(demo.young_to_school_rate)
        n_young -= move
        n_school += move
    if draws.u_school is not None:
        move = draws.u_school[rows] < n_school * np.float32(demo.school_to_adult_rate)
        n_school -= move
        n_adult += move
        _leave_school(hh, params, np.flatnonzero(move) + rows.start, schooling_bonus)

    # The head (and a spouse) turn elderly together.
    turning = np.flatnonzero(head_age == demo.elderly_age)
    moved = np.minimum(n_adult[turning], 2)
    n_adult[turning] -= moved
    n_elderly[turning] += moved

    if draws.u_birth is not None:
        born = np.flatnonzero(draws.u_birth[rows] < np.float32(demo.p_birth))
        age = head_age[born]
        n_young[born[(age >= demo.childbearing_head_age_min)
                     & (age <= demo.childbearing_head_age_max)]] += 1

    died = np.empty(0, np.int64)
    if draws.u_death is not None:
        died = _deaths(demo, draws.u_death[rows], n_adult, n_elderly)

    # Elderly-headed households left with only younger members get a younger head.
    handed_over = (head_age >= demo.elderly_age) & (n_elderly == 0) & (n_adult > 0)
    head_age[handed_over] = demo.successor_head_age

    left = n_young[died].astype(np.int16) + n_school[died] + n_adult[died] + n_elderly[died]
    return died[left == 0] + rows.start


def _leave_school(hh: Households, params: Parameters, grown: np.ndarray,
                  schooling_bonus: np.ndarray | None) -> None:
    """Children of rows ``grown`` reached working age: their schooling sets adult skill."""
    dropout = hh.dropouts[grown] > 0
    hh.dropouts[grown] -= dropout
    brings = np.where(dropout, params.schooling.dropout_skill,
                      params.schooling.completion_skill).astype(np.float32)
    if schooling_bonus is not None:
        brings += np.where(dropout, 0, schooling_bonus[grown])
    skill = hh.skill[grown]
    hh.skill[grown] = np.clip(skill + (brings - skill) / hh.n_adult[grown], 0, 1)


def _deaths(demo: DemographyParams, u_death: np.ndarray, n_adult: np.ndarray,
            n_elderly: np.ndarray) -> np.ndarray:
    """Deaths in a block of rows (counts changed in place); returns the rows with one.

    One uniform, two exclusive intervals: an elderly death, else a working-age death.
    Only rows whose draw is below the largest possible chance of a death can have one.
    """
    mortality_elderly = np.float32(demo.mortality_elderly)
    mortality_adult = np.float32(demo.mortality_adult)
    highest = (np.float32(n_elderly.max(initial=0)) * mortality_elderly
               + np.float32(n_adult.max(initial=0)) * mortality_adult)
    at_risk = np.flatnonzero(u_death < highest)
    u = u_death[at_risk]
    p_old = n_elderly[at_risk] * mortality_elderly
    p_adult = n_adult[at_risk] * mortality_adult
    old_dies = u < p_old
    adult_dies = ~old_dies & (u < p_old + p_adult)
    n_elderly[at_risk[old_dies]] -= 1
    n_adult[at_risk[adult_dies]] -= 1
    return at_risk[old_dies | adult_dies]


def replace_households(hh: Households, rows: np.ndarray, params: Parameters,
                       villages: Villages, rng: np.random.Generator) -> None:
    """Put newly formed young households in ``rows`` (same village, fresh history).

    Args:
        hh: Household table (changed in place).
        rows: Rows to replace.
        params: Parameters in force.
        villages: Village table.
        rng: Random generator.
    """
    age = np.full(len(rows), params.demography.formation_head_age, np.int16)
    generate_members(hh, rows, villages, params, rng, head_age=age)
    hh.poor[rows] = False
    hh.ever_exited[rows] = False
    hh.spell_start[rows] = -1
    hh.last_exit_year[rows] = -1
    hh.relocated[rows] = False
    hh.origin_village[rows] = hh.village[rows]
    hh.dropouts[rows] = 0
