"""Shared fixtures: small populations that still give stable statistics."""

from __future__ import annotations

import pytest

from povsim import Parameters

SMALL = {
    "population.n_households": 4000,
    "population.n_counties": 2,
    "population.townships_per_county": 2,
    "population.villages_per_township": 5,
}


@pytest.fixture
def small_params() -> Parameters:
    """Parameters for a 4,000-household, 20-village population."""
    return Parameters().with_overrides(SMALL)
