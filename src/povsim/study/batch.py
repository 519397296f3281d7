"""The engine: a batch of runs, executed into a result store, resumable.

Every batch of runs goes through :func:`run_batch`: a sweep, a comparison (a sweep of
scenarios x seeds), a validation (a comparison of a scenario and its counterfactual)
and each evaluation of a calibration. It takes the batch's :class:`~povsim.study.runs.RunSpec`
list, a :class:`~povsim.study.store.ResultStore` and an executor (a name, or any
executor :func:`~povsim.study.executors.open_executor` accepts), and streams the runs
the store lacks through the executor: each result is written to disk as soon as it
arrives and then dropped, so memory stays flat. A run that raises is recorded with its
parameters and traceback and the others go on. Ctrl-C stops the batch after the runs in
flight, keeping everything that finished; a process killed outright loses only the
runs in flight. Running the same batch again into the same store finishes it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from povsim.study.executors import (
    ExecutionFailure,
    Executor,
    ExecutorLike,
    default_workers,
    open_executor,
)
from povsim.study.resources import CLUSTER_HINT, check_memory
from povsim.study.runs import PlannedRun, RunRecord, RunSpec, execute
from povsim.study.store import ResultStore

PROGRESS_SMOOTHING = 0.1
"""Weight of the latest runs in the progress bar's rate and time remaining (tqdm)."""


@dataclass
class BatchReport:
    """What a batch session did.

    Attributes:
        root: The store's folder.
        planned: Runs in the batch.
        skipped: Runs already stored when the session started (resumed).
        finished: Runs this session finished.
        failures: Every run recorded as failed at the end (records with run_id,
            parameters, error, traceback).
        seconds: Wall time of the session's runs.
        executor: Where the runs executed (``"local, 2 workers"``).
        workers: Runs the executor executed at a time.
        interrupted: Whether Ctrl-C stopped the session early.
        rejected: Run files found damaged or of another batch when the session started,
            by run id, with what was wrong: moved to ``rejected/`` and run again.
    """

    root: Path
    planned: int
    skipped: int = 0
    finished: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    executor: str = ""
    workers: int = 1
    interrupted: bool = False
    rejected: dict[int, str] = field(default_factory=dict)

    @property
    def stored(self) -> int:
        """Runs stored at the end of the session."""
        return self.skipped + self.finished

    @property
    def complete(self) -> bool:
        """Whether every run of the batch is stored."""
        return self.stored == self.planned

    @property
    def runs_per_second(self) -> float:
        """Runs finished per second of this session."""
        return self.finished / self.seconds if self.seconds else float("nan")


def values_of(run: PlannedRun) -> dict[str, Any]:
    """The parameters a failed run records by default: the values set on its scenario."""
    return dict(run.values)


def run_batch(specs: Sequence[RunSpec], store: ResultStore,
              executor: ExecutorLike = "local", *, workers: int | None = None,
              scheduler: str | None = None, manifest: dict[str, Any] | None = None,
              progress: bool = False, desc: str = "runs", command: str = "",
              parameters: Callable[[PlannedRun], dict[str, Any]] = values_of) -> BatchReport:
    """Execute every run of a batch that the store lacks, storing each as it finishes.

    Args:
        specs: The batch, in run-id order.
        store: Where results go (it may hold some already: they are skipped).
        executor: A name (``serial``, ``local``, ``dask``) or an executor to use and
            leave open (see :func:`~povsim.study.executors.open_executor`).
        workers: Worker processes of an executor made by name (the CPUs if ``None``).
        scheduler: Dask scheduler address (``dask`` by name only).
        manifest: Written to the store before the runs (after checking it may be).
        progress: Show a progress bar with the time remaining.
        desc: Label of the progress bar.
        command: The command line, for the store's record of sessions.
        parameters: The parameters a failed run records (its values by default).

    Returns:
        What the session did; failed runs are in ``report.failures``. Ctrl-C ends the
        session with ``report.interrupted`` set instead of raising.

    Raises:
        PovsimError: For a folder another live batch holds, a bad executor or number of
            workers, a missing extra, or runs that would not fit in this machine's
            memory (on an executor of this machine; checked before any run starts).
    """
    largest = max((households(spec) for spec in specs), default=0)
    check_batch_memory(largest, len(specs), executor, workers, scheduler)
    with store.lock(), open_executor(executor, workers, scheduler) as pool:
        if not isinstance(executor, str) and not pool.remote:
            check_memory(largest, min(pool.workers, len(specs)), where=CLUSTER_HINT)
        store.remove_temporary()
        if manifest is not None:
            store.write_manifest(manifest)
        ids = {spec.run.run_id for spec in specs}
        good, rejected = store.verify({spec.run.run_id: spec.run.labels() for spec in specs},
                                      set_aside=True)
        report = BatchReport(store.root, len(specs), skipped=len(good & ids),
                             executor=pool.describe(), workers=pool.workers,
                             rejected=rejected)
        session = _start_session(store, report, command) if store.exists() else None
        started = time.perf_counter()
        try:
            execute_runs(specs, store, pool, progress=progress, desc=desc,
                         parameters=parameters, verified=good)
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            report.seconds = time.perf_counter() - started
            report.finished = len(store.finished() & ids) - report.skipped
            report.failures = [f for f in store.failures() if f["run_id"] in ids]
            if session is not None:
                _end_session(store, session, report)
    return report


def check_batch_memory(largest: int, runs: int, executor: ExecutorLike, workers: int | None,
                       scheduler: str | None) -> None:
    """Refuse a batch whose runs held at once would not fit in this machine's memory.

    Args:
        largest: Households of the batch's largest run.
        runs: Runs in the batch (no more of them are held at once).
        executor: The executor asked for; an open executor or a Dask scheduler is not
            checked here (its workers are elsewhere, or counted once it is open).
        workers: Worker processes asked for (the CPUs available if ``None``).
        scheduler: Dask scheduler address.

    Raises:
        PovsimError: If the runs would not fit (see :func:`check_memory`).
    """
    if isinstance(executor, str) and not (executor == "dask" and scheduler):
        at_once = 1 if executor == "serial" else (workers or default_workers())
        check_memory(largest, min(at_once, runs), where=CLUSTER_HINT)


def households(spec: RunSpec) -> int:
    """Households of a run (a sweep may vary them as a factor)."""
    value = spec.run.values.get("population.n_households", spec.params.population.n_households)
    return int(value) if isinstance(value, int | float) else spec.params.population.n_households


def execute_runs(specs: Sequence[RunSpec], store: ResultStore, pool: Executor, *,
                 progress: bool = False, desc: str = "runs",
                 parameters: Callable[[PlannedRun], dict[str, Any]] = values_of,
                 stored: Callable[[RunRecord], None] | None = None,
                 verified: set[int] | None = None) -> None:
    """Execute the runs the store lacks through an open executor, storing each one.

    The caller holds the store (see :meth:`ResultStore.lock`). A stored run is skipped
    only when its file is verified (:meth:`ResultStore.verify`); a damaged one, or one
    of another batch, is set aside and run again.

    Args:
        specs: The runs.
        store: Where results go.
        pool: The executor.
        progress: Show a progress bar.
        desc: Label of the progress bar.
        parameters: The parameters a failed run records.
        stored: Called with the record of each run stored now (to use its table at once).
        verified: The stored runs already verified (verified here if ``None``).

    Raises:
        KeyboardInterrupt: On Ctrl-C, after storing what had finished.
    """
    from tqdm.auto import tqdm

    if verified is None:
        verified, _ = store.verify({spec.run.run_id: spec.run.labels() for spec in specs},
                                   set_aside=True)
    done = verified & {spec.run.run_id for spec in specs}
    failed = 0
    bar = tqdm(total=len(specs), initial=len(done), desc=desc, unit="run",
               disable=not progress, smoothing=PROGRESS_SMOOTHING)
    try:
        for spec, record in pool.map_unordered(execute, _todo(specs, done)):
            run = spec.run
            if isinstance(record, ExecutionFailure):
                record = RunRecord(run.run_id, None, record.error)
            if record.ok and record.data is not None:
                store.write_run(run.run_id, record.data)
                if stored is not None:
                    stored(record)
            else:
                store.write_failure(run.run_id, failure_record(
                    run, parameters(run), record.error or "", record.seconds))
                failed += 1
                bar.set_postfix(failed=failed)
            bar.update()
    finally:
        bar.close()


def _todo(specs: Sequence[RunSpec], done: set[int]) -> Iterator[RunSpec]:
    return (spec for spec in specs if spec.run.run_id not in done)


def failure_record(run: PlannedRun, parameters: dict[str, Any], error: str,
                   seconds: float) -> dict[str, Any]:
    """What the store keeps of a failed run: its labels, parameters, error and traceback."""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    return {
        **run.labels(),
        "parameters": parameters,
        "error": lines[-1] if lines else "",
        "traceback": error,
        "seconds": round(seconds, 3),
    }


def _start_session(store: ResultStore, report: BatchReport, command: str) -> dict[str, Any]:
    manifest = store.read_manifest()
    session = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
               "executor": report.executor, "runs_stored_before": report.skipped,
               "command": command or " ".join(sys.argv), "status": "running"}
    manifest.setdefault("sessions", []).append(session)
    store.write_manifest(manifest)
    return session


def _end_session(store: ResultStore, session: dict[str, Any], report: BatchReport) -> None:
    manifest = store.read_manifest()
    sessions = manifest.setdefault("sessions", [])
    entry = sessions[-1] if sessions and sessions[-1].get("started") == session["started"] \
        else session
    entry.update({
        "ended": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "interrupted" if report.interrupted else "finished",
        "runs_finished": report.finished,
        "runs_failed": len(report.failures),
        "seconds": round(report.seconds, 3),
    })
    if entry is session and session not in sessions:
        sessions.append(session)
    store.write_manifest(manifest)
