"""After 2020: defaults that end, the transition period and return-prevention monitoring."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from povsim import Parameters, PovertyModel
from povsim.governance.after_exit import at_risk, risk_passed
from povsim.metrics import OUTPUTS
from povsim.status import RegStatus
from povsim.study.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SMALL = {"population.n_households": 3000}
SEEDS = (1, 2, 3)


def run(name: str, seed: int, **overrides) -> pd.DataFrame:
    params = load_scenario(SCENARIOS / name).params.with_overrides({**SMALL, **overrides})
    model = PovertyModel(params, rng=seed)
    model.run()
    return model.outputs().set_index("year")


@pytest.fixture(scope="module")
def transition() -> list[pd.DataFrame]:
    return [run("transition.toml", s) for s in SEEDS]


def total(runs, output, since=2021):
    return sum(float(r.loc[since:, output].sum()) for r in runs)


def test_the_transition_runs_to_2030_and_stays_finite_and_bounded(transition):
    for out in transition:
        assert list(out.index) == list(range(2012, 2031))
        later = out.loc[2021:]
        # shares and means of groups that can be empty in a year are undefined then;
        # every stock, flow, level and amount is finite
        levels = [name for name, (_, unit) in OUTPUTS.items()
                  if name != "year" and not unit.startswith(("percent", "years"))]
        assert np.isfinite(later[levels].to_numpy(float)).all()
        shares = later.drop(columns=levels)
        assert ((shares >= 0) | shares.isna()).all().all()
        assert (later["headcount_rate"] < 5).all()
        assert later["new_funds"].max() < 1.5 * out.loc[2020, "new_funds"]  # no runaway money
        assert (later["monitoring_alerts"] > 0).all()  # monitoring works every year
        assert (later["pressured_exits"] == 0).all()  # no exit targets after 2020


def test_one_off_shocks_are_one_off():
    params = load_scenario(SCENARIOS / "transition.toml").params
    assert params.at(2020).shocks.migrant_job_loss > 0
    assert [params.at(y).shocks.migrant_job_loss for y in range(2021, 2031)] == [0.0] * 10
    model = PovertyModel(params.with_overrides(SMALL), rng=1)
    while model.year < 2021:
        model.step()
        if model.year == 2020:
            assert model.shocks.migrant_job_lost.any()
    assert not model.shocks.migrant_job_lost.any()


def test_funds_follow_the_data_into_the_transition_then_hold():
    p = Parameters()
    assert p.at(2020).budget.national_billion == pytest.approx(146.1)
    assert p.at(2021).budget.national_billion == pytest.approx(156.1)
    assert p.at(2030).budget.national_billion == pytest.approx(156.1)
    assert p.at(2030).run.price_index == p.at(2021).run.price_index


def test_monitoring_lowers_returns_against_no_monitoring_at_the_same_money(transition):
    off = [run("transition-monitoring-off.toml", s) for s in SEEDS]
    assert all(np.array_equal(a["new_funds"], b["new_funds"]) for a, b in
               zip(transition, off, strict=True))  # the same money arrives
    assert total(transition, "returns_after_exit") < total(off, "returns_after_exit")
    assert total(transition, "headcount_rate") < total(off, "headcount_rate")


def test_phasing_support_out_raises_returns(transition):
    phased = [run("transition-phased-out.toml", s) for s in SEEDS]
    withdrawn = [run("transition-withdrawn.toml", s) for s in SEEDS]
    kept = total(transition, "returns_after_exit", since=2021)
    assert total(phased, "returns_after_exit", since=2021) > kept
    assert total(withdrawn, "returns_after_exit", since=2021) > kept


def test_monitoring_flows_add_up(transition):
    for out in transition:
        stock = out["monitored_households"]
        change = stock.diff().loc[2021:]
        # flagged in, cleared out (last year's monitored, or this year's early flags);
        # registered returns and monitored households' own fallback changes go through
        # other statuses
        alerts = out.loc[2021:, "monitoring_alerts"]
        assert (out.loc[2021:, "risk_cleared"] <= stock.shift(1).loc[2021:] + alerts).all()
        assert (change <= out.loc[2021:, "monitoring_alerts"]).all()
        assert out.loc[2021:, "risk_cleared_share"].between(0, 100).all()
        # the stock since monitoring began: the years' clearances over the years' flags
        since = out.loc[2020:]
        np.testing.assert_allclose(
            since["risk_cleared_cumulative_share"],
            100 * since["risk_cleared"].cumsum() / since["monitoring_alerts"].cumsum())


def transition_model_in_2020() -> PovertyModel:
    """A small transition model run to the end of 2020 (monitoring on)."""
    params = load_scenario(SCENARIOS / "transition.toml").params.with_overrides(SMALL)
    model = PovertyModel(params, rng=4)
    while model.year < 2020:
        model.step()
    return model


def test_monitoring_flags_the_poor_and_those_in_scope_hit_by_a_risk_not_the_low_alone():
    model = transition_model_in_2020()
    hh, reg = model.households, model.registry
    line = model.p.run.poverty_line
    alert = model.p.monitoring.alert_ratio * line
    rows = np.flatnonzero(hh.reg_status == RegStatus.EXITED)[:60]
    assert len(rows) == 60
    reg.known_pc[rows] = 1.2 * line  # last verified: in the scope, not poor
    hh.disaster_hit[rows] = False
    hh.medical_oop[rows] = 0  # no sudden expense
    hh.schooling_spending[rows] = 0
    seen = np.full(len(rows), 1.1 * line, np.float32)  # low, a small fall: no risk
    assert not at_risk(model, rows, seen).any()
    assert at_risk(model, rows, np.full(len(rows), 0.9 * line, np.float32)).all()  # poor
    fallen = np.full(len(rows), 1.05 * line, np.float32)  # above the line, in the scope,
    reg.known_pc[rows] = fallen / 0.6  # but 40% below the last verification
    assert at_risk(model, rows, fallen).all()
    hh.disaster_hit[rows] = True
    assert at_risk(model, rows, np.full(len(rows), 1.3 * line, np.float32)).all()
    assert not at_risk(model, rows, np.full(len(rows), 1.01 * alert, np.float32)).any()
    # cleared only out of the scope with no new shock
    assert not risk_passed(model, rows, np.full(len(rows), 1.01 * alert, np.float32)).any()
    hh.disaster_hit[rows] = False
    assert risk_passed(model, rows, np.full(len(rows), 1.01 * alert, np.float32)).all()


def test_risk_is_cleared_within_the_year_only_for_early_flags_with_lasting_income_out_of_scope():
    from povsim.governance.after_exit import cleared_within_year

    model = transition_model_in_2020()
    line = model.p.run.poverty_line
    alert = model.p.monitoring.alert_ratio * line
    rows = np.arange(4000) % model.households.n
    out_of_scope = np.full(len(rows), 1.01 * alert, np.float32)
    cleared = cleared_within_year(model, rows, out_of_scope)
    # flags come uniformly over the year: about half are early enough for a 6-month check
    assert 0.4 < cleared.mean() < 0.6
    assert not cleared_within_year(model, rows, np.full(len(rows), 0.99 * alert,
                                                        np.float32)).any()
    never = model.p.with_overrides({"monitoring.clearance_months": 12.0})
    model.p = never
    assert not cleared_within_year(model, rows, out_of_scope).any()


def test_clearing_risk_within_the_year_raises_the_cleared_stock_by_2021():
    def cleared_stock(months: float) -> float:
        runs = [run("transition.toml", s, **{"run.end_year": 2021,
                                             "monitoring.clearance_months": months})
                for s in SEEDS]
        return float(np.mean([r.loc[2021, "risk_cleared_cumulative_share"] for r in runs]))

    assert cleared_stock(6.0) > cleared_stock(12.0) + 5.0
