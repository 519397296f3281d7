"""Poverty-prevention insurance: who is insured, who is paid, and what it does to poverty."""

from pathlib import Path

import numpy as np
import pytest

from povsim import PovertyModel
from povsim.governance import prevention_insurance
from povsim.status import RegStatus
from povsim.study.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"population.n_households": 4000}


def campaign(**overrides):
    params = load_scenario(ROOT / "scenarios" / "campaign.toml").params
    return params.with_overrides({**SMALL, **overrides})


def test_counties_adopt_in_turn_from_the_pilots_by_logistic_diffusion():
    params = campaign(**{"prevention_insurance.pilot_share": 0.1,
                         "prevention_insurance.imitation": 1.5})
    p = params.prevention_insurance
    expected, share = {}, p.pilot_share
    for year in range(p.start_year, p.start_year + 4):
        expected[year] = share
        share = min(share + 1.5 * share * (1 - share), 1.0)
    assert prevention_insurance.adopted_share(p, p.start_year - 1) == 0
    for year, share in expected.items():
        assert prevention_insurance.adopted_share(p, year) == pytest.approx(share)
    assert prevention_insurance.adopted_share(
        params.with_overrides({"prevention_insurance.imitation": 20.0}).prevention_insurance,
        p.start_year + 3) == 1.0  # a fast pace reaches every county, no more
    model = PovertyModel(params.with_overrides({"population.n_households": 20000}), rng=1)
    adopted = {}
    while model.year < p.start_year + 3:
        model.step()
        adopted[model.year] = prevention_insurance.adopted_counties(model)
    assert not adopted[p.start_year - 1].any()
    for year in range(p.start_year, p.start_year + 4):
        assert (adopted[year] >= adopted[year - 1]).all()  # a county that adopted stays
        assert adopted[year].mean() == pytest.approx(expected[year], abs=0.2)
    assert adopted[p.start_year + 3].mean() > adopted[p.start_year].mean() + 0.3


def test_the_insurance_pays_households_off_the_register_that_a_shock_pushed_below_its_line(
        monkeypatch):
    params = campaign(**{"prevention_insurance.pilot_share": 0.2,
                         "prevention_insurance.imitation": 3.0})
    p = params.prevention_insurance
    checked = []
    triggers = {"expense": 0, "loss": 0}
    real_claimants = prevention_insurance.claimants

    def claimants_checked(model):
        rows = real_claimants(model)
        hh = model.households
        income_before = hh.income_pc[rows].copy()
        status = hh.reg_status[rows]
        assert np.isin(status, [RegStatus.NEVER, RegStatus.EXITED]).all()
        county = model.villages.county[hh.village[rows]]
        assert prevention_insurance.adopted_counties(model)[county].all()
        insured_line = model.p.run.poverty_line * p.insured_line
        assert (income_before < insured_line).all()
        costs = hh.medical_oop[rows] + hh.schooling_spending[rows]
        expense = costs > p.expense_share * np.maximum(hh.net_income[rows] + costs, 1.0)
        usual = hh.farm_income[rows] + hh.wage_income[rows] - hh.transitory_income[rows]
        loss = -hh.transitory_income[rows] > p.loss_share * np.maximum(usual, 1.0)
        assert (expense | hh.disaster_hit[rows] | loss).all()
        triggers["expense"] += int(expense.sum())
        triggers["loss"] += int((loss & ~expense).sum())
        checked.append((model, rows, income_before))
        return rows

    monkeypatch.setattr(prevention_insurance, "claimants", claimants_checked)
    model = PovertyModel(params, rng=2)
    paid = 0
    while model.year < 2019:
        model.step()
        for m, rows, before in checked:
            if len(rows) == 0:
                continue
            hh = m.households
            gap = np.clip(np.ceil(m.p.run.poverty_line * p.insured_line - before), 0,
                          p.cap_per_person)
            # paid in full (the allocation is not short here), nothing else added
            np.testing.assert_allclose(hh.income_pc[rows] - before, gap, rtol=1e-4, atol=0.01)
            np.testing.assert_allclose(m.insurance_paid, float((gap * hh.size()[rows]).sum()),
                                       rtol=1e-4)
            paid += len(rows)
        checked.clear()
        assert model.relief_paid >= model.insurance_paid  # the year's relief includes them
    assert paid > 50
    assert triggers["expense"] > 0  # both kinds of shock are paid
    assert triggers["loss"] > 0


def test_losses_trigger_claims_only_when_the_scenario_says_so():
    def claims(loss_share):
        model = PovertyModel(campaign(**{"prevention_insurance.pilot_share": 0.2,
                                         "prevention_insurance.imitation": 3.0,
                                         "prevention_insurance.loss_share": loss_share}), rng=4)
        model.run_for(2019 - model.year)
        return model.datacollector.get_model_vars_dataframe()["insurance_claims"].sum()

    assert claims(1.0) < claims(0.3) < claims(0.15)


def test_the_insurance_changes_nothing_before_it_starts_and_lowers_poverty_after():
    def path(pilots):
        model = PovertyModel(campaign(**{"prevention_insurance.pilot_share": pilots,
                                         "prevention_insurance.imitation": 3.0}), rng=3)
        model.run_for(2019 - model.year)
        return model.datacollector.get_model_vars_dataframe().set_index("year")

    without, with_ = path(0.0), path(0.1)
    start = campaign().prevention_insurance.start_year
    before = slice(None, start - 1)
    # common random numbers: the same years bit for bit until counties adopt it
    np.testing.assert_array_equal(without.loc[before, "headcount_rate"],
                                  with_.loc[before, "headcount_rate"])
    assert (with_.loc[start:, "insurance_claims"] > 0).all()
    assert (without["insurance_claims"] == 0).all()
    assert with_.loc[2018:2019, "headcount_rate"].sum() \
        < 0.9 * without.loc[2018:2019, "headcount_rate"].sum()
