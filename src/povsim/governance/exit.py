"""Phase 7: exit assessment of registered households.

A registered household exits when its assessed (observed) per-capita income is at
least ``exit.income_margin`` times the line and, under the full criteria, the
guarantees hold: food and clothing (income), compulsory schooling (no dropout),
basic medical care (enrolled in basic medical insurance), safe housing, safe drinking
water (village water).
Under target pressure, cadres close part of the shortfall against the yearly exit
target (every registered household out by ``exit.target_year``) by exiting
households whose assessed income is within ``fake_exit_margin`` below the line.
Third-party spot checks re-check a share of exits and reverse false ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.governance.identification import observation_error
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
    candidates = registered[year - hh.reg_year[registered] >= p.min_years_registered]
    if len(candidates) == 0:
        return
    # Assessed on this year's income including transfers paid after registration (so a
    # household lifted by the dibao exits on paper), with this year's observation error.
    obs = hh.income_pc[candidates] * observation_error(model, candidates)
    ok_guarantees = (guarantees_met(model, candidates)
                     if p.criteria == "income_and_guarantees" else np.ones(len(candidates), bool))
    natural = (obs >= line * np.float32(p.income_margin)) & ok_guarantees
    exits = candidates[natural]
    pressured = _pressured_exits(model, candidates, natural, obs, ok_guarantees)
    exits = np.concatenate([exits, pressured])
    fake = hh.income_pc[exits] < line
    checked = model.streams.exit.random(len(exits)) < p.spot_check_rate
    caught = fake & checked & (model.streams.exit.random(len(exits)) < p.spot_check_accuracy)
    certified = exits[~caught]
    reg.set_status(certified, RegStatus.EXITED, year)
    reg.exit_year[certified] = year
    reg.fell_back[certified] = False
    reg.fake_exit[certified] = fake[~caught]
    c = reg.counts
    c.exits += len(certified)
    c.pressured_exits += len(pressured)
    c.fake_exits += int(fake[~caught].sum())
    c.reversed_exits += int(caught.sum())
    reg.cumulative_exits += len(certified)
    if model.p.helpers.stop_at_exit:
        release_helpers(model, certified)


def _pressured_exits(model: PovertyModel, candidates: np.ndarray, natural: np.ndarray,
                     obs: np.ndarray, ok_guarantees: np.ndarray) -> np.ndarray:
    """Extra exits on inflated income to close part of each county's target shortfall."""
    p, year = model.p.exit, model.year
    if p.target_pressure <= 0:
        return np.zeros(0, np.int64)
    hh, v = model.households, model.villages
    line = np.float32(model.p.run.poverty_line)
    county = v.county[hh.village[candidates]]
    n_counties = int(v.county.max()) + 1
    registered = np.bincount(county, minlength=n_counties)
    years_left = max(p.target_year - year + 1, 1)
    target = np.ceil(registered / years_left)
    shortfall = np.maximum(target - np.bincount(county[natural], minlength=n_counties), 0)
    extra = np.floor(p.target_pressure * shortfall).astype(np.int64)
    near = ~natural & ok_guarantees & (obs >= line * np.float32(1 - p.fake_exit_margin))
    pool = np.flatnonzero(near)
    if len(pool) == 0:
        return np.zeros(0, np.int64)
    order = pool[order_within_groups(county[pool], -obs[pool])]  # highest income first
    county_sorted = county[order]
    rank = ranks_in_groups(county_sorted)
    return candidates[order[rank < extra[county_sorted]]]
