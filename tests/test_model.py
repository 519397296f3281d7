import numpy as np
import pandas as pd
import pytest

from povsim import ParameterError, Parameters, PovertyModel, PovsimError
from povsim.agents import EnterpriseKind, TeamKind
from povsim.governance.causes import derive_causes, main_cause
from povsim.metrics import OUTPUTS, gini_coefficient, household_snapshot
from povsim.metrics.frame import binned_income, bottom_mean_of_bins, gini_of_bins
from povsim.metrics.poverty import POVERTY_OUTPUTS
from povsim.params import NO_CAMPAIGN
from povsim.status import CAUSES, Cause, RegStatus
from povsim.world.households import COLUMNS


@pytest.fixture(scope="module")
def run():
    m = PovertyModel(rng=21, **{"population.n_households": 5000})
    m.run()
    return m


def test_runs_to_the_end_year_with_one_row_per_year(run):
    out = run.outputs()
    assert out["year"].tolist() == list(range(2012, 2021))
    assert not run.running
    assert set(OUTPUTS) == set(out.columns)


def test_no_nan_in_outputs_or_state(run):
    out = run.outputs()
    assert np.isfinite(out.fillna(0).to_numpy(float)).all()
    core = out[list(POVERTY_OUTPUTS)].drop(columns=["mean_completed_spell"])
    assert not core.isna().any().any()
    # Ratios of the registry and money are undefined only before there is a registry,
    # an exit or a loan; by the end year every output is defined, but those of
    # monitoring, which is off by default.
    assert not run.params.monitoring.enabled
    # rates of monitoring are undefined (0 of 0) when monitoring is off
    undefined = ["risk_cleared_share", "risk_cleared_cumulative_share"]
    assert not out.iloc[-1].drop(undefined).isna().any()
    for name in COLUMNS:
        arr = getattr(run.households, name)
        if arr.dtype.kind == "f":
            assert np.isfinite(arr).all(), name


def test_flows_add_up_every_year(run):
    out = run.outputs()
    for t in range(1, len(out)):
        prev, cur = out.iloc[t - 1], out.iloc[t]
        assert cur.poor_households == (prev.poor_households + cur.entries + cur.returns
                                       - cur.exits - cur.dissolved)


def test_weights_and_households_conserved(run):
    hh = run.households
    fresh = PovertyModel(rng=21, **{"population.n_households": 5000}).households
    assert hh.n == fresh.n
    assert hh.weight.sum(dtype=np.float64) == fresh.weight.sum(dtype=np.float64)
    assert hh.size().min() >= 1


def test_status_bookkeeping_is_consistent(run):
    hh = run.households
    assert np.all((hh.spell_start >= 0) == hh.poor)
    assert np.all(hh.spell_start[hh.poor] <= run.year)
    assert np.all(hh.poor == (hh.income_pc < run.p.run.poverty_line))
    assert np.all(hh.ever_exited == (hh.last_exit_year >= 0))


def test_rates_are_in_range(run):
    out = run.outputs()
    assert out.headcount_rate.between(0, 100).all()
    assert out.poverty_gap.between(0, 1).all()
    assert (out.poverty_severity <= out.poverty_gap).all()
    assert out.gini.between(0, 1).all()
    assert (out.bottom40_mean_income < out.mean_income).all()


def _headcount_2020(**overrides):
    # The core mechanisms are tested without the campaign, which would offset them.
    m = PovertyModel(rng=5, collect=False, **{"population.n_households": 6000,
                                              **NO_CAMPAIGN, **overrides})
    m.run()
    hh = m.households
    persons = hh.weight * hh.size()
    return persons[hh.poor].sum() / persons.sum()


def test_more_illness_raises_headcount():
    # From 2013 on: the 2012 state is aligned to the observed headcount whatever the
    # parameters, so a change in place from the start would be absorbed by alignment.
    base = _headcount_2020()
    sicker = _headcount_2020(**{"health.p_illness": {2013: 0.2}})
    assert sicker > base * 1.15


def test_faster_growth_lowers_headcount():
    base = _headcount_2020()
    faster = _headcount_2020(**{"economy.wage_growth": 0.12,
                                "economy.farm_productivity_growth": 0.08})
    assert faster < base * 0.8


def test_migrant_job_shock_raises_headcount_in_that_year():
    def rate_2020(loss):
        m = PovertyModel(rng=9, **{"population.n_households": 5000, **NO_CAMPAIGN,
                                   "shocks.migrant_job_loss": {2020: loss}})
        m.run()
        return m.outputs().set_index("year").loc[[2019, 2020], "headcount_rate"]

    calm, shock = rate_2020(0.0), rate_2020(0.5)
    assert calm[2019] == shock[2019]  # identical until the shock (common random numbers)
    assert shock[2020] > calm[2020] + 0.2


def test_same_seed_is_bit_identical_and_other_seed_differs():
    def go(seed):
        m = PovertyModel(rng=seed, **{"population.n_households": 3000})
        m.run()
        return m

    a, b, c = go(4), go(4), go(5)
    pd.testing.assert_frame_equal(a.outputs(), b.outputs(), check_exact=True)
    for name in COLUMNS:
        assert np.array_equal(getattr(a.households, name), getattr(b.households, name)), name
    assert not a.outputs().equals(c.outputs())


def test_parameters_object_and_overrides_give_the_same_run():
    p = Parameters().with_overrides({"population.n_households": 2000})
    a = PovertyModel(p, rng=1)
    b = PovertyModel(rng=1, population__n_households=2000)
    a.run(3)
    b.run(3)
    pd.testing.assert_frame_equal(a.outputs(), b.outputs(), check_exact=True)


def test_gini_of_known_distributions():
    assert gini_coefficient(np.ones(10), np.ones(10)) == pytest.approx(0.0, abs=1e-12)
    x = np.zeros(100)
    x[-1] = 1.0
    assert gini_coefficient(x, np.ones(100)) == pytest.approx(0.99)
    # weights act as repetition
    assert gini_coefficient(np.array([1.0, 3.0]), np.array([2.0, 1.0])) == pytest.approx(
        gini_coefficient(np.array([1.0, 1.0, 3.0]), np.ones(3)))


def test_household_snapshot(run):
    snap = household_snapshot(run, ["income_pc", "poor", "size", "cause_names"])
    assert list(snap.columns) == ["year", "income_pc", "poor", "size", "cause_names"]
    assert len(snap) == run.households.n
    assert (snap["year"] == 2020).all()
    assert snap.loc[snap.poor, "cause_names"].str.len().gt(0).mean() > 0.9
    with pytest.raises(KeyError, match="unknown snapshot column"):
        household_snapshot(run, ["incme"])


def test_main_cause_is_the_first_cause_present():
    masks = np.arange(1 << len(CAUSES), dtype=np.uint16)
    expected = [next((k for k, cause in enumerate(CAUSES) if mask & int(cause)), -1)
                for mask in masks]
    assert main_cause(masks).tolist() == expected


def test_disability_is_a_cause_where_it_costs_working_age_labour(run):
    hh = run.households
    rows = np.flatnonzero(hh.disabled)
    masks = derive_causes(hh, run.villages, run.p, rows)
    has_disability = (masks & np.uint16(Cause.DISABILITY)) > 0
    working_age = hh.n_adult[rows] > 0
    assert working_age.sum() > 20
    assert (~working_age).sum() > 20
    assert has_disability[working_age].all()
    assert not has_disability[~working_age].any()  # the elderly alone: old age or labour


def test_network_terms_with_zero_effect_are_not_computed(small_params, monkeypatch):
    """Peer, role-model and job-information terms whose coefficient is zero are skipped."""
    zero = {"behaviour.peer_weight": 0.0, "behaviour.role_model_effect": 0.0,
            "economy.job_info_effect": 0.0}
    model = PovertyModel(small_params.with_overrides(zero), rng=1)

    def unexpected(*args):
        raise AssertionError("a network term with zero effect was computed")

    monkeypatch.setattr(model.network, "neighbour_mean", unexpected)
    monkeypatch.setattr(model.network, "neighbour_sum", unexpected)
    model.step()
    moved = PovertyModel(small_params.with_overrides({"behaviour.peer_weight": 0.5}), rng=1)
    monkeypatch.setattr(moved.network, "neighbour_mean", unexpected)
    with pytest.raises(AssertionError, match="zero effect"):
        moved.step()


def test_binned_income_gives_the_exact_mean_bottom40_and_gini_within_its_bound():
    rng = np.random.default_rng(5)
    n = 50_000
    values = rng.lognormal(8.5, 0.9, n).astype(np.float32)
    values[:300] = 0.0
    values[300:350] = -0.0  # negative incomes clipped to -0.0 count as zero
    weights = rng.integers(1, 7, n).astype(np.float64)
    bins = binned_income(values, weights)
    assert bins is not None
    assert bins.persons.sum() == pytest.approx(weights.sum())
    assert bins.income.sum() == pytest.approx(float(np.dot(values, weights)), rel=1e-12)
    exact = gini_coefficient(values, weights)
    low, bound = gini_of_bins(bins)
    assert low <= exact + 1e-12
    assert exact <= low + bound + 1e-12
    order = np.argsort(values, kind="stable")
    v, w = values[order].astype(np.float64), weights[order]
    cutoff = 0.4 * w.sum()
    k = int(np.searchsorted(np.cumsum(w), cutoff))
    expected = (np.dot(v[:k], w[:k]) + (cutoff - w[:k].sum()) * v[k]) / cutoff
    assert bottom_mean_of_bins(bins, 0.4) == pytest.approx(expected, rel=1e-9)


def test_binned_income_without_positive_incomes_falls_back():
    values = np.array([0.0, -0.0, 0.0], np.float32)
    assert binned_income(values, np.ones(3)) is None


def test_status_codes_compare_with_the_int8_column_without_widening_it():
    column = np.array([0, 1, 2, 3, 4], np.int8)
    assert (column + RegStatus.REGISTERED).dtype == np.int8  # an IntEnum would give int64
    assert (column == RegStatus.RETURNED).tolist() == [False, False, False, True, False]
    assert [RegStatus(code).name for code in column] == [s.name for s in RegStatus]
    assert int(RegStatus.MONITORED) == 4
    assert RegStatus.EXITED == 2
    for kind in (TeamKind.WORK_TEAM, EnterpriseKind.WORKSHOP):  # the other int8 columns
        assert (column + kind).dtype == np.int8


def _net_from_parts(hh) -> np.ndarray:
    """Net income summed from its parts in the model's order (float32, bit for bit)."""
    net = hh.farm_income + hh.wage_income
    net += hh.asset_income
    net += hh.transfer_income
    net -= hh.medical_oop
    net -= hh.schooling_spending
    net -= hh.debt_service
    return net


@pytest.mark.parametrize("seed", [3, 21])
def test_net_income_equals_its_parts_after_every_year(seed):
    # Top-ups and transfers (dibao, consumption aid, the health refund of the newly
    # enrolled...) change income parts; the status of the year is read from net income.
    m = PovertyModel(rng=seed, **{"population.n_households": 5000})
    health = m.interventions["health"]
    settle = health.transfer
    refunds: list[int] = []

    def counted_transfer() -> None:
        refunds.append(int(health.new.sum()))  # households enrolled this year
        settle()

    health.transfer = counted_transfer
    while m.running:
        m.step()
        hh = m.households
        assert np.array_equal(hh.net_income, _net_from_parts(hh)), m.year
        assert np.array_equal(hh.income_pc, hh.net_income / hh.size()), m.year
    assert sum(refunds) > 0  # the health refund path was exercised


def test_gini_documentation_states_the_bounds_in_force():
    from povsim.metrics.frame import BIN_DROPPED_BITS, EXACT_DISTRIBUTION_LIMIT
    from povsim.metrics.poverty import gini

    assert f"{EXACT_DISTRIBUTION_LIMIT:,} households" in gini.__doc__
    assert f"{100 * 2.0 ** (BIN_DROPPED_BITS - 23):.3f}% wide" in gini.__doc__


def test_the_largest_allowed_amounts_keep_every_output_finite():
    small = {"population.n_households": 1000}
    extreme = {**small, "economy.local_wage": 1e7, "economy.migrant_wage": 1e7,
               "population.land_mean": 1e4, "health.illness_cost_median": 1e7,
               "economy.pension": 1e7, "budget.national_billion": 1e6, "budget.scale": 100.0}
    normal = PovertyModel(rng=1, **small)
    normal.run()
    model = PovertyModel(rng=1, **extreme)
    model.run()
    core = ["headcount_rate", "poor_persons_million", "poverty_gap", "poverty_severity",
            "headcount_pre_transfer", "mean_income", "bottom40_mean_income", "gini",
            "registered_households", "new_funds", "spending_total", "leakage",
            "cumulative_spending", "dibao_recipients"]
    assert np.isfinite(model.outputs()[core].to_numpy(float)).all()
    assert np.isfinite(normal.outputs()[core].to_numpy(float)).all()


@pytest.mark.parametrize(("path", "value"), [("run.poverty_line", 0.0),
                                             ("population.rural_population_million", 0.0),
                                             ("economy.local_wage", 1e300)])
def test_values_that_break_the_arithmetic_are_refused(path, value):
    with pytest.raises(ParameterError, match=path.replace(".", r"\.")):
        Parameters().with_overrides({path: value})


def test_a_run_stops_with_a_clear_error_when_an_income_is_not_finite(monkeypatch):
    model = PovertyModel(rng=1, population__n_households=500)
    real = model.earn_income

    def broken(*args):
        real(*args)
        model.households.farm_income[3] = np.nan  # net income is recomputed from it

    monkeypatch.setattr(model, "earn_income", broken)
    with pytest.raises(PovsimError, match="year 2013: the incomes of 1 households are not finite"):
        model.step()
