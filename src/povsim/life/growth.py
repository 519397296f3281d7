"""Levels of the quantities that grow at real yearly rates: wages, farm productivity, pensions.

The elasticity of farm income to land rises by ``economy.land_elasticity_growth`` a
year (returns to farm scale) up to ``economy.land_elasticity_growth_until``. Farm growth
reaches a remote village without a road only in part
(``economy.farm_growth_remoteness_gap``, :func:`advance_farm_access`).

A growth rate may be one number (a constant rate) or a year table (the rate of each
year, e.g. the observed path of real wages). The level in a year is the product of
``1 + rate`` over the years since the start year, 1 in the start year; a constant rate
gives ``(1 + rate) ** years``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from povsim.params import Parameters
from povsim.params.spec import YearSchedule
from povsim.world.villages import Villages

GROWTH_RATES: dict[str, str] = {
    "wage": "economy.wage_growth",
    "farm": "economy.farm_productivity_growth",
    "pension": "economy.pension_growth",
}
"""Each level and the parameter holding its yearly growth rate."""


def compound_level(params: Parameters, path: str, year: int) -> np.float32:
    """Level in ``year`` of a quantity growing at the yearly rate at ``path``.

    Args:
        params: The run's parameters (year tables not resolved).
        path: Dotted path of the growth rate.
        year: Calendar year (the start year's level is 1).

    Returns:
        The product of ``1 + rate`` of each year after the start year up to ``year``.
    """
    start = params.run.start_year
    rate = params.get(path)
    if not isinstance(rate, YearSchedule):
        return np.float32((1.0 + rate) ** (year - start))
    level = 1.0
    for y in range(start + 1, year + 1):
        level *= 1.0 + _rate_in(rate, y)
    return np.float32(level)


def growth_rate(params: Parameters, path: str, year: int) -> float:
    """The yearly growth rate at ``path`` in ``year`` (a constant rate, or the year's)."""
    return _rate_in(params.get(path), year)


def _rate_in(rate: float | YearSchedule, year: int) -> float:
    """A rate's value in ``year``: the year table's entry, or the constant."""
    return float(rate.at(year) if isinstance(rate, YearSchedule) else rate)


def advance_farm_access(villages: Villages, params: Parameters, year: int) -> None:
    """Let the year's farm growth reach each village as far as its market access allows.

    A village at remoteness ``r`` without a road gets the share ``1 - gap x r`` of the
    year's farm productivity growth ``g`` (``gap``:
    ``economy.farm_growth_remoteness_gap``); with a road, all of it. Its
    ``farm_access`` (farm productivity relative to the national level) is multiplied by
    ``(1 + g (1 - gap r)) / (1 + g)``. Nothing changes when ``gap`` is 0.

    Args:
        villages: Village table (``farm_access`` changed in place).
        params: The run's parameters (year tables not resolved).
        year: The year being simulated (after the start year).
    """
    gap = params.economy.farm_growth_remoteness_gap
    if not gap or year <= params.run.start_year:
        return
    rate = growth_rate(params, GROWTH_RATES["farm"], year)
    reach = 1.0 - gap * villages.remoteness.astype(np.float64) * ~villages.road
    villages.farm_access *= ((1.0 + rate * reach) / (1.0 + rate)).astype(np.float32)


@dataclass(frozen=True, slots=True)
class GrowthLevels:
    """Wage, farm productivity and pension levels of one year (start year = 1)."""

    wage: np.float32
    farm: np.float32
    pension: np.float32
    land_elasticity: np.float32

    @classmethod
    def at(cls, params: Parameters, year: int) -> GrowthLevels:
        """The levels in ``year`` under ``params`` (year tables not resolved)."""
        return cls(**{name: compound_level(params, path, year)
                      for name, path in GROWTH_RATES.items()},
                   land_elasticity=land_elasticity(params, year))


def land_elasticity(params: Parameters, year: int) -> np.float32:
    """Elasticity of farm income to land in ``year`` (the start year's value, risen since).

    Args:
        params: The run's parameters (year tables not resolved).
        year: Calendar year.

    Returns:
        ``land_elasticity`` of ``year`` plus ``land_elasticity_growth`` times the years
        from the start year to ``year`` or ``land_elasticity_growth_until``, whichever
        is earlier.
    """
    e = params.economy
    base = e.land_elasticity
    if isinstance(base, YearSchedule):
        base = base.at(year)
    years = max(0, min(year, e.land_elasticity_growth_until) - params.run.start_year)
    return np.float32(base + e.land_elasticity_growth * years)
