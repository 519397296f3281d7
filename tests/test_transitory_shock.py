"""A transitory shock skewed to the downside (economy.transitory_upside) and rising with
remoteness (economy.transitory_remoteness)."""

import numpy as np

from povsim import PovertyModel
from povsim.life.income import transitory_shock, transitory_sigmas

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


def test_per_household_risk_keeps_each_shock_mean_one():
    z = draws()
    sigma = np.where(np.arange(len(z)) % 2 == 0, 0.2, 0.7).astype(np.float32)
    for upside in (1.0, 0.5):
        shock = transitory_shock(z, sigma, upside).astype(float)
        for s in (0.2, 0.7):
            assert abs(shock[np.isclose(sigma, s)].mean() - 1.0) < 5e-3
        # the riskier half spreads more
        assert shock[1::2].std() > 2 * shock[::2].std()


def test_risk_rises_with_remoteness_only_when_asked(small_params):
    flat = PovertyModel(small_params, rng=5)
    assert np.ndim(transitory_sigmas(flat.households, flat.villages, flat.p)) == 0
    p = small_params.with_overrides({"economy.transitory_remoteness": 2.0})
    m = PovertyModel(p, rng=5)
    sigma = transitory_sigmas(m.households, m.villages, m.p)
    r = m.villages.remoteness[m.households.village]
    expected = p.economy.transitory_sigma * (1 + 2.0 * r)
    np.testing.assert_allclose(sigma, expected, rtol=1e-6)


def test_riskier_remote_incomes_put_more_of_the_poor_in_remote_villages(small_params):
    def remote_share_of_poor(gradient):
        # the same mean log sd over households: 0.45 = sigma x (1 + gradient x mean r)
        m = PovertyModel(small_params, rng=6)
        mean_r = float(m.villages.remoteness[m.households.village].mean())
        p = small_params.with_overrides({
            "economy.transitory_remoteness": gradient,
            "economy.transitory_sigma": 0.45 / (1 + gradient * mean_r)})
        shares = []
        for seed in (6, 7, 8):
            m = PovertyModel(p, rng=seed)
            m.run_for(2)
            hh = m.households
            persons = hh.weight * hh.size()
            poor = hh.income_pc < m.p.run.poverty_line
            remote = m.villages.remoteness[hh.village] > 0.5
            shares.append(persons[poor & remote].sum() / persons[poor].sum())
        return np.mean(shares)
    flat, graded = remote_share_of_poor(0.0), remote_share_of_poor(2.0)
    assert graded > flat + 0.05   # measured: 0.50 and 0.64
