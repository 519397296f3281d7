"""The backstop by its rules: the dibao and extreme-poverty (five-guarantee) support.

Every year, supported households are means-tested, and exited households whose
support is kept when they are enrolled or their stable income has fallen below their
standard (they apply); households outside the register apply with chance
``open_application_rate`` when their stable income is below their standard (the rural
dibao is open to all), and are then means-tested and paid by the same rules. Assessed
per-capita income is the income cadres verified this year (before the dibao; a
household not yet verified this year is verified by the means test), less the
disregarded share of own
earnings, plus what the household's farm income falls short of the earnings imputed
to its able members without off-farm work (the labour rule: they are deemed to earn
at least ``imputed_earnings``; farm work counts as work). A
household assessed below its county's standard is eligible; offered the dibao, it
enrols with chance ``take_up``; the benefit fills the gap. A household without able
working-age labour is tested against the higher extreme-poverty standard
(``support_ratio`` x the dibao standard). Enrolled households whose assessed income
reaches their standard leave. From ``single_person_year``, a seriously ill or severely
disabled member (``single_person_share`` of households with a disabled or chronically
ill member, a lasting draw) of a household the register supports that is not enrolled
is enrolled alone and paid the standard for one person, whatever the household's
income ("single-person enrolment"). Untargeted, the allocation is paid as an equal
per-capita transfer to every household.
"""

from __future__ import annotations

from typing import override

import numpy as np

from povsim.governance.identification import verify
from povsim.interventions.base import Intervention
from povsim.world.households import ALL, Rows


class Dibao(Intervention):
    """Minimum living allowance and extreme-poverty support: the backstop.

    State: ``enrolled``, ``extreme`` (on extreme-poverty support rather than the dibao),
    ``single`` (a member enrolled alone) and this year's ``benefit`` (yuan) per
    household; ``severe``, whether a household's disabled or chronically ill member
    would qualify for single-person enrolment; each county's standard factor;
    ``pay_ratio``, the share of the gaps the year's money paid; the ``assessed`` income
    and the ``standard`` each enrolled household was paid on this year.
    """

    name = "dibao"
    reaches_followed = True
    needs_capacity = False
    recurring = True

    def __init__(self, model):
        super().__init__(model)
        n = model.households.n
        self.enrolled = np.zeros(n, bool)
        self.extreme = np.zeros(n, bool)
        self.benefit = np.zeros(n, np.float32)
        self.pay_ratio = 1.0
        self.assessed = np.zeros(n, np.float32)
        self.standard = np.zeros(n, np.float32)
        spread = model.p.interventions.dibao.county_spread
        z = model.streams.agents.standard_normal(model.counties.n)
        self.county_factor = np.exp(spread * z - spread * spread / 2).astype(np.float32)
        self.single = np.zeros(n, bool)
        share = model.p.interventions.dibao.single_person_share
        self.severe = model.streams.agents.random(n) < share

    @override
    def describe(self) -> dict[str, str]:
        return {
            "eligibility": "supported households, and households outside the register "
                           "who apply (open_application_rate), whose assessed per-capita "
                           "income (verified income, less earnings_disregard of earnings, "
                           "plus what farm income falls short of imputed_earnings for each "
                           "able labour unit without off-farm work) is below their "
                           "county's standard (support_ratio x the standard without able "
                           "labour); enrolled with chance take_up when offered",
            "unit_cost": "the gap (standard - assessed per-capita income) x members, a year",
            "effect": "per-capita income topped up to the standard; earnings taxed away cut "
                      "work effort (behaviour.withdrawal_effort_cut); handouts without work "
                      "lower motivation (behaviour.handout_penalty)",
            "lag": "paid in the year of enrolment (after delivery) and every year after, "
                   "re-assessed each year",
            "duration": "while eligible and funded; leaves when assessed income reaches the "
                        "standard; withdrawn after exit when support is",
            "failure_risk": "benefits cut pro rata when the allocation is short",
        }

    # ------------------------------------------------------------- rules
    def standards(self, rows: np.ndarray) -> np.ndarray:
        """The standard each of ``rows`` is tested against this year (yuan a person).

        Its county's dibao standard (at least the line from ``line_floor_year``), times
        ``support_ratio`` for households without able working-age labour.
        """
        standard = self.county_standards(rows)
        no_labour = self.model.able_labour()[rows] <= 0
        return np.where(no_labour, standard * np.float32(self.params.support_ratio), standard)

    def county_standards(self, rows: np.ndarray) -> np.ndarray:
        """The dibao standard of each of ``rows``' counties this year (yuan a person).

        At least the line from ``line_floor_year``.
        """
        model, p = self.model, self.params
        county = model.villages.county[model.households.village[rows]]
        standard = np.float32(p.standard) * self.county_factor[county]
        if model.year >= p.line_floor_year:
            np.maximum(standard, np.float32(model.p.run.poverty_line), out=standard)
        return standard

    def single_person_rows(self) -> np.ndarray:
        """Households with a member enrolled alone this year (single-person enrolment).

        Households the register supports (registered, returned, monitored at risk, or
        exited with support kept) that are not enrolled and have a disabled or
        chronically ill member whose condition is severe (``severe``).
        """
        model, p = self.model, self.params
        if model.year < p.single_person_year or p.targeting == "untargeted":
            return np.zeros(0, np.int64)
        hh, reg = model.households, model.registry
        supported = reg.is_supported() | reg.is_followed()
        return np.flatnonzero(supported & ~self.enrolled & self.severe
                              & (hh.disabled | hh.chronic))

    def assessed_income(self, rows: np.ndarray) -> np.ndarray:
        """Per-capita income as the means test assesses it (before the dibao).

        The income cadres verified this year -- households not yet verified this year
        are verified now (the means test's yearly review) -- less the disregarded
        earnings, plus what farm income falls short of the earnings imputed to able
        members without off-farm work.
        """
        model, p = self.model, self.params
        hh = model.households
        reg = model.registry
        self._verify_stale(rows)
        income = reg.known_pc[rows]
        size = hh.size()[rows].astype(np.float32)
        if p.earnings_disregard > 0:
            earnings = hh.farm_income[rows] + hh.wage_income[rows] + hh.asset_income[rows]
            income = income - np.float32(p.earnings_disregard) * earnings / size
        idle = np.maximum(model.idle_workers(rows), 0)
        imputed = np.float32(p.imputed_earnings) * model.levels.wage
        # able members without off-farm work farm: they are deemed to earn at least the
        # imputed earnings, so only what their farm income falls short of it is added
        shortfall = np.maximum(idle * imputed - np.maximum(hh.farm_income[rows], 0), 0)
        return income + shortfall / size

    def _verify_stale(self, rows: np.ndarray) -> None:
        """Verify those of ``rows`` not yet verified this year (the means test's review)."""
        reg, year = self.model.registry, self.model.year
        stale = rows[reg.known_year[rows] < year]
        if len(stale):
            verify(self.model, stale)

    def eligible_now(self, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` pass the means test this year."""
        return self.assessed_income(rows) < self.standards(rows)

    # ------------------------------------------------------------- hooks
    @override
    def seekers(self, rows: np.ndarray) -> np.ndarray:
        """Exited households who apply: enrolled already, or stable income below standard.

        Enrolled households face the yearly review; others know their own income and
        apply when it has fallen below their county's standard.
        """
        below = self.model.households.stable_pc(rows) < self.standards(rows)
        return rows[below | self.enrolled[rows]]

    @override
    def applicants_outside(self, inside: np.ndarray) -> np.ndarray:
        """Households outside the register's support who apply: stable income below standard.

        Each not yet enrolled applies with chance ``open_application_rate`` a year when
        its stable per-capita income is below its county's standard.
        """
        rate = self.params.open_application_rate
        if rate <= 0:
            return np.zeros(0, np.int64)
        model = self.model
        rows = np.flatnonzero(model.streams.applications.random(model.households.n) < rate)
        rows = rows[~inside[rows] & ~self.enrolled[rows]]
        below = model.households.stable_pc(rows) < self.standards(rows)
        return rows[below]

    @override
    def eligible(self, rows: np.ndarray) -> np.ndarray:
        # every household of the pool is reviewed (verified) this year, enrolled or not;
        # only those not yet enrolled are then means-tested for entry
        self._verify_stale(rows)
        out = ~self.enrolled[rows]
        out[out] = self.eligible_now(rows[out])
        return out

    @override
    def select(self, rows: np.ndarray) -> np.ndarray:
        u = self.model.streams.behaviour.random(len(rows))
        return rows[u < self.params.take_up]

    @override
    def unit_costs(self, rows: np.ndarray) -> np.ndarray:
        gap = np.maximum(self.standards(rows) - self.assessed_income(rows), 0)
        return gap * self.model.households.size()[rows]

    @override
    def deliver(self, rows: np.ndarray) -> None:
        self.enrolled[rows] = True

    @override
    def transfer(self) -> None:
        self.benefit[:] = 0
        self.extreme[:] = False
        self.single[:] = False
        rows = np.flatnonzero(self.enrolled)
        hh, p = self.model.households, self.params
        if len(rows) == 0 and (p.targeting == "untargeted"
                               or self.model.year < p.single_person_year):
            return
        size = hh.size()[rows].astype(np.float32)
        if p.targeting == "untargeted":
            available = self.model.budget.available[self.name]
            per_person = np.float32(available / max(float(size.sum()), 1.0))
            paid = self.pay(float(per_person * size.sum()))
            self._credit(rows, per_person * size * np.float32(paid))
            return
        standard = self.standards(rows)
        assessed = self.assessed_income(rows)
        self.standard[rows] = standard
        self.assessed[rows] = assessed
        gap = np.maximum(standard - assessed, 0) * size
        leaving = gap <= 0
        self.enrolled[rows[leaving]] = False
        single = self.single_person_rows()  # of households not (or no longer) enrolled
        alone = self.county_standards(single)  # the standard for one person
        ratio = self.pay(float(gap.sum(dtype=np.float64) + alone.sum(dtype=np.float64)))
        self.pay_ratio = ratio
        self.extreme[rows] = (self.model.able_labour()[rows] <= 0) & ~leaving
        self._credit(rows, gap * np.float32(ratio))
        self._credit(single, alone * np.float32(ratio))
        self.single[single] = True

    def _credit(self, rows: np.ndarray, benefit: np.ndarray) -> None:
        """Add this year's ``benefit`` of ``rows`` to their incomes."""
        hh = self.model.households
        self.benefit[rows] += benefit
        hh.transfer_income[rows] += benefit
        hh.public_transfers[rows] += benefit
        hh.benefit_income[rows] += benefit

    # ------------------------------------------------------------- queries
    def receiving(self) -> np.ndarray:
        """Households receiving a dibao or extreme-poverty benefit this year."""
        return self.benefit > 0

    def retention(self, rows: Rows = ALL) -> np.ndarray:
        """Share of an extra yuan earned that each household keeps this year.

        ``earnings_disregard`` for households on a gap-filling benefit (the benefit falls
        with the rest of each yuan), 1 for the others.
        """
        on_gap = (self.benefit[rows] > 0) & ~self.single[rows]
        if self.params.targeting == "untargeted":
            on_gap = np.zeros_like(on_gap)
        return np.where(on_gap, np.float32(self.params.earnings_disregard), np.float32(1.0))

    def covered_persons(self, rows: np.ndarray) -> np.ndarray:
        """Persons of ``rows`` receiving a benefit: the household, or the member enrolled alone."""
        size = self.model.households.size()[rows]
        return np.where(self.benefit[rows] > 0, np.where(self.single[rows], 1, size), 0)

    def handouts(self, rows: Rows = ALL) -> np.ndarray:
        """Households receiving cash benefits this year."""
        return self.benefit[rows] > 0

    @override
    def withdraw(self, rows: np.ndarray) -> None:
        self.enrolled[rows] = False

    @override
    def forget(self, rows: np.ndarray) -> None:
        self.enrolled[rows] = False
        self.single[rows] = False
        self.extreme[rows] = False
        self.benefit[rows] = 0
        self.assessed[rows] = 0
        self.standard[rows] = 0
