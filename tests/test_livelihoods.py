"""Wages that grow by the year's rate, and members in work never more than can work."""

from pathlib import Path

import numpy as np
import pytest

from povsim import PovertyModel
from povsim.life.growth import GrowthLevels, compound_level
from povsim.life.work import leave_work_beyond_labour
from povsim.study.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"population.n_households": 4000}


def campaign(**overrides):
    params = load_scenario(ROOT / "scenarios" / "campaign.toml").params
    return params.with_overrides({**SMALL, **overrides})


def test_a_year_table_of_growth_rates_compounds_year_by_year():
    params = campaign(**{"economy.wage_growth": {2013: 0.10, 2014: 0.0, 2015: -0.05}})
    assert compound_level(params, "economy.wage_growth", 2012) == pytest.approx(1.0)
    assert compound_level(params, "economy.wage_growth", 2013) == pytest.approx(1.10)
    assert compound_level(params, "economy.wage_growth", 2014) == pytest.approx(1.10)
    # the last rate holds after the table's last year
    assert compound_level(params, "economy.wage_growth", 2017) == pytest.approx(1.10 * 0.95**3)


def test_a_constant_rate_gives_the_compound_power():
    params = campaign(**{"economy.pension_growth": 0.06})
    levels = GrowthLevels.at(params, 2018)
    assert levels.pension == np.float32(1.06**6)


def test_wages_follow_the_years_rate_not_this_years_rate_over_all_years():
    # A run with 10% wage growth in 2013 and none after has the same wage level in 2015
    # as in 2013; applying 2015's rate (0) to every year would give level 1.
    schedule = {2013: 0.10, 2014: 0.0}
    fixed = {"economy.risk_sharing_share": 0.0, "shocks.price_sigma": 0.0}
    runs = {}
    for name, growth in (("table", schedule), ("flat", 0.0)):
        model = PovertyModel(campaign(**{"economy.wage_growth": growth, **fixed}), rng=3)
        model.step()
        model.step()
        model.step()
        runs[name] = model
    assert runs["table"].levels.wage == pytest.approx(1.10)
    migrants = runs["table"].households.wage_income > 0
    ratio = runs["table"].households.wage_income[migrants] / runs["flat"].households.wage_income[
        migrants]
    # the same households and draws: mostly wages 10% higher (a few changed jobs)
    assert np.median(ratio) == pytest.approx(1.10, rel=1e-3)


def test_members_in_work_never_outnumber_the_able_workers():
    # checked after each year: the rule runs after demography and health, and nothing
    # later in the year puts anyone to work who is not idle
    model = PovertyModel(campaign(), rng=5)
    while model.running:
        model.step()
        assert (model.idle_workers() >= 0).all(), model.year


def test_a_worker_who_can_no_longer_work_leaves_local_work_first_then_migrant_work():
    model = PovertyModel(campaign(), rng=2)
    hh = model.households
    able = np.floor(model.able_labour())
    rows = np.flatnonzero((able == 2) & (hh.n_adult == 2) & (hh.n_migrant == 1)
                          & (hh.n_local_job == 1))
    assert len(rows) >= 4
    # members age out of working age: one in the first half, both in the second
    left = np.where(np.arange(len(rows)) < len(rows) // 2, 1, 0)
    hh.n_elderly[rows] += (2 - left).astype(hh.n_elderly.dtype)
    hh.n_adult[rows] = left.astype(hh.n_adult.dtype)
    hh.forget_derived()
    assert (np.floor(model.able_labour()[rows]) == left).all()
    assert leave_work_beyond_labour(model) >= len(rows)
    assert (hh.n_local_job[rows] == 0).all()  # local work ends first
    assert (hh.n_migrant[rows] == left).all()  # then migrant work
    assert (model.idle_workers() >= 0).all()
