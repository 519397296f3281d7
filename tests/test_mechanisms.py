"""Mechanism tests of the poverty alleviation system (issue 3), with fixed seeds.

Each compares two runs that differ in one lever, with the same seeds: common random
numbers give both runs the same shocks, so the difference comes from the lever.
"""

import numpy as np
import pytest

from povsim import PovertyModel
from povsim.params.policy import INTERVENTION_NAMES

N = 20_000
SEEDS = (1, 2)


def run(seed, **overrides):
    m = PovertyModel(rng=seed, **{"population.n_households": N, **overrides})
    m.run()
    return m


def total(models, output, since=2014):
    return sum(m.outputs().set_index("year").loc[since:, output].sum() for m in models)


def test_higher_reimbursement_lowers_illness_driven_entries():
    # Entries happen among households that were not poor, which a registry-targeted
    # programme barely covers; so cover everyone (untargeted, health alone with the whole
    # budget, so coverage is the same at both rates) to see the rate act on entries.
    universal = {f"interventions.{n}.enabled": n == "health" for n in INTERVENTION_NAMES}
    universal |= {"interventions.health.targeting": "untargeted",
                  "interventions.health.budget_share": 1.0,
                  "budget.scale": 5.0}  # money enough to cover everyone at either rate
    low = [run(s, **universal, **{"interventions.health.reimbursement_rate": 0.5})
           for s in SEEDS]
    high = [run(s, **universal, **{"interventions.health.reimbursement_rate": 0.95})
            for s in SEEDS]
    assert total(high, "health_covered", 2017) == pytest.approx(
        total(low, "health_covered", 2017), rel=0.01)
    assert total(high, "illness_driven_entries", 2016) < \
        0.8 * total(low, "illness_driven_entries", 2016)


def test_higher_reimbursement_lowers_out_of_pocket_share_of_the_registered():
    low = [run(s, **{"interventions.health.reimbursement_rate": 0.5}) for s in SEEDS]
    high = [run(s, **{"interventions.health.reimbursement_rate": 0.95}) for s in SEEDS]
    assert total(high, "oop_share_registered", 2017) < total(low, "oop_share_registered", 2017)


def test_withdrawing_support_at_exit_raises_returns():
    # Returns of exited households, truly (below the line again) and as re-registered.
    # (Returns over the whole population are mostly of never-registered households, so
    # the lever's effect on them is within seed noise.)
    withdrawn = [run(s, **{"post_exit.support_years": 0}) for s in SEEDS]
    kept = [run(s, **{"post_exit.support_years": 5}) for s in SEEDS]
    assert total(withdrawn, "returns_after_exit") > 1.3 * total(kept, "returns_after_exit")
    assert total(withdrawn, "returns_registered") > 1.15 * total(kept, "returns_registered")


def test_monitoring_lowers_returns():
    # Returns of exited households: monitoring's relief lifts a flagged household at
    # once, so it adds one-year dips to the churn of true status of never-registered
    # households (the flows "returns" and "exits"); what it prevents is the fall back of
    # exited ones.
    # (six seeds: in one run of two the returns prevented are fewer than seed noise)
    seeds = range(1, 7)
    off = [run(s, **{"monitoring.enabled": False}) for s in seeds]
    on = [run(s, **{"monitoring.enabled": {2016: True}}) for s in seeds]
    assert total(on, "monitoring_alerts") > 0
    assert total(on, "returns_after_exit", 2017) < total(off, "returns_after_exit", 2017)


def test_identification_noise_raises_registry_errors():
    def errors(m):
        row = m.outputs().set_index("year").loc[2014]
        return row.inclusion_error + row.exclusion_error

    for s in SEEDS:
        assert errors(run(s, **{"identification.noise_sd": 0.8})) > \
            errors(run(s, **{"identification.noise_sd": 0.1})) + 10


def test_favouritism_registers_non_poor_kin_of_cadres():
    for s in SEEDS:
        fair = run(s, **{"identification.favouritism": 0.0})
        biased = run(s, **{"identification.favouritism": 1.0, "cadres.integrity_mean": 0.3})
        assert fair.outputs().set_index("year").loc[2014, "favoured_kin"] == 0

        def kin_non_poor_registered(m):
            return int((m.cadre_kin & m.registry.favoured).sum())

        assert kin_non_poor_registered(biased) > 50
        assert biased.outputs().set_index("year").loc[2014, "inclusion_error"] > \
            fair.outputs().set_index("year").loc[2014, "inclusion_error"]


def test_relocation_without_follow_up_jobs_leaves_more_relocated_poor():
    # The general employment programme also places relocated households once they are
    # registered poor; switch it off in both arms to see the follow-up channel alone.
    no_placements = {"interventions.employment.enabled": False}
    without = [run(s, **no_placements, **{"interventions.relocation.follow_up_jobs": False})
               for s in SEEDS]
    with_jobs = [run(s, **no_placements, **{"interventions.relocation.follow_up_jobs": True})
                 for s in SEEDS]
    assert total(without, "relocated_poor_share", 2017) > total(with_jobs, "relocated_poor_share",
                                                                 2017)
    assert total(with_jobs, "programme_jobs", 2017) > total(without, "programme_jobs", 2017)


def test_microloan_defaults_rise_as_returns_fall():
    good = [run(s, **{"interventions.microloans.investment_return": 0.2}) for s in SEEDS]
    poor = [run(s, **{"interventions.microloans.investment_return": 0.03}) for s in SEEDS]
    assert total(poor, "loan_defaults") > 3 * max(total(good, "loan_defaults"), 1)


def test_dibao_lowers_headcount_among_households_without_labour():
    for s in SEEDS:
        rates = []
        for enabled in (False, True):
            m = run(s, **{"interventions.dibao.enabled": enabled})
            hh = m.households
            no_labour = m.able_labour() < 1
            persons = hh.weight * hh.size()
            rates.append(persons[no_labour & hh.poor].sum() / persons[no_labour].sum())
        assert rates[1] < 0.85 * rates[0]


def test_untargeted_spending_of_equal_budget_lifts_fewer_out():
    flood = {f"interventions.{n}.targeting": "untargeted" for n in INTERVENTION_NAMES}
    for s in SEEDS:
        targeted, untargeted = run(s), run(s, **flood)
        t, u = targeted.outputs(), untargeted.outputs()
        assert u.new_funds.sum() == pytest.approx(t.new_funds.sum())  # equal budgets
        lifted_t = t.poor_persons_million.iloc[0] - t.poor_persons_million.iloc[-1]
        lifted_u = u.poor_persons_million.iloc[0] - u.poor_persons_million.iloc[-1]
        assert lifted_u < lifted_t


def test_money_is_conserved_and_never_overspent():
    m = run(3)
    b = m.budget
    assert abs(b.conservation_error()) < 1e-6 * sum(a.new for a in b.history)
    for acc in b.history:
        for name in INTERVENTION_NAMES:
            assert acc.spent[name] <= acc.allocated[name] - acc.idle[name] + 1e-6
        assert acc.carried_out >= 0
    assert np.isclose(b.total_spent(), m.outputs().spending_total.sum())
