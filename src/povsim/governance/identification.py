"""Phase 4: identification of the poor and yearly adjustment of the registry.

Cadres observe per-capita income with an error that shrinks with their competence
and persists from year to year.
In the registry's first year, each village registers (quota mode) its lowest
observed incomes up to a share of the county's top-down quota, or (need-based mode)
every household observed below the line; kin of the village cadres may be registered
out of favouritism; the village's public review corrects a share of the errors; the
cadre records a main cause, which can be wrong. Registered poor villages are
designated and get a first secretary and work team, and a workshop. Later years
adjust the registry: the wrongly registered are removed, the newly poor and the
returned are added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.agents import EnterpriseKind, add_village_enterprises, create_work_teams
from povsim.causes import derive_causes, main_cause
from povsim.chunks import row_chunks
from povsim.governance.prescription import end_support
from povsim.ordering import order_within_groups, ranks_in_groups
from povsim.status import CAUSES, RegStatus, registered_as_poor
from povsim.world.households import ALL, Rows

if TYPE_CHECKING:
    from povsim.model import PovertyModel

QUOTA_CANDIDATES = 3
"""Households kept per quota place (those with the lowest observed incomes) before they
are ranked within their villages. An engineering constant: the ranks below each quota
are exact whatever its value; it only decides how much is sorted."""


def observation_error(model: PovertyModel, rows: Rows = ALL) -> np.ndarray:
    """This year's multiplicative error of the income observations (mean 1).

    The standard normal behind it is persistent (``registry.observation_z``, updated once
    a year by :func:`advance_observation_error`).

    Args:
        model: The model.
        rows: Households to return (all if omitted).
    """
    return _observation_error(model, _error_spread(model), rows)


def _error_spread(model: PovertyModel) -> np.ndarray:
    """Spread (log-sd) of the observation error in each village."""
    p = model.p.identification
    competence = model.cadres.competence_by_village(model.villages.n)
    return np.float32(p.noise_sd) * (1 - np.float32(p.competence_noise_cut) * competence)


def _observation_error(model: PovertyModel, spread: np.ndarray,
                       rows: np.ndarray | slice) -> np.ndarray:
    sigma = spread[model.households.village_index()[rows]]
    return np.exp(sigma * model.registry.observation_z[rows] - sigma * sigma / 2)


def advance_observation_error(model: PovertyModel, rows: slice = ALL) -> None:
    """Move each household's observation error one year on (AR(1), ``noise_persistence``)."""
    rho = np.float32(model.p.identification.noise_persistence)
    reg = model.registry
    z = reg.observation_z[rows]  # a view: changed in place
    if not reg.built:
        z[:] = model.draws.z_observe[rows]
    else:
        z *= rho
        z += np.sqrt(1 - rho * rho) * model.draws.z_observe[rows]


def identify(model: PovertyModel) -> None:
    """Build the registry in its first year; adjust it in later years."""
    p, year = model.p.identification, model.year
    reg = model.registry
    if year < p.start_year:
        return
    spread = _error_spread(model)
    for rows in row_chunks(model.households.n):
        reg.previous_observed_pc[rows] = reg.observed_pc[rows]
        advance_observation_error(model, rows)
        np.multiply(model.households.income_pc[rows], _observation_error(model, spread, rows),
                    out=reg.observed_pc[rows])
    if not reg.built:
        build_registry(model)
        reg.built = True
    elif p.adjustment and year >= p.adjustment_start_year:
        adjust_registry(model)


def _kin_favoured(model: PovertyModel, rows_mask: np.ndarray) -> np.ndarray:
    """Which households (among ``rows_mask``) a cadre favours this year."""
    p = model.p.identification
    hh = model.households
    u = model.streams.identification.random(hh.n)  # drawn always: common random numbers
    if p.favouritism == 0:
        return np.zeros(hh.n, bool)
    kin = np.flatnonzero(model.cadre_kin)
    integrity = model.cadres.integrity_by_village(model.villages.n)[hh.village[kin]]
    chance = p.favouritism * (1 - integrity)
    favoured = np.zeros(hh.n, bool)
    favoured[kin] = rows_mask[kin] & (u[kin] < chance)
    return favoured


def build_registry(model: PovertyModel) -> None:
    """First registration: quotas or need, favouritism, public review, diagnosis."""
    p = model.p.identification
    reg = model.registry
    line = np.float32(model.p.run.poverty_line)
    obs = reg.observed_pc
    favoured = _kin_favoured(model, obs >= line)
    if p.mode == "need_based":
        chosen = obs < line * np.float32(1 + p.registration_margin)
    else:
        chosen = _register_by_quota(model, favoured)
    chosen |= favoured
    chosen = _public_review(model, chosen)
    rows = np.flatnonzero(chosen)
    reg.set_status(rows, RegStatus.REGISTERED, model.year)
    reg.favoured[:] = favoured & chosen
    diagnose(model, rows)
    reg.counts.registered_new += len(rows)
    reg.counts.favoured += int(reg.favoured.sum())
    _designate_poor_villages(model, chosen)


def village_quotas(model: PovertyModel) -> np.ndarray:
    """Households each village may register: the county quota split among its villages."""
    p = model.p.identification
    hh, v = model.households, model.villages
    size = hh.village_sizes(v.n).astype(np.float64)
    county_size = np.bincount(v.county, weights=size)
    county_quota = p.quota_rate * county_size
    if p.quota_allocation == "proportional":
        weight = size
    else:
        poor_obs = model.registry.observed_pc < np.float32(model.p.run.poverty_line)
        weight = np.bincount(hh.village[poor_obs], minlength=v.n).astype(np.float64)
    county_weight = np.bincount(v.county, weights=weight)
    share = np.divide(weight, county_weight[v.county], out=np.zeros(v.n),
                      where=county_weight[v.county] > 0)
    return np.round(county_quota[v.county] * share).astype(np.int64)


def _register_by_quota(model: PovertyModel, favoured: np.ndarray) -> np.ndarray:
    """The lowest observed incomes of each village, up to its quota net of favoured kin."""
    hh, v = model.households, model.villages
    quota = village_quotas(model)
    quota -= np.bincount(hh.village[favoured], minlength=v.n)
    obs = model.registry.observed_pc
    rows = _lowest_in_villages(hh.village, obs, quota)
    village = hh.village[rows]
    order = order_within_groups(village, obs[rows])
    village_sorted = village[order]
    rank = ranks_in_groups(village_sorted)
    picked = rows[order]
    chosen = np.zeros(hh.n, bool)
    chosen[picked] = (rank < quota[village_sorted]) & ~favoured[picked]
    return chosen


def _lowest_in_villages(village: np.ndarray, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Rows (ascending) that include the ``counts[v]`` lowest ``values`` of each village ``v``.

    Households above a low overall cut are left out, except in villages with too few
    below it, so that ranking the rows kept within their villages gives each household
    its rank among all of its village (for the ranks below the count). Saves sorting all
    households when the counts are small.
    """
    n = len(values)
    wanted = int(np.maximum(counts, 0).sum())
    kept = QUOTA_CANDIDATES * wanted
    if kept >= n:
        return np.arange(n)
    cut = np.partition(values, kept)[kept]
    below = values <= cut
    short = np.bincount(village[below], minlength=len(counts)) < counts
    return np.flatnonzero(below | short[village])


def _public_review(model: PovertyModel, chosen: np.ndarray) -> np.ndarray:
    """The village review drops a share of non-poor entries and adds a share of poor left out."""
    p = model.p.identification
    hh = model.households
    u = model.streams.identification.random(hh.n)
    caught = u < p.public_review_catch
    wrong_in = chosen & ~hh.poor & caught
    wrong_out = ~chosen & hh.poor & caught & (hh.reg_status == RegStatus.NEVER)
    model.registry.counts.review_corrections += int(wrong_in.sum() + wrong_out.sum())
    return (chosen & ~wrong_in) | wrong_out


def diagnose(model: PovertyModel, rows: np.ndarray) -> None:
    """Record the causes of ``rows``: the true ones, or (with some chance) one random cause.

    A correct diagnosis records every true cause and the main one (the first present in
    :data:`~povsim.status.CAUSES` order); a wrong one records a single random cause.
    """
    if len(rows) == 0:
        return
    p = model.p.identification
    hh = model.households
    masks = derive_causes(hh, model.villages, model.p, rows)
    truth = main_cause(masks)
    competence = model.cadres.competence_by_village(model.villages.n)[hh.village[rows]]
    correct = (model.streams.identification.random(len(rows)) < (
        p.diagnosis_accuracy * (1 - p.diagnosis_competence_weight
                                 + p.diagnosis_competence_weight * competence))) & (truth >= 0)
    guess = model.streams.identification.integers(0, len(CAUSES), len(rows)).astype(np.int8)
    bits = np.array([int(c) for c in CAUSES], np.uint16)
    hh.diagnosed_cause[rows] = np.where(correct, truth, guess)
    hh.diagnosed_causes[rows] = np.where(correct, masks, bits[guess])


def _designate_poor_villages(model: PovertyModel, registered: np.ndarray) -> None:
    """Villages with the highest registered rates become registered poor villages."""
    p = model.p
    v = model.villages
    hh = model.households
    original = np.flatnonzero(~v.is_site)
    size = hh.village_sizes(v.n)
    registered_in = np.bincount(hh.village[registered], minlength=v.n).astype(np.float64)
    rate = registered_in / np.maximum(size, 1)
    n_poor = round(p.identification.poor_village_share * len(original))
    poor = original[np.argsort(-rate[original], kind="stable")[:n_poor]]
    v.poor_village[poor] = True
    if p.cadres.work_teams:
        create_work_teams(model, poor, model.streams.agents)
    add_village_enterprises(model, poor, EnterpriseKind.WORKSHOP, model.streams.agents)


def adjust_registry(model: PovertyModel) -> None:
    """Yearly adjustment: remove the wrongly registered, add the newly poor and the returned."""
    p = model.p.identification
    hh, reg = model.households, model.registry
    line = np.float32(model.p.run.poverty_line)
    obs = reg.observed_pc
    year = model.year
    registered = reg.is_registered()
    protected = _kin_favoured(model, registered)
    rows = np.flatnonzero(registered)
    remove = (obs[rows] > line * np.float32(p.removal_margin)) & ~protected[rows]
    remove &= reg.exit_year[rows] < 0  # households that exited before are handled by exit rules
    removed = rows[remove]
    reg.set_status(removed, RegStatus.NEVER, year)
    reg.counts.removed += len(removed)
    end_support(model, removed)

    below = np.flatnonzero(obs < line)
    status = hh.reg_status[below]
    never_exited = reg.exit_year[below] < 0
    monitored = status == RegStatus.MONITORED
    new_rows = below[((status == RegStatus.NEVER) | monitored) & never_exited]
    ret_rows = below[(status == RegStatus.EXITED) | (monitored & ~never_exited)]
    if p.mode == "quota":
        new_rows = _within_quota(model, new_rows)
    reg.set_status(new_rows, RegStatus.REGISTERED, year)
    reg.set_status(ret_rows, RegStatus.RETURNED, year)
    diagnose(model, np.concatenate([new_rows, ret_rows]))
    reg.counts.registered_new += len(new_rows)
    reg.counts.returns += len(ret_rows)


def _within_quota(model: PovertyModel, rows: np.ndarray) -> np.ndarray:
    """Keep the poorest observed of candidate ``rows`` that fit each village's remaining quota.

    Returns:
        The rows kept, in ascending order.
    """
    if len(rows) == 0:
        return rows
    hh, v, reg = model.households, model.villages, model.registry
    quota = village_quotas(model)
    status = hh.reg_status
    on_registry = registered_as_poor(status) | (status == RegStatus.EXITED)
    room = np.maximum(quota - np.bincount(hh.village[on_registry], minlength=v.n), 0)
    village = hh.village[rows]
    order = order_within_groups(village, reg.observed_pc[rows])
    village_sorted = village[order]
    rank = ranks_in_groups(village_sorted)
    return np.sort(rows[order[rank < room[village_sorted]]])
