"""The poverty registry: what cadres observe and record, kept apart from true status.

Registered status lives in the household table (``reg_status``, ``reg_year``,
``diagnosed_cause``); this module holds the rest of the registry's state and its
yearly counts.
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


@dataclass
class RegistryCounts:
    """What happened to the registry this year (simulated households)."""

    registered_new: int = 0
    removed: int = 0
    favoured: int = 0
    review_corrections: int = 0
    exits: int = 0
    pressured_exits: int = 0
    fake_exits: int = 0
    reversed_exits: int = 0
    returns: int = 0
    fell_back: int = 0
    alerts: int = 0
    withdrawn: int = 0
    sustained_exits: int = 0

    def reset(self) -> None:
        """Zero every count (start of a year)."""
        self.__dict__.update(_ZERO_COUNTS)


_ZERO_COUNTS = {f.name: 0 for f in fields(RegistryCounts)}
"""Every count at zero (what :meth:`RegistryCounts.reset` sets)."""


@dataclass
class Registry:
    """State of the poverty registry.

    Attributes:
        observed_pc: The cadre's latest observation of per-capita income (NaN: never).
        previous_observed_pc: The observation a year before (for sharp drops).
        observation_z: Standard normal behind each household's observation error this year
            (persistent from year to year).
        exit_year: Year of the last certified exit (-1: none).
        fell_back: Truly poor in some year since the last certified exit.
        fake_exit: The last certified exit was false (truly poor when certified).
        favoured: Registered through a cadre's favouritism.
        built: Whether the registry has been built.
        counts: This year's counts.
        cumulative_exits: Certified exits so far (net of reversals).
        cumulative_sustained: Exits that lasted ``run.sustained_exit_years`` so far.
    """

    observed_pc: np.ndarray
    previous_observed_pc: np.ndarray
    observation_z: np.ndarray
    exit_year: np.ndarray
    fell_back: np.ndarray
    fake_exit: np.ndarray
    favoured: np.ndarray
    built: bool = False
    counts: RegistryCounts = field(default_factory=RegistryCounts)
    cumulative_exits: int = 0
    cumulative_sustained: int = 0

    @classmethod
    def empty(cls, n: int) -> Registry:
        """A registry for ``n`` households with nothing recorded."""
        return cls(
            observed_pc=np.full(n, np.nan, np.float32),
            previous_observed_pc=np.full(n, np.nan, np.float32),
            observation_z=np.zeros(n, np.float32),
            exit_year=np.full(n, -1, np.int16),
            fell_back=np.zeros(n, bool),
            fake_exit=np.zeros(n, bool),
            favoured=np.zeros(n, bool),
        )

    def bind(self, model: PovertyModel) -> None:
        """Attach the model whose household table holds the registered status."""
        self._model = model

    def is_registered(self) -> np.ndarray:
        """Households on the registry as poor (registered or returned)."""
        return registered_as_poor(self._model.households.reg_status)

    def is_supported(self) -> np.ndarray:
        """Households that get new measures: registered, returned, or monitored on alert."""
        status = self._model.households.reg_status
        return self.is_registered() | (status == RegStatus.MONITORED)

    def set_status(self, rows: np.ndarray, status: RegStatus, year: int) -> None:
        """Record a change of registered status."""
        hh = self._model.households
        hh.reg_status[rows] = status
        hh.reg_year[rows] = year

    def forget(self, rows: np.ndarray) -> None:
        """Clear the registry history of rows taken by new households."""
        hh = self._model.households
        hh.reg_status[rows] = RegStatus.NEVER
        hh.reg_year[rows] = -1
        hh.diagnosed_cause[rows] = -1
        hh.diagnosed_causes[rows] = 0
        self.observed_pc[rows] = np.nan
        self.previous_observed_pc[rows] = np.nan
        self.exit_year[rows] = -1
        self.fell_back[rows] = False
        self.fake_exit[rows] = False
        self.favoured[rows] = False
