"""Random numbers: one independent stream per purpose, and the year's bulk draws.

All randomness comes from the model's generator (``PovertyModel(rng=seed)``): at
setup it spawns one child generator per purpose in :data:`STREAMS`. Because each
purpose draws from its own stream, and the bulk draws of a year have the same
shape whatever the scenario, two scenarios run with the same seed see the same
illness episodes, disasters and income shocks (common random numbers): their
differences come from policy, not from luck.

The draws that involve every household are made in one phase at the start of the
year (:func:`draw_year`); smaller draws (the cost of an episode, a village's
disaster) are made inside the phases from their purpose's stream.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

STREAMS: tuple[str, ...] = (
    "setup",
    "draws",
    "demography",
    "health",
    "shocks",
    "income",
    "identification",
    "delivery",
    "behaviour",
    "exit",
    "agents",
)
"""Purposes with their own random stream. Append new ones at the end only: the
position of a stream fixes its seed, so reordering would change every result."""


class Streams:
    """Named child generators spawned from the model's generator.

    Attributes:
        setup, draws, demography, ...: One ``numpy.random.Generator`` per name in
            :data:`STREAMS`.
    """

    def __init__(self, rng: np.random.Generator):
        """Spawn one child generator per purpose from ``rng``."""
        for name, child in zip(STREAMS, rng.spawn(len(STREAMS)), strict=True):
            setattr(self, name, child)

    def __getattr__(self, name: str) -> np.random.Generator:  # pragma: no cover - typing aid
        raise AttributeError(f"no random stream named {name!r}; streams: {', '.join(STREAMS)}")


@dataclass(slots=True)
class YearDraws:
    """Uniform (``u_``) and standard normal (``z_``) draws for every household, one year.

    Attributes:
        u_young: Child under 6 reaching school age.
        u_school: School-age child reaching working age.
        u_birth: Birth.
        u_death: Death of a member.
        u_illness: Serious illness episode.
        u_chronic: Chronic illness onset or recovery.
        u_disability: Disability onset.
        u_migration: Taking or leaving migrant work.
        u_dropout: A child dropping out of school.
        u_damage: A disaster damaging the house.
        u_job_loss: The household's migrant workers losing their jobs (scenario shock).
        z_income: Transitory shock to market income.
        z_observe: Cadre's error in observing income.
    """

    u_young: np.ndarray
    u_school: np.ndarray
    u_birth: np.ndarray
    u_death: np.ndarray
    u_illness: np.ndarray
    u_chronic: np.ndarray
    u_disability: np.ndarray
    u_migration: np.ndarray
    u_dropout: np.ndarray
    u_damage: np.ndarray
    u_job_loss: np.ndarray
    z_income: np.ndarray
    z_observe: np.ndarray


def draw_year(rng: np.random.Generator, n: int) -> YearDraws:
    """Make the year's bulk draws for ``n`` households, always in the same order.

    Args:
        rng: The ``draws`` stream.
        n: Number of households.

    Returns:
        Float32 arrays of length ``n``.
    """
    values = {}
    for f in fields(YearDraws):
        if f.name.startswith("u_"):
            values[f.name] = rng.random(n, dtype=np.float32)
        else:
            values[f.name] = rng.standard_normal(n, dtype=np.float32)
    return YearDraws(**values)
