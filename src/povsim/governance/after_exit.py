"""Phase 8: support after exit, and return-prevention (dynamic) monitoring.

**Support after exit.** An exited household keeps its policies (posts, insurance
top-up, education cover, dibao while eligible, its helper if helpers stay) until
``post_exit.support_years`` after its exit, and at least to the end of
``post_exit.kept_through`` (a transition's "four no-withdrawals"). Then support is
withdrawn: at once, or spread over ``post_exit.phase_out_years``.

**Monitoring** (``monitoring.enabled``). Watched: exited households and
never-registered households whose income, as the year's screening sees it, is near the
line (``marginal_band``).
Each year a watched household at risk -- known income below the line, or below
``alert_ratio`` x line (the monitoring scope) and hit by a fall of ``drop_share`` in a
year, a sudden expense or a disaster -- is found with
chance ``detection_rate`` and flagged (``MONITORED``): it gets relief at once (its gap
to the line, up to ``relief_per_person`` a member) and
measures like a registered household from the next delivery. A monitored household
whose verified income is back at ``alert_ratio`` x line or above, with no new shock,
has its risk cleared and returns to its previous status: at the next year's check, or
within the year of its flag when the flag came at least ``clearance_months`` before
the year's end (flags come at a uniform time in the year) and its verified lasting
income is out of the scope, the year's fall or expense having been one-off.

Then the poverty-prevention insurance pays its claims
(:mod:`povsim.governance.prevention_insurance`). The year's sustained and lasting
exits, and exited households that fell back (true returns, split by whether monitoring
had flagged them), are counted last, after the year's help: a fall that monitoring or
the insurance relieved within the year is prevented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.governance.identification import observe, verify
from povsim.governance.prescription import end_support
from povsim.governance.prevention_insurance import insure
from povsim.governance.relief import gap_to_line, heavy_expenses, pay_relief
from povsim.status import RegStatus

if TYPE_CHECKING:
    from povsim.model import PovertyModel

MONTHS_PER_YEAR = 12.0
"""Months in a year: ``monitoring.clearance_months`` as a share of the year."""


def follow_up_exits(model: PovertyModel) -> None:
    """Count fallbacks and lasting exits, withdraw support when due, monitor (phase 8)."""
    reg = model.registry
    if not reg.built:
        return
    _withdraw_support(model)
    if model.p.monitoring.enabled:
        _monitor(model)
    else:
        _release_monitored(model, np.flatnonzero(
            model.households.reg_status == RegStatus.MONITORED), count=False)
    insure(model)
    _track_fell_back(model)  # after the year's help: a fall caught and relieved is prevented


def _track_fell_back(model: PovertyModel) -> None:
    """Remember exited households that are truly poor again; count sustained exits."""
    reg, hh, run = model.registry, model.households, model.p.run
    exited = reg.exit_year >= 0
    newly = exited & ~reg.fell_back & (hh.income_pc < np.float32(run.poverty_line))
    reg.fell_back |= newly
    c = reg.counts
    c.fell_back += int(np.count_nonzero(newly))
    flagged = int(np.count_nonzero(newly & reg.ever_flagged))
    c.monitored_fell_back += flagged
    c.unflagged_fell_back += int(np.count_nonzero(newly)) - flagged
    holding = exited & ~reg.fell_back
    years_out = model.year - reg.exit_year
    sustained = int(np.count_nonzero(holding & (years_out == run.sustained_exit_years)))
    lasting = int(np.count_nonzero(holding & (years_out == run.lasting_exit_years)))
    c.sustained_exits += sustained
    c.lasting_exits += lasting
    reg.cumulative_sustained += sustained
    reg.cumulative_lasting += lasting


def support_end_year(model: PovertyModel, rows: np.ndarray) -> np.ndarray:
    """The year from which the support of exited ``rows`` is withdrawn.

    ``exit year + support_years``, or the year after ``kept_through`` if later; with
    a phase-out over ``n`` years, household ``i`` waits ``i mod n`` years more.
    """
    post = model.p.post_exit
    reg = model.registry
    end = np.maximum(reg.exit_year[rows].astype(np.int32) + post.support_years,
                     post.kept_through + 1)
    if post.phase_out_years > 1:
        end += (rows % post.phase_out_years).astype(np.int32)
    return end


def _withdraw_support(model: PovertyModel) -> None:
    """Support of exited households is withdrawn in the year it is due (once)."""
    reg = model.registry
    kept = np.flatnonzero(reg.support_kept)
    if len(kept) == 0:
        return
    due = kept[model.year >= support_end_year(model, kept)]
    if len(due) == 0:
        return
    end_support(model, due)
    reg.support_kept[due] = False
    reg.counts.withdrawn += len(due)


def _risks(model: PovertyModel, rows: np.ndarray,
           observed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(poor, in_scope, shocked)`` of ``rows`` with incomes ``observed`` now.

    Poor: known income below the line; in scope: below ``alert_ratio`` x line; shocked:
    a fall of ``drop_share`` since the last verification, a sudden expense or a
    disaster this year.
    """
    m = model.p.monitoring
    hh, reg = model.households, model.registry
    line = np.float32(model.p.run.poverty_line)
    poor = observed < line
    in_scope = observed < line * np.float32(m.alert_ratio)
    previous = reg.known_pc[rows]
    fell = np.isfinite(previous) & (observed < previous * np.float32(1 - m.drop_share))
    shocked = fell | heavy_expenses(model, rows, m.expense_share) | hh.disaster_hit[rows]
    return poor, in_scope, shocked


def at_risk(model: PovertyModel, rows: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (with incomes ``observed`` now) are at risk of (re)falling into poverty.

    Known income below the line, or within the monitoring scope (below ``alert_ratio`` x
    line) and hit by a risk: a fall of ``drop_share`` since the last verification, a
    sudden expense or a disaster this year. A low income alone, in the scope, is not a
    risk: the scope says whom cadres watch, the risk whom they flag.
    """
    poor, in_scope, shocked = _risks(model, rows, observed)
    return poor | (in_scope & shocked)


def risk_passed(model: PovertyModel, rows: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Which of ``rows`` may have their risk cleared.

    Out of the monitoring scope again (at least ``alert_ratio`` x line), with no new shock.
    """
    _, in_scope, shocked = _risks(model, rows, observed)
    return ~in_scope & ~shocked


def _monitor(model: PovertyModel) -> None:
    """Flag watched households at risk; clear monitored households whose risk has passed."""
    m = model.p.monitoring
    reg, hh = model.registry, model.households
    line = np.float32(model.p.run.poverty_line)
    status = hh.reg_status
    monitored = np.flatnonzero(status == RegStatus.MONITORED)
    if len(monitored):  # the monitored are checked every year
        observed = verify(model, monitored)
        settled = risk_passed(model, monitored, observed) & (hh.reg_year[monitored] < model.year)
        _release_monitored(model, monitored[settled])
    u = model.draws.u_register
    if u is None:
        return
    seen = observe(model)  # the year's screening of incomes (village records, surveys)
    marginal = (status == RegStatus.NEVER) & (seen < line * np.float32(1 + m.marginal_band))
    watched = np.flatnonzero((status == RegStatus.EXITED) | marginal)
    risky = watched[at_risk(model, watched, seen[watched])]
    found = risky[u[risky] < np.float32(m.detection_rate)]
    lasting = verify(model, found)
    reg.set_status(found, RegStatus.MONITORED, model.year)
    reg.ever_flagged[found] = True
    pay_relief(model, found, gap_to_line(model, found, line, m.relief_per_person))
    reg.counts.alerts += len(found)
    reg.cumulative_flagged += len(found)
    _release_monitored(model, found[cleared_within_year(model, found, lasting)])


def cleared_within_year(model: PovertyModel, found: np.ndarray,
                        lasting: np.ndarray) -> np.ndarray:
    """Which households flagged this year (``found``) have their risk cleared this year.

    A flag comes at a uniform time in the year (drawn from the ``monitoring`` stream);
    one raised at least ``clearance_months`` before the year's end is checked again in
    the year, and cleared if the verified lasting income (``lasting``) is out of the
    monitoring scope: the fall, expense or disaster that flagged it was one-off.
    """
    m = model.p.monitoring
    when = model.streams.monitoring.random(len(found), dtype=np.float32)
    # a flag at a fraction ``when`` of the year is checked again in it when enough of
    # the year is left (strictly: at 12 months, never)
    in_time = when < np.float32(1.0 - m.clearance_months / MONTHS_PER_YEAR)
    line = np.float32(model.p.run.poverty_line)
    return in_time & (lasting >= line * np.float32(m.alert_ratio))


def _release_monitored(model: PovertyModel, rows: np.ndarray, count: bool = True) -> None:
    """Monitored ``rows`` return to exited (if they had exited) or never registered."""
    if len(rows) == 0:
        return
    reg, hh = model.registry, model.households
    had_exited = reg.exit_year[rows] >= 0
    hh.reg_status[rows] = np.where(had_exited, RegStatus.EXITED, RegStatus.NEVER)
    hh.reg_year[rows] = model.year
    if count:
        reg.counts.risk_cleared += len(rows)
        reg.cumulative_cleared += len(rows)
