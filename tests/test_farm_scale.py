"""Returns to farm scale rise (economy.land_elasticity_growth); income by source."""

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


def test_income_by_source_adds_up_to_net_income(small_params):
    """Operating plus wage-and-transfer income, with asset income less costs, is net income."""
    from povsim.metrics.register import operating_income_current, wage_transfer_income_current

    m = PovertyModel(small_params, rng=4)
    m.run_for(3)
    hh, price = m.households, m.p.run.price_index
    persons = float(np.multiply(hh.weight, hh.size(), dtype=np.float64).sum())
    w = hh.weight.astype(np.float64)
    rest = (w * (hh.asset_income.astype(np.float64) - hh.medical_oop - hh.schooling_spending
                 - hh.debt_service)).sum() / persons
    net = (w * hh.net_income).sum() / persons
    by_source = (operating_income_current(m) + wage_transfer_income_current(m)) / price
    assert operating_income_current(m) > 0
    assert by_source + rest == pytest.approx(net, rel=1e-4)
    out = m.outputs().iloc[-1]
    assert out["operating_income_current"] == pytest.approx(operating_income_current(m))


def test_only_the_current_years_land_factor_is_kept_and_renewed(small_params):
    """A rising elasticity replaces the cached land factor instead of piling up copies."""
    m = PovertyModel(scale_returns(small_params, 0.05), rng=6)
    m.run_for(4)
    hh = m.households
    names = [key[0] for key in hh._static if isinstance(key, tuple)]
    assert names.count("land_factor") == 1
    (key,) = [k for k in hh._static if k[0] == "land_factor"]
    assert key[2] == m.levels.land_elasticity
