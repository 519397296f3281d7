"""Outputs of the targeted poverty alleviation system: registry, exits, money, programmes.

"Registered" means on the registry as poor (registered or returned). Money is in
yuan for the simulated population; cost per exit divides all spending so far by
certified exits so far, cost per sustained exit by exits that lasted
``run.sustained_exit_years`` years without falling back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from povsim.metrics.frame import year_frame
from povsim.params.policy import INTERVENTION_NAMES
from povsim.status import CAUSE_NAMES

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def _totals(model: PovertyModel):
    return year_frame(model).totals


def _details(model: PovertyModel):
    return year_frame(model).details


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else float("nan")


def registered_households(model: PovertyModel) -> int:
    """Households on the registry as poor (registered or returned)."""
    return _totals(model).registered


def registered_rate(model: PovertyModel) -> float:
    """Registered households as a percent of all households."""
    return _pct(registered_households(model), model.households.n)


def monitored_households(model: PovertyModel) -> int:
    """Households under return-prevention monitoring after an alert."""
    return _totals(model).monitored


def exited_households(model: PovertyModel) -> int:
    """Households whose registered status is exited."""
    return _totals(model).exited


def exits_registered(model: PovertyModel) -> int:
    """Certified exits this year (after spot checks)."""
    return model.registry.counts.exits


def exit_rate(model: PovertyModel) -> float:
    """Percent of the households registered at the start of the year certified as exited in it.

    Households registered during the year and exiting in it (possible when
    ``exit.min_years_registered`` is 0) are in neither the numerator nor the denominator,
    so the rate is at most 100.
    """
    return _pct(model.registry.counts.exits_of_start, model.registry.start_registered)


def fake_exits(model: PovertyModel) -> int:
    """Certified exits this year of households truly below the line."""
    return model.registry.counts.fake_exits


def reversed_exits(model: PovertyModel) -> int:
    """Exits reversed this year by third-party spot checks."""
    return model.registry.counts.reversed_exits


def pressured_exits(model: PovertyModel) -> int:
    """Exits made this year under target pressure (on inflated or expected income)."""
    return model.registry.counts.pressured_exits


def returns_registered(model: PovertyModel) -> int:
    """Exited households re-registered this year (returned, as registered)."""
    return model.registry.counts.returns


def returns_after_exit(model: PovertyModel) -> int:
    """Certified-exited households truly below the line again this year (first time since exit)."""
    return model.registry.counts.fell_back


def monitoring_alerts(model: PovertyModel) -> int:
    """Households put under monitoring this year after an income drop."""
    return model.registry.counts.alerts


def new_registrations(model: PovertyModel) -> int:
    """Households added to the registry this year (not counting returns)."""
    return model.registry.counts.registered_new


def inclusion_error(model: PovertyModel) -> float:
    """Percent of registered households not in need when cadres identified this year.

    Not in need: true stable income above the line before this year's delivery and
    means-tested transfers.
    """
    t = _details(model)
    return _pct(float(t.registered_not_poor), float(t.registered))


def inclusion_error_exit_standard(model: PovertyModel) -> float:
    """Percent of registered households that meet every condition of the exit standard.

    Not in need by income (see :func:`inclusion_error`) and with the four guarantees
    (schooling, medical cover, a safe house, safe water) at the year's end: registered for
    no reason the campaign's two-part standard recognises. The rest of
    ``inclusion_error`` are households above the line still waiting for a guarantee,
    whom the standard keeps on the register.
    """
    t = _details(model)
    return _pct(float(t.registered_not_poor_guaranteed), float(t.registered))


def exclusion_error(model: PovertyModel) -> float:
    """Percent of truly poor households neither registered nor monitored."""
    t = _details(model)
    return _pct(float(t.poor_unsupported), float(t.poor))


def favoured_kin(model: PovertyModel) -> int:
    """Registered households put on the registry through cadre favouritism."""
    return _details(model).favoured_registered


def share_poor_in_poor_villages(model: PovertyModel) -> float:
    """Percent of poor persons living in registered poor villages (by village of origin)."""
    t = _details(model)
    return _pct(t.poor_persons_in_poor_villages, t.poor_persons)


def mean_income_poor_villages(model: PovertyModel) -> float:
    """Mean per-capita income of persons from registered poor villages (yuan, 2010 prices)."""
    t = _details(model)
    if t.persons_in_poor_villages == 0:
        return float("nan")
    return t.income_in_poor_villages / t.persons_in_poor_villages


def guarantees_met_share(model: PovertyModel) -> float:
    """Percent of registered and exited households with the four non-income guarantees.

    Compulsory schooling, basic medical care, safe housing and safe water.
    """
    t = _details(model)
    if t.registered_or_exited == 0:
        return float("nan")
    return _pct(float(t.guaranteed), t.registered_or_exited)


def relocated_households(model: PovertyModel) -> int:
    """Households living at resettlement sites after relocation."""
    return _details(model).relocated


def relocated_share_of_initial_poor(model: PovertyModel) -> float:
    """Relocated persons as a percent of the poor persons of the start year."""
    return _pct(_details(model).relocated_persons, model.initial_poor_persons)


def relocated_persons(model: PovertyModel) -> int:
    """Members of relocated households (simulated persons)."""
    return _details(model).relocated_members


def relocated_poor_share(model: PovertyModel) -> float:
    """Percent of relocated households below the line."""
    t = _details(model)
    return _pct(float(t.relocated_poor), float(t.relocated))


def spending_total(model: PovertyModel) -> float:
    """Spending of all interventions this year (yuan, simulated population)."""
    acc = model.budget.history[-1] if model.budget.history else None
    return acc.total_spent if acc else 0.0


def new_funds(model: PovertyModel) -> float:
    """Funds received this year (yuan)."""
    return model.budget.history[-1].new if model.budget.history else 0.0


def leakage(model: PovertyModel) -> float:
    """Funds lost to leakage this year (yuan)."""
    return model.budget.history[-1].leaked if model.budget.history else 0.0


def idle_funds(model: PovertyModel) -> float:
    """Funds left idle this year (yuan, carried to the next)."""
    return float(sum(model.budget.history[-1].idle.values())) if model.budget.history else 0.0


def carried_funds(model: PovertyModel) -> float:
    """Funds carried to next year: idle, unused and unallocated (yuan)."""
    return model.budget.history[-1].carried_out if model.budget.history else 0.0


def unspent_funds(model: PovertyModel) -> float:
    """Funds not spent this year and returned rather than carried (budget.carry_unused off)."""
    return model.budget.history[-1].returned if model.budget.history else 0.0


def spending_national_billion(model: PovertyModel) -> float:
    """Spending of all interventions this year, national equivalent (billion yuan, 2010 prices)."""
    return spending_total(model) / model.budget.population_share / 1e9


def cumulative_spending_national_billion(model: PovertyModel) -> float:
    """Spending of all interventions so far, national equivalent (billion yuan, 2010 prices)."""
    return model.budget.total_spent() / model.budget.population_share / 1e9


def cumulative_spending(model: PovertyModel) -> float:
    """Spending of all interventions so far (yuan)."""
    return model.budget.total_spent()


def cost_per_exit(model: PovertyModel) -> float:
    """All spending so far per certified exit so far (yuan per household)."""
    exits = model.registry.cumulative_exits
    return model.budget.total_spent() / exits if exits else float("nan")


def sustained_exits(model: PovertyModel) -> int:
    """Exits so far that lasted run.sustained_exit_years without falling back."""
    return model.registry.cumulative_sustained


def cost_per_sustained_exit(model: PovertyModel) -> float:
    """All spending so far per sustained exit so far (yuan per household)."""
    n = model.registry.cumulative_sustained
    return model.budget.total_spent() / n if n else float("nan")


def lasting_exits(model: PovertyModel) -> int:
    """Exits so far still holding run.lasting_exit_years after them (not truly poor again)."""
    return model.registry.cumulative_lasting


def cost_per_lasting_exit(model: PovertyModel) -> float:
    """All spending so far per exit still holding run.lasting_exit_years later (yuan/household).

    National yuan per national household alike.
    """
    n = model.registry.cumulative_lasting
    return model.budget.total_spent() / n if n else float("nan")


def helpers(model: PovertyModel) -> int:
    """Pairing helpers (agents) created so far."""
    return model.helpers.n


def households_with_helper(model: PovertyModel) -> int:
    """Households with a designated helper."""
    return int(np.count_nonzero(model.helper_of >= 0))


def actively_helped(model: PovertyModel) -> int:
    """Supported households actively helped this year (helpers and cadre capacity)."""
    return model.reached_this_year


def enterprises_alive(model: PovertyModel) -> int:
    """Enterprises still in business."""
    return int(np.count_nonzero(model.enterprises.alive))


def programme_jobs(model: PovertyModel) -> int:
    """Members in programme jobs (enterprises, workshops, resettlement sites)."""
    return int(np.count_nonzero(model.jobs.employer >= 0))


def public_posts_held(model: PovertyModel) -> int:
    """Public welfare posts held."""
    return int(np.count_nonzero(model.interventions["public_posts"].holders()))


def dibao_recipients(model: PovertyModel) -> int:
    """Households receiving a dibao or extreme-poverty benefit this year."""
    return int(np.count_nonzero(model.interventions["dibao"].receiving()))


def extreme_poverty_recipients(model: PovertyModel) -> int:
    """Households receiving extreme-poverty (five-guarantee) support this year."""
    return int(np.count_nonzero(model.interventions["dibao"].extreme))


def health_covered(model: PovertyModel) -> int:
    """Households covered by the health programme."""
    return int(np.count_nonzero(model.interventions["health"].covered))


def loans_outstanding(model: PovertyModel) -> int:
    """Microloans outstanding."""
    return int(np.count_nonzero(model.interventions["microloans"].outstanding()))


def loan_defaults(model: PovertyModel) -> int:
    """Microloans that defaulted this year (project failed before term)."""
    return model.interventions["microloans"].defaults


def loan_default_rate(model: PovertyModel) -> float:
    """Percent of microloans reaching term this year that defaulted."""
    ml = model.interventions["microloans"]
    return _pct(ml.defaults, ml.matured)


def borrowed_share_registered(model: PovertyModel) -> float:
    """Percent of registered households that have taken a microloan."""
    t = _details(model)
    return _pct(float(t.borrowed_registered), float(t.registered))


def oop_share_registered(model: PovertyModel) -> float:
    """Out-of-pocket share of the medical spending of registered households, percent."""
    t = _details(model)
    return _pct(t.registered_oop, t.registered_medical)


def _spending(name: str) -> Callable[[PovertyModel], float]:
    def spending(model: PovertyModel) -> float:
        acc = model.budget.history[-1] if model.budget.history else None
        return acc.spent.get(name, 0.0) if acc else 0.0

    spending.__name__ = spending.__qualname__ = f"spending_{name}"
    spending.__doc__ = f"Spending on {name.replace('_', ' ')} this year (yuan)."
    return spending


def _registered_cause(index: int) -> Callable[[PovertyModel], float]:
    def share(model: PovertyModel) -> float:
        f = year_frame(model)
        if f.totals.registered == 0:
            return float("nan")
        return 100.0 * float(f.cause_counts.registered_causes[index]) / f.totals.registered

    share.__name__ = share.__qualname__ = f"share_registered_{CAUSE_NAMES[index]}"
    share.__doc__ = (f"Percent of registered households with "
                     f"{CAUSE_NAMES[index].replace('_', ' ')} (several causes a household).")
    return share


for _name in INTERVENTION_NAMES:
    globals()[f"spending_{_name}"] = _spending(_name)
for _k, _cause in enumerate(CAUSE_NAMES):
    globals()[f"share_registered_{_cause}"] = _registered_cause(_k)

POLICY_OUTPUTS: dict[str, tuple[Callable[[PovertyModel], float], str]] = {
    "registered_households": (registered_households, "simulated households"),
    "registered_rate": (registered_rate, "percent of households"),
    "new_registrations": (new_registrations, "simulated households/year"),
    "monitored_households": (monitored_households, "simulated households"),
    "exited_households": (exited_households, "simulated households"),
    "exits_registered": (exits_registered, "simulated households/year"),
    "exit_rate": (exit_rate, "percent of registered households"),
    "pressured_exits": (pressured_exits, "simulated households/year"),
    "fake_exits": (fake_exits, "simulated households/year"),
    "reversed_exits": (reversed_exits, "simulated households/year"),
    "returns_registered": (returns_registered, "simulated households/year"),
    "returns_after_exit": (returns_after_exit, "simulated households/year"),
    "monitoring_alerts": (monitoring_alerts, "simulated households/year"),
    "inclusion_error": (inclusion_error, "percent of registered households"),
    "inclusion_error_exit_standard": (inclusion_error_exit_standard,
                                      "percent of registered households"),
    "exclusion_error": (exclusion_error, "percent of poor households"),
    "favoured_kin": (favoured_kin, "simulated households"),
    "share_poor_in_poor_villages": (share_poor_in_poor_villages, "percent of poor persons"),
    "mean_income_poor_villages": (mean_income_poor_villages, "yuan/person/year (2010 prices)"),
    "guarantees_met": (guarantees_met_share, "percent of registered and exited households"),
    "relocated_households": (relocated_households, "simulated households"),
    "relocated_share_of_initial_poor": (relocated_share_of_initial_poor,
                                        "percent of start-year poor persons"),
    "relocated_persons": (relocated_persons, "simulated persons"),
    "relocated_poor_share": (relocated_poor_share, "percent of relocated households"),
    "new_funds": (new_funds, "yuan/year"),
    "spending_total": (spending_total, "yuan/year"),
    **{f"spending_{n}": (globals()[f"spending_{n}"], "yuan/year") for n in INTERVENTION_NAMES},
    "leakage": (leakage, "yuan/year"),
    "idle_funds": (idle_funds, "yuan/year"),
    "carried_funds": (carried_funds, "yuan"),
    "unspent_funds": (unspent_funds, "yuan/year"),
    "spending_national_billion": (spending_national_billion,
                                  "billion yuan/year (national, 2010 prices)"),
    "cumulative_spending_national_billion": (cumulative_spending_national_billion,
                                             "billion yuan (national, 2010 prices)"),
    "cumulative_spending": (cumulative_spending, "yuan"),
    "cost_per_exit": (cost_per_exit, "yuan/exit"),
    "sustained_exits": (sustained_exits, "simulated households (cumulative)"),
    "cost_per_sustained_exit": (cost_per_sustained_exit, "yuan/sustained exit"),
    "lasting_exits": (lasting_exits, "simulated households (cumulative)"),
    "cost_per_lasting_exit": (cost_per_lasting_exit, "yuan/lasting exit"),
    "helpers": (helpers, "agents"),
    "households_with_helper": (households_with_helper, "simulated households"),
    "actively_helped": (actively_helped, "simulated households/year"),
    "enterprises_alive": (enterprises_alive, "agents"),
    "programme_jobs": (programme_jobs, "persons"),
    "public_posts_held": (public_posts_held, "posts"),
    "dibao_recipients": (dibao_recipients, "simulated households"),
    "extreme_poverty_recipients": (extreme_poverty_recipients, "simulated households"),
    "health_covered": (health_covered, "simulated households"),
    "loans_outstanding": (loans_outstanding, "loans"),
    "loan_defaults": (loan_defaults, "loans/year"),
    "loan_default_rate": (loan_default_rate, "percent of loans reaching term"),
    "borrowed_share_registered": (borrowed_share_registered, "percent of registered households"),
    "oop_share_registered": (oop_share_registered, "percent of medical spending"),
    **{f"share_registered_{c}": (globals()[f"share_registered_{c}"],
                                 "percent of registered households") for c in CAUSE_NAMES},
}
"""Outputs of the poverty alleviation system: name mapped to (reporter, unit)."""
