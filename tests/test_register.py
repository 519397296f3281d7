"""The register as an administrative record with memory, and the designated places' exits."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from povsim import Parameters, PovertyModel
from povsim.governance.identification import observe, village_quotas
from povsim.governance.places import registered_incidence
from povsim.params.policy import INTERVENTION_NAMES
from povsim.status import RegStatus, registered_as_poor
from povsim.study.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]

SMALL = {"population.n_households": 4000}

PERFECT = {  # cadres see every household's stable income exactly
    "identification.noise_sd": 0.0,
    "identification.hidden_income": 0.0,
    "identification.mode": "need_based",
    "identification.favouritism": 0.0,
    "identification.public_review_catch": 0.0,
}

FROZEN = {  # nothing changes any household's income after the start
    "economy.transitory_sigma": 0.0,
    "economy.farm_productivity_growth": 0.0,
    "economy.wage_growth": 0.0,
    "economy.pension_growth": 0.0,
    "economy.p_find_migrant_job": 0.0,
    "economy.p_migrant_return": 0.0,
    "economy.job_info_effect": 0.0,
    "economy.risk_sharing_share": 0.0,
    "economy.savings_rate": 0.0,
    "economy.dissaving_rate": 0.0,
    "health.p_illness": 0.0,
    "health.p_illness_per_elderly": 0.0,
    "health.p_illness_chronic": 0.0,
    "health.p_chronic_onset": 0.0,
    "health.p_chronic_onset_per_elderly": 0.0,
    "health.p_chronic_recovery": 0.0,
    "health.p_disability_onset": 0.0,
    "health.p_disability_onset_per_elderly": 0.0,
    "health.baseline_reimbursement": 0.45,
    "health.critical_illness_rate": 0.0,
    "population.disaster_risk_base": 0.0,
    "population.disaster_risk_remoteness": 0.0,
    "shocks.price_sigma": 0.0,
    "demography.p_birth": 0.0,
    "demography.young_to_school_rate": 0.0,
    "demography.school_to_adult_rate": 0.0,
    "demography.mortality_adult": 0.0,
    "demography.mortality_elderly": 0.0,
    "demography.elderly_age": 100,  # nobody is or turns elderly: members stay in their groups
    "schooling.p_dropout": 0.0,
    "behaviour.peer_weight": 0.0,
    "behaviour.role_model_effect": 0.0,
    "behaviour.handout_penalty": 0.0,
    "behaviour.work_reward": 0.0,
    "behaviour.withdrawal_effort_cut": 0.0,
    "helpers.motivation_boost": 0.0,
    "budget.start_year": 2100,
    "cadres.work_teams": False,  # no better observers arriving in poor villages
    **{f"interventions.{name}.enabled": False for name in INTERVENTION_NAMES},
}


def registered(model):
    return registered_as_poor(model.households.reg_status)


def test_with_perfect_observation_the_sweep_leaves_every_poor_and_no_wrong_entry():
    model = PovertyModel(rng=2, **SMALL, **PERFECT, **{
        "identification.lookback_share": {2015: 1.0, 2016: 0.0},
        "identification.lookback_coverage": 1.0,
        "identification.removal_margin": 1.0,
        "identification.application_rate": 1.0,
        "exit.start_year": 2100})
    while model.year < 2015:  # the mass registration (2014), then the sweep (2015)
        model.step()
    line = np.float32(model.p.run.poverty_line)
    poor = model.households.need_pc < line  # stable income when cadres identified
    assert poor.sum() > 100
    on = registered(model)
    assert not (poor & ~on).any()  # no poor household is missed
    # and every registered household was poor when it was registered: the sweep struck
    # out the quota's non-poor; those who have risen above the line since are left to exit
    assert (model.registry.entry_pc[on] < line).all()
    assert (on & ~poor).any()


def test_the_sweep_strikes_out_the_wrongly_registered_not_those_whose_income_rose():
    # favoured kin are left out (the sweep catches them by its own chance, tested apart):
    # the quota registers few non-poor otherwise, so it is the wrongly registered by
    # observation error that the sweep's re-examination must strike out
    model = PovertyModel(rng=4, **SMALL, **{
        "identification.lookback_share": {2015: 1.0, 2016: 0.0},
        "identification.removal_margin": 1.2, "exit.start_year": 2100,
        "identification.favouritism": 0.0})
    while model.year < 2014:
        model.step()
    reg, hh = model.registry, model.households
    line = np.float32(model.p.run.poverty_line)
    before = np.flatnonzero(registered(model))
    wrong = before[reg.entry_pc[before] > 1.5 * line]  # well above the line when registered
    model.step()  # 2015: the sweep
    rose = before[(reg.entry_pc[before] < line) & (hh.stable_pc(before) > 2 * line)]
    assert len(wrong) > 10
    assert len(rose) > 10
    struck_wrong = np.mean(hh.reg_status[wrong] == RegStatus.NEVER)
    struck_rose = np.mean(hh.reg_status[rose] == RegStatus.NEVER)
    assert struck_wrong > 0.8
    assert struck_rose < 0.1


def test_without_adjustment_the_register_only_shrinks_by_exits_and_deaths():
    model = PovertyModel(rng=3, **SMALL, **{"identification.adjustment": False,
                                            "identification.lookback_share": 0.0})
    model.run()
    out = model.outputs().set_index("year").loc[2015:]
    assert (out["new_registrations"] == 0).all()
    assert (out["returns_registered"] == 0).all()
    assert (out["removals"] == 0).all()
    change = out["registered_households"].diff().dropna()
    shrink = -(out["exits_registered"] + out["registered_dissolved"]).iloc[1:]
    assert np.array_equal(change.to_numpy(), shrink.to_numpy())
    assert out["exits_registered"].sum() > 0


def frozen_model(mode, **more):
    """Incomes frozen, cadres' errors large and learning nothing, nobody able to exit."""
    return PovertyModel(rng=4, **SMALL, **FROZEN, **{
        "identification.noise_sd": 0.6, "identification.mode": mode,
        "identification.favouritism": 0.0,
        "identification.contact_error_decay": 1.0,
        "identification.lookback_share": 0.0,
        "identification.application_rate": 0.5,
        "exit.income_margin": 10.0, "exit.target_pressure": 0.0, **more})


def test_measurement_noise_alone_moves_nobody_on_or_off_the_register():
    """After the registration nobody is registered, removed, exits or returns, year after
    year: the same household verified again is seen the same way."""
    model = frozen_model("need_based")
    while model.year < 2014:
        model.step()
    start = registered(model).copy()
    assert start.sum() > 100
    incomes = model.households.income_pc.copy()
    model.run()
    assert np.array_equal(model.households.income_pc, incomes)  # truly frozen
    assert np.array_equal(registered(model), start)
    flows = model.outputs().set_index("year").loc[2015:, [
        "new_registrations", "removals", "exits_registered", "returns_registered"]]
    assert (flows.to_numpy() == 0).all()


def test_after_a_quota_registration_only_those_the_quota_left_out_are_added():
    model = frozen_model("quota")
    line = np.float32(model.p.run.poverty_line)
    while model.year < 2014:
        model.step()
    start = registered(model).copy()
    seen_poor = model.registry.known_pc < line  # the 2014 verification
    assert (seen_poor & ~start).sum() > 0  # the quota left some out
    model.run()
    added = registered(model) & ~start
    assert added.sum() > 0
    assert seen_poor[added].all()  # ... and only they are added later
    assert (start <= registered(model)).all()  # nobody leaves
    assert model.outputs().set_index("year").loc[2015:, "removals"].sum() == 0


def test_contact_teaches_cadres_and_the_register_moves_only_towards_the_truth():
    frozen = {**FROZEN, "identification.noise_sd": 0.6, "identification.mode": "need_based",
              "identification.favouritism": 0.0, "identification.public_review_catch": 0.0,
              "identification.lookback_share": 0.0, "identification.application_rate": 0.5,
              "exit.target_pressure": 0.0}
    model = PovertyModel(rng=5, **SMALL, **frozen)  # contact_error_decay < 1: learning
    line = np.float32(model.p.run.poverty_line)
    while model.year < 2014:
        model.step()
    poor = model.households.stable_pc() < line
    wrongly = [(registered(model) & ~poor).sum()]
    while model.running:
        model.step()
        wrongly.append((registered(model) & ~poor).sum())
    assert np.array_equal(model.households.stable_pc() < line, poor)
    assert wrongly[0] > 20
    assert all(b <= a for a, b in itertools.pairwise(wrongly))  # only falls
    assert wrongly[-1] < 0.75 * wrongly[0]  # the wrongly registered exit as cadres learn
    assert not (model.registry.has_exited() & poor).any()  # and no poor household does


def test_the_register_stock_equals_last_year_plus_inflows_minus_outflows():
    model = PovertyModel(rng=6, **SMALL, **{"monitoring.enabled": {2018: True}})
    model.run()
    out = model.outputs().set_index("year")
    stock = out["registered_households"]
    inflow = out["new_registrations"] + out["returns_registered"]
    outflow = out["exits_registered"] + out["removals"] + out["registered_dissolved"]
    assert np.array_equal(stock.diff().iloc[1:].to_numpy(),
                          (inflow - outflow).iloc[1:].to_numpy())
    assert out["removals"].sum() > 0


@pytest.mark.parametrize(("scenario", "overrides"), [
    (None, {}),
    ("baseline", {"population.n_households": 5000}),
    # households registered in a year may exit in it: not counted against the start's
    ("fake-exits", {"population.n_households": 5000, "exit.min_years_registered": 0}),
])
def test_exit_rate_is_the_percent_of_the_start_of_year_register_that_exits(scenario,
                                                                           overrides):
    params = load_scenario(ROOT / "scenarios" / f"{scenario}.toml").params \
        if scenario else Parameters()
    model = PovertyModel(params.with_overrides({**SMALL, **overrides}), rng=1 if scenario
                         else 7)
    rates, expected, later = [], [], 0
    while model.running:
        at_start = registered(model).copy()
        model.step()
        exited = model.registry.exit_year == model.year        # certified this year
        row = model.outputs().iloc[-1]
        later += int(np.count_nonzero(exited & ~at_start))
        if at_start.any():
            rates.append(row["exit_rate"])
            expected.append(100 * np.count_nonzero(exited & at_start) / at_start.sum())
    assert rates == pytest.approx(expected)
    assert max(rates) <= 100
    if scenario == "fake-exits":
        assert later > 0                   # exits of the year's registrations happened


def test_a_county_exits_when_its_register_incidence_falls_below_its_threshold():
    model = PovertyModel(rng=8, population__n_households=6000,
                         counties__check_max_error=1.0)  # the third-party check always passes
    c = model.p.counties
    hh, v, counties = model.households, model.villages, model.counties
    assert counties.designated.any()
    assert not counties.designated.all()
    seen = 0
    while model.running:
        model.step()
        county_of = v.county[hh.village]
        incidence = registered_incidence(model, county_of, counties.n)
        threshold = np.where(counties.west, c.exit_incidence_west, c.exit_incidence)
        now = counties.exit_year == model.year
        seen += now.sum()
        assert (incidence[now] < threshold[now]).all()
        if model.year >= c.exit_start_year:
            waiting = counties.designated & (counties.exit_year < 0)
            assert not (waiting & (incidence < threshold)).any()  # all below have exited
    assert seen > 0
    assert (counties.exit_year[~counties.designated] == -1).all()


def test_designated_counties_are_the_poorest_and_hold_their_share_of_persons():
    baseline = load_scenario(ROOT / "scenarios" / "baseline.toml").params
    model = PovertyModel(baseline, rng=9, population__n_households=6000)
    hh, v = model.households, model.villages
    county = v.county[hh.village]
    persons = hh.weight * hh.size()
    designated = model.counties.designated[county]
    share = persons[designated].sum() / persons.sum()
    assert abs(share - model.p.counties.designated_share) < 0.1
    assert hh.poor[designated].mean() > 1.5 * hh.poor[~designated].mean()


def test_inclusion_error_splits_into_waiting_for_guarantees_and_meeting_the_standard():
    from povsim.governance.exit import guarantees_met

    model = PovertyModel(rng=3, **SMALL)
    for _ in range(4):          # to the end of 2016, mid-campaign
        model.step()
    line = np.float32(model.p.run.poverty_line)
    row = model.outputs().set_index("year").loc[model.year]
    rows = np.flatnonzero(registered(model))
    above = model.households.need_pc[rows] >= line
    meets = above & guarantees_met(model, rows)
    assert 0 < meets.sum() < above.sum()          # both parts are present mid-campaign
    assert row.inclusion_error == pytest.approx(100 * above.mean(), rel=1e-5)
    assert row.inclusion_error_exit_standard == pytest.approx(100 * meets.mean(), rel=1e-5)
    assert row.inclusion_error_exit_standard < row.inclusion_error


def test_exit_quotas_hold_each_countys_yearly_exits_to_the_ceiling_of_its_even_pace(
        monkeypatch):
    import povsim.model
    from povsim.governance import exit as exit_phase

    params = load_scenario(ROOT / "scenarios" / "campaign.toml").params.with_overrides(
        {**SMALL, "exit.plan_ceiling": 1.2, "exit.target_pressure": 0.0})
    seen = {"held": 0, "years": 0}

    def assess_and_check(model):
        hh, reg, p = model.households, model.registry, model.p.exit
        candidates = reg.is_registered() & (model.year - hh.reg_year >= p.min_years_registered)
        exit_phase.assess_exits(model)
        if model.year < p.start_year:
            return
        county = model.villages.county[hh.village]
        n = int(model.villages.county.max()) + 1
        plan = np.ceil(np.bincount(county[candidates], minlength=n)
                       / (p.target_year - model.year + 1))
        quota = np.ceil(1.2 * plan)
        exits = np.bincount(county[candidates & (reg.exit_year == model.year)], minlength=n)
        assert (exits <= quota).all()
        seen["held"] += int(np.count_nonzero((exits == quota) & (quota > 0)))
        seen["years"] += 1

    monkeypatch.setattr(povsim.model, "assess_exits", assess_and_check)
    model = PovertyModel(params, rng=5)
    model.run_for(2019 - model.year)
    assert seen["years"] == 5
    assert seen["held"] > 0  # the ceiling binds in some counties


def test_exit_quotas_spread_exits_and_keep_households_on_the_register_longer():
    def register_path(ceiling):
        params = load_scenario(ROOT / "scenarios" / "campaign.toml").params.with_overrides(
            {**SMALL, "exit.plan_ceiling": ceiling})
        model = PovertyModel(params, rng=6)
        model.run_for(2019 - model.year)
        frame = model.datacollector.get_model_vars_dataframe().set_index("year")
        return frame["exits_registered"], frame["registered_persons_million"]

    free_exits, free_register = register_path(0.0)
    held_exits, held_register = register_path(1.2)
    assert held_exits[2015] < free_exits[2015]  # fewer at the start...
    assert held_exits[2019] > free_exits[2019]  # ...more at the end
    assert (held_register[2016:2019] > free_register[2016:2019]).all()


def test_the_national_quota_goes_to_counties_by_their_estimated_poor():
    model = PovertyModel(rng=3, **SMALL)
    while model.year < 2013:
        model.step()
    hh, v = model.households, model.villages
    model.registry.known_pc[:] = observe(model)  # the registration's first observation
    quota = village_quotas(model)
    size = hh.village_sizes(v.n)
    p = model.p.identification
    assert abs(quota.sum() - p.quota_rate * size.sum()) <= v.n  # rounding per village
    n_counties = int(v.county.max()) + 1
    county_quota = np.bincount(v.county, weights=quota, minlength=n_counties)
    county_size = np.bincount(v.county, weights=size, minlength=n_counties)
    seen_poor = model.registry.known_pc < model.p.run.poverty_line
    poor_seen = np.bincount(v.county[hh.village[seen_poor]], minlength=n_counties)
    rate = county_quota / county_size
    designated = model.counties.designated
    assert rate[designated].mean() > 1.25 * rate[~designated].mean()  # by size: the same
    np.testing.assert_allclose(county_quota / quota.sum(), poor_seen / poor_seen.sum(),
                               atol=5 / len(size) * n_counties)
    # by size: every county the same share of its households
    proportional = model.p.with_overrides({"identification.quota_allocation": "proportional"})
    model.p = proportional
    by_size = np.bincount(v.county, weights=village_quotas(model), minlength=n_counties)
    # each village's quota is rounded: a county is off by at most half a household a village
    villages = np.bincount(v.county, minlength=n_counties)
    assert (np.abs(by_size - p.quota_rate * county_size) <= 0.5 * villages).all()
