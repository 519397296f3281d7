"""A transitory shock skewed to the downside (economy.transitory_upside)."""

import numpy as np

from povsim import PovertyModel
from povsim.life.income import transitory_shock

SIGMA = np.float32(0.45)


def draws(n=400_000, seed=0):
    return np.random.default_rng(seed).standard_normal(n).astype(np.float32)


def test_symmetric_shock_is_the_mean_one_lognormal_exactly():
    z = draws(1000)
    expected = np.exp(SIGMA * z - SIGMA * SIGMA / 2)
    np.testing.assert_array_equal(transitory_shock(z, SIGMA, 1.0), expected)


def test_skewed_shock_has_mean_one_and_a_thinner_upper_tail():
    z = draws()
    symmetric = transitory_shock(z, SIGMA, 1.0)
    for upside in (0.8, 0.5, 0.0):
        skewed = transitory_shock(z, SIGMA, upside)
        assert abs(skewed.astype(float).mean() - 1.0) < 3e-3
        # a good year raises income less, a bad year still cuts it by a like share
        assert np.quantile(skewed, 0.95) < np.quantile(symmetric, 0.95)
        bad = z < -1
        ratio = skewed[bad] / symmetric[bad]
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-5)   # same shape below zero
    # the thinner the upside, the thinner the upper tail
    tails = [np.quantile(transitory_shock(z, SIGMA, u), 0.99) for u in (1.0, 0.7, 0.4)]
    assert tails[0] > tails[1] > tails[2]


def test_a_downside_skew_lowers_mean_income_at_the_same_2012_headcount(small_params):
    def start(upside):
        p = small_params.with_overrides({"economy.transitory_sigma": 0.45,
                                         "economy.transitory_upside": upside})
        return PovertyModel(p, rng=4).outputs().iloc[0]
    symmetric, skewed = start(1.0), start(0.5)
    # both aligned to the 2012 headcount ...
    assert abs(symmetric["headcount_rate"] - 10.2) < 0.15
    assert abs(skewed["headcount_rate"] - 10.2) < 0.15
    # ... which a thinner upper tail reaches with lower incomes
    assert skewed["mean_income"] < 0.95 * symmetric["mean_income"]
