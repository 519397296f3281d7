"""Running a sweep: plan the runs, then execute those not yet stored as one batch.

:func:`run_sweep` makes the design and the plan of a spec, checks the folder (a new
sweep, or with ``resume`` the same sweep to continue) and hands the runs to the engine
(:func:`povsim.study.batch.run_batch`): each run is stored as it finishes, a failed
run is recorded with its parameters and traceback, Ctrl-C keeps everything that
finished, and ``resume=True`` continues. A comparison and a validation are sweeps too
(scenarios x given seeds).
"""

from __future__ import annotations

from pathlib import Path

from povsim.errors import PovsimError
from povsim.study.batch import BatchReport, run_batch
from povsim.study.executors import ExecutorLike
from povsim.study.store import ResultStore
from povsim.study.sweeps.designs import Design, make_design
from povsim.study.sweeps.manifest import build_manifest, check_store
from povsim.study.sweeps.plan import plan_runs, recorded_parameters, run_specs
from povsim.study.sweeps.spec import ExperimentSpec

RESULTS_ROOT = Path("results")
"""Parent of a sweep's default output folder (``results/<experiment name>``)."""


def default_out(spec: ExperimentSpec) -> Path:
    """``results/<experiment name>``."""
    return RESULTS_ROOT / spec.name


def run_sweep(spec: ExperimentSpec, out: str | Path | None = None, *,
              executor: ExecutorLike = "local", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False,
              progress: bool = False, command: str = "",
              design: Design | None = None) -> BatchReport:
    """Run every run of a spec not yet stored, writing each to the store as it finishes.

    Args:
        spec: The checked spec.
        out: The sweep's folder (``results/<name>`` if ``None``).
        executor: ``serial``, ``local`` or ``dask``, or an executor to use and leave
            open: a povsim Executor, a ``concurrent.futures.Executor`` or a Dask
            ``distributed.Client``.
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
    new = build_manifest(spec, design, runs)
    with ResultStore(root).lock():      # the folder checked and held in one step
        store, manifest = check_store(root, new, resume=resume)
        return run_batch(run_specs(spec, runs), store, executor, workers=workers,
                         scheduler=scheduler, manifest=manifest, progress=progress,
                         desc=spec.name, command=command,
                         parameters=recorded_parameters(spec))


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
    from povsim.study.store import load_results
    from povsim.study.sweeps.analysis import sensitivity, write_sensitivity
    from povsim.study.sweeps.figures import write_figures

    store = ResultStore(root)
    manifest = store.read_sweep_manifest()
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
