"""The county table: designated poor counties, the western exit rule, exit years.

Counties are the unit of the campaign's targets: a county is designated a poor county
(by its mean income at the start), gets more helpers and goes first for funds, and
exits when its register's incidence falls below a threshold and a third-party check
passes (:mod:`povsim.governance.places`).
"""

from __future__ import annotations

import numpy as np


class Counties:
    """Struct of arrays for counties.

    Attributes:
        n: Number of counties.
        designated: Designated poor county.
        west: Follows the western exit threshold.
        exit_year: Year the designated county exited (-1: not yet, or never designated).
        insurance_turn: The county's turn to adopt poverty-prevention insurance (a
            uniform draw: it adopts once the adopted share passes it).
    """

    def __init__(self, n: int):
        """Allocate ``n`` counties, none designated."""
        self.n = n
        self.designated = np.zeros(n, bool)
        self.west = np.zeros(n, bool)
        self.exit_year = np.full(n, -1, np.int16)
        self.insurance_turn = np.ones(n, np.float32)

    def __len__(self) -> int:
        return self.n

    def still_poor(self) -> np.ndarray:
        """Designated counties that have not exited."""
        return self.designated & (self.exit_year < 0)


def designate_counties(county_of_household: np.ndarray, persons: np.ndarray,
                       income_pc: np.ndarray, remoteness_of_county: np.ndarray,
                       designated_share: float, west_share: float) -> Counties:
    """Designate the counties with the lowest mean per-capita income, and the western ones.

    Counties are designated in order of their person-weighted mean income, lowest
    first, while the persons of those already designated are below
    ``designated_share`` of all persons. The ``west_share`` most remote counties
    follow the western exit rule.

    Args:
        county_of_household: County index of each household.
        persons: Person weight of each household.
        income_pc: Per-capita income of each household.
        remoteness_of_county: Mean remoteness of each county.
        designated_share: Share of persons the designated counties hold (about).
        west_share: Share of counties in the west.

    Returns:
        The county table.
    """
    n = len(remoteness_of_county)
    counties = Counties(n)
    people = np.bincount(county_of_household, weights=persons, minlength=n)
    income = np.bincount(county_of_household, weights=persons * income_pc, minlength=n)
    mean = np.divide(income, people, out=np.full(n, np.inf), where=people > 0)
    order = np.argsort(mean, kind="stable")
    before = np.cumsum(people[order]) - people[order]
    counties.designated[order[before < designated_share * people.sum()]] = True
    n_west = round(west_share * n)
    counties.west[np.argsort(-remoteness_of_county, kind="stable")[:n_west]] = True
    return counties
