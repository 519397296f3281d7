"""Transfers by their rules, poverty before and after them, and behaviour that responds."""

from pathlib import Path

import numpy as np

from povsim import PovertyModel
from povsim.study.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"population.n_households": 4000}


def wage_level(model):
    """Real wage level of the model's year: the product of 1 + each year's wage growth."""
    params = model.params
    return float(np.prod([1 + params.at(year).economy.wage_growth
                          for year in range(params.run.start_year + 1, model.year + 1)]))


def campaign(**overrides):
    params = load_scenario(ROOT / "scenarios" / "campaign.toml").params
    return params.with_overrides({**SMALL, **overrides})


def test_the_backstop_follows_its_rules_every_year():
    model = PovertyModel(campaign(), rng=1)
    dibao = model.interventions["dibao"]
    line = model.p.run.poverty_line
    seen = 0
    while model.running:
        model.step()
        paid = np.flatnonzero(dibao.receiving() & ~dibao.single)
        if not len(paid):
            continue
        seen += len(paid)
        standard, assessed = dibao.standard[paid], dibao.assessed[paid]
        assert (assessed < standard).all()  # only households assessed below their standard
        size = model.households.size()[paid]
        np.testing.assert_allclose(dibao.benefit[paid] / size,
                                   (standard - assessed) * dibao.pay_ratio, rtol=1e-4)
        if model.year >= model.p.interventions.dibao.line_floor_year:
            assert (standard >= line).all()  # two lines merged: no county below the line
    assert seen > 200


def test_single_person_enrolment_pays_one_standard_to_supported_households_with_a_severe_member():
    model = PovertyModel(campaign(), rng=1)
    dibao = model.interventions["dibao"]
    first = model.p.interventions.dibao.single_person_year
    hh, reg = model.households, model.registry
    pay = dibao.transfer
    seen = []

    def pay_and_check():
        pay()
        alone = np.flatnonzero(dibao.single)
        if model.year < first:
            assert len(alone) == 0
            return
        supported = reg.is_supported() | (reg.has_exited() & reg.support_kept)
        due = supported & ~dibao.enrolled & dibao.severe & (hh.disabled | hh.chronic)
        np.testing.assert_array_equal(alone, np.flatnonzero(due))  # all of them, no other
        np.testing.assert_allclose(dibao.benefit[alone],
                                   dibao.county_standards(alone) * dibao.pay_ratio, rtol=1e-5)
        # the backstop counts the member enrolled alone, not the household
        np.testing.assert_array_equal(dibao.covered_persons(alone), 1)
        seen.append(len(alone))

    dibao.transfer = pay_and_check
    model.run_for(model.p.run.end_year - model.year)
    assert len(seen) == model.p.run.end_year - first + 1
    assert sum(seen) > 100


def test_single_person_enrolment_raises_the_backstops_coverage_of_the_registered():
    def backstop_2020(**overrides):
        model = PovertyModel(campaign(**overrides), rng=3)
        model.run_for(model.p.run.end_year - model.p.run.start_year)
        return model.datacollector.get_model_vars_dataframe()[
            "backstop_registered_persons_million"].iloc[-1]

    never = backstop_2020(**{"interventions.dibao.single_person_year": 2100})
    some = backstop_2020(**{"interventions.dibao.single_person_share": 0.3})
    most = backstop_2020(**{"interventions.dibao.single_person_share": 0.9})
    assert never < some < most
    assert most - never > 3  # millions of registered poor


def test_children_living_elsewhere_support_elderly_households_privately():
    no_sharing = {"economy.risk_sharing_share": 0.0}  # neighbours' help would differ too
    model = PovertyModel(campaign(**{"economy.children_support": 1500, **no_sharing}), rng=2)
    model.step()
    hh = model.households
    base = PovertyModel(campaign(**{"economy.children_support": 0, **no_sharing}), rng=2)
    base.step()
    grown = 1500.0 * wage_level(model)
    alone = (hh.n_adult == 0) & (hh.n_elderly > 0)
    gets = alone & hh.children_support
    assert gets.sum() > 100
    assert (alone & ~hh.children_support).sum() > 50
    # the same households (common random numbers): only the private transfer differs
    extra = hh.transfer_income - base.households.transfer_income
    np.testing.assert_allclose(extra[gets], grown * hh.n_elderly[gets].astype(float), rtol=1e-4)
    np.testing.assert_allclose(extra[~alone], 0, atol=1e-3)
    np.testing.assert_allclose(hh.public_transfers, base.households.public_transfers)


def test_support_from_children_keeps_elderly_households_off_the_register():
    def old_age_share(amount):
        model = PovertyModel(campaign(**{"economy.children_support": amount}), rng=4)
        while model.year < 2017:
            model.step()
        return model.datacollector.get_model_vars_dataframe()[
            "share_registered_old_age"].iloc[-1]

    assert old_age_share(2500) < old_age_share(0) - 4  # percentage points


def test_the_means_test_deems_able_members_without_offfarm_work_to_earn_the_imputed_wage():
    # Farm work counts as work: able members without off-farm work are deemed to earn at
    # least the imputed earnings, so only what the farm income falls short of it is added.
    model = PovertyModel(campaign(), rng=1)
    while model.year < 2016:
        model.step()
    dibao = model.interventions["dibao"]
    hh = model.households
    rows = np.flatnonzero(model.registry.is_registered())
    idle = np.maximum(model.idle_workers(rows), 0)
    extra = (dibao.assessed_income(rows) - model.registry.known_pc[rows]) * hh.size()[rows]
    p = model.p
    imputed = p.interventions.dibao.imputed_earnings * wage_level(model)
    farm = np.maximum(hh.farm_income[rows], 0)
    short = idle * imputed > farm
    assert (extra[idle == 0] == 0).all()
    assert short.sum() > 5  # farms that fall short of the deemed earnings
    assert (~short & (idle >= 1)).sum() > 5  # and farms that earn more
    np.testing.assert_allclose(extra[short], (idle * imputed - farm)[short], rtol=1e-3,
                               atol=1.0)
    assert (extra[~short] == 0).all()


def test_the_campaign_does_not_change_the_backstops_rules_in_2020():
    params = load_scenario(ROOT / "scenarios" / "campaign.toml").params
    before, after = params.at(2019).interventions.dibao, params.at(2020).interventions.dibao
    for name in ("take_up", "imputed_earnings", "earnings_disregard", "support_ratio",
                 "targeting", "enabled"):
        assert getattr(before, name) == getattr(after, name), name


def market_income_after_one_year_of_benefits(**overrides):
    """Farm income and wages in 2015 of the households on the dibao in 2014."""
    model = PovertyModel(campaign(**overrides), rng=2)
    while model.year < 2014:
        model.step()
    paid = model.interventions["dibao"].receiving().copy()
    assert paid.sum() > 50
    effort = model.households.effort[paid].copy()  # set by the benefit of 2014
    model.step()  # 2015: their work effort responds to the benefit of 2014
    hh = model.households
    return float((hh.farm_income[paid] + hh.wage_income[paid]).sum()), effort


def test_recipients_earn_less_when_the_benefit_takes_back_every_yuan_they_earn():
    taxed, effort = market_income_after_one_year_of_benefits()
    untaxed, full = market_income_after_one_year_of_benefits(
        **{"behaviour.withdrawal_effort_cut": 0.0})
    kept, some = market_income_after_one_year_of_benefits(
        **{"interventions.dibao.earnings_disregard": 0.5})
    assert (full == 1).all()
    assert taxed < 0.95 * untaxed  # recipients withhold work ...
    assert (effort < 1).all()
    assert some.mean() > effort.mean()  # ... less when they keep half of each yuan earned
    assert kept > 0


def test_handouts_without_work_lower_motivation_and_campaigns_raise_it():
    def motivation_of_recipients(**overrides):
        model = PovertyModel(campaign(**overrides), rng=3)
        model.run()
        dependent = model.interventions["dibao"].receiving() & (model.able_labour() >= 0.5)
        return float(model.households.motivation[dependent].mean())

    base = motivation_of_recipients()
    no_penalty = motivation_of_recipients(**{"behaviour.handout_penalty": 0.0})
    no_campaigns = motivation_of_recipients(**{"interventions.motivation.enabled": False})
    assert base < no_penalty  # "waiting, relying, needing"
    assert no_campaigns < base  # motivation measures counter it


def test_poverty_before_transfers_is_at_least_poverty_after_them():
    for path in ("campaign.toml", "growth-only.toml"):
        params = load_scenario(ROOT / "scenarios" / path).params.with_overrides(SMALL)
        model = PovertyModel(params, rng=4)
        model.run()
        out = model.outputs()
        assert (out["headcount_pre_transfer"] >= out["headcount_rate"]).all(), path
    # the campaign's transfers close much of the gap by 2020
    assert out["headcount_pre_transfer"].iloc[-1] > 0


def test_only_the_dibao_pays_the_gap_and_poverty_returns_when_payments_stop():
    params = load_scenario(ROOT / "scenarios" / "only-dibao-stopped.toml").params
    model = PovertyModel(params.with_overrides(SMALL), rng=5)
    model.run()
    out = model.outputs().set_index("year")
    stop = params.interventions.dibao.end_year
    assert out.loc[stop, "headcount_pre_transfer"] > 2 * out.loc[stop, "headcount_rate"]
    assert out.loc[stop + 1, "spending_dibao"] == 0
    assert out.loc[stop + 1, "headcount_rate"] > 1.5 * out.loc[stop, "headcount_rate"]


def test_money_not_spent_is_returned_not_carried_when_the_scenario_says_so():
    model = PovertyModel(campaign(**{"budget.carry_unused": False}), rng=6)
    model.run()
    out = model.outputs()
    assert (out["carried_funds"] == 0).all()
    assert out["unspent_funds"].sum() > 0
    assert abs(model.budget.conservation_error()) < 1e-6 * model.budget.total_spent()


def test_exit_plans_renovate_the_houses_of_households_ready_to_exit_first():
    model = PovertyModel(campaign(), rng=3)
    while model.year < 2016:
        model.step()
    housing, reg = model.interventions["housing"], model.registry
    line = np.float32(model.p.run.poverty_line)
    rows = np.flatnonzero(reg.is_registered())
    rows = rows[housing.eligible(rows)]
    ready = reg.known_pc[rows] >= line
    assert ready.sum() > 3
    assert (~ready).sum() > 3
    order = housing.select(rows)
    first = reg.known_pc[order] >= line
    assert first[:ready.sum()].all()  # every household ready to exit comes first
    assert not first[ready.sum():].any()
    # within each group the priority order is kept
    assert (np.diff(np.searchsorted(rows, order[:ready.sum()])) > 0).all()
    poorest_first = PovertyModel(campaign(**{"interventions.housing.exit_ready_first": False}),
                                 rng=3).interventions["housing"]
    assert np.array_equal(poorest_first.select(rows), rows)
