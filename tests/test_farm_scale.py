"""Returns to farm scale rise: economy.land_elasticity_growth."""

import numpy as np
import pytest

from povsim import PovertyModel
from povsim.life.growth import land_elasticity


def scale_returns(params, growth):
    return params.with_overrides({"economy.land_elasticity_growth": growth})


def test_the_elasticity_rises_each_year_until_its_last_year_then_holds(small_params):
    p = small_params.with_overrides({"economy.land_elasticity": 0.3,
                                     "economy.land_elasticity_growth": 0.05,
                                     "economy.land_elasticity_growth_until": 2016})
    start = p.run.start_year
    assert land_elasticity(p, start) == pytest.approx(0.3)
    assert land_elasticity(p, start + 2) == pytest.approx(0.4)
    assert land_elasticity(p, 2016) == pytest.approx(0.3 + 0.05 * (2016 - start))
    assert land_elasticity(p, 2025) == land_elasticity(p, 2016)
    assert land_elasticity(scale_returns(p, 0.0), 2025) == pytest.approx(0.3)


def test_farm_growth_accrues_to_households_farming_more_land(small_params):
    """The land-rich's farm income gains on the land-poor's; mean farm income barely moves."""
    years = 5
    runs = {}
    for growth in (0.0, 0.06):
        m = PovertyModel(scale_returns(small_params, growth), rng=3)
        m.run_for(years)
        runs[growth] = m.households
    flat, rising = runs[0.0], runs[0.06]
    np.testing.assert_array_equal(flat.land, rising.land)  # the same households
    land = flat.land
    big, small = land > np.quantile(land, 0.8), land < np.quantile(land, 0.2)
    farming = (flat.farm_income > 0) & (rising.farm_income > 0)
    gain = rising.farm_income[farming].astype(float) / flat.farm_income[farming]
    assert np.median(gain[big[farming]]) > 1.1
    assert np.median(gain[small[farming]]) < 0.9
    mean_ratio = rising.farm_income.astype(float).sum() / flat.farm_income.astype(float).sum()
    assert 0.9 < mean_ratio < 1.15


def test_rising_returns_to_scale_slow_the_fall_of_poverty_from_farm_growth(small_params):
    """With farm growth, rising returns to scale leave more of the land-poor below the line."""
    def poverty(growth):
        rates = []
        for seed in range(3):
            p = scale_returns(small_params, growth).with_overrides(
                {"economy.farm_productivity_growth": 0.05})
            m = PovertyModel(p, rng=seed)
            m.run_for(5)
            rates.append(m.outputs()["headcount_rate"].iloc[-1])
        return np.mean(rates)

    assert poverty(0.06) > poverty(0.0)
