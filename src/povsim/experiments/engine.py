"""Running a sweep: plan the runs, execute those not yet stored, store each as it finishes.

:func:`run_sweep` makes the design and the plan of a spec, opens (or, with
``resume``, reopens) the result store, and streams the runs still to do through an
executor: each result is written to disk as soon as it arrives and then dropped, so
memory stays flat. A run that raises is recorded with its parameters and traceback
and the others go on. Ctrl-C stops the sweep after the runs in flight, keeping
everything that finished; ``resume=True`` continues it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from povsim.errors import PovsimError
from povsim.experiments.designs import Design, make_design
from povsim.experiments.executors import ExecutionFailure, Executor, make_executor
from povsim.experiments.manifest import build_manifest, check_store
from povsim.experiments.plan import PlannedRun, plan_runs
from povsim.experiments.spec import ExperimentSpec
from povsim.experiments.store import ResultStore
from povsim.experiments.worker import RunRecord, RunTask, execute
from povsim.params import Parameters

PROGRESS_SMOOTHING = 0.1
"""Weight of the latest runs in the progress bar's rate and time remaining (tqdm)."""

RESULTS_ROOT = Path("results")
"""Parent of a sweep's default output folder (``results/<experiment name>``)."""


@dataclass
class SweepReport:
    """What a sweep session did.

    Attributes:
        root: The sweep's folder.
        planned: Runs in the plan.
        skipped: Runs already stored when the session started (resumed).
        finished: Runs this session finished.
        failures: Every run recorded as failed at the end (records with run_id,
            parameters, error).
        seconds: Wall time of the session's runs.
        executor: Where the runs executed (``"local, 2 workers"``).
        interrupted: Whether Ctrl-C stopped the session early.
    """

    root: Path
    planned: int
    skipped: int = 0
    finished: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    executor: str = ""
    interrupted: bool = False

    @property
    def stored(self) -> int:
        """Runs stored at the end of the session."""
        return self.skipped + self.finished

    @property
    def complete(self) -> bool:
        """Whether every planned run is stored."""
        return self.stored == self.planned

    @property
    def runs_per_second(self) -> float:
        """Runs finished per second of this session."""
        return self.finished / self.seconds if self.seconds else float("nan")


# ------------------------------------------------------------------ the output folder
def default_out(spec: ExperimentSpec) -> Path:
    """``results/<experiment name>``."""
    return RESULTS_ROOT / spec.name


# ------------------------------------------------------------------ running
def _tasks(spec: ExperimentSpec, runs: list[PlannedRun], skip: set[int]) -> Iterator[RunTask]:
    """The tasks of the runs not stored yet, made lazily (one base tree per scenario/policy)."""
    bases: dict[tuple[str, str], Parameters] = {}
    scenarios = {s.name: s for s in spec.scenarios}
    policies = {p.name: p for p in spec.policies}
    for run in runs:
        if run.run_id in skip:
            continue
        key = (run.scenario, run.policy)
        if key not in bases:
            overrides = {**spec.constants, **policies[run.policy].overrides}
            params = scenarios[run.scenario].params
            bases[key] = params.with_overrides(overrides) if overrides else params
        yield RunTask(run, bases[key], spec.years, spec.outputs)


def _failure_record(spec: ExperimentSpec, run: PlannedRun, error: str,
                    seconds: float) -> dict[str, Any]:
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    return {
        **run.labels(),
        "parameters": {**spec.constants, **dict(next(p.overrides for p in spec.policies
                                                     if p.name == run.policy)),
                       **dict(run.values)},
        "error": lines[-1] if lines else "",
        "traceback": error,
        "seconds": round(seconds, 3),
    }


def run_sweep(spec: ExperimentSpec, out: str | Path | None = None, *,
              executor: str | Executor = "local", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False,
              progress: bool = False, command: str = "",
              design: Design | None = None) -> SweepReport:
    """Run every run of a spec not yet stored, writing each to the store as it finishes.

    Args:
        spec: The checked spec.
        out: The sweep's folder (``results/<name>`` if ``None``).
        executor: ``serial``, ``local`` or ``dask``, or an :class:`Executor` to use
            (it is left open for reuse).
        workers: Worker processes (the CPUs available if ``None``).
        scheduler: Dask scheduler address (``dask`` only).
        resume: Continue a sweep already in ``out`` (skipping its stored runs).
        progress: Show a progress bar with the time remaining.
        command: The command line, for the manifest.
        design: The spec's design points, if already made (:func:`make_design`).

    Returns:
        What the session did; failed runs are in ``report.failures``.

    Raises:
        PovsimError: For a folder holding another sweep, a bad executor or worker
            count, or a missing extra.
    """
    root = Path(out) if out is not None else default_out(spec)
    design = make_design(spec) if design is None else design
    runs = plan_runs(spec, design)
    store, to_write = check_store(root, build_manifest(spec, design, runs), resume=resume)
    owned = not isinstance(executor, Executor)
    pool = make_executor(executor, workers, scheduler) if owned else executor
    assert isinstance(pool, Executor)
    report = SweepReport(root, len(runs), executor=pool.describe())
    try:
        with store.lock():
            store.remove_temporary()
            store.write_manifest(to_write)
            _execute(spec, runs, store, pool, report, progress, command)
    finally:
        if owned:
            pool.close()
    return report


def _execute(spec: ExperimentSpec, runs: list[PlannedRun], store: ResultStore,
             pool: Executor, report: SweepReport, progress: bool, command: str) -> None:
    """Execute the runs not stored yet, storing each as it finishes; fill in the report."""
    from tqdm.auto import tqdm

    done = store.finished()
    report.skipped = len(done)
    session = _start_session(store, report, command)
    started = time.perf_counter()
    by_id = {run.run_id: run for run in runs}
    bar = tqdm(total=len(runs), initial=len(done), desc=spec.name, unit="run",
               disable=not progress, smoothing=PROGRESS_SMOOTHING)
    failed = 0
    try:
        for task, record in pool.map_unordered(execute, _tasks(spec, runs, done)):
            run = by_id[task.run.run_id]
            if isinstance(record, ExecutionFailure):
                record = RunRecord(run.run_id, None, record.error)
            if record.ok and record.data is not None:
                store.write_run(run.run_id, record.data)
                report.finished += 1
            else:
                store.write_failure(run.run_id, _failure_record(
                    spec, run, record.error or "", record.seconds))
                failed += 1
                bar.set_postfix(failed=failed)
            bar.update()
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        bar.close()
        report.seconds = time.perf_counter() - started
        report.failures = store.failures()
        _end_session(store, session, report)


def _start_session(store: ResultStore, report: SweepReport, command: str) -> dict[str, Any]:
    manifest = store.read_manifest()
    session = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
               "executor": report.executor, "runs_stored_before": report.skipped,
               "command": command or " ".join(sys.argv), "status": "running"}
    manifest.setdefault("sessions", []).append(session)
    store.write_manifest(manifest)
    return session


def _end_session(store: ResultStore, session: dict[str, Any], report: SweepReport) -> None:
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


# ------------------------------------------------------------------ after the sweep
def draw_products(root: str | Path) -> tuple[dict[str, Path], list[str]]:
    """Draw the figures and run the analyses a sweep's spec asks for.

    Figures are drawn from whatever runs are stored; analyses need every design
    point and are skipped (with a note) otherwise.

    Args:
        root: The sweep's folder.

    Returns:
        The files written by name, and notes on what was not made.
    """
    from povsim.experiments.analysis import sensitivity, write_sensitivity
    from povsim.experiments.figures import write_figures
    from povsim.experiments.store import load_results

    store = ResultStore(root)
    manifest = store.read_manifest()
    written: dict[str, Path] = {}
    notes: list[str] = []
    if not store.finished():
        return written, ["no run finished, so no figures or analyses were made"]
    results = load_results(root)
    try:
        written.update(write_figures(root, manifest.get("figures", []), results))
    except PovsimError as exc:
        notes.append(f"figures not drawn: {exc}")
    for analysis in manifest.get("analyses", []):
        try:
            table = sensitivity(root, analysis["output"], year=analysis.get("year"),
                                results=results)
        except PovsimError as exc:
            notes.append(f"analysis of {analysis['output']} not made: {exc}")
            continue
        files = write_sensitivity(root, table)
        written.update({str(path.relative_to(root)): path for path in files.values()})
    return written, notes
