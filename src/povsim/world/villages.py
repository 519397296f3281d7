"""The village table: one array per village attribute.

Villages belong to townships and counties. Each county also has one resettlement
site (``is_site``), a village-like place in town that relocated households move to.
"""

from __future__ import annotations

import numpy as np

INFRASTRUCTURE = ("water", "road", "power", "clinic", "broadband")
"""Infrastructure items a village may have, in the order they are built (safe water, an
exit guarantee, first)."""


class Villages:
    """Struct of arrays for villages and resettlement sites.

    Attributes:
        n: Number of villages including resettlement sites.
        county: County index of each village.
        township: Township index (global) of each village.
        remoteness: Remoteness index, 0 (near town) to 1 (remote mountains).
        development: Log productivity shift of the village's county (its development
            beyond remoteness), shared by the county's villages and its resettlement site.
        inhospitable: Whether the place is a relocation candidate.
        road, water, power, broadband, clinic: Infrastructure present.
        disaster_risk: Yearly chance of a disaster.
        poor_village: Registered poor village (gets a first secretary and work team).
        exit_year: Year the poor village exited (-1: not yet, or never a poor village).
        is_site: A resettlement site rather than an original village.
        collective_income: Yuan a year of village collective income.
        farm_access: The village's farm productivity relative to the national level
            (1 at the start; below 1 where remoteness without a road has kept farm growth
            from it, see :func:`povsim.life.growth.advance_farm_access`).
    """

    def __init__(self, n: int):
        """Allocate ``n`` villages with every attribute zeroed."""
        self.n = n
        self.county = np.zeros(n, np.int32)
        self.township = np.zeros(n, np.int32)
        self.remoteness = np.zeros(n, np.float32)
        self.development = np.zeros(n, np.float32)
        self.inhospitable = np.zeros(n, bool)
        for item in INFRASTRUCTURE:
            setattr(self, item, np.zeros(n, bool))
        self.disaster_risk = np.zeros(n, np.float32)
        self.poor_village = np.zeros(n, bool)
        self.exit_year = np.full(n, -1, np.int16)
        self.is_site = np.zeros(n, bool)
        self.collective_income = np.zeros(n, np.float32)
        self.farm_access = np.ones(n, np.float32)

    def __len__(self) -> int:
        return self.n

    def infrastructure_count(self) -> np.ndarray:
        """Number of infrastructure items present in each village (int8)."""
        total = np.zeros(self.n, np.int8)
        for item in INFRASTRUCTURE:
            total += getattr(self, item)
        return total

    def at_site(self, village: np.ndarray) -> np.ndarray:
        """Whether each of ``village`` (village indices) is a resettlement site."""
        sites = np.flatnonzero(self.is_site)
        if len(sites) and sites[0] == self.n - len(sites):  # the sites come last
            return village >= sites[0]
        return self.is_site[village]

    def site_of_county(self) -> np.ndarray:
        """Index of the resettlement site of each county (-1 where a county has none)."""
        n_counties = int(self.county.max()) + 1 if self.n else 0
        sites = np.full(n_counties, -1, np.int64)
        idx = np.flatnonzero(self.is_site)
        sites[self.county[idx]] = idx
        return sites
