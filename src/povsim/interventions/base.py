"""The common interface of interventions.

An intervention is a class with per-household (or per-village) state arrays and
these hooks, called by the model at fixed points of the year:

* :meth:`Intervention.update` -- start of income (phase 3): age enrolments, lags,
  durations, failures;
* :meth:`Intervention.contribute` -- before income: add to :class:`IncomeEffects`
  (asset income, wages, multipliers, reimbursement, debt service), paying recurring
  costs from the budget first;
* :meth:`Intervention.top_up` -- after income: payments that depend on this year's
  income (consumption-aid premiums, loans settled at term);
* :meth:`Intervention.transfer` -- after delivery (phase 5): means-tested transfers
  paid in the same year to households enrolled up to now (dibao gap filling);
  ``top_up`` and ``transfer`` return the rows whose income columns they changed (the
  model then recomputes their net income), or ``None`` when they changed none;
* :meth:`Intervention.eligible`, :meth:`Intervention.unit_costs`,
  :meth:`Intervention.deliver` -- prescription and delivery (phase 5): who may get
  it, what one unit costs, and what delivery does;
* :meth:`Intervention.withdraw` -- after exit (phase 8) when support is withdrawn;
* :meth:`Intervention.forget` -- a household row is taken by a new household.

:meth:`Intervention.describe` documents eligibility, cost per unit, effect, lag,
duration and failure risk in words that name the parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from povsim.life.income import IncomeEffects
from povsim.params.interventions import InterventionParams

if TYPE_CHECKING:
    from povsim.model import PovertyModel


class Intervention:
    """Base class of the interventions (see the module docstring for the hooks).

    Attributes:
        name: Name of the intervention (its section under ``interventions``).
        needs_capacity: Whether delivery needs a household to be actively helped this
            year (by a helper or within its cadre team's capacity).
        village_level: Whether the unit of delivery is a village, not a household.
        model: The model.
        delivered: Units delivered this year.
    """

    name: ClassVar[str] = ""
    needs_capacity: ClassVar[bool] = True
    village_level: ClassVar[bool] = False
    reaches_followed: ClassVar[bool] = False
    """Whether exited households whose post-exit support is kept may also newly receive it
    (a right such as the means-tested backstop, or follow-up support such as jobs)."""
    recurring: ClassVar[bool] = False
    """Recurring programmes (dibao, posts, insurance, school costs) are paid each year in
    the income phase; delivery only checks that the new commitments fit the money left
    this year. One-off measures are paid at delivery."""

    def __init__(self, model: PovertyModel):
        self.model = model
        self.delivered = 0

    @property
    def params(self) -> InterventionParams:
        """This intervention's parameters in force this year."""
        return getattr(self.model.p.interventions, self.name)

    def running(self, year: int) -> bool:
        """Whether the intervention delivers new measures in ``year``."""
        p = self.params
        return p.enabled and p.start_year <= year <= p.end_year

    # ------------------------------------------------------------ hooks
    def describe(self) -> dict[str, str]:
        """Eligibility, cost per unit, effect, lag, duration and failure risk, in words."""
        raise NotImplementedError

    def update(self) -> None:
        """Age enrolments at the start of the income phase (default: nothing)."""

    def contribute(self, effects: IncomeEffects) -> None:
        """Add this intervention's effects to this year's income (default: nothing)."""

    def top_up(self) -> None:
        """Payments that depend on this year's income (default: nothing).

        The model recomputes every household's net income from its parts afterwards.
        """

    def transfer(self) -> None:
        """Means-tested transfers of this year, after delivery (default: nothing).

        The model recomputes every household's net income from its parts afterwards.
        """

    def seekers(self, rows: np.ndarray) -> np.ndarray:
        """Of exited households whose support is kept (``rows``), those who seek it this year.

        Default: those eligible now (the others would be passed over at delivery, so
        leaving them out changes nothing but the work of ordering them).
        """
        return rows[self.eligible(rows)]

    def applicants_outside(self, inside: np.ndarray) -> np.ndarray:
        """Households outside the register's support who apply this year, in row order.

        Args:
            inside: Mask of the households already in the pool (supported, or exited
                with their support kept).

        Default: none (only the register's households receive the intervention).
        """
        return np.zeros(0, np.int64)

    def eligible(self, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` may receive the intervention now (bool mask)."""
        raise NotImplementedError

    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        """Public cost of delivering one unit to each of ``rows`` (yuan)."""
        raise NotImplementedError

    def select(self, rows: np.ndarray) -> np.ndarray:
        """Of eligible ``rows`` in priority order, those that can actually take it.

        Households' decisions and job matching happen here, before anything is paid
        (default: all of them).
        """
        return rows

    def deliver(self, rows: np.ndarray) -> None:
        """Deliver to ``rows`` (already paid for)."""
        raise NotImplementedError

    def withdraw(self, rows: np.ndarray) -> None:
        """Support withdrawn from ``rows`` after exit (default: nothing to withdraw)."""

    def forget(self, rows: np.ndarray) -> None:
        """Clear the state of ``rows`` when new households take them (default: nothing)."""

    # ------------------------------------------------------------ helpers
    def pay(self, amount: float) -> float:
        """Pay a recurring cost from this intervention's allocation; returns the share paid."""
        return self.model.budget.funding_ratio(self.name, amount)

    def deliver_year(self, pool: np.ndarray) -> int:
        """Deliver to the eligible households of ``pool`` (priority order) the budget covers.

        Args:
            pool: Candidate households in priority order (already filtered by targeting).

        Returns:
            Number of units delivered.
        """
        candidates = pool[self.eligible(pool)] if len(pool) else pool
        candidates = self.select(candidates)
        costs = self.unit_costs(candidates)
        budget = self.model.budget
        if self.recurring:
            k = budget.affordable_in_order(self.name, costs)
        else:
            k = budget.fund_in_order(self.name, costs)
        if k:
            self.deliver(candidates[:k])
        self.delivered = k
        return k


def zeros(n: int, dtype: str = "float32") -> np.ndarray:
    """A zeroed state array."""
    return np.zeros(n, dtype)


def minus_ones(n: int) -> np.ndarray:
    """An int32 state array of -1 (no year, no partner)."""
    return np.full(n, -1, np.int32)
