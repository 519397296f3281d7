"""Seeds of the runs of a batch: given seeds, or one master seed spawning a seed per run.

Comparisons, validations and calibrations run given seeds (``--seeds 10`` runs seeds 0
to 9): replication ``r`` has seed ``seeds[r]`` in every scenario, so runs with the same
seed share their random shocks (common random numbers). Sweeps spawn their seeds from a
master seed:

``numpy.random.SeedSequence(master).spawn(n)`` gives ``n`` independent child
sequences; each run's seed is a 63-bit integer drawn from its child, so it fits a
signed 64-bit column and any single run is reproduced with ``povsim.run(seed=...)``.
Child ``i`` depends only on the master seed and ``i`` (its spawn key is ``(i,)``), so a
run's seed never depends on how many runs are planned, nor on the order, place or
number of workers that run them.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

from povsim.errors import PovsimError
from povsim.study.resources import check_runs

SEED_BITS = 63
"""Bits of a run seed: a non-negative integer below 2**63 (fits an int64 column)."""

STATE_BITS = 64
"""Bits of the word drawn from each child sequence (``uint64``)."""


SHIFT = STATE_BITS - SEED_BITS
"""Low bits dropped from the drawn word to make a run seed."""

MAX_SEED = 2**SEED_BITS - 1
"""The largest seed: every seed, given or spawned, is a whole number from 0 to this, so
that it is the same integer in every table (a signed 64-bit column) and file."""

SEED_HELP = f"a whole number from 0 to {MAX_SEED} (2**{SEED_BITS} - 1)"
"""The allowed seeds, in words."""


def check_seed(seed: object, what: str = "seed") -> int:
    """Check one seed (a run's, or a master seed).

    Args:
        seed: The seed; numpy's integers count as whole numbers, booleans do not.
        what: The option or field that gave it, for the message (``--seed``).

    Returns:
        The seed as a Python integer.

    Raises:
        PovsimError: If it is not a whole number from 0 to :data:`MAX_SEED`.
    """
    if isinstance(seed, bool) or not isinstance(seed, Integral) or not 0 <= seed <= MAX_SEED:
        raise PovsimError(f"{what} {seed!r}: allowed: {SEED_HELP}")
    return int(seed)


def spawn_seeds(master: int, n: int) -> list[int]:
    """Independent seeds for ``n`` runs from one master seed.

    Args:
        master: The experiment's master seed (a non-negative integer).
        n: Number of seeds.

    Returns:
        ``n`` integers in ``[0, 2**63)``; seed ``i`` is drawn from
        ``SeedSequence(master).spawn(n)[i]`` (see :func:`seed_recipe`).
    """
    return [seed_of(master, index) for index in range(n)]


def seed_of(master: int, index: int) -> int:
    """The seed :func:`spawn_seeds` gives run ``index``, computed on its own.

    ``SeedSequence(master, spawn_key=(index,))`` is the child that
    ``SeedSequence(master).spawn(n)[index]`` returns for any ``n > index``.

    Args:
        master: The master seed.
        index: Position of the run among the spawned children.

    Returns:
        The same integer as ``spawn_seeds(master, n)[index]`` for any ``n > index``.
    """
    import numpy as np  # here, so that the command line's options do not wait for numpy

    child = np.random.SeedSequence(master, spawn_key=(index,))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(SHIFT))


def seed_recipe(count: str, index: str) -> str:
    """How a seed is computed, as Python text for manifests.

    Args:
        count: What the master seed is spawned into (``"planned_runs"``).
        index: Which child gives the seed (``"run_id"``).

    Returns:
        ``numpy.random.SeedSequence(master_seed).spawn(count)[index]...`` with the shift.
    """
    return (f"numpy.random.SeedSequence(master_seed).spawn({count})[{index}]"
            f".generate_state(1, numpy.uint64)[0] >> {SHIFT}")


DEFAULT_SEEDS = 10
"""Seeds per scenario of a comparison, a validation and a calibration's evaluations, unless
told otherwise (``--seeds``, ``seeds =``)."""


def consecutive_seeds(count: int, start: int = 0) -> list[int]:
    """``count`` consecutive seeds from ``start``: what ``--seeds`` and ``--seed-start`` give.

    Args:
        count: Number of seeds.
        start: The first seed.

    Returns:
        ``[start, start + 1, ..., start + count - 1]``.

    Raises:
        PovsimError: If ``count`` is below 1 or above the runs a batch may have, or the
            seeds leave the allowed range (checked before any list is made).
    """
    if isinstance(count, bool) or not isinstance(count, Integral) or count < 1:
        raise PovsimError(f"--seeds {count!r}: allowed: a whole number of at least 1")
    check_runs(int(count), f"--seeds {count}")
    first = check_seed(start, "--seed-start")
    if first + count - 1 > MAX_SEED:
        raise PovsimError(f"--seed-start {start} with --seeds {count}: the last seed would be "
                          f"{first + count - 1}; allowed: seeds up to {MAX_SEED} "
                          f"(2**{SEED_BITS} - 1): --seed-start at most {MAX_SEED - count + 1}")
    return list(range(first, first + int(count)))


def check_seeds(seeds: Sequence[int]) -> None:
    """Check the seeds of runs compared by seed (one per replication).

    Raises:
        PovsimError: If there are none, some repeat, or one is not a whole number from 0
            to :data:`MAX_SEED`.
    """
    if not seeds:
        raise PovsimError("give at least one seed (--seeds 1 or more)")
    for seed in seeds:
        check_seed(seed)
    if len(set(seeds)) != len(seeds):
        raise PovsimError(f"seeds must differ from each other, got {list(seeds)}")
