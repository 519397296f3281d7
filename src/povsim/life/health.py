"""Phase 1b: illness episodes (heavy-tailed costs), chronic illness and disability.

The chance of a serious episode rises with the number of elderly members and with
chronic illness; its gross cost is lognormal. Reimbursement is applied when income
is computed (phase 3), so health insurance policy acts on the out-of-pocket part.
"""

from __future__ import annotations

import numpy as np

from povsim.draws import YearDraws
from povsim.params import Parameters
from povsim.world.households import Households


def illness_and_disability(hh: Households, params: Parameters, draws: YearDraws,
                           rng: np.random.Generator, village_clinic: np.ndarray) -> None:
    """Draw this year's illness episodes and their costs, chronic illness and disability.

    Sets ``illness_episode`` and ``medical_spending`` (gross, before reimbursement)
    and updates ``chronic`` and ``disabled``.

    Args:
        hh: Household table (changed in place).
        params: Parameters in force this year.
        draws: The year's bulk draws.
        rng: The health stream (for episode costs).
        village_clinic: Whether each village has a clinic (care there costs less).
    """
    h = params.health
    elderly = hh.n_elderly.astype(np.float32)
    p_episode = (np.float32(h.p_illness) + np.float32(h.p_illness_per_elderly) * elderly
                 + np.float32(h.p_illness_chronic) * hh.chronic)
    np.less(draws.u_illness, p_episode, out=hh.illness_episode)
    ill = np.flatnonzero(hh.illness_episode)
    costs = h.illness_cost_median * np.exp(h.illness_cost_sigma * rng.standard_normal(len(ill)))
    spending = hh.chronic * np.float32(h.chronic_cost)
    spending[ill] += costs.astype(np.float32)
    spending *= 1 - np.float32(h.clinic_cost_cut) * village_clinic[hh.village]
    hh.medical_spending[:] = spending

    # Chronic illness: recovery for those who have it, onset for those who don't.
    p_onset = np.float32(h.p_chronic_onset) + np.float32(h.p_chronic_onset_per_elderly) * elderly
    recover = hh.chronic & (draws.u_chronic < np.float32(h.p_chronic_recovery))
    onset = ~hh.chronic & (draws.u_chronic < p_onset)
    hh.chronic ^= recover | onset

    p_disab = (np.float32(h.p_disability_onset)
               + np.float32(h.p_disability_onset_per_elderly) * elderly)
    hh.disabled |= draws.u_disability < p_disab
