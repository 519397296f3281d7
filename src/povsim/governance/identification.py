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
from povsim.governance.prescription import release_helpers
from povsim.status import CAUSES, RegStatus

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def observe_income(model: PovertyModel) -> np.ndarray:
    """This year's cadre observation of every household's per-capita income.

    The observation is true income times a lognormal error (mean 1) whose spread is
    ``identification.noise_sd x (1 - competence_noise_cut x competence)`` of the
    village's most competent team. All observations of a household in one year share
    the same error (one assessment a year).
    """
    return model.households.income_pc * observation_error(model)


def observation_error(model: PovertyModel) -> np.ndarray:
    """This year's multiplicative error of every household's income observation (mean 1).

    The standard normal behind it is persistent (``registry.observation_z``, updated once
    a year by :func:`advance_observation_error`).
    """
    p, hh = model.p.identification, model.households
    competence = model.cadres.competence_by_village(model.villages.n)[hh.village]
    sigma = np.float32(p.noise_sd) * (1 - np.float32(p.competence_noise_cut) * competence)
    return np.exp(sigma * model.registry.observation_z - sigma * sigma / 2)


def advance_observation_error(model: PovertyModel) -> None:
    """Move each household's observation error one year on (AR(1), ``noise_persistence``)."""
    rho = np.float32(model.p.identification.noise_persistence)
    reg = model.registry
    if not reg.built:
        reg.observation_z[:] = model.draws.z_observe
    else:
        reg.observation_z *= rho
        reg.observation_z += np.sqrt(1 - rho * rho) * model.draws.z_observe


def identify(model: PovertyModel) -> None:
    """Build the registry in its first year; adjust it in later years."""
    p, year = model.p.identification, model.year
    reg = model.registry
    if year < p.start_year:
        return
    reg.previous_observed_pc[:] = reg.observed_pc
    advance_observation_error(model)
    reg.observed_pc[:] = observe_income(model)
    if not reg.built:
        build_registry(model)
        reg.built = True
    elif p.adjustment and year >= p.adjustment_start_year:
        adjust_registry(model)


def _kin_favoured(model: PovertyModel, rows_mask: np.ndarray) -> np.ndarray:
    """Which households (among ``rows_mask``) a cadre favours this year."""
    p = model.p.identification
    hh = model.households
    integrity = model.cadres.integrity_by_village(model.villages.n)[hh.village]
    chance = p.favouritism * (1 - integrity)
    u = model.streams.identification.random(hh.n)
    return rows_mask & model.cadre_kin & (u < chance)


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
    size = np.bincount(hh.village, minlength=v.n).astype(np.float64)
    county_size = np.bincount(v.county, weights=size)
    county_quota = p.quota_rate * county_size
    if p.quota_allocation == "proportional":
        weight = size
    else:
        poor_obs = model.registry.observed_pc < np.float32(model.p.run.poverty_line)
        weight = np.bincount(hh.village, weights=poor_obs, minlength=v.n)
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
    order = np.lexsort((obs, hh.village))
    village_sorted = hh.village[order]
    starts = np.searchsorted(village_sorted, np.arange(v.n))
    rank = np.arange(hh.n) - starts[village_sorted]
    chosen = np.zeros(hh.n, bool)
    chosen[order] = (rank < quota[village_sorted]) & ~favoured[order]
    return chosen


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
        p.diagnosis_accuracy * (0.5 + 0.5 * competence))) & (truth >= 0)
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
    size = np.bincount(hh.village, minlength=v.n)
    rate = np.bincount(hh.village, weights=registered, minlength=v.n) / np.maximum(size, 1)
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
    remove = registered & (obs > line * np.float32(p.removal_margin)) & ~protected
    remove &= reg.exit_year < 0  # households that exited before are handled by exit rules
    removed = np.flatnonzero(remove)
    reg.set_status(removed, RegStatus.NEVER, year)
    reg.counts.removed += len(removed)
    for iv in model.interventions.values():
        iv.withdraw(removed)
    release_helpers(model, removed)

    below = obs < line
    status = hh.reg_status
    new_poor = below & ((status == RegStatus.NEVER) | (status == RegStatus.MONITORED)) & (
        reg.exit_year < 0)
    returned = below & ((status == RegStatus.EXITED) | (
        (status == RegStatus.MONITORED) & (reg.exit_year >= 0)))
    if p.mode == "quota":
        new_poor = _within_quota(model, new_poor)
    new_rows = np.flatnonzero(new_poor)
    ret_rows = np.flatnonzero(returned)
    reg.set_status(new_rows, RegStatus.REGISTERED, year)
    reg.set_status(ret_rows, RegStatus.RETURNED, year)
    diagnose(model, np.concatenate([new_rows, ret_rows]))
    reg.counts.registered_new += len(new_rows)
    reg.counts.returns += len(ret_rows)


def _within_quota(model: PovertyModel, candidates: np.ndarray) -> np.ndarray:
    """Keep the poorest observed candidates of each village that fit its remaining quota."""
    hh, v, reg = model.households, model.villages, model.registry
    quota = village_quotas(model)
    on_registry = reg.is_registered() | (hh.reg_status == RegStatus.EXITED)
    room = np.maximum(quota - np.bincount(hh.village[on_registry], minlength=v.n), 0)
    rows = np.flatnonzero(candidates)
    if len(rows) == 0:
        return candidates
    order = rows[np.lexsort((reg.observed_pc[rows], hh.village[rows]))]
    village_sorted = hh.village[order]
    first = np.searchsorted(village_sorted, village_sorted, side="left")
    rank = np.arange(len(order)) - first
    keep = np.zeros(hh.n, bool)
    keep[order[rank < room[village_sorted]]] = True
    return keep
