"""Poverty-prevention insurance: counties insure the households they do not support.

From ``prevention_insurance.start_year`` counties adopt the insurance in turn: the
pilots (``pilot_share``), then counties copying adopters (logistic diffusion at rate
``imitation``); each county's turn is a lasting draw. In an adopting
county every household not supported by the register -- never registered, or exited --
is insured: when this year's medical and schooling costs exceed ``expense_share`` of
its income before them, its village was hit by a disaster, or the year's bad luck took
more than ``loss_share`` of its usual farm income and wages, and its income falls
below ``insured_line`` x the line, it claims with chance ``claim_rate`` and is paid the
gap to that line, up to ``cap_per_person`` a member. Payouts come from the year's
social-assistance money (the dibao allocation), like monitoring's relief. It runs after
the year's monitoring, so a household flagged and relieved by monitoring is paid only
what it still lacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.governance.relief import gap_to_line, heavy_expenses, pay_relief
from povsim.status import RegStatus

if TYPE_CHECKING:
    from povsim.model import PovertyModel
    from povsim.params.policy import PreventionInsuranceParams


def adopted_share(p: PreventionInsuranceParams, year: int) -> float:
    """Share of counties that have adopted the insurance by ``year`` (logistic diffusion).

    ``pilot_share`` in ``start_year``; then each year the share ``s`` grows by
    ``imitation x s x (1 - s)``.
    """
    if year < p.start_year:
        return 0.0
    share = p.pilot_share
    for _ in range(year - p.start_year):  # (a fast pace reaches every county: at most 1)
        share = min(share + p.imitation * share * (1.0 - share), 1.0)
    return share


def adopted_counties(model: PovertyModel) -> np.ndarray:
    """Whether each county has adopted the insurance by this year (its turn has come)."""
    share = adopted_share(model.p.prevention_insurance, model.year)
    return model.counties.insurance_turn < np.float32(share)


def insured_line(model: PovertyModel) -> np.float32:
    """The prevention line: ``insured_line`` x the poverty line (yuan a person)."""
    return np.float32(model.p.run.poverty_line * model.p.prevention_insurance.insured_line)


def claimants(model: PovertyModel) -> np.ndarray:
    """Insured households whose shock pushed them below the insured line and who claim."""
    p = model.p.prevention_insurance
    adopted = adopted_counties(model)
    u = model.draws.u_claim
    if u is None or not adopted.any():
        return np.zeros(0, np.int64)
    hh = model.households
    status = hh.reg_status
    off = (status == RegStatus.NEVER) | (status == RegStatus.EXITED)
    county = model.villages.county[hh.village]
    rows = np.flatnonzero(off & adopted[county] & (hh.income_pc < insured_line(model)))
    shock = heavy_expenses(model, rows, p.expense_share) | hh.disaster_hit[rows]
    if p.loss_share < 1:  # a harvest or business loss: this year's luck took that share
        market = hh.farm_income[rows] + hh.wage_income[rows]
        usual = market - hh.transitory_income[rows]
        shock |= -hh.transitory_income[rows] > np.float32(p.loss_share) * np.maximum(usual, 1.0)
    rows = rows[shock]
    return rows[u[rows] < np.float32(p.claim_rate)]


def insure(model: PovertyModel) -> None:
    """Pay this year's claims (part of phase 8)."""
    rows = claimants(model)
    if len(rows) == 0:
        return
    due = gap_to_line(model, rows, insured_line(model),
                      model.p.prevention_insurance.cap_per_person)
    model.insurance_paid += pay_relief(model, rows, due)
    model.insurance_claims += len(rows)
