"""Causes of poverty derived from household state (several per household).

A household's causes are recomputed from its state whenever they are needed:
illness (chronic illness or high out-of-pocket medical spending), disability, lack
of labour, lack of skills, old age, lack of capital, remote location, schooling
costs and disaster. The *main* cause is the first present in :data:`CAUSES` order.
"""

from __future__ import annotations

import numpy as np

from povsim.params import Parameters
from povsim.status import CAUSES, Cause
from povsim.world.households import Households
from povsim.world.villages import Villages


def derive_causes(hh: Households, villages: Villages, params: Parameters,
                  idx: np.ndarray) -> np.ndarray:
    """Cause bit masks (uint16) of households ``idx``.

    Args:
        hh: Household table.
        villages: Village table.
        params: Parameters in force.
        idx: Rows to diagnose.

    Returns:
        One :class:`~povsim.status.Cause` bit mask per row of ``idx``.
    """
    c = params.causes
    h = params.health
    size = hh.size()[idx].astype(np.float32)
    n_adult = hh.n_adult[idx]
    labour = np.maximum(
        n_adult - (hh.disabled[idx] & (n_adult > 0)) * np.float32(h.disability_labour_loss)
        - (hh.chronic[idx] & (n_adult > 0)) * np.float32(h.chronic_labour_loss), 0)
    gross = (hh.farm_income[idx] + hh.wage_income[idx] + hh.asset_income[idx]
             + hh.transfer_income[idx])
    mask = np.zeros(len(idx), np.uint16)
    tests = {
        Cause.ILLNESS: hh.chronic[idx] | (hh.medical_oop[idx] >= c.illness_spending),
        Cause.DISABILITY: hh.disabled[idx],
        Cause.LACK_OF_LABOUR: labour < c.labour_per_member * size,
        Cause.LACK_OF_SKILLS: hh.skill[idx] < c.low_skill,
        Cause.OLD_AGE: hh.n_elderly[idx] >= c.elderly_share * size,
        Cause.LACK_OF_CAPITAL: hh.savings[idx] < c.low_savings * size,
        Cause.REMOTE_LOCATION: villages.remoteness[hh.village[idx]] >= c.remoteness,
        Cause.SCHOOLING_COSTS: hh.schooling_spending[idx] >= c.schooling_share
        * np.maximum(gross, 1),
        Cause.DISASTER: hh.disaster_hit[idx],
    }
    for cause, present in tests.items():
        mask |= present * np.uint16(cause)
    return mask


def main_cause(masks: np.ndarray) -> np.ndarray:
    """Index (into :data:`~povsim.status.CAUSES`) of the first cause present; -1 if none."""
    out = np.full(len(masks), -1, np.int8)
    for k in range(len(CAUSES) - 1, -1, -1):
        out[(masks & np.uint16(CAUSES[k])) > 0] = k
    return out
