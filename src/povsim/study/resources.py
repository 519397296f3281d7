"""What a job needs, checked against what this machine has, before the job starts.

A run of ``population.n_households`` households holds each household's rows (about
:data:`BYTES_PER_HOUSEHOLD` bytes at its peak, setup included) besides the interpreter
and its libraries (:data:`PROCESS_BYTES`); a batch holds one run per worker at a time.
A job that would not fit in the memory available is refused with what does fit, and
where a larger one can run (a Dask cluster); so is a batch of more runs than
:data:`MAX_RUNS`, more worker processes than :func:`max_workers`, or a run of more
years than a run can reach. Nothing is allocated before these checks.

The figures are measured (``python -c "import resource ..."``, the baseline scenario to
2020, peak resident memory): 155 MB at 10,000 households, 201 MB at 100,000, 630 MB at
1,000,000, so about 480 bytes a household over 150 MB.
"""

from __future__ import annotations

import os
from pathlib import Path

from povsim.errors import PovsimError

BYTES_PER_HOUSEHOLD = 500
"""Peak memory of a run per household (measured: about 480 bytes), setup included."""

PROCESS_BYTES = 160 * 2**20
"""Memory of a process running povsim before any household (Python, numpy, pandas, Mesa)."""

MEMORY_SHARE = 0.9
"""Share of the available memory a job may plan to use (the rest for the system)."""

MAX_RUNS = 1_000_000
"""Most runs one batch may plan: planning a million takes about a minute and 1.3 GB (the
plan and its manifest of about 100 MB); larger experiments are split into batches."""

WORKERS_PER_CPU = 4
"""Most worker processes per CPU of this machine (more only wait for a CPU, each holding
a run's memory)."""

CLUSTER_HINT = ("run it on a Dask cluster (--executor dask --scheduler tcp://HOST:PORT; see "
                "docs/experiments.md)")
"""Where a batch too large for this machine can run."""

MEMINFO = Path("/proc/meminfo")


def run_bytes(households: int) -> int:
    """Estimated peak memory of one process running one run of ``households``."""
    return PROCESS_BYTES + BYTES_PER_HOUSEHOLD * int(households)


def available_bytes() -> int | None:
    """Memory available to new work on this machine, or ``None`` if unknown.

    ``MemAvailable`` of ``/proc/meminfo`` (free memory plus what the system can reclaim)
    on Linux; the free physical pages (``os.sysconf``) elsewhere.
    """
    try:
        for line in MEMINFO.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _size(n: float) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n / 2**10:.0f} KB"


def households_that_fit(available: int, processes: int = 1) -> int:
    """The most households a run may have for ``processes`` runs to fit at once."""
    each = available * MEMORY_SHARE / max(processes, 1) - PROCESS_BYTES
    return max(int(each // BYTES_PER_HOUSEHOLD), 0)


def check_memory(households: int, processes: int = 1, *, where: str = "",
                 available: int | None = None) -> None:
    """Refuse a job whose runs would not fit in this machine's memory.

    Args:
        households: Households of the largest run.
        processes: Runs held at once (worker processes of a batch; 1 for one run).
        where: What else the user can do, for the message (how to run it elsewhere).
        available: Memory available (read from the system if ``None``).

    Raises:
        PovsimError: Saying what the job needs, what this machine has, how many
            households fit, and ``where``.
    """
    available = available_bytes() if available is None else available
    if available is None:
        return
    need = processes * run_bytes(households) + (PROCESS_BYTES if processes > 1 else 0)
    if need <= available * MEMORY_SHARE:
        return
    runs = f"{processes} runs at once (one per worker) of {households:,} households" \
        if processes > 1 else f"a run of {households:,} households"
    fit = households_that_fit(available, processes)
    fewer = f"; with --workers 1, {households_that_fit(available):,}" if processes > 1 else ""
    raise PovsimError(
        f"{runs} would need about {_size(need)} of memory (about {BYTES_PER_HOUSEHOLD} bytes "
        f"a household, {_size(PROCESS_BYTES)} a process); this machine has "
        f"{_size(available)} available: up to about {fit:,} households a run fit"
        f"{fewer}" + (f"; or {where}" if where else ""))


def check_runs(runs: int, what: str) -> None:
    """Refuse a batch of more than :data:`MAX_RUNS` runs (before planning them).

    Args:
        runs: Runs the batch would have.
        what: Where the number comes from, for the message (``"--seeds 1000000000 x 2
            scenarios"``).

    Raises:
        PovsimError: Naming ``what`` and the limit.
    """
    if runs > MAX_RUNS:
        raise PovsimError(f"{what} makes {runs:,} runs; allowed: at most {MAX_RUNS:,} runs a "
                          "batch (planning a million takes a minute and 1.3 GB); split it "
                          "into batches, each into its own output folder")


def max_workers() -> int:
    """Most worker processes on this machine: :data:`WORKERS_PER_CPU` per CPU."""
    return WORKERS_PER_CPU * max(os.cpu_count() or 1, 1)


def check_workers(workers: int | None, what: str = "--workers") -> None:
    """Refuse a number of workers below 1 or above :func:`max_workers`.

    Raises:
        PovsimError: Naming the option and the allowed range.
    """
    if workers is None:
        return
    cap = max_workers()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise PovsimError(f"{what} {workers!r}: allowed: a whole number of at least 1 (and "
                          f"at most {cap}, {WORKERS_PER_CPU} per CPU of this machine)")
    if workers > cap:
        raise PovsimError(f"{what} {workers!r}: allowed: a whole number from 1 to {cap} "
                          f"({WORKERS_PER_CPU} per CPU of this machine); for more, "
                          f"{CLUSTER_HINT}")
