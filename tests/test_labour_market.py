"""Wage jobs that follow the migrant-worker record (economy.jobs_follow_record)."""

import itertools

import numpy as np
import pytest

from povsim import PovertyModel
from povsim.errors import PovsimError
from povsim.life.labour_market import hiring_scale

ON = {"economy.jobs_follow_record": True}


def weighted(model, column):
    hh = model.households
    return float(np.dot(hh.weight, getattr(hh, column).astype(np.float64)))


def stocks_by_year(params, seed=3, years=8):
    model = PovertyModel(params, rng=seed)
    rows = [(model.year, weighted(model, "n_migrant"), weighted(model, "n_local_job"))]
    for _ in range(years):
        model.step()
        rows.append((model.year, weighted(model, "n_migrant"), weighted(model, "n_local_job")))
        assert (model.idle_workers() >= 0).all()  # no one holds more jobs than workers
    return model, rows


def test_hiring_scale_fills_the_vacancies_in_expectation():
    rng = np.random.default_rng(0)
    weights = rng.uniform(100, 300, 1000)
    chances = rng.uniform(0.0, 0.2, 1000).astype(np.float32)
    scale = hiring_scale(5_000.0, weights, chances)
    assert float(np.dot(weights, scale * chances.astype(np.float64))) == pytest.approx(5_000.0)
    assert hiring_scale(0.0, weights, chances) == 0.0
    assert hiring_scale(-10.0, weights, chances) == 0.0
    assert hiring_scale(10.0, weights, np.zeros(1000, np.float32)) == 0.0


def test_migrants_and_local_jobs_follow_the_record(small_params):
    p = small_params.with_overrides(ON)
    model, rows = stocks_by_year(p)
    _, migrants0, local0 = rows[0]
    for year, migrants, local in rows[1:]:
        at = model.params.at(year).economy
        want_migrants = migrants0 * at.out_migrant_workers_million / 163.36
        want_local = local0 * at.local_migrant_workers_million / 99.25
        # returns and labour lost open vacancies each year; hires fill them
        assert migrants == pytest.approx(want_migrants, rel=0.03), year
        assert local == pytest.approx(want_local, rel=0.03), year
    # the record's start-year values scale it
    assert (model.job_stocks.migrant_record, model.job_stocks.local_record) == (163.36, 99.25)
    # the 2020 fall of the record (169.6 after 174.3 million) is followed
    by_year = {year: migrants for year, migrants, _ in rows}
    assert by_year[2020] < by_year[2019]


def test_without_the_switch_migration_outruns_the_record_and_local_jobs_only_end(small_params):
    _, rows = stocks_by_year(small_params)
    migrants = [m for _, m, _ in rows]
    local = [n for _, _, n in rows]
    assert migrants[-1] > 1.3 * migrants[0]  # the record rose 4%
    assert all(b <= a for a, b in itertools.pairwise(local))


def test_a_larger_record_employs_more_and_raises_wages(small_params):
    def run(scale):
        p = small_params.with_overrides({
            **ON,
            "economy.out_migrant_workers_million": {y: 163.36 * (1 + scale * (y - 2012))
                                                    for y in range(2013, 2021)},
        })
        model = PovertyModel(p, rng=5)
        model.run(8)
        return weighted(model, "n_migrant"), weighted(model, "wage_income")
    flat, growing = run(0.0), run(0.03)
    assert growing[0] > 1.15 * flat[0]
    assert growing[1] > flat[1]


def test_the_switch_leaves_the_other_random_streams_alone(small_params):
    off = PovertyModel(small_params, rng=7)
    on = PovertyModel(small_params.with_overrides(ON), rng=7)
    for _ in range(3):
        off.step()
        on.step()
    np.testing.assert_array_equal(off.draws.u_illness, on.draws.u_illness)
    np.testing.assert_array_equal(off.draws.z_income, on.draws.z_income)
    # and the first year's incomes, earned before anyone is hired, are the same
    first_off = PovertyModel(small_params, rng=7)
    first_on = PovertyModel(small_params.with_overrides(ON), rng=7)
    first_off.step()
    first_on.step()
    np.testing.assert_array_equal(first_off.households.net_income,
                                  first_on.households.net_income)


def test_a_negative_record_is_refused_with_the_field_named(small_params):
    with pytest.raises(PovsimError, match="out_migrant_workers_million"):
        PovertyModel(small_params.with_overrides({"economy.out_migrant_workers_million": -1.0}))
