"""Relief paid within the year to households hit by a shock, from the social-assistance money.

Monitoring's relief to households it flags and the poverty-prevention insurance's
payouts share their rules: a heavy expense is a shock (:func:`heavy_expenses`), the help
fills a household's gap to a line in whole yuan up to a cap a member
(:func:`gap_to_line`), and it is paid from the dibao allocation (cut pro rata when it is
short), added to the households' public transfers and incomes at once
(:func:`pay_relief`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def heavy_expenses(model: PovertyModel, rows: np.ndarray, share: float) -> np.ndarray:
    """Whether this year's medical and schooling costs of ``rows`` exceed ``share`` of income.

    The income is the household's net income before those costs.
    """
    hh = model.households
    costs = hh.medical_oop[rows] + hh.schooling_spending[rows]
    before_costs = np.maximum(hh.net_income[rows] + costs, 1.0)
    return costs > np.float32(share) * before_costs


def gap_to_line(model: PovertyModel, rows: np.ndarray, line: np.float32,
                cap_per_person: float) -> np.ndarray:
    """What lifts each of ``rows`` to ``line`` a person, in yuan for the household.

    The gap in whole yuan (rounded up: a household topped up to the line is not left a
    fraction of a yuan below it), at most ``cap_per_person`` a member.
    """
    hh = model.households
    gap = np.clip(np.ceil(line - hh.income_pc[rows]), 0, np.float32(cap_per_person))
    return gap * hh.size()[rows]


def pay_relief(model: PovertyModel, rows: np.ndarray, amounts: np.ndarray) -> float:
    """Pay temporary relief to households flagged at risk, this year (from the dibao allocation).

    Args:
        model: The model.
        rows: Households flagged.
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
    hh.public_transfers[rows] += paid
    hh.benefit_income[rows] += paid
    hh.net_income[rows] += paid
    hh.income_pc[rows] = hh.net_income[rows] / hh.size()[rows]
    model.relief_paid += float(paid.sum(dtype=np.float64))
    return float(paid.sum(dtype=np.float64))
