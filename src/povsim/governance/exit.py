"""Phase 7: exit assessment of registered households.

A registered household exits when its assessed stable per-capita income (this
year's income from lasting sources -- without the year's transitory luck --
transfers included, as a verification sees it) has been at least
``exit.income_margin`` times the line in ``exit.stable_years`` consecutive yearly
assessments and, under the full criteria, the guarantees hold: food and clothing
(income), compulsory schooling (no dropout), basic medical care (enrolled in basic
medical insurance), safe housing, safe drinking water (village water).

Until ``exit.target_year``, cadres work to a yearly plan (every registered household
out by the target year, at an even pace): households that qualify are listed for exit
up to ``plan_ceiling`` times each county's plan (exit quotas; the others wait for next
year's list), and under target pressure cadres close part of each county's shortfall
by exiting households whose assessed income is within ``fake_exit_margin`` below the
line or not yet stable. Third-party spot checks
re-check a share of exits and reverse false ones (an exit is false when the
household's true stable income is below the line). After the target year there is no
exit target and no pressure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.governance.identification import observe_stable
from povsim.governance.prescription import release_helpers
from povsim.ordering import order_within_groups, ranks_in_groups
from povsim.status import RegStatus

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def guarantees_met(model: PovertyModel, rows: np.ndarray | slice) -> np.ndarray:
    """Whether schooling, medical care, housing and water are guaranteed for ``rows``.

    (Food and clothing is the income test, checked separately.)
    """
    hh = model.households
    schooling = hh.dropouts[rows] == 0
    medical = hh.insured[rows]
    housing = hh.safe_house[rows]
    water = model.villages.water[hh.village_index()[rows]]
    return schooling & medical & housing & water


def assess_exits(model: PovertyModel) -> None:
    """Certify exits, add pressured exits, run spot checks (phase 7)."""
    p, year = model.p.exit, model.year
    reg = model.registry
    if year < p.start_year or not reg.built:
        return
    hh = model.households
    line = np.float32(model.p.run.poverty_line)
    registered = np.flatnonzero(reg.is_registered())
    assessed = observe_stable(model, registered)
    above = assessed >= line * np.float32(p.income_margin)
    reg.stable_years[registered] = np.where(
        above, np.minimum(reg.stable_years[registered] + 1, 100), 0)
    old_enough = year - hh.reg_year[registered] >= p.min_years_registered
    candidates = registered[old_enough]
    if len(candidates) == 0:
        return
    assessed = assessed[old_enough]
    ok_guarantees = (guarantees_met(model, candidates)
                     if p.criteria == "income_and_guarantees" else np.ones(len(candidates), bool))
    natural = (reg.stable_years[candidates] >= p.stable_years) & ok_guarantees
    county = model.villages.county[hh.village[candidates]]
    plan = _county_plan(model, county)
    pressured = _pressured_exits(model, candidates, county, plan, natural, assessed,
                                 ok_guarantees)
    natural = _within_quota(model, county, plan, natural, assessed)
    exits = np.concatenate([candidates[natural], pressured])
    fake = hh.stable_pc(exits) < line
    checked = model.streams.exit.random(len(exits)) < p.spot_check_rate
    caught = fake & checked & (model.streams.exit.random(len(exits)) < p.spot_check_accuracy)
    certified = exits[~caught]
    reg.set_status(certified, RegStatus.EXITED, year)
    reg.exit_year[certified] = year
    reg.fell_back[certified] = False
    reg.ever_flagged[certified] = False
    reg.support_kept[certified] = True
    reg.fake_exit[certified] = fake[~caught]
    c = reg.counts
    c.exits += len(certified)
    c.exits_of_start += int(np.count_nonzero(reg.registered_at_start[certified]))
    c.pressured_exits += len(pressured)
    c.fake_exits += int(fake[~caught].sum())
    c.reversed_exits += int(caught.sum())
    c.transfer_exits += int(np.count_nonzero(
        hh.pre_transfer_pc(certified) < line * np.float32(p.income_margin)))
    reg.cumulative_exits += len(certified)
    if model.p.helpers.stop_at_exit:
        release_helpers(model, certified)


def _county_plan(model: PovertyModel, county: np.ndarray) -> np.ndarray:
    """Each county's even-paced plan: its registered candidates / years left, rounded up."""
    p = model.p.exit
    years_left = max(p.target_year - model.year + 1, 1)
    return np.ceil(np.bincount(county, minlength=model.counties.n) / years_left)


def _within_quota(model: PovertyModel, county: np.ndarray, plan: np.ndarray,
                  natural: np.ndarray, assessed: np.ndarray) -> np.ndarray:
    """The natural exits on the year's list: at most ``plan_ceiling`` x ``plan`` per county.

    ``county`` is each candidate's county. Highest assessed income first; the others
    stay registered and wait for next year.
    """
    p = model.p.exit
    if p.plan_ceiling <= 0 or model.year > p.target_year or not natural.any():
        return natural
    quota = np.ceil(np.float64(p.plan_ceiling) * plan).astype(np.int64)
    pool = np.flatnonzero(natural)
    order = pool[order_within_groups(county[pool], -assessed[pool])]
    county_sorted = county[order]
    listed = np.zeros_like(natural)
    listed[order[ranks_in_groups(county_sorted) < quota[county_sorted]]] = True
    return listed


def _pressured_exits(model: PovertyModel, candidates: np.ndarray, county: np.ndarray,
                     plan: np.ndarray, natural: np.ndarray, assessed: np.ndarray,
                     ok_guarantees: np.ndarray) -> np.ndarray:
    """Extra exits on inflated or expected income to close part of each county's shortfall.

    The shortfall is against the county's ``plan``; ``county`` is each candidate's county.
    """
    p, year = model.p.exit, model.year
    if p.target_pressure <= 0 or year > p.target_year:
        return np.zeros(0, np.int64)
    line = np.float32(model.p.run.poverty_line)
    shortfall = np.maximum(plan - np.bincount(county[natural], minlength=len(plan)), 0)
    extra = np.floor(p.target_pressure * shortfall).astype(np.int64)
    near = ~natural & ok_guarantees & (assessed >= line * np.float32(1 - p.fake_exit_margin))
    pool = np.flatnonzero(near)
    if len(pool) == 0:
        return np.zeros(0, np.int64)
    order = pool[order_within_groups(county[pool], -assessed[pool])]  # highest income first
    county_sorted = county[order]
    rank = ranks_in_groups(county_sorted)
    return candidates[order[rank < extra[county_sorted]]]
