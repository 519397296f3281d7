"""Phase 1b: illness episodes (heavy-tailed costs), chronic illness and disability.

The chance of a serious episode rises with the number of elderly members and with
chronic illness; its gross cost is lognormal. Reimbursement is applied when income
is computed (phase 3), so health insurance policy acts on the out-of-pocket part.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from povsim.chunks import row_chunks
from povsim.draws import YearDraws
from povsim.params import Parameters
from povsim.world.households import Households

UNIFORM_EDGE = 1e-6
"""Uniforms are kept this far from 0 and 1 before taking normal quantiles (finite costs)."""


def illness_and_disability(hh: Households, params: Parameters, draws: YearDraws,
                           village_clinic: np.ndarray) -> None:
    """Draw this year's illness episodes and their costs, chronic illness and disability.

    Sets ``illness_episode`` and ``medical_spending`` (gross, before reimbursement)
    and updates ``chronic`` and ``disabled``. A household falls ill when its uniform
    draw ``u`` is below its episode probability ``p``; given that, ``u / p`` is itself
    uniform, and its normal quantile sets the lognormal cost. So every household's
    episode and cost come from its own draw: changing a probability changes the costs
    smoothly and never reshuffles them among households (common random numbers hold
    when parameters change, which calibration needs).

    Args:
        hh: Household table (changed in place).
        params: Parameters in force this year.
        draws: The year's bulk draws.
        village_clinic: Whether each village has a clinic (care there costs less).
    """
    clinic_factor = 1 - np.float32(params.health.clinic_cost_cut) * village_clinic
    for rows in row_chunks(hh.n):
        _illness_rows(hh, params, draws, clinic_factor, rows)
    hh.forget_derived("labour")


def _illness_rows(hh: Households, params: Parameters, draws: YearDraws,
                  clinic_factor: np.ndarray, rows: slice) -> None:
    """Illness, chronic illness and disability of a block of rows."""
    h = params.health
    n_elderly, chronic, episode = hh.n_elderly[rows], hh.chronic[rows], hh.illness_episode[rows]
    u_illness = draws.u_illness[rows]
    elderly = n_elderly.astype(np.float32)
    p_episode = np.float32(h.p_illness_per_elderly) * elderly
    p_episode += np.float32(h.p_illness)
    p_episode += np.float32(h.p_illness_chronic) * chronic
    np.less(u_illness, p_episode, out=episode)
    ill = np.flatnonzero(episode)
    position = np.clip(u_illness[ill] / p_episode[ill], UNIFORM_EDGE, 1 - UNIFORM_EDGE)
    costs = h.illness_cost_median * np.exp(h.illness_cost_sigma * special.ndtri(position))
    spending = np.multiply(chronic, np.float32(h.chronic_cost), out=hh.medical_spending[rows])
    spending[ill] += costs.astype(np.float32)
    paying = np.flatnonzero(chronic | episode)  # a clinic in the village cuts costs
    spending[paying] *= clinic_factor[hh.village_index()[rows][paying]]

    # Chronic illness: recovery for those who have it, onset for those who don't; and
    # disability. Only rows whose draw is below the highest chance can change.
    most_elderly = np.float32(n_elderly.max(initial=0))
    p_recover = np.float32(h.p_chronic_recovery)
    onset_slope = np.float32(h.p_chronic_onset_per_elderly)
    onset_base = np.float32(h.p_chronic_onset)
    u_chronic = draws.u_chronic[rows]
    change = np.flatnonzero(u_chronic < max(p_recover, onset_base + onset_slope * most_elderly))
    u, was = u_chronic[change], chronic[change]
    p_onset = onset_base + onset_slope * elderly[change]
    chronic[change] ^= (was & (u < p_recover)) | (~was & (u < p_onset))

    disability_slope = np.float32(h.p_disability_onset_per_elderly)
    disability_base = np.float32(h.p_disability_onset)
    u_disability = draws.u_disability[rows]
    onset = np.flatnonzero(u_disability < disability_base + disability_slope * most_elderly)
    p_disabled = disability_base + disability_slope * elderly[onset]
    hh.disabled[rows][onset] |= u_disability[onset] < p_disabled


def expected_medical_spending(hh: Households, params: Parameters,
                              rows: np.ndarray) -> np.ndarray:
    """Expected gross medical spending of ``rows`` next year (yuan; before any clinic).

    The chance of an episode times the mean lognormal episode cost, plus the chronic
    illness cost: what a programme budgets for, not one year's heavy-tailed outcome.
    """
    h = params.health
    p_episode = (h.p_illness + h.p_illness_per_elderly * hh.n_elderly[rows]
                 + h.p_illness_chronic * hh.chronic[rows])
    mean_episode = h.illness_cost_median * np.exp(h.illness_cost_sigma**2 / 2)
    return (p_episode * mean_episode + hh.chronic[rows] * h.chronic_cost).astype(np.float32)
