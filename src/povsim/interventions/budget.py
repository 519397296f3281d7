"""Money: the yearly budget, its split across interventions, leakage, idle and carried funds.

Each year new funds arrive (the year's central special funds times ``budget.scale``,
in 2010 prices, scaled to the simulated population; plus east-west pairing funds;
plus funds earmarked for particular interventions, ``dedicated_billion``, such as the
bonds and loans that financed relocation). A share leaks (less under supervision).
The pool (general new funds net of leakage plus funds carried from last year) is
split across the interventions running that year by their budget shares, and each
adds its earmarked funds; a share of each allocation sits idle (less under
supervision). Interventions draw on what is available to them and never beyond it;
whatever is not spent (idle, unused, unallocated) is carried to the next year, or,
when ``budget.carry_unused`` is off, returned and reported as unspent. So, over any
span of years::

    carried in + new funds = spent + leaked + returned + carried out

which :meth:`Budget.conservation_error` checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from povsim.params import Parameters


@dataclass
class YearAccount:
    """Money of one year (yuan, simulated population)."""

    year: int
    carried_in: float = 0.0
    new: float = 0.0
    leaked: float = 0.0
    allocated: dict[str, float] = field(default_factory=dict)
    idle: dict[str, float] = field(default_factory=dict)
    spent: dict[str, float] = field(default_factory=dict)
    unallocated: float = 0.0
    returned: float = 0.0
    carried_out: float = 0.0

    @property
    def total_spent(self) -> float:
        """Spending of all interventions."""
        return float(sum(self.spent.values()))


class Budget:
    """The budget accounts of a run.

    Args:
        names: Interventions, in delivery order.
        population_share: Simulated persons as a share of the national rural population
            (scales national money to the simulated population).
    """

    def __init__(self, names: Iterable[str], population_share: float):
        self.names = tuple(names)
        self.population_share = population_share
        self.carry = 0.0
        self.carry_unused = True
        self.national_level = 0.0
        self.available: dict[str, float] = dict.fromkeys(self.names, 0.0)
        self.history: list[YearAccount] = []
        self.current: YearAccount | None = None

    def _receive_funds(self, p: Parameters, year: int, households: int) -> float:
        """Funds arriving in ``year``: the national budget share plus east-west funds.

        The national budget is ``budget.national_billion`` of that year (nominal) times
        ``budget.scale``, in 2010 prices (divided by ``run.price_index``).
        """
        b = p.budget
        self.national_level = b.national_billion * 1e9 * b.scale / p.run.price_index
        funds = 0.0
        if b.start_year <= year <= b.end_year:
            funds += self.national_level * self.population_share
        h = p.helpers
        if h.enabled and year >= h.east_west_start_year:
            funds += h.east_west_funds_per_household * households
        return funds

    def open_year(self, p: Parameters, year: int, households: int,
                  running: Iterable[str]) -> YearAccount:
        """Receive the year's funds and allocate them to the running interventions.

        Args:
            p: Parameters in force this year.
            year: The year.
            households: Simulated households (for east-west funds).
            running: Interventions delivering this year.

        Returns:
            The year's account (also kept as ``current``).
        """
        acc = YearAccount(year=year, carried_in=self.carry)
        general = self._receive_funds(p, year, households)
        active = set(running)
        dedicated = {name: getattr(p.interventions, name).dedicated_billion * 1e9
                     * self.population_share if name in active else 0.0
                     for name in self.names}
        b = p.budget
        leakage = b.leakage * (1 - b.supervision * b.supervision_leakage_cut)
        idle_share = b.idle * (1 - b.supervision * b.supervision_idle_cut)
        acc.new = general + sum(dedicated.values())
        acc.leaked = acc.new * leakage
        keep = 1 - leakage
        pool = self.carry + general * keep
        allocated_total = 0.0
        for name in self.names:
            share = getattr(p.interventions, name).budget_share if name in active else 0.0
            alloc = pool * share + dedicated[name] * keep
            allocated_total += pool * share
            idle = alloc * idle_share
            acc.allocated[name] = alloc
            acc.idle[name] = idle
            acc.spent[name] = 0.0
            self.available[name] = alloc - idle
        acc.unallocated = pool - allocated_total
        self.carry_unused = b.carry_unused
        self.current = acc
        return acc

    def spend(self, name: str, amount: float) -> float:
        """Spend up to ``amount`` from ``name``'s allocation; returns what was granted."""
        granted = min(max(amount, 0.0), self.available[name])
        self.available[name] -= granted
        if self.current is not None:
            self.current.spent[name] += granted
        return granted

    def funding_ratio(self, name: str, amount: float) -> float:
        """Spend what is available of ``amount`` and return the share granted (0-1)."""
        if amount <= 0:
            return 1.0
        return self.spend(name, amount) / amount

    def fund_in_order(self, name: str, costs: np.ndarray) -> int:
        """Fund the longest prefix of ``costs`` the allocation covers; returns its length.

        Args:
            name: The intervention paying.
            costs: Cost of each candidate unit, in priority order.

        Returns:
            Number of units funded (the first ones).
        """
        if len(costs) == 0:
            return 0
        cum = np.cumsum(costs, dtype=np.float64)
        k = int(np.searchsorted(cum, self.available[name] * (1 + 1e-12), side="right"))
        if k:
            self.spend(name, float(cum[k - 1]))
        return k

    def affordable_in_order(self, name: str, costs: np.ndarray) -> int:
        """Length of the longest prefix of ``costs`` the money left covers, not spent.

        Used for new commitments of recurring programmes, paid from next year on.
        """
        if len(costs) == 0:
            return 0
        cum = np.cumsum(costs, dtype=np.float64)
        return int(np.searchsorted(cum, self.available[name] * (1 + 1e-12), side="right"))

    def close_year(self) -> YearAccount:
        """Carry everything unspent (idle, unused and unallocated) to the next year, or return it.

        With ``budget.carry_unused`` off, the unspent money is returned (``returned``)
        and nothing is carried.
        """
        acc = self.current
        if acc is None:
            raise RuntimeError("close_year() called before open_year()")
        unused = sum(self.available.values())
        unspent = acc.unallocated + sum(acc.idle.values()) + unused
        if self.carry_unused:
            acc.carried_out = unspent
        else:
            acc.returned = unspent
        self.carry = acc.carried_out
        self.history.append(acc)
        self.available = dict.fromkeys(self.names, 0.0)
        self.current = None
        return acc

    def total_spent(self) -> float:
        """Spending over all closed years."""
        return sum(a.total_spent for a in self.history)

    def conservation_error(self) -> float:
        """``carried in + new - spent - leaked - returned - carried out`` over all closed years."""
        if not self.history:
            return 0.0
        first, last = self.history[0], self.history[-1]
        inflow = first.carried_in + sum(a.new for a in self.history)
        outflow = (self.total_spent() + sum(a.leaked + a.returned for a in self.history)
                   + last.carried_out)
        return inflow - outflow
