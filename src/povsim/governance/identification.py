"""Phase 4: identification of the poor -- the register built, swept and adjusted.

What cadres know of a household's per-capita income comes from *verifications*.
A verification observes the household's stable income (from lasting sources, without
the year's transitory luck) with the household's own error: a
persistent standard normal (``registry.error_z``) scaled by the village cadres'
observation spread, plus income the household hides; both shrink by
``contact_error_decay`` with every contact. So the same household verified twice
without any change in its income gives the same answer unless contact taught the
cadres more: measurement noise alone moves nobody on or off the register.

The register's life (identification parameters):

1. **Mass registration** (``start_year``): cadres observe every household; each
   village registers its lowest observed incomes within its share of the county
   quota handed down (or, need-based, everyone observed below the line); kin of village cadres
   may be registered out of favouritism; the village's public review corrects a
   share of errors; cadres record the causes. Registered poor villages are
   designated and get a first secretary and work team, and a workshop.
2. **Look-back sweep** (``lookback_share`` by year): the register of a share of the
   villages is re-verified: households whose income when they were registered, as
   the sweep now sees it, was above ``removal_margin`` x line (wrongly registered),
   and favoured kin the sweep catches, are struck out (households whose income has
   risen since are not: they exit); the sweep's survey verifies
   unregistered households and adds those found poor.
3. **Yearly income check**: every registered household is verified each year
   (its helper's and cadres' visits), which is what exit assessment builds on.
4. **Dynamic adjustment** (from ``adjustment_start_year`` to ``end_year``): truly
   poor households off the register come forward (they apply, or a visible shock
   brings them to the cadres, or a helper still visiting an exited household reports
   it); each is verified and registered (or re-registered, a return) when found
   below the line -- though while counties work to their exit targets, cadres leave a
   growing share of returns unrecorded (``exit.return_reluctance``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.agents import EnterpriseKind, add_village_enterprises, create_work_teams
from povsim.governance.causes import derive_causes, main_cause
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


# ------------------------------------------------------------ what cadres see
def _error_spread(model: PovertyModel) -> np.ndarray:
    """Spread (log-sd) of the first observation's error in each village."""
    p = model.p.identification
    competence = model.cadres.competence_by_village(model.villages.n)
    return np.float32(p.noise_sd) * (1 - np.float32(p.competence_noise_cut) * competence)


def observation_factor(model: PovertyModel, rows: Rows = ALL) -> np.ndarray:
    """What a verification multiplies each of ``rows``' true income by.

    ``exp(decay ** contacts x (spread x error_z - hidden_income))``: the household's
    own error and hidden income, shrunk by the contacts cadres have had with it.

    Args:
        model: The model.
        rows: Households (all if omitted).
    """
    p = model.p.identification
    reg = model.registry
    decay = np.float32(p.contact_error_decay) ** np.arange(128, dtype=np.float32)
    sigma = _error_spread(model)[model.households.village_index()[rows]]
    log_error = sigma * reg.error_z[rows]
    log_error -= np.float32(p.hidden_income)
    log_error *= decay[reg.contacts[rows]]
    return np.exp(log_error)


def observe(model: PovertyModel, rows: Rows = ALL) -> np.ndarray:
    """Per-capita income of ``rows`` as a verification finds it now (no contact counted)."""
    return model.households.income_pc[rows] * observation_factor(model, rows)


def observe_stable(model: PovertyModel, rows: Rows = ALL) -> np.ndarray:
    """Per-capita income from lasting sources of ``rows`` as an exit assessment finds it.

    The income without this year's transitory luck (land, jobs, projects, transfers
    the household can count on), with the household's observation error.
    """
    return model.households.stable_pc(rows) * observation_factor(model, rows)


def verify(model: PovertyModel, rows: np.ndarray) -> np.ndarray:
    """Verify ``rows``: observe their stable income, keep it as known, count the contact.

    Returns:
        The verified per-capita incomes (from lasting sources: a year's luck, good or
        bad, is not what registration, removal or exit go by).
    """
    observed = observe_stable(model, rows)
    reg = model.registry
    reg.record_verification(rows, observed, model.year)
    reg.count_contact(rows)
    return observed


# ----------------------------------------------------------------- the year
def identify(model: PovertyModel) -> None:
    """Build the register in its first year; check, sweep and adjust it in later years."""
    p, year = model.p.identification, model.year
    reg = model.registry
    if year < p.start_year:
        return
    if not reg.built:
        build_registry(model)
        reg.built = True
        return
    check_incomes(model)
    if year > p.end_year:
        return
    if model.p.identification.lookback_share > 0:
        sweep(model)
    if p.adjustment and year >= p.adjustment_start_year:
        adjust_registry(model)


def check_incomes(model: PovertyModel) -> None:
    """The yearly income check: every registered household is verified."""
    rows = np.flatnonzero(model.registry.is_registered())
    if len(rows):
        verify(model, rows)


# ------------------------------------------------------- mass registration
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
    """Mass registration: observation, quotas or need, favouritism, public review, diagnosis."""
    p = model.p.identification
    reg = model.registry
    line = np.float32(model.p.run.poverty_line)
    obs = observe_stable(model)
    reg.record_verification(ALL, obs, model.year)
    favoured = _kin_favoured(model, obs >= line)
    if p.mode == "need_based":
        chosen = obs < line * np.float32(1 + p.registration_margin)
    else:
        chosen = _register_by_quota(model, favoured)
    chosen |= favoured
    chosen = _public_review(model, chosen)
    rows = np.flatnonzero(chosen)
    reg.set_status(rows, RegStatus.REGISTERED, model.year)
    reg.count_contact(rows)
    reg.favoured[:] = favoured & chosen
    diagnose(model, rows)
    reg.counts.registered_new += len(rows)
    reg.counts.favoured += int(reg.favoured.sum())
    _designate_poor_villages(model, chosen)


def village_quotas(model: PovertyModel) -> np.ndarray:
    """Households each village may register: the county quota split among its villages.

    The national quota (``quota_rate`` of all households) is split among counties and
    then villages: by size (``proportional``), or by the estimated number of poor
    (``estimated``: households observed below the line), as the 2014 scale control
    handed the national estimate down through provinces and counties to villages.
    """
    p = model.p.identification
    hh, v = model.households, model.villages
    size = hh.village_sizes(v.n).astype(np.float64)
    n_counties = model.counties.n
    county_size = np.bincount(v.county, weights=size, minlength=n_counties)
    if p.quota_allocation == "proportional":
        weight = size
    else:
        poor_obs = model.registry.known_pc < np.float32(model.p.run.poverty_line)
        weight = np.bincount(hh.village[poor_obs], minlength=v.n).astype(np.float64)
    county_weight = np.bincount(v.county, weights=weight, minlength=n_counties)
    national = p.quota_rate * county_size.sum()
    county_quota = national * county_weight / max(county_weight.sum(), 1.0)
    share = np.divide(weight, county_weight[v.county], out=np.zeros(v.n),
                      where=county_weight[v.county] > 0)
    return np.round(county_quota[v.county] * share).astype(np.int64)


def _register_by_quota(model: PovertyModel, favoured: np.ndarray) -> np.ndarray:
    """The lowest observed incomes of each village, up to its quota net of favoured kin."""
    hh, v = model.households, model.villages
    quota = village_quotas(model)
    quota -= np.bincount(hh.village[favoured], minlength=v.n)
    obs = model.registry.known_pc
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
    poor_now = hh.income_pc < np.float32(model.p.run.poverty_line)
    wrong_in = chosen & ~poor_now & caught
    wrong_out = ~chosen & poor_now & caught & (hh.reg_status == RegStatus.NEVER)
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


# ------------------------------------------------------------- look back
def sweep(model: PovertyModel) -> None:
    """Re-verify the register of a share of the villages not yet swept (the look back)."""
    p = model.p.identification
    reg, hh, v = model.registry, model.households, model.villages
    rng = model.streams.identification
    waiting = np.flatnonzero(~reg.swept_village & ~v.is_site)
    if len(waiting) == 0:
        return
    n_now = round(p.lookback_share * len(waiting))
    if n_now == 0:
        return
    villages = rng.permutation(waiting)[:n_now]
    reg.swept_village[villages] = True
    now = np.zeros(v.n, bool)
    now[villages] = True
    in_swept = now[hh.village_index()]
    line = np.float32(model.p.run.poverty_line)
    year = model.year

    registered = np.flatnonzero(in_swept & reg.is_registered())
    verify(model, registered)
    # the sweep re-examines the household as it was when registered (with what its
    # survey now knows of it): those who were never poor were registered wrongly;
    # those whose income has risen since are left to exit
    then = reg.entry_pc[registered] * observation_factor(model, registered)
    favoured = reg.favoured[registered]
    caught = favoured & (rng.random(len(registered)) < p.lookback_favour_catch)
    struck = (then > line * np.float32(p.removal_margin)) & ~favoured
    removed = registered[struck | caught]
    reg.set_status(removed, RegStatus.NEVER, year)
    reg.on_books[removed] = False
    reg.favoured[removed] = False
    reg.counts.removed += len(removed)
    reg.counts.removed_persons += _persons(model, removed)
    end_support(model, removed)

    unregistered = np.flatnonzero(in_swept & (hh.reg_status == RegStatus.NEVER))
    surveyed = unregistered[rng.random(len(unregistered)) < p.lookback_coverage]
    found = surveyed[verify(model, surveyed) < line]
    reg.set_status(found, RegStatus.REGISTERED, year)
    diagnose(model, found)
    reg.counts.registered_new += len(found)
    reg.counts.added_by_sweep += len(found)
    reg.counts.sweep_added_persons += _persons(model, found)


def _persons(model: PovertyModel, rows: np.ndarray) -> float:
    """National persons (household weights) of ``rows``."""
    hh = model.households
    return float((hh.weight[rows] * hh.size()[rows]).sum(dtype=np.float64))


# ---------------------------------------------------- dynamic adjustment
def return_reluctance(model: PovertyModel) -> float:
    """Share of verified returns cadres leave unrecorded this year (exit-target pressure).

    Grows in a straight line from 0 in the year before ``exit.start_year`` to
    ``exit.return_reluctance`` in ``exit.target_year``; 0 after the target year.
    """
    e, year = model.p.exit, model.year
    if year > e.target_year or year < e.start_year:
        return 0.0
    return e.return_reluctance * (year - e.start_year + 1) / (e.target_year - e.start_year + 1)



def come_forward(model: PovertyModel) -> np.ndarray:
    """Rows of the households that come to the cadres' attention this year.

    Truly poor households off the register apply (``application_rate``) or are brought
    forward after a visible shock (``shock_nomination``); exited households still
    visited by a helper are reported (``helper_detection``).
    """
    p = model.p.identification
    hh = model.households
    u = model.draws.u_register
    if u is None:
        return np.zeros(0, np.int64)
    poor = np.flatnonzero(hh.income_pc < np.float32(model.p.run.poverty_line))
    poor = poor[~registered_as_poor(hh.reg_status[poor])]
    shocked = hh.illness_episode[poor] | hh.disaster_hit[poor] | model.shocks.migrant_job_lost[poor]
    chance = np.where(shocked, np.float32(p.application_rate + (1 - p.application_rate)
                                          * p.shock_nomination),
                      np.float32(p.application_rate))
    visited = (model.helper_of[poor] >= 0) & (model.registry.exit_year[poor] >= 0)
    chance = np.where(visited, np.maximum(chance, np.float32(p.helper_detection)), chance)
    return poor[u[poor] < chance]


def adjust_registry(model: PovertyModel) -> None:
    """Dynamic adjustment: verify who comes forward; register the newly poor and the returned."""
    reg = model.registry
    line = np.float32(model.p.run.poverty_line)
    year = model.year
    candidates = come_forward(model)
    if len(candidates) == 0:
        return
    found = candidates[verify(model, candidates) < line]
    exited = reg.exit_year[found] >= 0
    new_rows, ret_rows = found[~exited], found[exited]
    ret_rows = ret_rows[model.streams.identification.random(len(ret_rows))
                        >= return_reluctance(model)]
    reg.set_status(new_rows, RegStatus.REGISTERED, year)
    reg.set_status(ret_rows, RegStatus.RETURNED, year)
    diagnose(model, np.concatenate([new_rows, ret_rows]))
    reg.stable_years[ret_rows] = 0
    reg.support_kept[ret_rows] = False  # registered poor again: the old exit's support ends
    reg.counts.registered_new += len(new_rows)
    reg.counts.returns += len(ret_rows)
