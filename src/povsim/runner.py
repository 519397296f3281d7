"""Running simulations: one picklable run, and a local executor for many.

:func:`simulate` runs one parameter set with one seed and returns its yearly
outputs. :class:`RunSpec` describes a run as plain, picklable data, so runs can go
to other processes; :func:`iter_runs` and :func:`run_all` execute many specs in this
process or in a pool of worker processes. A run's result depends only on its spec,
never on the number of workers or the order in which runs finish.

A run that raises is reported in its :class:`RunResult` (with the traceback) instead
of stopping the others.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

import pandas as pd

from povsim.params import Parameters

START_METHOD = "spawn"
"""How worker processes start: "spawn" works on every platform and inherits no state
(threads, open files, random generators) from the parent process."""

ID_COLUMNS = ("scenario", "seed")
"""Columns that identify a run in a table of outputs, before ``year`` and the outputs."""


@dataclass(frozen=True, slots=True)
class RunSpec:
    """Everything one run needs, as picklable data.

    Attributes:
        params: The full parameter tree.
        seed: Random seed (the same seed gives the same shocks in every scenario).
        scenario: Name of the scenario, written in the ``scenario`` column.
        years: Years to simulate (to the end year if ``None``).
    """

    params: Parameters
    seed: int
    scenario: str = ""
    years: int | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    """What came of one run.

    Attributes:
        spec: The run.
        outputs: Yearly outputs (see :func:`simulate`), or ``None`` if the run failed.
        seconds: Wall time of the run.
        error: The traceback if the run failed, else ``None``.
    """

    spec: RunSpec
    outputs: pd.DataFrame | None
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the run finished."""
        return self.error is None

    @property
    def error_summary(self) -> str:
        """The last line of the error (the exception and its message), or ""."""
        if not self.error:
            return ""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


def simulate(params: Parameters, seed: int, *, scenario: str = "",
             years: int | None = None) -> pd.DataFrame:
    """Run the model once and return its yearly outputs.

    Args:
        params: The full parameter tree.
        seed: Random seed.
        scenario: Name written in the ``scenario`` column.
        years: Years to simulate (to ``params.run.end_year`` if ``None``).

    Returns:
        One row per year, from the start year: columns ``scenario``, ``seed``, ``year``
        and every output of :data:`povsim.metrics.OUTPUTS`.
    """
    from povsim.model import PovertyModel

    model = PovertyModel(params, rng=seed)
    model.run(years=years)
    table = model.outputs().reset_index(drop=True)
    table.insert(0, "seed", seed)
    table.insert(0, "scenario", scenario)
    return table


def _noop() -> None:
    """A task that does nothing (used to start a pool's workers)."""


def start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start all of a pool's worker processes now, each born ignoring Ctrl-C.

    A Ctrl-C in a terminal signals the whole process group. Workers must leave it to
    the parent, which shuts them down; a worker still starting (importing povsim) would
    otherwise print a ``KeyboardInterrupt`` traceback. Ignoring SIGINT in the parent
    while the workers are created gives each that disposition from birth (it survives
    the exec of a new interpreter); the parent's handler is then restored.

    Args:
        pool: A new pool (workers are created on demand, one per submitted task while
            none is idle).
        workers: The pool's ``max_workers``.
    """
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        futures = [pool.submit(_noop) for _ in range(workers)]
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    for future in futures:
        future.result()


def run_spec(spec: RunSpec) -> RunResult:
    """Run one spec, turning any exception into a failed :class:`RunResult`.

    Args:
        spec: The run.

    Returns:
        Its result; never raises for an error inside the model.
    """
    started = time.perf_counter()
    try:
        outputs = simulate(spec.params, spec.seed, scenario=spec.scenario, years=spec.years)
    except Exception:  # a failed run is reported, not fatal to the others
        return RunResult(spec, None, time.perf_counter() - started, traceback.format_exc())
    return RunResult(spec, outputs, time.perf_counter() - started)


def _worker(spec: RunSpec) -> tuple[pd.DataFrame | None, float, str | None]:
    """Run in a worker process; returns the parts of the result (not the spec back)."""
    result = run_spec(spec)
    return result.outputs, result.seconds, result.error


def iter_runs(specs: Sequence[RunSpec], *, workers: int = 1, progress: bool = False,
              desc: str = "runs") -> Iterator[tuple[int, RunResult]]:
    """Execute runs, yielding ``(index in specs, result)`` as each finishes.

    Args:
        specs: The runs.
        workers: Processes to use; 1 runs everything in this process.
        progress: Show a tqdm progress bar over runs.
        desc: Label of the progress bar.

    Yields:
        The index of each spec and its result, in the order runs finish.
    """
    from tqdm.auto import tqdm

    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    failed = 0
    with tqdm(total=len(specs), desc=desc, unit="run", disable=not progress) as bar:
        for index, result in _execute(specs, workers):
            failed += not result.ok
            if failed:
                bar.set_postfix(failed=failed)
            bar.update()
            yield index, result


def _execute(specs: Sequence[RunSpec], workers: int) -> Iterator[tuple[int, RunResult]]:
    if workers == 1 or len(specs) <= 1:
        for index, spec in enumerate(specs):
            yield index, run_spec(spec)
        return
    context = multiprocessing.get_context(START_METHOD)
    n_workers = min(workers, len(specs))
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
    start_workers(pool, n_workers)
    try:
        pending: dict[Future, int] = {pool.submit(_worker, spec): i
                                      for i, spec in enumerate(specs)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=pending.__getitem__):
                index = pending.pop(future)
                yield index, _collect(future, specs[index])
    finally:  # also on Ctrl-C or when the caller stops early: drop the runs not started
        pool.shutdown(wait=True, cancel_futures=True)


def _collect(future: Future, spec: RunSpec) -> RunResult:
    try:
        outputs, seconds, error = future.result()
    except Exception as exc:  # e.g. a worker process died
        return RunResult(spec, None, 0.0, f"the worker process failed: {exc!r}")
    return RunResult(spec, outputs, seconds, error)


def run_all(specs: Sequence[RunSpec], *, workers: int = 1,
            progress: bool = False) -> list[RunResult]:
    """Execute runs and return their results in the order of ``specs``.

    Args:
        specs: The runs.
        workers: Processes to use; 1 runs everything in this process.
        progress: Show a tqdm progress bar over runs.

    Returns:
        One result per spec, failed runs included (see :attr:`RunResult.ok`).
    """
    results: list[RunResult | None] = [None] * len(specs)
    for index, result in iter_runs(specs, workers=workers, progress=progress):
        results[index] = result
    return [r for r in results if r is not None]
