"""Relief paid within the year to households hit by a shock, from the social-assistance money.

Monitoring's relief to households it flags and the poverty-prevention insurance's
payouts both go through :func:`pay_relief`: paid from the dibao allocation (cut pro rata
when it is short), added to the households' public transfers and incomes at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from povsim.model import PovertyModel


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
