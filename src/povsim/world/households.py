"""The household table: one numpy array per attribute (struct of arrays).

Households are the many agents of povsim (10^3 to 10^6 of them), so they are not
Python objects: household ``i`` is row ``i`` of every array below. Behaviour is
written as operations over whole columns or over index arrays of households.

Every column is declared once in :data:`COLUMNS` with its dtype, unit and meaning;
:meth:`Households.allocate` creates them and :func:`povsim.metrics.household_snapshot`
exports any of them as a pandas DataFrame.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np

from povsim.chunks import row_chunks
from povsim.status import RegStatus

Rows = np.ndarray | slice
"""Rows of the household table: an index array, or ``slice(None)`` for all."""

ALL: slice = slice(None)
"""Every row of the household table (the default of functions taking :data:`Rows`)."""


@dataclass(frozen=True, slots=True)
class Column:
    """Declaration of one household column.

    Attributes:
        dtype: numpy dtype of the array.
        unit: Unit of the values.
        doc: What the column holds.
    """

    dtype: str
    unit: str
    doc: str


COLUMNS: dict[str, Column] = {
    # identity and place
    "village": Column("int32", "index", "Village (or resettlement site) the household lives in."),
    "origin_village": Column("int32", "index", "Village the household lived in at the start."),
    "weight": Column("float32", "households",
                     "Real households this simulated household stands for."),
    # members
    "head_age": Column("int16", "years", "Age of the household head (reference person)."),
    "n_young": Column("int8", "persons", "Children under school age (0-5)."),
    "n_school": Column("int8", "persons", "Children of compulsory school age (6-15)."),
    "n_adult": Column("int8", "persons", "Working-age members (16-64)."),
    "n_elderly": Column("int8", "persons", "Members aged 65 and over."),
    "disabled": Column("bool", "flag", "A member has a disability."),
    "chronic": Column("bool", "flag", "A member has a chronic illness."),
    "children_support": Column("bool", "flag", "Children living elsewhere send the "
                               "elderly members money when no working-age member lives "
                               "at home (economy.children_support)."),
    "insured": Column("bool", "flag", "Enrolled in basic medical insurance (the rural "
                      "cooperative medical scheme)."),
    "skill": Column("float32", "0-1", "Skill level of the household's workers."),
    "ability": Column("float32", "multiplier",
                      "Persistent productivity (lognormal, mean about 1)."),
    "motivation": Column("float32", "0-1", "Self-reliance: will to work and invest."),
    "dropouts": Column("int8", "persons", "School-age children who dropped out of school."),
    # economy
    "land": Column("float32", "mu", "Contracted land farmed by the household."),
    "n_migrant": Column("int8", "persons", "Members working away (migrant workers)."),
    "n_local_job": Column("int8", "persons", "Members in local wage jobs."),
    "savings": Column("float32", "yuan", "Savings."),
    "debt": Column("float32", "yuan", "Outstanding debt (microloans, relocation co-payment)."),
    "farm_income": Column("float32", "yuan/year", "Net farm income."),
    "wage_income": Column("float32", "yuan/year", "Wages and remittances."),
    "asset_income": Column("float32", "yuan/year", "Dividends, returns on industry support and "
                           "loans, consumption-aid premiums."),
    "transfer_income": Column("float32", "yuan/year", "Pensions, subsidies, dibao, money from "
                              "children living elsewhere, informal "
                              "transfers from neighbours."),
    "transitory_income": Column("float32", "yuan/year", "The part of this year's farm "
                                "income and wages due to the household's transitory luck "
                                "(what stable income leaves out)."),
    "public_transfers": Column("float32", "yuan/year", "The public part of transfer income: "
                               "pensions, farm subsidies, dibao and extreme-poverty support, "
                               "relief."),
    "benefit_income": Column("float32", "yuan/year", "The means-tested part of public "
                             "transfers: dibao, extreme-poverty support, relief."),
    "effort": Column("float32", "0-1", "Work effort: the share of its market income the "
                     "household earns, cut when earnings are taxed away by a gap-filling "
                     "transfer."),
    "medical_spending": Column("float32", "yuan/year", "Gross medical spending."),
    "medical_oop": Column("float32", "yuan/year", "Out-of-pocket medical spending after "
                          "reimbursement."),
    "schooling_spending": Column("float32", "yuan/year", "Out-of-pocket schooling costs."),
    "debt_service": Column("float32", "yuan/year", "Interest and principal paid on debt."),
    "net_income": Column("float32", "yuan/year", "Net income: all income minus medical, "
                         "schooling and debt costs."),
    "income_pc": Column("float32", "yuan/person/year", "Per-capita net income (2010 prices)."),
    "need_pc": Column("float32", "yuan/person/year", "Stable per-capita income when cadres "
                      "identify (phase 4), before this year's delivery and means-tested "
                      "transfers: the need the register is judged against."),
    "prev_income_pc": Column("float32", "yuan/person/year", "Per-capita net income last year."),
    # housing
    "safe_house": Column("bool", "flag", "The house is safe (not dilapidated)."),
    "relocated": Column("bool", "flag", "Moved to a resettlement site."),
    # this year's events
    "illness_episode": Column("bool", "flag", "A serious illness episode this year."),
    "disaster_hit": Column("bool", "flag", "The village was hit by a disaster this year."),
    # true poverty status and its history
    "poor": Column("bool", "flag", "True status: per-capita net income below the line."),
    "ever_exited": Column("bool", "flag", "Has left true poverty at least once."),
    "spell_start": Column("int16", "year",
                          "Year the current poverty spell began (-1 if not poor)."),
    "last_exit_year": Column("int16", "year", "Year of the last true exit (-1 if none)."),
    "causes": Column("uint16", "bit mask", "Causes of poverty (see povsim.status.Cause)."),
    # registered status (identification, issue 3)
    "reg_status": Column("int8", "RegStatus", "Registered status (see povsim.status.RegStatus)."),
    "reg_year": Column("int16", "year", "Year of the last change of registered status "
                       "(-1 if never)."),
    "diagnosed_cause": Column("int8", "Cause index", "Main cause recorded by the cadre "
                              "(-1 if none)."),
    "diagnosed_causes": Column("uint16", "bit mask", "All causes recorded by the cadre "
                               "(see povsim.status.Cause)."),
}


class Households:
    """Struct of arrays holding every household attribute (see :data:`COLUMNS`).

    Attributes are numpy arrays of equal length ``n``; household ``i`` is row ``i``.
    """

    village: np.ndarray
    origin_village: np.ndarray
    weight: np.ndarray
    head_age: np.ndarray
    n_young: np.ndarray
    n_school: np.ndarray
    n_adult: np.ndarray
    n_elderly: np.ndarray
    disabled: np.ndarray
    chronic: np.ndarray
    children_support: np.ndarray
    insured: np.ndarray
    skill: np.ndarray
    ability: np.ndarray
    motivation: np.ndarray
    dropouts: np.ndarray
    land: np.ndarray
    n_migrant: np.ndarray
    n_local_job: np.ndarray
    savings: np.ndarray
    debt: np.ndarray
    farm_income: np.ndarray
    wage_income: np.ndarray
    asset_income: np.ndarray
    transfer_income: np.ndarray
    transitory_income: np.ndarray
    public_transfers: np.ndarray
    benefit_income: np.ndarray
    effort: np.ndarray
    medical_spending: np.ndarray
    medical_oop: np.ndarray
    schooling_spending: np.ndarray
    debt_service: np.ndarray
    net_income: np.ndarray
    income_pc: np.ndarray
    need_pc: np.ndarray
    prev_income_pc: np.ndarray
    safe_house: np.ndarray
    relocated: np.ndarray
    illness_episode: np.ndarray
    disaster_hit: np.ndarray
    poor: np.ndarray
    ever_exited: np.ndarray
    spell_start: np.ndarray
    last_exit_year: np.ndarray
    causes: np.ndarray
    reg_status: np.ndarray
    reg_year: np.ndarray
    diagnosed_cause: np.ndarray
    diagnosed_causes: np.ndarray

    def __init__(self, n: int):
        """Allocate zeroed columns for ``n`` households (use :meth:`allocate`)."""
        self.n = n
        for name, col in COLUMNS.items():
            setattr(self, name, np.zeros(n, dtype=col.dtype))
        self.effort.fill(1.0)
        self.spell_start.fill(-1)
        self.last_exit_year.fill(-1)
        self.reg_year.fill(-1)
        self.diagnosed_cause.fill(-1)
        self.reg_status.fill(RegStatus.NEVER)
        self._derived: dict[object, np.ndarray] = {}
        self._static: dict[object, tuple[np.ndarray, Callable[[Rows], np.ndarray]]] = {}

    @classmethod
    def allocate(cls, n: int) -> Households:
        """Create a table of ``n`` households with every column zeroed (or -1 for years)."""
        return cls(n)

    def __len__(self) -> int:
        return self.n

    def forget_derived(self, *names: str) -> None:
        """Forget quantities derived from other columns, all of them or those named.

        :meth:`size` (``"size"``), :meth:`labour_units` (``"labour"``) and
        :meth:`village_sizes` (``"village_sizes"``) are computed once and kept until
        this is called; whatever changes member counts, disability, chronic illness or
        the village of a household calls it (demography, health, household formation,
        relocation).
        """
        if not names:
            self._derived.clear()
            return
        for key in [k for k in self._derived if (k if isinstance(k, str) else k[0]) in names]:
            del self._derived[key]

    def _kept(self, key: object, value: np.ndarray) -> np.ndarray:
        value.flags.writeable = False  # shared: callers must copy before changing it
        self._derived[key] = value
        return value

    def size(self) -> np.ndarray:
        """Members per household (int16, read-only; kept until :meth:`forget_derived`)."""
        kept = self._derived.get("size")
        if kept is not None:
            return kept
        size = np.empty(self.n, np.int16)
        for rows in row_chunks(self.n):
            np.add(self.n_young[rows], self.n_school[rows], out=size[rows], dtype=np.int16)
            size[rows] += self.n_adult[rows]
            size[rows] += self.n_elderly[rows]
        return self._kept("size", size)

    def labour_units(self, disability_loss: float, chronic_loss: float,
                     rows: np.ndarray | None = None) -> np.ndarray:
        """Able working-age labour per household (float32, at least 0).

        A disabled or chronically ill member is counted as a working-age member when
        the household has one, and removes ``disability_loss`` or ``chronic_loss``
        labour units.

        Args:
            disability_loss: Labour units lost to a disabled member.
            chronic_loss: Labour units lost to a chronically ill member.
            rows: Households to compute (all if omitted).

        Returns:
            Labour units per household; for all households read-only and kept until
            :meth:`forget_derived`.
        """
        if rows is not None:
            return self._labour(disability_loss, chronic_loss, rows)
        key = ("labour", disability_loss, chronic_loss)
        kept = self._derived.get(key)
        if kept is not None:
            return kept
        labour = np.empty(self.n, np.float32)
        for chunk in row_chunks(self.n):
            labour[chunk] = self._labour(disability_loss, chronic_loss, chunk)
        return self._kept(key, labour)

    def _labour(self, disability_loss: float, chronic_loss: float, rows: Rows) -> np.ndarray:
        n_adult = self.n_adult[rows]
        adults = n_adult.astype(np.float32)
        has_adult = n_adult > 0
        loss = (self.disabled[rows] & has_adult) * np.float32(disability_loss)
        loss += (self.chronic[rows] & has_adult) * np.float32(chronic_loss)
        return np.maximum(adults - loss, np.float32(0.0))

    def static(self, key: Hashable, compute: Callable[[Rows], np.ndarray]) -> np.ndarray:
        """A per-household quantity that changes only when a row is taken by a new household.

        Computed once (``compute(slice(None))``) and kept; :meth:`renew` recomputes the
        rows of newly formed households. ``compute`` must work row by row (the value of
        a row depends on that row's columns only) and ``key`` must name everything else
        it depends on (parameter values). Only the latest values of a quantity are kept:
        when its parameters change (a year table, a rising elasticity), the value for the
        old ones is dropped, so it is neither held in memory nor renewed.

        Args:
            key: Name of the quantity and the parameter values it depends on (a tuple
                whose first item is the name, or the name alone).
            compute: Computes the quantity for the given rows.

        Returns:
            The quantity for every household (read-only).
        """
        kept = self._static.get(key)
        if kept is not None:
            return kept[0]
        name = _static_name(key)
        for old in [k for k in self._static if _static_name(k) == name]:
            del self._static[old]
        value = compute(slice(None))
        value.flags.writeable = False
        self._static[key] = (value, compute)
        return value

    def renew(self, rows: np.ndarray) -> None:
        """Recompute the :meth:`static` quantities of ``rows`` (new households took them)."""
        for value, compute in self._static.values():
            value.flags.writeable = True
            value[rows] = compute(rows)
            value.flags.writeable = False

    def pre_transfer_pc(self, rows: Rows = ALL) -> np.ndarray:
        """Per-capita income before public transfers: what poverty before transfers is about.

        Market and own-production income net of costs, and private transfers.
        """
        return (self.net_income[rows] - self.public_transfers[rows]) / self.size()[rows]

    def before_benefits_pc(self, rows: Rows = ALL) -> np.ndarray:
        """Per-capita income without this year's means-tested benefits.

        Without the dibao, extreme-poverty support and relief.
        """
        return (self.net_income[rows] - self.benefit_income[rows]) / self.size()[rows]

    def stable_pc(self, rows: Rows = ALL) -> np.ndarray:
        """Per-capita income from lasting sources (what exit assessment looks at).

        Net income without this year's transitory luck.
        """
        return (self.net_income[rows] - self.transitory_income[rows]) / self.size()[rows]

    def measured_pc(self, smoothing: float, rows: Rows = ALL,
                    medical_counted: float = 1.0) -> np.ndarray:
        """Per-capita income as the official poverty measure sees it.

        The measure checks income against consumption: of a bad year's fall below
        lasting income (negative ``transitory_income``), the share ``smoothing`` is made
        good by savings, credit and kin and does not count. A good year counts in full.
        Of out-of-pocket medical spending, only the share ``medical_counted`` is
        subtracted (the rest is added back to the net per-capita income).

        Args:
            smoothing: ``run.bad_year_smoothing`` (0: income alone).
            rows: Households to measure.
            medical_counted: ``run.medical_costs_counted`` (1: income net of medical
                costs, as ``income_pc``).
        """
        return self.as_measured(self.income_pc[rows], smoothing, rows, medical_counted)

    def as_measured(self, income: np.ndarray, smoothing: float, rows: Rows = ALL,
                    medical_counted: float = 1.0) -> np.ndarray:
        """A per-capita income of ``rows`` with the measure's add-backs (see :meth:`measured_pc`).

        Used for income after transfers (:meth:`measured_pc`) and before them, so that
        poverty before and after transfers is counted the same way.

        Args:
            income: Per-capita income of ``rows`` (not changed).
            smoothing: ``run.bad_year_smoothing``.
            rows: The households ``income`` is of.
            medical_counted: ``run.medical_costs_counted``.
        """
        if not smoothing and medical_counted == 1:
            return income
        size = self.size()[rows]
        if smoothing:
            fall = np.minimum(self.transitory_income[rows], np.float32(0)) / size
            income = income - np.float32(smoothing) * fall
        if medical_counted != 1:
            income = income + np.float32(1 - medical_counted) * self.medical_oop[rows] / size
        return income

    def village_index(self) -> np.ndarray:
        """``village`` as a native integer index array (gathers by village run faster).

        Read-only; kept until :meth:`forget_derived` (``"village_sizes"``).
        """
        kept = self._derived.get(("village_sizes", "index"))
        if kept is not None:
            return kept
        return self._kept(("village_sizes", "index"), self.village.astype(np.intp))

    def village_sizes(self, n_villages: int) -> np.ndarray:
        """Households living in each village (read-only; kept until :meth:`forget_derived`)."""
        key = ("village_sizes", n_villages)
        kept = self._derived.get(key)
        if kept is not None:
            return kept
        return self._kept(key, np.bincount(self.village, minlength=n_villages))

    def nbytes(self) -> int:
        """Memory held by the columns, in bytes."""
        return sum(getattr(self, name).nbytes for name in COLUMNS)


def _static_name(key: Hashable) -> Hashable:
    """The name of a :meth:`Households.static` quantity: its key's first item."""
    return key[0] if isinstance(key, tuple) and key else key
