"""Phase 6: household behaviour and peer effects on the village network.

Migration: an idle able worker takes a migrant job with a chance that grows with
skill and with the share of contacts who work away (job information through the
network); migrants come home at a yearly rate. With ``economy.jobs_follow_record``
the migrant and local wage jobs filled follow the migrant-worker record instead
(:mod:`povsim.life.labour_market`). Motivation moves towards the mean of
a household's contacts, rises with role models (contacts who exited poverty), with
a helper and with work in a programme job or post, and falls with cash handouts to
households with able labour but no work ("waiting, relying, needing"). Work effort
for next year responds to what a household keeps of an extra yuan: a household on a
gap-filling benefit keeps only ``dibao.earnings_disregard`` of it and withholds up
to ``withdrawal_effort_cut`` of its market income, less the more motivated it is.
(Decisions on offered loans and relocation are taken when offered, in phase 5.)

A network term whose coefficient is zero in a scenario (``peer_weight``,
``role_model_effect``, ``job_info_effect``) is not computed, and migration is skipped
when no one can leave or come back: adding a zero term changes no number, so results
are the same, only sooner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.chunks import row_chunks
from povsim.draws import YearDraws
from povsim.life.labour_market import fill_jobs_to_record

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def migrate(model: PovertyModel, draws: YearDraws,
            migrant_contacts: np.ndarray | None) -> None:
    """Idle workers take migrant jobs (more likely with migrant contacts); migrants return.

    Args:
        model: The model (households changed in place).
        draws: The year's bulk draws.
        migrant_contacts: Share of each household's contacts working away (``None``
            when ``job_info_effect`` is zero: the term is left out).
    """
    if draws.u_migration is None:
        return  # no one can leave or come back this year
    for rows in row_chunks(model.households.n):
        contacts = None if migrant_contacts is None else migrant_contacts[rows]
        _migrate_rows(model, draws, contacts, rows)


def _migrate_rows(model: PovertyModel, draws: YearDraws, migrant_contacts: np.ndarray | None,
                  rows: slice) -> None:
    e = model.p.economy
    per_skill = np.float32(e.p_find_migrant_job) / np.float32(
        model.p.population.reference_skill)
    n_migrant = model.households.n_migrant[rows]  # a view: changed in place
    u = draws.u_migration[rows]
    back = (n_migrant > 0) & (u < np.float32(e.p_migrant_return))
    p_go = per_skill * model.households.skill[rows]
    if migrant_contacts is not None:
        p_go += np.float32(e.job_info_effect) * migrant_contacts
    go = ~back & (model.idle_workers(rows) >= 1) & (u > 1 - p_go)
    n_migrant -= back
    n_migrant += go


def update_motivation(model: PovertyModel, peer_motivation: np.ndarray | None,
                      exited_contacts: np.ndarray | None) -> None:
    """Peers, role models, helpers, work and handouts move motivation (kept in 0-1).

    Args:
        model: The model (households changed in place).
        peer_motivation: Mean motivation of each household's contacts (``None`` when
            ``peer_weight`` is zero).
        exited_contacts: Share of each household's contacts who exited poverty
            (``None`` when ``role_model_effect`` is zero).
    """
    for rows in row_chunks(model.households.n):
        _motivation_rows(model, None if peer_motivation is None else peer_motivation[rows],
                         None if exited_contacts is None else exited_contacts[rows], rows)


def _motivation_rows(model: PovertyModel, peer_motivation: np.ndarray | None,
                     exited_contacts: np.ndarray | None, rows: slice) -> None:
    b = model.p.behaviour
    m = model.households.motivation[rows]  # a view: changed in place
    if peer_motivation is not None:
        m += np.float32(b.peer_weight) * (peer_motivation - m)
    if exited_contacts is not None:
        m += np.float32(b.role_model_effect) * exited_contacts
    m += np.float32(model.p.helpers.motivation_boost) * (model.helper_of[rows] >= 0)
    programme_work = (model.jobs.employer[rows] >= 0) | (
        model.interventions["public_posts"].since[rows] >= 0)
    m += np.float32(b.work_reward) * programme_work
    hh = model.households
    working = programme_work | (hh.n_migrant[rows] > 0) | (hh.n_local_job[rows] > 0)
    can_work = model.able_labour()[rows] >= np.float32(b.dependency_labour)
    dependent = model.interventions["dibao"].handouts(rows) & can_work & ~working
    m -= np.float32(b.handout_penalty) * dependent
    np.clip(m, 0.0, 1.0, out=m)


def update_effort(model: PovertyModel) -> None:
    """Next year's work effort from what each household keeps of an extra yuan (in 0-1).

    ``effort = 1 - withdrawal_effort_cut x (1 - retention) x (1 - motivation)``.
    """
    cut = np.float32(model.p.behaviour.withdrawal_effort_cut)
    hh = model.households
    if cut == 0:
        hh.effort.fill(1.0)
        return
    dibao = model.interventions["dibao"]
    for rows in row_chunks(hh.n):
        taxed = 1 - dibao.retention(rows)
        taxed *= 1 - hh.motivation[rows]
        taxed *= cut
        np.subtract(np.float32(1.0), taxed, out=hh.effort[rows])


def behave(model: PovertyModel, draws: YearDraws) -> None:
    """Migration and motivation, with what each household sees of its contacts."""
    hh, network = model.households, model.network
    b, e = model.p.behaviour, model.p.economy
    peer_motivation = network.neighbour_mean(hh.motivation) if b.peer_weight else None
    wanted = {}  # the contacts counted, where their effect is not zero
    if e.job_info_effect:
        wanted["migrants"] = hh.n_migrant > 0
    if b.role_model_effect:
        wanted["exited"] = hh.ever_exited & ~hh.poor
    shares = {name: network.neighbour_sum(mask) * network.inverse_degree
              for name, mask in wanted.items()}
    if e.jobs_follow_record:
        fill_jobs_to_record(model, draws, shares.get("migrants"))
    else:
        migrate(model, draws, shares.get("migrants"))
    update_motivation(model, peer_motivation, shares.get("exited"))
    update_effort(model)
