"""Running simulations: one picklable run, and many in this process or a local pool.

:func:`simulate` runs one parameter set with one seed and returns its yearly
outputs. :class:`RunSpec` describes a run as plain, picklable data, so runs can go
to other processes; :func:`iter_runs` and :func:`run_all` execute many specs in this
process or in a pool of worker processes
(:class:`~povsim.experiments.executors.LocalPoolExecutor`). A run's result depends only on its spec,
never on the number of workers or the order in which runs finish.

A run that raises is reported in its :class:`RunResult` (with the traceback) instead
of stopping the others.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import pandas as pd

from povsim.params import Parameters

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


def _worker(item: tuple[int, RunSpec]) -> tuple[pd.DataFrame | None, float, str | None]:
    """Run in a worker process; returns the parts of the result (not the spec back).

    Args:
        item: The index of the spec and the spec.
    """
    result = run_spec(item[1])
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
    with (tqdm(total=len(specs), desc=desc, unit="run", disable=not progress) as bar,
          closing(_execute(specs, workers)) as results):  # closes the pool on early exit
        for index, result in results:
            failed += not result.ok
            if failed:
                bar.set_postfix(failed=failed)
            bar.update()
            yield index, result


def _execute(specs: Sequence[RunSpec], workers: int) -> Iterator[tuple[int, RunResult]]:
    """Run the specs in this process, or in a local pool that is closed afterwards."""
    if workers == 1 or len(specs) <= 1:
        for index, spec in enumerate(specs):
            yield index, run_spec(spec)
        return
    # imported here: povsim.experiments builds on this module (its worker runs RunSpecs)
    from povsim.experiments.executors import LocalPoolExecutor

    # closing the pool also on Ctrl-C or when the caller stops early drops unstarted runs
    with LocalPoolExecutor(min(workers, len(specs))) as pool:
        for (index, spec), outcome in pool.map_unordered(_worker, enumerate(specs)):
            yield index, _collect(spec, outcome)


def _collect(spec: RunSpec, outcome: Any) -> RunResult:
    """The result of a run from its worker's parts, or from the executor's failure."""
    from povsim.experiments.executors import ExecutionFailure

    if isinstance(outcome, ExecutionFailure):  # e.g. a worker process died
        return RunResult(spec, None, 0.0, outcome.error)
    outputs, seconds, error = outcome
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
