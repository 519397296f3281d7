"""The poverty register: an administrative record with memory, kept apart from true status.

Registered status lives in the household table (``reg_status``, ``reg_year``,
``diagnosed_cause``); this module holds the rest of the register's state: what
cadres know of each household's income, how often they have been in contact with
it, its exit and return history, and the year's gross flows.

A record persists: once registered, a household stays registered until it is
certified out (exit), struck out by a verification sweep (removal), or dies out
(dissolved). What cadres know of a household's income comes from verifications:
each observes the true per-capita income with the household's own persistent error
(hidden income and misjudged sources), which shrinks with every contact, so
measurement noise alone never moves a household on or off the register.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np

from povsim.status import RegStatus, registered_as_poor

if TYPE_CHECKING:
    from povsim.model import PovertyModel

REGISTERED_STATES = (RegStatus.REGISTERED, RegStatus.RETURNED)
"""Statuses that count as registered poor."""

MAX_CONTACTS = 100
"""Contacts are counted up to this many (the error left after them is negligible)."""


@dataclass
class RegistryCounts:
    """What happened to the register this year (simulated households; persons national).

    The register's stock of registered households obeys, every year::

        registered(t) = registered(t-1) + registered_new + returns
                        - exits - removed - dissolved
    """

    registered_new: int = 0
    returns: int = 0
    exits: int = 0
    exits_of_start: int = 0
    removed: int = 0
    dissolved: int = 0
    added_by_sweep: int = 0
    favoured: int = 0
    review_corrections: int = 0
    pressured_exits: int = 0
    fake_exits: int = 0
    reversed_exits: int = 0
    transfer_exits: int = 0
    fell_back: int = 0
    alerts: int = 0
    risk_cleared: int = 0
    monitored_fell_back: int = 0
    unflagged_fell_back: int = 0
    withdrawn: int = 0
    sustained_exits: int = 0
    lasting_exits: int = 0
    county_exits: int = 0
    village_exits: int = 0
    removed_persons: float = 0.0
    sweep_added_persons: float = 0.0

    def reset(self) -> None:
        """Zero every count (start of a year)."""
        self.__dict__.update(_ZERO_COUNTS)


_ZERO_COUNTS = {f.name: type(f.default)(0) for f in fields(RegistryCounts)}
"""Every count at zero (what :meth:`RegistryCounts.reset` sets)."""


@dataclass
class Registry:
    """State of the poverty register.

    Attributes:
        error_z: Standard normal behind each household's observation error; drawn once
            for a household and kept (its income sources are misjudged the same way).
        contacts: Verification contacts cadres have had with the household.
        known_pc: Per-capita income as cadres last verified it (NaN: never).
        known_year: Year of that verification (-1: never).
        previous_known_pc: The verification before that (for sharp drops).
        entry_pc: The household's true stable per-capita income in the year it was
            last registered (what a look-back sweep re-examines).
        stable_years: Consecutive yearly exit assessments at or above the exit margin.
        exit_year: Year of the last certified exit (-1: none).
        fell_back: Truly poor in some year since the last certified exit.
        fake_exit: The last certified exit was false (truly poor when certified).
        favoured: Registered through a cadre's favouritism.
        on_books: The household's record is on the register's books: registered now
            or before, and not struck out by a verification.
        ever_flagged: Flagged at risk by monitoring since its last certified exit.
        support_kept: An exited household whose post-exit support has not been withdrawn.
        swept_village: Villages whose register the look-back sweep has re-verified.
        built: Whether the register has been built.
        counts: This year's counts.
        cumulative_exits: Certified exits so far (net of reversals).
        cumulative_sustained: Exits that lasted ``run.sustained_exit_years`` so far.
        cumulative_lasting: Exits still holding ``run.lasting_exit_years`` after them so far.
        cumulative_flagged: Households flagged at risk by monitoring so far.
        cumulative_cleared: Monitored households whose risk was cleared so far.
        start_registered: Registered households at the start of this year.
        start_monitored: Households monitored at the start of this year.
        registered_at_start: Whether each household was registered at the start of this
            year (a row taken by a new household during the year is not).
    """

    error_z: np.ndarray
    contacts: np.ndarray
    known_pc: np.ndarray
    known_year: np.ndarray
    previous_known_pc: np.ndarray
    entry_pc: np.ndarray
    stable_years: np.ndarray
    exit_year: np.ndarray
    fell_back: np.ndarray
    fake_exit: np.ndarray
    favoured: np.ndarray
    on_books: np.ndarray
    ever_flagged: np.ndarray
    support_kept: np.ndarray
    swept_village: np.ndarray
    built: bool = False
    counts: RegistryCounts = field(default_factory=RegistryCounts)
    cumulative_exits: int = 0
    cumulative_sustained: int = 0
    cumulative_lasting: int = 0
    cumulative_flagged: int = 0
    cumulative_cleared: int = 0
    start_registered: int = 0
    start_monitored: int = 0
    registered_at_start: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @classmethod
    def empty(cls, n: int, n_villages: int, rng: np.random.Generator) -> Registry:
        """A register for ``n`` households with nothing recorded.

        Args:
            n: Households.
            n_villages: Villages (and resettlement sites).
            rng: Stream for each household's persistent observation error.
        """
        return cls(
            error_z=rng.standard_normal(n, dtype=np.float32),
            contacts=np.zeros(n, np.int8),
            known_pc=np.full(n, np.nan, np.float32),
            known_year=np.full(n, -1, np.int16),
            previous_known_pc=np.full(n, np.nan, np.float32),
            entry_pc=np.full(n, np.nan, np.float32),
            stable_years=np.zeros(n, np.int8),
            exit_year=np.full(n, -1, np.int16),
            fell_back=np.zeros(n, bool),
            fake_exit=np.zeros(n, bool),
            favoured=np.zeros(n, bool),
            on_books=np.zeros(n, bool),
            ever_flagged=np.zeros(n, bool),
            support_kept=np.zeros(n, bool),
            swept_village=np.zeros(n_villages, bool),
            registered_at_start=np.zeros(n, bool),
        )

    def bind(self, model: PovertyModel) -> None:
        """Attach the model whose household table holds the registered status."""
        self._model = model

    def is_registered(self) -> np.ndarray:
        """Households on the register as poor (registered or returned)."""
        return registered_as_poor(self._model.households.reg_status)

    def is_supported(self) -> np.ndarray:
        """Households that get new measures: registered, returned, or monitored at risk."""
        status = self._model.households.reg_status
        return self.is_registered() | (status == RegStatus.MONITORED)

    def is_followed(self) -> np.ndarray:
        """Exited households whose post-exit support is kept (measures follow them)."""
        return self.support_kept & (self._model.households.reg_status == RegStatus.EXITED)

    def has_exited(self) -> np.ndarray:
        """Households whose last certified exit stands (exited, or monitored after it)."""
        status = self._model.households.reg_status
        return (status == RegStatus.EXITED) | (
            (status == RegStatus.MONITORED) & (self.exit_year >= 0))

    def set_status(self, rows: np.ndarray, status: RegStatus, year: int) -> None:
        """Record a change of registered status."""
        hh = self._model.households
        hh.reg_status[rows] = status
        hh.reg_year[rows] = year
        if status in REGISTERED_STATES:
            self.on_books[rows] = True
            self.entry_pc[rows] = hh.stable_pc(rows)

    def count_contact(self, rows: np.ndarray) -> None:
        """One more verification contact with each of ``rows``."""
        self.contacts[rows] = np.minimum(self.contacts[rows] + 1, MAX_CONTACTS)

    def record_verification(self, rows: np.ndarray, observed: np.ndarray, year: int) -> None:
        """Keep what a verification of ``rows`` found (their per-capita income)."""
        self.previous_known_pc[rows] = self.known_pc[rows]
        self.known_pc[rows] = observed
        self.known_year[rows] = year

    def forget(self, rows: np.ndarray) -> None:
        """Clear the register's history of rows taken by new households.

        Registered households among them leave the register as dissolved. The new
        households get errors of their own.
        """
        hh = self._model.households
        self.counts.dissolved += int(np.count_nonzero(registered_as_poor(hh.reg_status[rows])))
        hh.reg_status[rows] = RegStatus.NEVER
        hh.reg_year[rows] = -1
        hh.diagnosed_cause[rows] = -1
        hh.diagnosed_causes[rows] = 0
        self.error_z[rows] = self._model.streams.identification.standard_normal(
            len(rows), dtype=np.float32)
        self.contacts[rows] = 0
        self.known_pc[rows] = np.nan
        self.known_year[rows] = -1
        self.previous_known_pc[rows] = np.nan
        self.entry_pc[rows] = np.nan
        self.stable_years[rows] = 0
        self.exit_year[rows] = -1
        self.fell_back[rows] = False
        self.fake_exit[rows] = False
        self.favoured[rows] = False
        self.on_books[rows] = False
        self.ever_flagged[rows] = False
        self.support_kept[rows] = False
        self.registered_at_start[rows] = False
