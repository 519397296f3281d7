"""Comparing scenarios over many seeds: what to compare, and running it as a sweep.

Every scenario is run with the same seeds. The model draws each kind of random event
from its own stream, so the same seed gives the same shocks in every scenario
(common random numbers): differences between scenarios are then paired by seed and
much sharper than differences between independent runs.

:func:`prepare_comparison` loads and checks the scenario files (every problem at
once, nothing run on an invalid file); :func:`run_comparison` runs the comparison as
the sweep it is (scenarios x seeds, :meth:`Comparison.experiment`) through the one
engine: any executor, a result store, ``resume`` after an interruption or a kill.
:mod:`~povsim.study.compare.tables` summarises the runs and
:mod:`~povsim.study.compare.write` writes the tables, figures, report and manifest.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from povsim.errors import PovsimError
from povsim.study.compare.tables import ID_COLUMNS, summary_table, yearly_table
from povsim.study.executors import ExecutorLike
from povsim.study.resources import check_runs
from povsim.study.scenarios import Scenario, load_scenarios
from povsim.study.seeds import check_seeds
from povsim.study.store import COMPARISON_STORE, ResultStore
from povsim.study.sweeps.spec import ExperimentSpec

EXPERIMENT_NAME = "compare"
"""Name of a comparison's sweep (in its store's manifest)."""

STAGING_PREFIX = ".povsim-writing-"
"""Name of the hidden folder a comparison's files are written into before they move."""

STORE = COMPARISON_STORE
"""Folder of a comparison's result store, inside its output folder."""

FILES = {
    "runs": "runs.csv",
    "yearly": "yearly.csv",
    "summary": "summary.csv",
    "parameters": "parameters.csv",
    "headcount": "headcount.png",
    "transfers": "transfers.png",
    "flows": "flows.png",
    "spending": "spending.png",
    "costs": "costs.png",
    "causes": "causes.png",
    "errors": "errors.log",
    "manifest": "manifest.json",
    "report": "report.md",
    "html": "report.html",
}
"""Files a comparison writes, by kind (figures and ``errors`` only when there is something
to show)."""

INTERRUPTED = "KeyboardInterrupt: not run (the comparison was interrupted)"
"""Error recorded for the runs an interruption prevented."""


# ------------------------------------------------------------------ what to compare
@dataclass(frozen=True)
class Comparison:
    """Scenarios to run over the same seeds.

    Attributes:
        scenarios: The scenarios; the first is the reference for differences.
        seeds: The seeds every scenario is run with.
        years: Years to simulate (to each scenario's end year if ``None``).
        overrides: Values applied to every scenario (for example from ``--set``).
    """

    scenarios: tuple[Scenario, ...]
    seeds: tuple[int, ...]
    years: int | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> Scenario:
        """The first scenario, which the others are compared with."""
        return self.scenarios[0]

    @property
    def names(self) -> list[str]:
        """Scenario names in the order given."""
        return [s.name for s in self.scenarios]

    @property
    def start_year(self) -> int:
        """Year of the initial state."""
        return self.reference.params.run.start_year

    @property
    def end_years(self) -> dict[str, int]:
        """Each scenario's last simulated year, by name (scenarios may end apart)."""
        return {s.name: s.params.run.end_year if self.years is None
                else s.params.run.start_year + self.years for s in self.scenarios}

    @property
    def end_year(self) -> int:
        """The last simulated year of any scenario."""
        return max(self.end_years.values())

    @property
    def common_end_year(self) -> int:
        """The last year every scenario simulates."""
        return min(self.end_years.values())

    def experiment(self) -> ExperimentSpec:
        """The comparison as a sweep: its scenarios x its seeds, nothing varied."""
        described = {"scenarios": [str(s.path) if s.path else s.name for s in self.scenarios],
                     "seeds": list(self.seeds), "years": self.years,
                     "overrides": dict(self.overrides)}
        return ExperimentSpec(name=EXPERIMENT_NAME, scenarios=self.scenarios,
                              replications=len(self.seeds), common_seeds=True,
                              seeds=self.seeds, years=self.years, source="povsim compare",
                              text=json.dumps(described, indent=2, default=str))


def prepare_comparison(
    paths: Sequence[str | Path],
    *,
    seeds: Sequence[int],
    years: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Comparison:
    """Load and check scenario files for a comparison.

    Args:
        paths: Scenario files; the first is the reference.
        seeds: Seeds to run every scenario with.
        years: Years to simulate (to the end year if ``None``).
        overrides: Dotted-path values applied to every scenario (``--set``).

    Returns:
        The comparison, ready to run.

    Raises:
        PovsimError: Listing every problem in every file, or a problem with the seeds,
            the years or the scenario names.
    """
    if not paths:
        raise PovsimError("give at least one scenario file to compare")
    check_runs(len(paths) * len(seeds), f"{len(paths)} scenario(s) x {len(seeds)} seeds")
    check_seeds(seeds)
    scenarios = load_scenarios(paths, overrides)
    check_names(scenarios)
    check_years(scenarios, years, same_end=False)
    return Comparison(tuple(scenarios), tuple(int(s) for s in seeds), years,
                      dict(overrides or {}))


def check_names(scenarios: Sequence[Scenario]) -> None:
    """Check that scenarios compared by name have distinct names.

    Raises:
        PovsimError: Naming each repeated name and its files.
    """
    by_name: dict[str, list[str]] = {}
    for s in scenarios:
        by_name.setdefault(s.name, []).append(str(s.path))
    clashes = {name: files for name, files in by_name.items() if len(files) > 1}
    if clashes:
        listed = "; ".join(f"{name!r}: {', '.join(files)}" for name, files in clashes.items())
        raise PovsimError(f"scenarios to compare need distinct names ({listed}); set a "
                          "different name = ... in the [scenario] table of each file")


def check_years(scenarios: Sequence[Scenario], years: int | None, *,
                hint: str = "give --years", same_end: bool = True) -> None:
    """Check that scenarios compared year by year start together (and end together).

    Args:
        scenarios: The scenarios.
        years: Years to simulate (``--years``), or ``None`` for each scenario's end year.
        hint: What else the user can do when the years differ (besides aligning them).
        same_end: Whether the scenarios must also end in the same year (a comparison's
            tables and report handle different end years; a validation does not).

    Raises:
        PovsimError: If ``years`` is out of range or the scenarios' years differ.
    """
    spans = {s.name: (s.params.run.start_year, s.params.run.end_year) for s in scenarios}
    shortest = min(end - start for start, end in spans.values())
    if years is not None and not 1 <= years <= shortest:
        raise PovsimError(f"--years {years}: allowed: a whole number from 1 to {shortest} "
                          "(the years every scenario covers)")
    starts = {start for start, _ in spans.values()}
    ends = {end for _, end in spans.values()}
    if len(starts) > 1 or (same_end and years is None and len(ends) > 1):
        listed = ", ".join(f"{name} {a}-{b}" for name, (a, b) in spans.items())
        what = "years" if same_end else "start year"
        raise PovsimError(f"scenarios to compare must cover the same {what} ({listed}); set "
                          f"run.start_year{' and run.end_year' if same_end else ''} alike, "
                          f"or {hint}")


# ------------------------------------------------------------------ running
def start_afresh(store: ResultStore) -> None:
    """Clear a store for a new batch, unless it holds one that has not finished.

    Raises:
        PovsimError: If the store holds runs of a batch that did not finish (they would
            be lost): continue it with ``--resume``, or choose another folder.
    """
    if store.exists():
        planned = store.read_manifest().get("planned_runs")
        done = len(store.finished())
        if planned is not None and done < planned:
            raise PovsimError(
                f"{store.root} holds an unfinished batch of runs ({done} of {planned} "
                "stored); add --resume (resume=True) to continue it, or choose another "
                "--out folder (or remove this one) to start afresh")
    store.clear()


def check_output_folder(out: str | Path, *, resume: bool = False,
                        overwrite: bool = False) -> Path:
    """Check that a comparison may write into ``out``, before anything runs.

    The folder must be writable. Without ``resume`` it must be empty, unless
    ``overwrite`` allows replacing what a comparison wrote there: its files are then
    removed now (other files stay), and its store is replaced when the runs start. A
    store of runs that did not finish is never replaced (see :func:`start_afresh`).

    Args:
        out: The output folder (created if missing).
        resume: Continue the comparison in the folder.
        overwrite: Replace the comparison in the folder.

    Returns:
        The folder.

    Raises:
        PovsimError: If the folder cannot be written, holds unfinished runs (without
            ``resume``), or is not empty (without ``resume`` or ``overwrite``).
    """
    from povsim.util.atomic import check_writable

    folder = check_writable(out, "--out")
    if resume:
        return folder
    store = ResultStore(folder / STORE)
    if store.exists():
        planned = store.read_manifest().get("planned_runs")
        done = len(store.finished())
        if planned is not None and done < planned:
            start_afresh(store)                     # says why, and what to do
    for leftover in folder.glob(f"{STAGING_PREFIX}*"):  # of a comparison killed writing
        shutil.rmtree(leftover, ignore_errors=True)
    held = sorted(entry.name for entry in folder.iterdir()
                  if entry.name != STORE or store.exists() or store.finished())
    if held and not overwrite:
        listed = ", ".join(held[:SHOWN_FILES]) + (", ..." if len(held) > SHOWN_FILES else "")
        raise PovsimError(f"{folder} is not empty (it holds {listed}); add --overwrite "
                          "(overwrite=True) to replace the comparison in it (other files "
                          "stay), --resume to continue it, or choose another --out folder")
    for name in FILES.values():
        (folder / name).unlink(missing_ok=True)
    return folder


SHOWN_FILES = 6
"""Files of a folder named in a message."""


@dataclass(frozen=True)
class RunOutcome:
    """How one run of a comparison went.

    Attributes:
        scenario: Its scenario.
        seed: Its seed.
        seconds: Its wall time (NaN if it did not finish).
        error: The traceback if it failed or did not run, else ``None``.
    """

    scenario: str
    seed: int
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the run finished."""
        return self.error is None

    @property
    def error_summary(self) -> str:
        """The last line of the error (the exception and its message), or ""."""
        lines = [line for line in (self.error or "").strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


@dataclass(frozen=True)
class ComparisonResult:
    """The runs of a comparison.

    Attributes:
        comparison: What was compared.
        runs: Yearly outputs of every finished run: scenario, seed, year, outputs.
        outcomes: How each run went, scenario by scenario, seed by seed.
        seconds: Wall time of the session's runs.
        workers: Runs executed at a time.
        interrupted: Whether the runs were interrupted (Ctrl-C) before all finished.
    """

    comparison: Comparison
    runs: pd.DataFrame
    outcomes: tuple[RunOutcome, ...] = ()
    seconds: float = 0.0
    workers: int = 1
    interrupted: bool = False

    @property
    def failures(self) -> list[RunOutcome]:
        """The runs that failed or did not run."""
        return [r for r in self.outcomes if not r.ok]

    def yearly(self) -> pd.DataFrame:
        """Mean of every output by scenario and year (see :func:`yearly_table`)."""
        return yearly_table(self.runs, self.comparison.names)

    def summary(self) -> pd.DataFrame:
        """End-year values and totals with paired differences (see :func:`summary_table`)."""
        return summary_table(self.runs, self.comparison.names)


def run_comparison(comparison: Comparison, *, store: str | Path | None = None,
                   executor: ExecutorLike | None = None, workers: int | None = 1,
                   scheduler: str | None = None, resume: bool = False,
                   progress: bool = False, command: str = "") -> ComparisonResult:
    """Run every scenario with every seed: the comparison's sweep.

    Args:
        comparison: What to run.
        store: Folder of the result store (a temporary folder, deleted afterwards, if
            ``None``). Without ``resume``, the runs of an earlier comparison there are
            discarded if it finished, and kept (with an error) if it did not.
        executor: ``serial``, ``local`` or ``dask``, or an executor to use and leave
            open (see :func:`~povsim.study.executors.open_executor`); by default
            serial for one worker, else the local pool.
        workers: Worker processes (the CPUs available if ``None``); results do not
            depend on it.
        scheduler: Dask scheduler address.
        resume: Keep the runs already in ``store`` and run only the others.
        progress: Show a progress bar over runs.
        command: The command line, for the store's manifest.

    Returns:
        The results, failed runs included. If interrupted (Ctrl-C), the runs that
        finished, and the others as failed with the error :data:`INTERRUPTED`.

    Raises:
        PovsimError: If ``store`` holds an unfinished batch (without ``resume``) or
            another batch than this comparison's (with it), or for a bad executor.
    """
    from povsim.study.sweeps.designs import make_design
    from povsim.study.sweeps.engine import run_sweep
    from povsim.study.sweeps.plan import plan_runs

    if executor is None:
        executor = "serial" if workers == 1 else "local"
    spec = comparison.experiment()
    design = make_design(spec)
    planned = plan_runs(spec, design)
    with tempfile.TemporaryDirectory(prefix="povsim-compare-") as tmp:
        folder = Path(store) if store is not None else Path(tmp) / STORE
        kept = ResultStore(folder)
        with kept.lock():       # nothing else may write here from the check to the end
            if not resume:
                start_afresh(kept)
            started = time.perf_counter()
            report = run_sweep(spec, folder, executor=executor, workers=workers,
                               scheduler=scheduler, resume=resume, progress=progress,
                               command=command, design=design)
            seconds = time.perf_counter() - started
            runs = kept.load(run_ids=[run.run_id for run in planned]).drop(
                columns=["run_id", "policy", "point", "replication"], errors="ignore")
            times = kept.seconds()
    failed = {f["run_id"]: f for f in report.failures}
    outcomes = tuple(
        RunOutcome(run.scenario, run.seed, times[run.run_id]) if run.run_id in times
        else RunOutcome(run.scenario, run.seed, float("nan"),
                        failed[run.run_id]["traceback"] if run.run_id in failed
                        else INTERRUPTED)
        for run in planned)
    if not len(runs):
        runs = pd.DataFrame(columns=[*ID_COLUMNS, "year"])
    return ComparisonResult(comparison, runs, outcomes, seconds, report.workers,
                            report.interrupted)
