"""Compulsory schooling: dropout under financial stress (part of phase 3).

A poor household with school-age children whose schooling costs are not covered
sees a child drop out with chance ``schooling.p_dropout`` a year. Children who
dropped out bring less skill when they reach working age (see
:func:`povsim.life.demography.age_households`).
"""

from __future__ import annotations

import numpy as np

from povsim.draws import YearDraws
from povsim.params import Parameters
from povsim.world.households import Households


def drop_out(hh: Households, params: Parameters, draws: YearDraws,
             covered: np.ndarray) -> None:
    """Children of poor, uncovered households drop out with ``schooling.p_dropout``.

    Args:
        hh: Household table (``dropouts`` changed in place).
        params: Parameters in force.
        draws: The year's bulk draws .
        covered: Households whose schooling costs are covered (no dropout).
    """
    if draws.u_dropout is not None:  # (None: no dropout this year)
        stressed = (hh.income_pc < np.float32(params.run.poverty_line)) & ~covered
        room = hh.dropouts < hh.n_school
        drop = stressed & room & (draws.u_dropout < np.float32(params.schooling.p_dropout))
        hh.dropouts += drop
    np.minimum(hh.dropouts, hh.n_school, out=hh.dropouts)
