"""The poverty alleviation system: agents, interventions acting, registry, validation."""

import numpy as np
import pytest

from povsim import ParameterError, PovertyModel
from povsim.agents import CadreTeam, Enterprise, EnterpriseKind, PairingHelper, TeamKind
from povsim.interventions.industry import CASH, IN_KIND
from povsim.life.income import IncomeEffects
from povsim.params.policy import INTERVENTION_NAMES
from povsim.status import RegStatus


@pytest.fixture(scope="module")
def full():
    m = PovertyModel(rng=4, **{"population.n_households": 20_000})
    m.run()
    return m


def test_cadre_teams_per_village_and_work_teams_in_poor_villages(full):
    v = full.villages
    teams = full.cadres
    committees = teams.village[teams.kind == TeamKind.VILLAGE_COMMITTEE]
    assert sorted(committees.tolist()) == list(range(v.n))
    work = teams.village[teams.kind == TeamKind.WORK_TEAM]
    assert set(work.tolist()) == set(np.flatnonzero(v.poor_village).tolist())
    share = v.poor_village[~v.is_site].mean()
    assert share == pytest.approx(full.p.identification.poor_village_share, abs=0.02)
    agents = full.agents_by_type[CadreTeam]
    assert len(agents) == teams.n


def test_agents_read_and_write_their_table_rows(full):
    team = full.cadres.agents[0]
    assert team.village == full.cadres.village[0]
    rows = team.households()
    assert np.all(full.households.village[rows] == team.village)
    old = team.diligence
    team.diligence = 0.123
    assert full.cadres.diligence[0] == pytest.approx(0.123)
    team.diligence = old
    assert team.effective_capacity() >= 0


def test_helpers_respect_capacity_and_leave_at_exit(full):
    h = full.helpers
    assert h.n > 0
    assert len(full.agents_by_type[PairingHelper]) == h.n
    load = np.bincount(full.helper_of[full.helper_of >= 0], minlength=h.n)
    assert np.all(load <= h.capacity)
    assert np.array_equal(load, h.load)
    exited = full.households.reg_status == RegStatus.EXITED
    assert not (full.helper_of[exited] >= 0).any()  # helpers.stop_at_exit defaults to true
    helper = full.helpers.agents[0]
    assert len(helper.households()) <= helper.capacity


def test_enterprises_of_every_kind_with_workers_and_shareholders(full):
    ent = full.enterprises
    kinds = set(ent.kind.tolist())
    assert {EnterpriseKind.LEADING, EnterpriseKind.COOPERATIVE, EnterpriseKind.WORKSHOP} <= kinds
    assert np.all(ent.filled <= np.maximum(ent.jobs, ent.filled))
    employed = np.bincount(full.jobs.employer[full.jobs.employer >= 0], minlength=ent.n)
    assert np.array_equal(employed, ent.filled)
    agents = full.agents_by_type[Enterprise]
    assert sum(len(a.workers()) for a in agents) == int((full.jobs.employer >= 0).sum())
    assert sum(len(a.shareholders()) for a in agents) > 0


def test_every_intervention_spends_and_acts(full):
    out = full.outputs()
    for name in INTERVENTION_NAMES:
        assert out[f"spending_{name}"].sum() > 0, name
    iv = full.interventions
    assert iv["health"].covered.any()
    assert iv["education"].covered.any()
    assert out.dibao_recipients.max() > 0
    assert iv["housing"].renovated.any()
    assert (iv["industry"].kind > 0).any()
    assert iv["microloans"].ever_borrowed.any()
    assert out.programme_jobs.max() > 0
    assert (iv["training"].trained >= 0).any()
    assert out.public_posts_held.max() > 0
    assert out.relocated_households.iloc[-1] > 0
    assert (iv["infrastructure"].started >= 0).any()
    assert (iv["motivation"].last >= 0).any()
    assert iv["consumption_aid"].premium.sum() > 0


@pytest.mark.parametrize("name", INTERVENTION_NAMES)
def test_each_intervention_alone_at_the_full_budget(name):
    alone = {f"interventions.{n}.enabled": n == name for n in INTERVENTION_NAMES}
    m = PovertyModel(rng=1, **{"population.n_households": 4000,
                               f"interventions.{name}.budget_share": 1.0, **alone})
    m.run()
    out = m.outputs()
    assert out[f"spending_{name}"].sum() > 0
    others = [n for n in INTERVENTION_NAMES if n != name]
    assert out[[f"spending_{n}" for n in others]].to_numpy().sum() == 0
    assert abs(m.budget.conservation_error()) < 1e-6 * out.new_funds.sum()


def test_in_kind_support_pays_later_but_overtakes_cash():
    def cumulative(mode):
        m = PovertyModel(rng=2, **{"population.n_households": 500,
                                   "interventions.industry.mode": mode,
                                   "interventions.industry.failure_prob": 0.0,
                                   "interventions.industry.short_term_failure_prob": 0.0})
        ind = m.interventions["industry"]
        rows = np.arange(20)
        m.helper_of[:] = -1
        ind.kind[rows] = IN_KIND if mode == "in_kind" else CASH
        ind.value[rows] = m.p.interventions.industry.grant
        ind.year[rows] = m.year
        income = []
        for k in range(1, 7):
            e = IncomeEffects.none(m.households.n, 0.45)
            m.time = k  # the k-th year after delivery
            ind.contribute(e)
            income.append(float(e.asset_income[rows].mean()))
        return np.cumsum(income)

    cash, in_kind = cumulative("cash"), cumulative("in_kind")
    assert in_kind[0] == 0  # in kind pays after a lag ...
    assert cash[0] > 0  # ... cash at once
    assert cash[2] > in_kind[2]  # cash ahead in years 3-4
    assert cash[3] > in_kind[3]
    assert in_kind[4] > cash[4]  # in kind ahead after year 4
    assert in_kind[5] > cash[5]


def test_failed_enterprise_stops_jobs_and_dividends():
    m = PovertyModel(rng=3, **{"population.n_households": 4000})
    m.run(5)
    ent = m.enterprises
    holders = m.jobs.holders()
    assert len(holders) > 0
    e = int(m.jobs.employer[holders[0]])
    ent.alive[e] = False
    m.jobs.update(m, np.array([e]))
    assert not (m.jobs.employer == e).any()
    assert ent.filled[e] == 0


def test_registry_states_are_consistent(full):
    hh, reg = full.households, full.registry
    status = hh.reg_status
    assert np.all(reg.exit_year[status == RegStatus.EXITED] >= full.p.exit.start_year)
    on = status != RegStatus.NEVER
    assert np.all(hh.reg_year[on] >= full.p.identification.start_year)
    assert np.all(hh.diagnosed_cause[reg.is_registered()] >= 0)
    out = full.outputs().set_index("year")
    assert out.loc[2013, "registered_households"] == 0
    assert out.loc[2014, "registered_households"] > 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"interventions.health.budget_share": 0.5}, "budget shares of enabled interventions"),
        ({"interventions.relocation.end_year": 2015}, "must not be before its start_year"),
        ({"interventions.dibao.targeting": "by_cuase"}, "did you mean 'by_cause'"),
        ({"prescription.illness": ["health", "insurance"]}, "unknown entries ['insurance']"),
        ({"identification.quota_rate": 1.5}, "allowed: a number from 0 to 1"),
        ({"budget.national_billion": -1}, "too small"),
    ],
)
def test_bad_policy_parameters_are_named(overrides, message):
    with pytest.raises(ParameterError) as err:
        PovertyModel(rng=0, **overrides)
    assert message in str(err.value)
