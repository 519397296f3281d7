"""Calibration by the simulated method of moments, with common random numbers.

A *calibration spec* (TOML, :mod:`~povsim.study.calibration.spec`) names a base
scenario, a target file, the seeds, and one or more *stages*; each stage fits some free
parameters (each within bounds) to some targets. The objective of a stage is

    J(theta) = sum over its targets of ((model mean - data) / tolerance)^2

where the model mean is over the spec's seeds, the same seeds at every evaluation
(common random numbers make J a deterministic, smooth-enough function of theta), and a
one-sided ("at least") target adds nothing once it is met. With the spec's
``outside_weight`` w, each target also adds ``w * max(|d| - 1, 0)^2`` (``d`` its
distance in tolerances): the part beyond the tolerance weighs more, so among points
that trade one target against another the one with every target inside its tolerance
is preferred (a tolerance is where the data stop telling values apart). The standard
errors below use the plain distances. Stages run in order, each
starting from the values fitted by the previous ones (block-coordinate SMM: blocks of
parameters that mainly move different targets). The minimiser is Nelder-Mead on the
parameters rescaled to [0, 1] by their bounds, started from the best point of a
scrambled Sobol design over the bounds (``starts`` points, plus the current values):
the objective of a finite population is a little rugged, and a global look first keeps
the local search out of poor basins.

Uncertainty, stage by stage (as the blocks were fitted; a parameter fitted in several
stages takes its last): with ``m(theta)`` the stage's targets' model means in tolerance
units and ``G`` its Jacobian (central differences), the covariance of the fitted values
is the sandwich ``(G'G)^-1 G' (I + S) G (G'G)^-1``, where the identity is the data's
uncertainty (each tolerance taken as one standard error) and ``S`` the covariance of
the seed-average from simulation noise. Standard errors are the roots of its diagonal
(infinite when the targets do not identify a parameter).

The result is written (:mod:`~povsim.study.calibration.record`) as a scenario file
that ``extends`` the base scenario and sets the fitted values, and a
``.calibration.json`` record beside it (fitted targets,
values, standard errors, fit) that ``povsim validate`` reads to separate fitted from
held-out targets.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.stats import qmc

from povsim.errors import PovsimError
from povsim.params import Parameters, YearSchedule
from povsim.study.calibration.evaluations import Evaluator, typed_values
from povsim.study.calibration.spec import CalibrationSpec, FreeParameter, Stage, load_spec
from povsim.study.calibration.targets import (
    Target,
    check_target_years,
    measure,
)
from povsim.study.executors import ExecutorLike, default_workers, open_executor
from povsim.study.resources import CLUSTER_HINT, check_memory
from povsim.study.scenarios import load_scenario
from povsim.study.store import ResultStore

INITIAL_STEP = 0.15
"""Initial simplex step, as a share of each parameter's bounds."""

DESIGN_SEED = 0
"""Scrambling seed of the Sobol design (fixed: calibrations are reproducible)."""

JACOBIAN_STEP = 0.1
"""Central-difference step for the Jacobian, as a share of each parameter's bounds (wide
enough to average over the granularity of a finite population)."""

ILL_CONDITIONED = 1e12
"""Condition number of G'G beyond which the targets do not identify the parameters."""

TOLERANCE_X = 1e-3
"""Nelder-Mead stops when the simplex is this small (in [0, 1] units) ..."""

TOLERANCE_F = 1e-3
"""... and the objective changes by less than this."""

@dataclass
class StageResult:
    """What a stage found."""

    stage: Stage
    start: dict[str, float]
    fitted: dict[str, float]
    objective_start: float
    objective: float
    evaluations: int


@dataclass
class CalibrationResult:
    """The outcome of a calibration.

    Attributes:
        spec: The spec.
        params: The base parameters with every fitted value applied.
        fitted: Fitted values by parameter path.
        standard_errors: Their standard errors.
        stages: What each stage found.
        moments: The fitted targets with data, model mean and distance in tolerances.
    """

    spec: CalibrationSpec
    params: Parameters
    fitted: dict[str, float]
    standard_errors: dict[str, float]
    stages: list[StageResult]
    moments: pd.DataFrame


def current_values(params: Parameters, free: Sequence[FreeParameter]) -> dict[str, float]:
    """Values of the free parameters in ``params`` (clipped into their bounds).

    Raises:
        PovsimError: If a free parameter changes by year (only plain values are fitted).
    """
    values = {}
    for f in free:
        v = params.get(f.path)
        if isinstance(v, YearSchedule):
            raise PovsimError(f"{f.path} changes by year in the base scenario; calibration "
                              "fits plain values only")
        values[f.path] = min(max(float(v), f.low), f.high)
    return values


def fit_stage(evaluator: Evaluator, stage: Stage, start: Mapping[str, float],
              progress: Callable[[float], None] | None = None,
              outside_weight: float = 0.0) -> StageResult:
    """Minimise a stage's objective from ``start`` (the other free values fixed).

    Args:
        evaluator: The evaluator (its base holds the values fitted so far).
        stage: The stage.
        start: Starting values of every free parameter fitted so far and of this stage.
        progress: Called with the objective after each new evaluation.
        outside_weight: Extra weight of distances beyond the tolerance (see
            :meth:`Evaluator.objective`).

    Returns:
        The stage's result.
    """
    fixed = dict(start)
    free = stage.parameters
    x0 = np.array([f.to_unit(fixed[f.path]) for f in free])

    def values(x: np.ndarray) -> dict[str, float]:
        return {**fixed, **{f.path: f.from_unit(u) for f, u in zip(free, x, strict=True)}}

    def objective(x: np.ndarray) -> float:
        j = evaluator.objective(values(x), stage.targets, outside_weight)
        if progress:
            progress(j)
        return j

    before = evaluator.evaluations
    j0 = objective(x0)
    j_start = j0
    if stage.starts:
        # Sobol designs are balanced at powers of two: round the number of points up.
        m = math.ceil(math.log2(stage.starts))
        design = qmc.Sobol(len(free), scramble=True, seed=DESIGN_SEED).random_base2(m)
        scores = [objective(x) for x in design]
        if min(scores) < j0:
            x0, j_start = design[int(np.argmin(scores))], min(scores)
    simplex = [x0] + [np.clip(x0 + INITIAL_STEP * np.eye(len(free))[k]
                              * (1 if x0[k] <= 1 - INITIAL_STEP else -1), 0, 1)
                      for k in range(len(free))]
    res = optimize.minimize(
        objective, x0, method="Nelder-Mead", bounds=[(0, 1)] * len(free),
        options={"maxfev": stage.max_evaluations, "xatol": TOLERANCE_X, "fatol": TOLERANCE_F,
                 "initial_simplex": np.array(simplex)},
    )
    best = values(res.x) if res.fun < j_start else values(x0)
    return StageResult(stage, {f.path: fixed[f.path] for f in free},
                       {f.path: best[f.path] for f in free}, j0,
                       min(float(res.fun), j_start), evaluator.evaluations - before)


def standard_errors(evaluator: Evaluator, values: Mapping[str, float],
                    free: Sequence[FreeParameter],
                    targets: Sequence[Target]) -> dict[str, float]:
    """Sandwich standard errors of the fitted values (see the module docstring)."""
    n_seeds = len(evaluator.seeds)
    columns = []
    for f in free:
        h = JACOBIAN_STEP * (f.high - f.low)
        up = dict(values, **{f.path: min(values[f.path] + h, f.high)})
        down = dict(values, **{f.path: max(values[f.path] - h, f.low)})
        m_up, _ = evaluator.moments(up, targets)
        m_down, _ = evaluator.moments(down, targets)
        columns.append((m_up - m_down) / (up[f.path] - down[f.path]))
    g = np.nan_to_num(np.column_stack(columns))
    _, per_seed = evaluator.moments(values, targets)
    sim = np.nan_to_num(np.cov(per_seed)) / n_seeds if n_seeds > 1 else 0.0
    middle = np.eye(len(targets)) + sim
    info = g.T @ g
    if np.linalg.cond(info) > ILL_CONDITIONED:
        return {f.path: math.inf for f in free}
    bread = np.linalg.inv(info)
    cov = bread @ g.T @ middle @ g @ bread
    return {f.path: float(np.sqrt(cov[k, k])) if cov[k, k] > 0 else math.inf
            for k, f in enumerate(free)}


def calibrate(spec: CalibrationSpec | str | Path, *, workers: int | None = 1,
              executor: ExecutorLike | None = None, scheduler: str | None = None,
              store: str | Path | None = None, resume: bool = False, progress: bool = True,
              base: Parameters | None = None) -> CalibrationResult:
    """Run every stage of a spec and estimate standard errors.

    Every evaluation is a batch of the one engine: its runs go through the executor into
    the store; with ``resume`` a calibration that was stopped or killed finds the runs it
    had made and runs only the rest (to the same result).

    Args:
        spec: The spec, or its file.
        workers: Worker processes per evaluation.
        executor: ``serial``, ``local`` or ``dask``, or an executor to use and leave
            open; by default serial for one worker, else the local pool.
        scheduler: Dask scheduler address.
        store: Folder of the result store (a temporary folder if ``None``); without
            ``resume`` its earlier runs are discarded.
        resume: Reuse the runs already in ``store``.
        progress: Show a progress bar per stage.
        base: Parameters to start from (default: the spec's base scenario).

    Returns:
        The calibration result.

    Raises:
        PovsimError: If ``store`` holds another calibration's runs (with ``resume``), for a
            bad executor, a target in a year the runs do not reach, or runs too large for
            this machine's memory (all before any run).
    """
    if not isinstance(spec, CalibrationSpec):
        spec = load_spec(spec)
    params = base if base is not None else load_scenario(spec.base).params
    file = str(spec.spec_path) if spec.spec_path else None
    fitting = params.with_overrides(spec.overrides, file=file) if spec.overrides else params
    check_target_years([t for st in spec.stages for t in st.targets], fitting.run.start_year,
                       "the calibration's runs", fitting.run.end_year)
    if executor is None:
        executor = "serial" if workers == 1 else "local"
    if isinstance(executor, str) and not (executor == "dask" and scheduler):
        at_once = 1 if executor == "serial" else (workers or default_workers())
        check_memory(fitting.population.n_households, min(at_once, len(spec.seeds)),
                     where=CLUSTER_HINT)
    with open_executor(executor, workers, scheduler) as pool, \
            tempfile.TemporaryDirectory(prefix="povsim-calibration-") as tmp:
        kept = ResultStore(store if store is not None else tmp)
        with kept.lock():
            kept.remove_temporary()
            evaluator = Evaluator(fitting, spec.seeds, pool, kept, resume=resume)
            result = _calibrate(spec, params, evaluator, progress)
            evaluator.finish()
            return result


def _calibrate(spec: CalibrationSpec, params: Parameters, evaluator: Evaluator,
               progress: bool) -> CalibrationResult:
    from tqdm.auto import tqdm

    fitting = evaluator.base
    free_all = [f for st in spec.stages for f in st.parameters]
    values = current_values(fitting, free_all)
    results = []
    for stage in spec.stages:
        with tqdm(total=stage.max_evaluations + stage.starts + len(stage.parameters) + 2,
                  desc=stage.name,
                  unit="eval", disable=not progress) as bar:
            best = [math.inf]

            def report(j: float, bar: tqdm = bar, best: list[float] = best) -> None:
                best[0] = min(best[0], j)
                bar.set_postfix(objective=f"{best[0]:.3g}")
                bar.update()

            result = fit_stage(evaluator, stage, values, report, spec.outside_weight)
        values.update(result.fitted)
        results.append(result)
    targets = [t for st in spec.stages for t in st.targets]
    targets = list(dict.fromkeys(targets))
    errors: dict[str, float] = {}
    for stage in spec.stages:  # block by block, as fitted; a later stage's block wins
        errors.update(standard_errors(evaluator, values, stage.parameters, stage.targets))
    means, _ = evaluator.moments(values, targets)
    runs = evaluator.runs(values)
    fitted_params = evaluator.params(values)
    moments = pd.DataFrame([
        {"target": t.key, "data": t.value, "tolerance": t.tolerance,
         "model": float(measure(t, runs, fitted_params).mean()), "distance": d}
        for t, d in zip(targets, means, strict=True)])
    final = params.with_overrides(typed_values(values))
    return CalibrationResult(spec, final, values, errors, results, moments)
