"""Phase 2: village disasters, farm prices and scenario shocks (migrant job losses).

Returns the year's multipliers that income (phase 3) applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from povsim.params import Parameters
from povsim.world.households import Households
from povsim.world.villages import Villages


@dataclass(slots=True)
class YearShocks:
    """The year's shocks.

    Attributes:
        village_hit: Whether each village was hit by a disaster.
        farm_multiplier: Farm income multiplier of each village (disaster losses).
        price: Farm price multiplier common to all villages.
        migrant_job_lost: Households whose migrant workers lost their jobs (and this year's
            wages) this year.
    """

    village_hit: np.ndarray
    farm_multiplier: np.ndarray
    price: float
    migrant_job_lost: np.ndarray


def draw_shocks(hh: Households, villages: Villages, params: Parameters,
                rng: np.random.Generator, u_damage: np.ndarray | None,
                u_job_loss: np.ndarray | None) -> YearShocks:
    """Draw village disasters and the price shock; damage houses in hit villages.

    Args:
        hh: Household table (``disaster_hit`` and ``safe_house`` changed in place).
        villages: Village table.
        params: Parameters in force this year.
        rng: The shocks stream (village disasters and the price: fixed shapes).
        u_damage: Each household's uniform draw for damage to its house (``None``: no
            damage this year).
        u_job_loss: Each household's uniform draw for its migrants losing their jobs
            (``None``: no job losses this year).

    Returns:
        The year's shocks.
    """
    s = params.shocks
    hit = rng.random(villages.n) < villages.disaster_risk
    np.take(hit, hh.village_index(), out=hh.disaster_hit)
    if u_damage is not None:
        hh.safe_house &= ~(hh.disaster_hit & (u_damage < np.float32(s.disaster_house_damage)))
    farm = np.where(hit, 1.0 - s.disaster_farm_loss, 1.0).astype(np.float32)
    price = float(np.exp(s.price_sigma * rng.standard_normal() - s.price_sigma**2 / 2))
    if u_job_loss is None:
        lost = np.zeros(hh.n, bool)
    else:
        lost = (hh.n_migrant > 0) & (u_job_loss < np.float32(s.migrant_job_loss))
    return YearShocks(hit, farm, price, lost)
