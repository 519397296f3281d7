"""Phase 1 (end): members who can no longer work leave their work.

A household's members in work (migrant workers, local wage jobs, a programme job) are
at most its able workers (``floor`` of its able working-age labour, without this
year's passing illness). When ageing, death, disability or chronic illness leaves
fewer able workers than members in work, the surplus stop working: local jobs end
first, then migrant work, then the programme job (its place goes back to the
enterprise). Public welfare posts are not touched: they are for weak labour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def leave_work_beyond_labour(model: PovertyModel) -> int:
    """Members in work beyond their household's able workers stop working.

    Args:
        model: The model (households and programme jobs changed in place).

    Returns:
        Number of households whose members in work were cut.
    """
    hh = model.households
    surplus = -model.idle_workers()
    over = np.flatnonzero(surplus > 0)
    if len(over) == 0:
        return 0
    left = surplus[over].astype(np.int16)
    for column in (hh.n_local_job, hh.n_migrant):
        cut = np.minimum(column[over], left)
        column[over] -= cut.astype(column.dtype)
        left -= cut
    model.jobs.release(model, over[left > 0])
    return len(over)
