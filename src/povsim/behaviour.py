"""Phase 6: household behaviour and peer effects on the village network.

Migration: an idle able worker takes a migrant job with a chance that grows with
skill and with the share of contacts who work away (job information through the
network); migrants come home at a yearly rate. Motivation moves towards the mean of
a household's contacts, rises with role models (contacts who exited poverty), with
a helper and with work in a programme job or post, and falls with handouts without
work. (Decisions on offered loans and relocation are taken when offered, in phase 5.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.chunks import row_chunks
from povsim.draws import YearDraws

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def migrate(model: PovertyModel, draws: YearDraws, migrant_contacts: np.ndarray) -> None:
    """Idle workers take migrant jobs (more likely with migrant contacts); migrants return."""
    for rows in row_chunks(model.households.n):
        _migrate_rows(model, draws, migrant_contacts[rows], rows)


def _migrate_rows(model: PovertyModel, draws: YearDraws, migrant_contacts: np.ndarray,
                  rows: slice) -> None:
    e = model.p.economy
    per_skill = np.float32(e.p_find_migrant_job) / np.float32(
        model.p.population.reference_skill)
    n_migrant = model.households.n_migrant[rows]  # a view: changed in place
    u = draws.u_migration[rows]
    back = (n_migrant > 0) & (u < np.float32(e.p_migrant_return))
    p_go = (per_skill * model.households.skill[rows]
            + np.float32(e.job_info_effect) * migrant_contacts)
    go = ~back & (model.idle_workers(rows) >= 1) & (u > 1 - p_go)
    n_migrant -= back
    n_migrant += go


def update_motivation(model: PovertyModel, peer_motivation: np.ndarray,
                      exited_contacts: np.ndarray) -> None:
    """Peers, role models, helpers, work and handouts move motivation (kept in 0-1)."""
    for rows in row_chunks(model.households.n):
        _motivation_rows(model, peer_motivation[rows], exited_contacts[rows], rows)


def _motivation_rows(model: PovertyModel, peer_motivation: np.ndarray,
                     exited_contacts: np.ndarray, rows: slice) -> None:
    b = model.p.behaviour
    m = model.households.motivation[rows]  # a view: changed in place
    m += np.float32(b.peer_weight) * (peer_motivation - m)
    m += np.float32(b.role_model_effect) * exited_contacts
    m += np.float32(model.p.helpers.motivation_boost) * (model.helper_of[rows] >= 0)
    working = (model.jobs.employer[rows] >= 0) | (
        model.interventions["public_posts"].since[rows] >= 0)
    m += np.float32(b.work_reward) * working
    m -= np.float32(b.handout_penalty) * model.interventions["dibao"].handouts_to_workers(rows)
    np.clip(m, 0.0, 1.0, out=m)


def behave(model: PovertyModel, draws: YearDraws) -> None:
    """Migration and motivation, with what each household sees of its contacts."""
    hh, network = model.households, model.network
    peer_motivation = network.neighbour_mean(hh.motivation)
    migrants, exited = network.neighbour_counts(hh.n_migrant > 0, hh.ever_exited & ~hh.poor)
    migrant_contacts = migrants * network.inverse_degree
    exited_contacts = exited * network.inverse_degree
    migrate(model, draws, migrant_contacts)
    update_motivation(model, peer_motivation, exited_contacts)
