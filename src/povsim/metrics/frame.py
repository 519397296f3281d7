"""What the reporters of one year share: each intermediate computed once, when first asked for.

Mesa's DataCollector calls about a hundred reporters a year, one at a time. Many need
the same masks and sums (who is registered, the poor, persons per household, the
income distribution); :func:`year_frame` computes each of them the first time a
reporter asks and keeps it for the other reporters of the same step.

The income distribution (mean, poorest 40%, Gini) needs incomes in order. Up to
:data:`EXACT_DISTRIBUTION_LIMIT` households they are sorted; above it they are
counted in fine bins of the float32 bit pattern (:class:`BinnedIncome`), which gives
the mean and the poorest 40% exactly and the Gini to within a stated bound, in
linear time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from povsim.chunks import row_chunks
from povsim.governance.causes import causes_of
from povsim.governance.exit import guarantees_met
from povsim.ordering import stable_order
from povsim.status import CAUSES, RegStatus, registered_as_poor

if TYPE_CHECKING:
    from povsim.model import PovertyModel

FEW_CAUSE_ROWS = 8
"""Causes are found only for the poor and registered rows of a block when they are
fewer than one in this many; otherwise for the whole block (faster than gathering)."""

EXACT_DISTRIBUTION_LIMIT = 50_000
"""Up to this many households the income distribution is sorted (exact Gini); above
it, incomes are binned (:class:`BinnedIncome`). An engineering constant: it changes
how the Gini is computed, not what it measures."""

BIN_DROPPED_BITS = 10
"""Low mantissa bits of a float32 income ignored when binning: values in a bin differ
by less than ``2**(BIN_DROPPED_BITS - 23)`` (about 0.012%) of their size."""

MAX_BINS_PER_HOUSEHOLD = 4
"""Incomes spread over more bins than this many a household (plus :data:`SPARE_BINS`) are
sorted instead of binned (counting mostly empty bins would cost more)."""

SPARE_BINS = 1024
"""Bins allowed beyond :data:`MAX_BINS_PER_HOUSEHOLD` a household (small populations)."""

POSITIVE_INFINITY_BITS = int(np.float32(np.inf).view(np.uint32))
"""Bit pattern of float32 +inf: positive finite floats lie below it, in order."""


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of products in float64, without BLAS.

    ``np.dot`` hands vectors to a multithreaded BLAS, whose threads can stall for
    milliseconds on a busy machine (or in a pool of worker processes); this is a
    plain pairwise sum.
    """
    return float(np.multiply(a, b, dtype=np.float64).sum())


@dataclass(frozen=True, slots=True)
class SortedIncome:
    """Per-capita incomes (negative ones as 0) in ascending order, with person weights."""

    income: np.ndarray  # float64, ascending
    persons: np.ndarray  # float64, in the same order


@dataclass(frozen=True, slots=True)
class BinnedIncome:
    """Per-capita incomes (negative ones as 0) counted in bins of nearly equal values.

    Bin 0 holds the zero incomes exactly; bin ``b > 0`` holds the positive incomes whose
    float32 bit pattern, shifted right by :data:`BIN_DROPPED_BITS`, is ``b - 1 + first``,
    so the bins are ordered by value and each spans a relative width below
    ``2**(BIN_DROPPED_BITS - 23)``.

    Attributes:
        persons: Person weight in each bin.
        income: Person-weighted income in each bin.
        keys: Bin of each household.
        values: Income of each household (float32, negatives as 0).
        weights: Person weight of each household.
    """

    persons: np.ndarray
    income: np.ndarray
    keys: np.ndarray
    values: np.ndarray
    weights: np.ndarray


def binned_income(values: np.ndarray, weights: np.ndarray) -> BinnedIncome | None:
    """Count non-negative float32 ``values`` with ``weights`` in ordered bins.

    Returns:
        The bins, or ``None`` when the values span too many bins (then sort instead).
    """
    # The smallest positive value from the bit patterns: minus one, 0 (and -0.0) wrap
    # above every positive float, so one unmasked minimum finds it.
    lowest = int((values.view(np.uint32) - np.uint32(1)).min()) + 1
    if lowest >= POSITIVE_INFINITY_BITS:  # no positive finite income
        return None
    shift = np.uint32(BIN_DROPPED_BITS)
    first = lowest >> BIN_DROPPED_BITS
    span = int(np.float32(values.max()).view(np.uint32) >> shift) - first + 2
    if span > MAX_BINS_PER_HOUSEHOLD * len(values) + SPARE_BINS:  # sorting is cheaper
        return None
    keys = values.view(np.uint32) & np.uint32(0x7FFFFFFF)  # -0.0 counts as 0
    keys >>= shift
    keys = keys.view(np.int32)
    keys -= np.int32(first - 1)
    np.maximum(keys, 0, out=keys)  # zero incomes in bin 0
    persons = np.bincount(keys, weights=weights, minlength=span)
    income = np.bincount(keys, weights=weights * values, minlength=span)
    return BinnedIncome(persons, income, keys, values, weights)


def gini_of_bins(bins: BinnedIncome) -> tuple[float, float]:
    """Gini coefficient from bins, and the bound on its error.

    Pairs of households in different bins are counted exactly (``|y_i - y_j|`` is the
    difference of their bins' sums); pairs within a bin are counted as equal. With
    ``W_b`` persons and a value span ``d_b`` in bin ``b``, ``W`` persons and ``Y``
    income in all, the exact Gini lies in ``[G, G + sum_b W_b**2 d_b / (2 W Y)]``, an
    interval narrower than ``2**(BIN_DROPPED_BITS - 24)`` times the largest bin's share
    of persons (below ``6.2e-5`` whatever the incomes; about ``1e-9`` for a million
    households).

    Returns:
        ``(gini, bound)``: the lower end ``G`` and the width of the interval.
    """
    w, s = bins.persons, bins.income
    total_w, total_y = float(w.sum()), float(s.sum())
    if total_w <= 0 or total_y <= 0:
        return float("nan"), 0.0
    below_w = np.cumsum(w) - w
    below_s = np.cumsum(s) - s
    between = dot(s, below_w) - dot(w, below_s)
    gini = between / (total_w * total_y)
    spread = 2.0 ** (BIN_DROPPED_BITS - 23)
    bound = dot(w, s) * spread / (2 * total_w * total_y)  # W_b^2 * mean_b * spread
    return gini, bound


def bottom_mean_of_bins(bins: BinnedIncome, share: float) -> float:
    """Mean income of the poorest ``share`` of persons, exactly (the bin at the cut sorted)."""
    w = bins.persons
    cutoff = share * float(w.sum())
    cum = np.cumsum(w)
    b = min(int(np.searchsorted(cum, cutoff)), len(w) - 1)
    below_w = float(cum[b - 1]) if b else 0.0
    total = float(bins.income[:b].sum())
    rows = np.flatnonzero(bins.keys == b)
    values = bins.values[rows].astype(np.float64)
    order = np.argsort(values, kind="stable")
    values, weights = values[order], bins.weights[rows][order]
    cum_in = below_w + np.cumsum(weights)
    k = min(int(np.searchsorted(cum_in, cutoff)), len(values) - 1)
    total += dot(weights[:k], values[:k])
    total += (cutoff - (float(cum_in[k - 1]) if k else below_w)) * values[k]
    return total / cutoff


CAUSE_BITS = np.array([[(mask >> k) & 1 for k in range(len(CAUSES))]
                       for mask in range(1 << len(CAUSES))], np.int64)
"""For each cause bit mask, which causes it holds (rows: mask, columns: cause)."""


@dataclass
class Totals:
    """Counts and sums over households that the year's outputs are made of.

    "Registered" is registered or returned; sums of persons are weighted (each household
    counts ``weight x size`` persons).
    """

    persons: float = 0.0
    poor: int = 0
    poor_persons: float = 0.0
    gap: float = 0.0  # persons x normalised gap, summed over the poor
    severity: float = 0.0  # persons x squared normalised gap
    registered: int = 0
    monitored: int = 0
    exited: int = 0
    registered_not_poor: int = 0  # registered, stable income above the line when identified
    registered_not_poor_guaranteed: int = 0  # ... and with the four guarantees too
    poor_unsupported: int = 0  # poor, neither registered nor monitored
    favoured_registered: int = 0
    borrowed_registered: int = 0
    registered_medical: float = 0.0
    registered_oop: float = 0.0
    guaranteed: int = 0  # registered or exited with the four non-income guarantees
    registered_or_exited: int = 0
    poor_persons_in_poor_villages: float = 0.0
    persons_in_poor_villages: float = 0.0
    income_in_poor_villages: float = 0.0  # persons x per-capita income
    relocated: int = 0
    relocated_persons: float = 0.0
    relocated_members: int = 0
    relocated_poor: int = 0
    registered_persons: float = 0.0
    registered_weight: float = 0.0  # real households on the register
    on_books_persons: float = 0.0  # persons of households ever registered (not struck out)
    on_books_exited_persons: float = 0.0
    backstop_persons: float = 0.0  # on the books and on the dibao or extreme-poverty support
    working_on_books: float = 0.0  # members in work (weighted) of households on the books
    working_exited: float = 0.0
    exited_persons: float = 0.0
    exited_income: float = 0.0  # persons x per-capita income
    designated_persons: float = 0.0  # persons of designated poor counties (by origin)
    designated_poor_persons: float = 0.0
    designated_income: float = 0.0
    poor_pre_transfer_persons: float = 0.0
    gap_pre_transfer: float = 0.0  # persons x normalised gap before public transfers
    poor_causes: np.ndarray = field(default_factory=lambda: np.zeros(len(CAUSES), np.int64))
    registered_causes: np.ndarray = field(
        default_factory=lambda: np.zeros(len(CAUSES), np.int64))


class YearFrame:
    """Intermediate results shared by the reporters of one year (each computed once)."""

    def __init__(self, model: PovertyModel):
        self.model = model
        self.hh = model.households

    @cached_property
    def totals(self) -> Totals:
        """The counts and sums of poverty and the registry's size, in one pass.

        (The rest, used by fewer outputs, is in :attr:`details`.)
        """
        model, hh = self.model, self.hh
        t = Totals()
        self._persons = np.empty(hh.n, np.float64)
        line = np.float32(model.p.run.poverty_line)
        for rows in row_chunks(hh.n):
            status, poor, size = hh.reg_status[rows], hh.poor[rows], hh.size()[rows]
            persons = np.multiply(hh.weight[rows], size, dtype=np.float64,
                                  out=self._persons[rows])
            t.persons += float(persons.sum())
            t.registered += int(np.count_nonzero(registered_as_poor(status)))
            t.monitored += int(np.count_nonzero(status == RegStatus.MONITORED))
            t.exited += int(np.count_nonzero(status == RegStatus.EXITED))
            poor_at = np.flatnonzero(poor)
            poor_persons = persons[poor_at]
            t.poor += len(poor_at)
            t.poor_persons += float(poor_persons.sum())
            measured = hh.measured_pc(model.p.run.bad_year_smoothing, rows,
                                      model.p.run.medical_costs_counted)
            gap = (line - np.maximum(measured[poor_at], 0)) / line
            t.gap += dot(poor_persons, gap)
            t.severity += dot(poor_persons, np.square(gap, dtype=np.float64))
        return t

    @cached_property
    def details(self) -> Totals:
        """:attr:`totals` plus the rest, in a second pass made only when an output needs it.

        The rest: the registry's errors, guarantees, loans, medical spending, registered
        poor villages, relocation, the register's persons, designated counties and
        poverty before transfers.
        """
        model, hh = self.model, self.hh
        t = replace(self.totals)
        line = np.float32(model.p.run.poverty_line)
        persons_all = self.persons
        registry = model.registry
        borrowed = model.interventions["microloans"].ever_borrowed
        poor_village = model.villages.poor_village
        designated_village = model.counties.designated[model.villages.county]
        for rows in row_chunks(hh.n):
            status, poor, size = hh.reg_status[rows], hh.poor[rows], hh.size()[rows]
            persons = persons_all[rows]
            registered = registered_as_poor(status)
            monitored = status == RegStatus.MONITORED
            exited = status == RegStatus.EXITED
            in_need = hh.need_pc[rows] < line
            t.registered_not_poor += int(np.count_nonzero(registered & ~in_need))
            t.poor_unsupported += int(np.count_nonzero(poor & ~(registered | monitored)))
            t.favoured_registered += int(np.count_nonzero(registry.favoured[rows] & registered))
            t.borrowed_registered += int(np.count_nonzero(borrowed[rows] & registered))
            registered_at = np.flatnonzero(registered)
            t.registered_medical += float(
                hh.medical_spending[rows][registered_at].sum(dtype=np.float64))
            t.registered_oop += float(hh.medical_oop[rows][registered_at].sum(dtype=np.float64))
            watched = registered | exited
            t.registered_or_exited += int(np.count_nonzero(watched))
            guaranteed = guarantees_met(model, rows)
            t.guaranteed += int(np.count_nonzero(guaranteed & watched))
            t.registered_not_poor_guaranteed += int(
                np.count_nonzero(registered & ~in_need & guaranteed))

            in_poor_village = poor_village[hh.origin_village[rows]]
            t.poor_persons_in_poor_villages += float(persons[poor & in_poor_village].sum())
            village_at = np.flatnonzero(in_poor_village)
            village_persons = persons[village_at]
            t.persons_in_poor_villages += float(village_persons.sum())
            t.income_in_poor_villages += dot(village_persons, hh.income_pc[rows][village_at])

            relocated_at = np.flatnonzero(hh.relocated[rows])
            t.relocated += len(relocated_at)
            t.relocated_persons += float(persons[relocated_at].sum())
            t.relocated_members += int(size[relocated_at].sum())
            t.relocated_poor += int(np.count_nonzero(poor[relocated_at]))

            self._register_rows(t, rows, persons, registered, line, designated_village)
        return t

    def _register_rows(self, t: Totals, rows: slice, persons: np.ndarray,
                       registered: np.ndarray, line: np.float32,
                       designated_village: np.ndarray) -> None:
        """Add a block of rows to the register's, geography's and transfers' sums."""
        model, hh = self.model, self.hh
        reg = model.registry
        t.registered_persons += float(persons[registered].sum())
        t.registered_weight += float(hh.weight[rows][registered].sum(dtype=np.float64))
        books = np.flatnonzero(reg.on_books[rows])
        if len(books):
            at = books + rows.start
            status = hh.reg_status[at]
            exited = (status == RegStatus.EXITED) | (
                (status == RegStatus.MONITORED) & (reg.exit_year[at] >= 0))
            book_persons = persons[books]
            workers = (hh.n_migrant[at].astype(np.float64) + hh.n_local_job[at]
                       + (model.jobs.employer[at] >= 0)
                       + model.interventions["public_posts"].holders(at))
            workers *= hh.weight[at]
            t.on_books_persons += float(book_persons.sum())
            t.on_books_exited_persons += float(book_persons[exited].sum())
            t.backstop_persons += dot(model.interventions["dibao"].covered_persons(at),
                                      hh.weight[at])
            t.working_on_books += float(workers.sum())
            t.working_exited += float(workers[exited].sum())
            t.exited_persons += float(book_persons[exited].sum())
            t.exited_income += dot(book_persons[exited], hh.income_pc[at][exited])
        designated = np.flatnonzero(designated_village[hh.origin_village[rows]])
        if len(designated):
            d_persons = persons[designated]
            t.designated_persons += float(d_persons.sum())
            t.designated_poor_persons += float(d_persons[hh.poor[rows][designated]].sum())
            t.designated_income += dot(d_persons, self.clipped_income[rows][designated])
        run = model.p.run
        pre = hh.as_measured(hh.pre_transfer_pc(rows), run.bad_year_smoothing, rows,
                             run.medical_costs_counted)
        pre_poor = np.flatnonzero(pre < line)
        pre_persons = persons[pre_poor]
        t.poor_pre_transfer_persons += float(pre_persons.sum())
        t.gap_pre_transfer += dot(pre_persons, (line - np.maximum(pre[pre_poor], 0)) / line)

    @cached_property
    def cause_counts(self) -> Totals:
        """Households with each cause among the poor and among the registered.

        A pass of its own, made only when a cause share is asked for (finding causes
        costs more than the counts of :attr:`totals`).
        """
        model, hh = self.model, self.hh
        t = Totals()
        for rows in row_chunks(hh.n):
            status, poor = hh.reg_status[rows], hh.poor[rows]
            registered = registered_as_poor(status)
            either = poor | registered
            count = int(np.count_nonzero(either))
            if count * FEW_CAUSE_ROWS < len(either):  # few: only those rows
                at = np.flatnonzero(either)
                masks = causes_of(hh, model.villages, model.p, at + rows.start)
                poor, registered = poor[at], registered[at]
            else:  # many: the whole block (in order, no gathering)
                masks = causes_of(hh, model.villages, model.p, rows)
            t.poor_causes += _cause_counts(masks[poor])
            t.registered_causes += _cause_counts(masks[registered])
        return t

    @property
    def persons(self) -> np.ndarray:
        """Person weight of each household (weight x size, float64)."""
        _ = self.totals
        return self._persons

    @property
    def total_persons(self) -> float:
        """Person weight of all households."""
        return self.totals.persons

    # ------------------------------------------------------------- incomes
    @cached_property
    def clipped_income(self) -> np.ndarray:
        """Per-capita income with negative incomes as 0 (float32)."""
        return np.maximum(self.hh.income_pc, 0)

    @cached_property
    def income_bins(self) -> BinnedIncome | None:
        """Binned incomes (above :data:`EXACT_DISTRIBUTION_LIMIT` households), else None."""
        if self.hh.n <= EXACT_DISTRIBUTION_LIMIT:
            return None
        return binned_income(self.clipped_income, self.persons)

    @cached_property
    def sorted_income(self) -> SortedIncome:
        """Incomes in ascending order with their person weights (ties in row order)."""
        income = self.clipped_income
        order = stable_order(income)
        return SortedIncome(income[order].astype(np.float64), self.persons[order])


def _cause_counts(masks: np.ndarray) -> np.ndarray:
    """How many of ``masks`` hold each cause."""
    return np.bincount(masks, minlength=len(CAUSE_BITS)) @ CAUSE_BITS


def year_frame(model: PovertyModel) -> YearFrame:
    """The shared intermediates of the model's current step (made on first use)."""
    cached = model.metrics_cache
    if cached is not None and cached[0] == model.steps:
        return cached[1]
    frame = YearFrame(model)
    model.metrics_cache = (model.steps, frame)
    return frame
