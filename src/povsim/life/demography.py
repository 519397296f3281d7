"""Phase 1a: ageing, births and deaths.

Members are counted by age group (under 6, 6-15, 16-64, 65+). Each year at most
one member of a household moves up each age group, is born or dies; the chance
grows with the number of members that could (``count x rate``, capped at 1). When
no member is left, a new young household takes the row (household formation), so
the number of households and their weights stay constant.
"""

from __future__ import annotations

import numpy as np

from povsim.draws import YearDraws
from povsim.params import Parameters
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
    demo = params.demography
    hh.head_age += 1

    move = (hh.n_young > 0) & (draws.u_young < hh.n_young * np.float32(demo.young_to_school_rate))
    hh.n_young -= move
    hh.n_school += move
    move = (hh.n_school > 0) & (
        draws.u_school < hh.n_school * np.float32(demo.school_to_adult_rate)
    )
    hh.n_school -= move
    hh.n_adult += move
    grown = np.flatnonzero(move)
    dropout = hh.dropouts[grown] > 0
    hh.dropouts[grown] -= dropout
    brings = np.where(dropout, params.schooling.dropout_skill,
                      params.schooling.completion_skill).astype(np.float32)
    if schooling_bonus is not None:
        brings += np.where(dropout, 0, schooling_bonus[grown])
    skill = hh.skill[grown]
    hh.skill[grown] = np.clip(skill + (brings - skill) / hh.n_adult[grown], 0, 1)

    # The head (and a spouse) turn elderly together.
    turning = (hh.head_age == demo.elderly_age) & (hh.n_adult > 0)
    moved = np.minimum(hh.n_adult, 2) * turning
    hh.n_adult -= moved.astype(np.int8)
    hh.n_elderly += moved.astype(np.int8)

    born = (hh.head_age >= 20) & (hh.head_age <= 40) & (draws.u_birth < np.float32(demo.p_birth))
    hh.n_young += born

    # One uniform, two exclusive intervals: an elderly death, else a working-age death.
    p_old = hh.n_elderly * np.float32(demo.mortality_elderly)
    p_adult = hh.n_adult * np.float32(demo.mortality_adult)
    old_dies = draws.u_death < p_old
    adult_dies = ~old_dies & (draws.u_death < p_old + p_adult)
    hh.n_elderly -= old_dies
    hh.n_adult -= adult_dies

    # Elderly-headed households left with only younger members get a younger head.
    handed_over = (hh.head_age >= demo.elderly_age) & (hh.n_elderly == 0) & (hh.n_adult > 0)
    hh.head_age[handed_over] = demo.successor_head_age

    empty = np.flatnonzero(hh.size() == 0)
    if len(empty):
        replace_households(hh, empty, params, villages, rng)
    return empty


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
    generate_members(hh, rows, villages.remoteness[hh.village[rows]], params, rng, head_age=age)
    hh.poor[rows] = False
    hh.ever_exited[rows] = False
    hh.spell_start[rows] = -1
    hh.last_exit_year[rows] = -1
    hh.relocated[rows] = False
    hh.origin_village[rows] = hh.village[rows]
    hh.dropouts[rows] = 0
