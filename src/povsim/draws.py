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

A bulk uniform draw whose mechanism is switched off this year (a rate of zero, see
:data:`OPTIONAL_UNIFORMS`) is not made: the stream is moved on as if it had been
(:func:`skip_float32_uniforms`), so every later number is the one it would have been,
and the field is ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from povsim.params import Parameters

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
    "applications",
    "insurance",
    "monitoring",
    "labour_market",
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

    The uniforms named in :data:`OPTIONAL_UNIFORMS` are ``None`` in a year whose
    parameters switch their mechanism off.

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
        u_register: The register's yearly chances: applying or being brought forward,
            being reported by a helper, being found by monitoring.
        u_claim: Claiming from the poverty-prevention insurance.
    """

    u_young: np.ndarray | None
    u_school: np.ndarray | None
    u_birth: np.ndarray | None
    u_death: np.ndarray | None
    u_illness: np.ndarray
    u_chronic: np.ndarray
    u_disability: np.ndarray
    u_migration: np.ndarray | None
    u_dropout: np.ndarray | None
    u_damage: np.ndarray | None
    u_job_loss: np.ndarray | None
    z_income: np.ndarray
    u_register: np.ndarray | None
    u_claim: np.ndarray | None


OPTIONAL_UNIFORMS: dict[str, Callable[[Parameters], bool]] = {
    "u_young": lambda p: p.demography.young_to_school_rate > 0,
    "u_school": lambda p: p.demography.school_to_adult_rate > 0,
    "u_birth": lambda p: p.demography.p_birth > 0,
    "u_death": lambda p: p.demography.mortality_adult > 0 or p.demography.mortality_elderly > 0,
    "u_migration": lambda p: (p.economy.p_find_migrant_job > 0 or p.economy.p_migrant_return > 0
                              or p.economy.job_info_effect > 0),
    "u_dropout": lambda p: p.schooling.p_dropout > 0,
    "u_damage": lambda p: p.shocks.disaster_house_damage > 0,
    "u_job_loss": lambda p: p.shocks.migrant_job_loss > 0,
    "u_register": lambda p: (p.identification.adjustment or p.monitoring.enabled),
    "u_claim": lambda p: (p.prevention_insurance.pilot_share > 0
                          and p.prevention_insurance.start_year <= p.run.end_year),
}
"""Bulk uniforms that are only needed while a rate is above zero: name -> whether needed.
A uniform ``u`` in [0, 1) is never below a chance of zero, so without the draw nothing
happens that would have happened with it."""


def draw_year(rng: np.random.Generator, n: int, params: Parameters) -> YearDraws:
    """Make the year's bulk draws for ``n`` households, always in the same order.

    Args:
        rng: The ``draws`` stream.
        n: Number of households.
        params: Parameters in force this year; the uniforms of
            :data:`OPTIONAL_UNIFORMS` they do not need are skipped (neighbouring
            skipped uniforms in one move of the stream).

    Returns:
        Float32 arrays of length ``n`` (``None`` for the skipped ones).
    """
    values = {}
    skipped = 0  # uniforms skipped since the last draw, not yet moved past
    for name in _DRAW_NAMES:
        needed = OPTIONAL_UNIFORMS.get(name)
        if needed is not None and not needed(params):
            skipped += n
            values[name] = None
            continue
        if skipped:
            skip_float32_uniforms(rng, skipped)
            skipped = 0
        if name.startswith("u_"):
            values[name] = rng.random(n, dtype=np.float32)
        else:
            values[name] = rng.standard_normal(n, dtype=np.float32)
    if skipped:
        skip_float32_uniforms(rng, skipped)
    return YearDraws(**values)


_DRAW_NAMES: tuple[str, ...] = tuple(f.name for f in fields(YearDraws))
"""The bulk draws in the order they are made (the fields of :class:`YearDraws`)."""


def skip_float32_uniforms(rng: np.random.Generator, n: int) -> None:
    """Move ``rng`` on exactly as ``rng.random(n, dtype=np.float32)`` would, without the numbers.

    Float32 uniforms take 32 bits each from the 64-bit outputs of the bit generator, the
    second half kept for the next one. With PCG64 the outputs are jumped over
    (``advance``), the kept half and an odd last number drawn for real; other bit
    generators draw the numbers and drop them.
    """
    bit_generator = rng.bit_generator
    if not isinstance(bit_generator, np.random.PCG64 | np.random.PCG64DXSM):
        rng.random(n, dtype=np.float32)
        return
    if n == 0:
        return
    if bit_generator.state["has_uint32"]:  # a kept half: the first number uses it
        rng.random(1, dtype=np.float32)
        n -= 1
    if n // 2:
        bit_generator.advance(n // 2)  # (advancing also drops any kept half)
    if n % 2:
        rng.random(1, dtype=np.float32)
