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

from povsim.draws import YearDraws

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def migrate(model: PovertyModel, draws: YearDraws, migrant_contacts: np.ndarray) -> None:
    """Idle workers take migrant jobs (more likely with migrant contacts); migrants return."""
    e = model.p.economy
    hh = model.households
    has_migrant = hh.n_migrant > 0
    u = draws.u_migration
    back = has_migrant & (u < np.float32(e.p_migrant_return))
    p_go = (np.float32(e.p_find_migrant_job) * 2 * hh.skill
            + np.float32(e.job_info_effect) * migrant_contacts)
    go = ~back & (model.idle_workers() >= 1) & (u > 1 - p_go)
    hh.n_migrant -= back
    hh.n_migrant += go


def update_motivation(model: PovertyModel, peer_motivation: np.ndarray,
                      exited_contacts: np.ndarray) -> None:
    """Peers, role models, helpers, work and handouts move motivation (kept in 0-1)."""
    b = model.p.behaviour
    hh = model.households
    m = hh.motivation
    m += np.float32(b.peer_weight) * (peer_motivation - m)
    m += np.float32(b.role_model_effect) * exited_contacts
    m += np.float32(model.p.helpers.motivation_boost) * (model.helper_of >= 0)
    working = (model.jobs.employer >= 0) | model.interventions["public_posts"].holders()
    m += np.float32(b.work_reward) * working
    m -= np.float32(b.handout_penalty) * model.interventions["dibao"].handouts_to_workers()
    np.clip(m, 0.0, 1.0, out=m)


def behave(model: PovertyModel, draws: YearDraws) -> None:
    """Migration and motivation, with neighbour information in one sparse product."""
    hh = model.households
    exited = (hh.ever_exited & ~hh.poor).astype(np.float32)
    columns = np.stack([hh.motivation, (hh.n_migrant > 0).astype(np.float32), exited], axis=1)
    peers = model.network.neighbour_mean(columns)
    migrate(model, draws, peers[:, 1])
    update_motivation(model, peers[:, 0], peers[:, 2])
