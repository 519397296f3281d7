"""Phase 8: support after exit, and return-prevention monitoring.

Exited households keep their policies for ``post_exit.support_years`` (0: withdrawn
at exit). Monitoring, when on, watches exited households and marginal
never-registered ones; an alert (observed income below ``alert_ratio`` x line, or a
drop of ``drop_share`` in a year) that is detected puts the household under
monitoring (``MONITORED``): it gets a temporary relief payment at once and measures
like a registered household from the next delivery. Monitored households that recover
return to their previous status. The year's sustained exits (out
``run.sustained_exit_years``) are counted here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.governance.prescription import end_support
from povsim.status import RegStatus

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def follow_up_exits(model: PovertyModel) -> None:
    """Withdraw support when due, run monitoring, count sustained exits (phase 8)."""
    reg = model.registry
    if not reg.built:
        return
    _track_fell_back(model)
    _withdraw_support(model)
    if model.p.monitoring.enabled:
        _monitor(model)
    else:
        _release_monitored(model, np.ones(model.households.n, bool))


def _track_fell_back(model: PovertyModel) -> None:
    """Remember exited households that are truly poor again; count sustained exits."""
    reg, hh = model.registry, model.households
    exited = reg.exit_year >= 0
    newly = exited & ~reg.fell_back & (hh.income_pc < np.float32(model.p.run.poverty_line))
    reg.fell_back |= newly
    reg.counts.fell_back += int(newly.sum())
    sustained = exited & ~reg.fell_back & (
        model.year - reg.exit_year == model.p.run.sustained_exit_years)
    n = int(sustained.sum())
    reg.counts.sustained_exits += n
    reg.cumulative_sustained += n


def _withdraw_support(model: PovertyModel) -> None:
    reg, hh = model.registry, model.households
    years = model.p.post_exit.support_years
    exited = hh.reg_status == RegStatus.EXITED
    due = np.flatnonzero(exited & (model.year - reg.exit_year >= years))
    if len(due) == 0:
        return
    end_support(model, due)
    reg.counts.withdrawn += len(due)


def _monitor(model: PovertyModel) -> None:
    m = model.p.monitoring
    reg, hh = model.registry, model.households
    line = np.float32(model.p.run.poverty_line)
    obs = reg.observed_pc
    prev = reg.previous_observed_pc
    status = hh.reg_status
    exited = status == RegStatus.EXITED
    marginal = (status == RegStatus.NEVER) & (obs < line * np.float32(1 + m.marginal_band))
    watched = exited | marginal
    drop = (obs < line * np.float32(m.alert_ratio)) | (
        np.isfinite(prev) & (obs < prev * np.float32(1 - m.drop_share)))
    detected = watched & drop & (model.streams.exit.random(hh.n) < m.detection_rate)
    rows = np.flatnonzero(detected)
    reg.set_status(rows, RegStatus.MONITORED, model.year)
    pay_relief(model, rows, np.float32(m.relief_per_person) * hh.size()[rows])
    reg.counts.alerts += len(rows)
    recovered = (status == RegStatus.MONITORED) & ~detected & (
        obs >= line * np.float32(m.alert_ratio))
    _release_monitored(model, recovered)


def _release_monitored(model: PovertyModel, which: np.ndarray) -> None:
    """Monitored households in ``which`` return to exited (if they had exited) or never."""
    reg, hh = model.registry, model.households
    rows = np.flatnonzero(which & (hh.reg_status == RegStatus.MONITORED))
    if len(rows) == 0:
        return
    had_exited = reg.exit_year[rows] >= 0
    hh.reg_status[rows] = np.where(had_exited, RegStatus.EXITED, RegStatus.NEVER)
    hh.reg_year[rows] = model.year


def pay_relief(model: PovertyModel, rows: np.ndarray, amounts: np.ndarray) -> float:
    """Pay temporary relief to households on alert, this year (from the dibao allocation).

    Args:
        model: The model.
        rows: Households on alert.
        amounts: Relief due to each (yuan).

    Returns:
        Yuan paid (less than due when the allocation is short).
    """
    if len(rows) == 0:
        return 0.0
    ratio = model.budget.funding_ratio("dibao", float(amounts.sum(dtype=np.float64)))
    paid = (amounts * np.float32(ratio)).astype(np.float32)
    hh = model.households
    hh.transfer_income[rows] += paid
    hh.net_income[rows] += paid
    hh.income_pc[rows] = hh.net_income[rows] / hh.size()[rows]
    model.relief_paid += float(paid.sum(dtype=np.float64))
    return float(paid.sum(dtype=np.float64))
