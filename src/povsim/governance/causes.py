"""Causes of poverty derived from household state (several per household).

A household's causes are recomputed from its state whenever they are needed:
illness (chronic illness or high out-of-pocket medical spending), disability (of a
household with working-age members, whose labour it costs), lack
of labour, lack of skills, old age, lack of capital, remote location, schooling
costs and disaster. The *main* cause is the first present in :data:`CAUSES` order.
"""

from __future__ import annotations

import numpy as np

from povsim.chunks import CHUNK_ROWS, row_chunks
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
    if len(idx) <= CHUNK_ROWS:
        return causes_of(hh, villages, params, idx)
    masks = np.empty(len(idx), np.uint16)
    for block in row_chunks(len(idx)):  # a block at a time (see povsim.chunks)
        masks[block] = causes_of(hh, villages, params, idx[block])
    return masks


def causes_of(hh: Households, villages: Villages, params: Parameters,
              idx: np.ndarray | slice) -> np.ndarray:
    """Cause bit masks of ``idx``, rows or a slice of rows (:func:`derive_causes` in one go)."""
    c = params.causes
    h = params.health
    size = hh.size()[idx].astype(np.float32)
    n_adult = hh.n_adult[idx]
    has_adult = n_adult > 0
    disabled, chronic = hh.disabled[idx], hh.chronic[idx]
    labour = np.maximum(
        n_adult - (disabled & has_adult) * np.float32(h.disability_labour_loss)
        - (chronic & has_adult) * np.float32(h.chronic_labour_loss), 0)
    gross = hh.farm_income[idx] + hh.wage_income[idx]
    gross += hh.asset_income[idx]
    gross += hh.transfer_income[idx]
    tests = (
        (Cause.ILLNESS, chronic | (hh.medical_oop[idx] >= c.illness_spending)),
        # disability is recorded where it costs working-age labour; a disabled member of
        # a household without working-age members is recorded under old age or labour
        (Cause.DISABILITY, disabled & has_adult),
        (Cause.LACK_OF_LABOUR, labour < c.labour_per_member * size),
        (Cause.LACK_OF_SKILLS, hh.skill[idx] < c.low_skill),
        (Cause.OLD_AGE, hh.n_elderly[idx] >= c.elderly_share * size),
        (Cause.LACK_OF_CAPITAL, hh.savings[idx] < c.low_savings * size),
        (Cause.REMOTE_LOCATION, (villages.remoteness >= c.remoteness)[hh.village_index()[idx]]),
        (Cause.SCHOOLING_COSTS,
         hh.schooling_spending[idx] >= c.schooling_share * np.maximum(gross, 1)),
        (Cause.DISASTER, hh.disaster_hit[idx]),
    )
    mask = np.zeros(len(size), np.uint16)
    bit = np.empty(len(size), np.uint16)
    for cause, present in tests:  # a multiply and an or: faster than a masked or
        np.multiply(present, np.uint16(cause), out=bit)
        mask |= bit
    return mask


def _first_cause_table() -> np.ndarray:
    """For every possible cause bit mask, the index of its first cause (-1 for none)."""
    table = np.full(1 << len(CAUSES), -1, np.int8)
    for mask in range(1, len(table)):
        table[mask] = next(k for k, cause in enumerate(CAUSES) if mask & int(cause))
    return table


FIRST_CAUSE = _first_cause_table()
"""Index of the first cause in each cause bit mask (looked up rather than tested)."""


def main_cause(masks: np.ndarray) -> np.ndarray:
    """Index (into :data:`~povsim.status.CAUSES`) of the first cause present; -1 if none."""
    return FIRST_CAUSE[masks]
