"""Calibration by the simulated method of moments, with common random numbers.

A *calibration spec* (TOML) names a base scenario, a target file, the seeds, and one
or more *stages*; each stage fits some free parameters (each within bounds) to some
targets. The objective of a stage is

    J(theta) = sum over its targets of ((model mean - data) / tolerance)^2

where the model mean is over the spec's seeds, the same seeds at every evaluation
(common random numbers make J a deterministic, smooth-enough function of theta), and a
one-sided ("at least") target adds nothing once it is met. Stages run in order, each
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

The result is written as a scenario file that ``extends`` the base scenario and sets
the fitted values, and a ``.calibration.json`` record beside it (fitted targets,
values, standard errors, fit) that ``povsim validate`` reads to separate fitted from
held-out targets.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.stats import qmc

from povsim.errors import ParameterError, PovsimError, Problem
from povsim.params import Parameters, YearSchedule, param_infos
from povsim.params.spec import ParamInfo, apply_overrides, check_value
from povsim.study.calibration.evaluations import Evaluator, typed_values
from povsim.study.calibration.targets import (
    Target,
    load_targets,
    measure,
    select_targets,
)
from povsim.study.executors import ExecutorLike, open_executor
from povsim.study.scenarios import load_scenario
from povsim.study.seeds import DEFAULT_SEEDS
from povsim.study.store import ResultStore
from povsim.util.atomic import write_text
from povsim.util.hints import did_you_mean

METHODS = ("nelder-mead",)
"""Minimisers available to a stage."""

DEFAULT_MAX_EVALUATIONS = 100
"""Objective evaluations a stage's local search may use by default (its Sobol starts come
on top)."""

INITIAL_STEP = 0.15
"""Initial simplex step, as a share of each parameter's bounds."""

DEFAULT_STARTS = 16
"""Points of the Sobol design a stage evaluates before its local search (0: none; rounded
up to a power of two)."""

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

@dataclass(frozen=True)
class FreeParameter:
    """A parameter the calibration fits.

    Attributes:
        path: Dotted parameter path.
        low: Lower bound.
        high: Upper bound.
    """

    path: str
    low: float
    high: float

    def to_unit(self, value: float) -> float:
        """Position of ``value`` in [0, 1] between the bounds."""
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, u: float) -> float:
        """The value at position ``u`` in [0, 1]."""
        return self.low + min(max(u, 0.0), 1.0) * (self.high - self.low)


@dataclass(frozen=True)
class Stage:
    """One block of the calibration: free parameters fitted to targets."""

    name: str
    parameters: tuple[FreeParameter, ...]
    targets: tuple[Target, ...]
    method: str = "nelder-mead"
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS
    starts: int = DEFAULT_STARTS


@dataclass(frozen=True)
class CalibrationSpec:
    """What to calibrate (see the module docstring and ``experiments/calibrate-baseline.toml``).

    Attributes:
        name: Name of the calibrated scenario.
        base: Path of the scenario to start from.
        out: Path of the calibrated scenario file to write.
        seeds: Seeds of every evaluation (common random numbers).
        stages: The stages, run in order.
        overrides: Parameter values applied while fitting only (e.g. a smaller population).
        description: Description of the calibrated scenario.
        spec_path: The spec file, if read from one.
        spec_sha256: Its hash.
    """

    name: str
    base: Path
    out: Path
    seeds: tuple[int, ...]
    stages: tuple[Stage, ...]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    spec_path: Path | None = None
    spec_sha256: str | None = None


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


# ------------------------------------------------------------------ reading specs
SPEC_TABLES = ("calibration", "stage")
"""Top-level tables of a calibration spec."""

CALIBRATION_FIELDS = ("name", "scenario", "out", "targets", "seeds", "overrides", "description")
"""Fields of the ``[calibration]`` table."""

STAGE_FIELDS = ("name", "parameters", "targets", "method", "max_evaluations", "starts")
"""Fields of a ``[[stage]]`` table."""

BOUNDS_HELP = "a table {low = ..., high = ...} with low below high"
"""What the bounds of a free parameter must look like."""

MAX_EVALUATIONS = ParamInfo(int, "evaluations", "Evaluations of a stage's local search.",
                            "calibration spec", low=1)
"""Declaration of a stage's ``max_evaluations`` (checked like a parameter)."""

STARTS = ParamInfo(int, "points", "Points of a stage's Sobol design.", "calibration spec",
                   low=0)
"""Declaration of a stage's ``starts`` (checked like a parameter)."""


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read a calibration spec, checking every field.

    Raises:
        PovsimError: For a missing or unreadable file.
        ParameterError: Listing every problem in it (each naming the file and the field).
    """
    p = Path(path)
    if not p.is_file():
        raise PovsimError(f"calibration spec not found: {p}")
    raw = p.read_bytes()
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PovsimError(f"{p}: not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PovsimError(f"{p}: not valid TOML: {exc}") from exc
    file = str(p)
    cal = doc.get("calibration")
    if not isinstance(cal, Mapping):
        raise ParameterError([Problem("calibration", None, "a [calibration] table is required "
                                      "(name, scenario, out, seeds)", file)])
    problems = _unknown_fields("", doc, SPEC_TABLES, file)
    problems += _unknown_fields("calibration.", cal, CALIBRATION_FIELDS, file)
    problems += [Problem(f"calibration.{key}", cal.get(key), "text required", file)
                 for key in ("name", "scenario", "out") if not isinstance(cal.get(key), str)]
    problems += [Problem(f"calibration.{key}", cal[key], "must be text", file)
                 for key in ("targets", "description")
                 if key in cal and not isinstance(cal[key], str)]
    seeds, found = _seeds(cal.get("seeds", DEFAULT_SEEDS), file)
    problems += found
    overrides, found = _fitting_overrides(cal.get("overrides", {}), file)
    problems += found
    targets, found = _spec_targets(cal.get("targets"), p.parent, file)
    problems += found
    stages, found = _stages(doc.get("stage", []), targets, file)
    problems += found
    if problems:
        raise ParameterError(problems)
    here = p.parent
    return CalibrationSpec(
        name=str(cal["name"]), base=(here / str(cal["scenario"])).resolve(),
        out=(here / str(cal["out"])).resolve(), seeds=tuple(seeds), stages=tuple(stages),
        overrides=overrides, description=cal.get("description", ""),
        spec_path=p, spec_sha256=hashlib.sha256(raw).hexdigest(),
    )


def _unknown_fields(prefix: str, table: Mapping[str, Any], known: Sequence[str],
                    file: str) -> list[Problem]:
    """A problem for each key of ``table`` not in ``known`` (with a did-you-mean hint)."""
    return [Problem(f"{prefix}{key}", value, f"unknown field{did_you_mean(key, list(known))}; "
                    f"allowed: {', '.join(known)}", file)
            for key, value in table.items() if key not in known]


def _seeds(seeds: Any, file: str) -> tuple[list[int], list[Problem]]:
    """The seeds of ``calibration.seeds``: a positive count or a list of seeds."""
    if isinstance(seeds, int) and not isinstance(seeds, bool) and seeds > 0:
        return list(range(seeds)), []
    if isinstance(seeds, list) and seeds and all(isinstance(s, int) for s in seeds):
        return seeds, []
    return [0], [Problem("calibration.seeds", seeds,
                         "a positive number of seeds or a list of seeds", file)]


def _fitting_overrides(overrides: Any, file: str) -> tuple[dict[str, Any], list[Problem]]:
    """``calibration.overrides``, each checked by name, type and range (not yet by year)."""
    if not isinstance(overrides, Mapping):
        return {}, [Problem("calibration.overrides", overrides, "a table of parameter = "
                            'value, for example {"population.n_households" = 2000}', file)]
    try:
        apply_overrides(Parameters(), overrides, file=file)
    except ParameterError as exc:
        return {}, [replace(problem, path=f"calibration.overrides.{problem.path}")
                    for problem in exc.problems]
    return dict(overrides), []


def _spec_targets(name: Any, here: Path, file: str) -> tuple[list[Target] | None, list[Problem]]:
    """The targets of ``calibration.targets`` (``None`` if they cannot be read)."""
    if name is None:
        return load_targets(), []
    if not isinstance(name, str):
        return None, []  # reported with the other text fields
    try:
        return load_targets(here / name), []
    except PovsimError as exc:
        return None, [Problem("calibration.targets", name, str(exc), file)]


def _stages(raw: Any, targets: list[Target] | None,
            file: str) -> tuple[list[Stage], list[Problem]]:
    """Every ``[[stage]]``, checked."""
    if not (isinstance(raw, list) and raw and all(isinstance(st, Mapping) for st in raw)):
        return [], [Problem("stage", None, "at least one [[stage]] table is required", file)]
    infos = param_infos(Parameters())
    stages, problems = [], []
    for i, st in enumerate(raw):
        stage, found = _stage(i, st, targets, infos, file)
        stages.append(stage)
        problems += found
    return stages, problems


def _stage(i: int, st: Mapping[str, Any], targets: list[Target] | None,
           infos: Mapping[str, ParamInfo], file: str) -> tuple[Stage, list[Problem]]:
    """One ``[[stage]]`` table, checked (its values are only meaningful with no problems)."""
    where = f"stage[{i}]"
    problems = _unknown_fields(f"{where}.", st, STAGE_FIELDS, file)
    name = st.get("name", f"stage {i + 1}")
    if not isinstance(name, str):
        problems.append(Problem(f"{where}.name", name, "must be text", file))
    params, found = _free_parameters(where, st.get("parameters"), infos, file)
    problems += found
    chosen, found = _stage_targets(where, st.get("targets"), targets, file)
    problems += found
    method = st.get("method", "nelder-mead")
    if method not in METHODS:
        problems.append(Problem(f"{where}.method", method, f"allowed: {', '.join(METHODS)}",
                                file))
    counts = {}
    for key, info, default in (("max_evaluations", MAX_EVALUATIONS, DEFAULT_MAX_EVALUATIONS),
                               ("starts", STARTS, DEFAULT_STARTS)):
        found = check_value(f"{where}.{key}", info, st.get(key, default), file)
        problems += found
        counts[key] = default if found else st.get(key, default)
    return Stage(str(name), tuple(params), tuple(chosen), str(method), **counts), problems


def _free_parameters(where: str, table: Any, infos: Mapping[str, ParamInfo],
                     file: str) -> tuple[list[FreeParameter], list[Problem]]:
    """A stage's ``parameters`` table: dotted path = {low = ..., high = ...}."""
    if not (isinstance(table, Mapping) and table):
        return [], [Problem(f"{where}.parameters", table, "a table of free parameters is "
                            'required, for example "economy.wage_growth" = {low = 0.0, '
                            "high = 0.1}", file)]
    params, problems = [], []
    for path, bounds in table.items():
        found = _bounds_problems(f"{where}.parameters.{path}", path, bounds, infos, file)
        problems += found
        if not found:
            params.append(FreeParameter(path, float(bounds["low"]), float(bounds["high"])))
    return params, problems


def _bounds_problems(field_path: str, path: str, bounds: Any,
                     infos: Mapping[str, ParamInfo], file: str) -> list[Problem]:
    """Problems with a free parameter's name and bounds (checked against its range)."""
    info = infos.get(path)
    if info is None:
        return [Problem(field_path, None, f"unknown parameter{did_you_mean(path, list(infos))}",
                        file)]
    if info.kind not in (int, float):
        return [Problem(field_path, None, f"not numeric ({info.allowed()}); only numbers can "
                        "be fitted", file)]
    if not (isinstance(bounds, Mapping) and set(bounds) == {"low", "high"}):
        return [Problem(field_path, bounds, f"allowed: {BOUNDS_HELP}", file)]
    problems = [*check_value(f"{field_path}.low", info, bounds["low"], file),
                *check_value(f"{field_path}.high", info, bounds["high"], file)]
    if not problems and bounds["low"] >= bounds["high"]:
        problems.append(Problem(field_path, dict(bounds), f"allowed: {BOUNDS_HELP}", file))
    return problems


def _stage_targets(where: str, names: Any, targets: list[Target] | None,
                   file: str) -> tuple[list[Target], list[Problem]]:
    """The targets a stage names (each with a tolerance, so it can be fitted)."""
    if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
        return [], [Problem(f"{where}.targets", names, "a list of one or more target names "
                            '(name or name@year), for example ["headcount_rate@2015"]', file)]
    if targets is None:
        return [], []  # the target file is reported
    try:
        chosen = select_targets(targets, names)
    except PovsimError as exc:
        return [], [Problem(f"{where}.targets", names, str(exc), file)]
    unchecked = [t.key for t in chosen if not t.checked]
    if unchecked:
        return chosen, [Problem(f"{where}.targets", unchecked,
                                "targets without a tolerance cannot be fitted", file)]
    return chosen, []


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
              progress: Callable[[float], None] | None = None) -> StageResult:
    """Minimise a stage's objective from ``start`` (the other free values fixed).

    Args:
        evaluator: The evaluator (its base holds the values fitted so far).
        stage: The stage.
        start: Starting values of every free parameter fitted so far and of this stage.
        progress: Called with the objective after each new evaluation.

    Returns:
        The stage's result.
    """
    fixed = dict(start)
    free = stage.parameters
    x0 = np.array([f.to_unit(fixed[f.path]) for f in free])

    def values(x: np.ndarray) -> dict[str, float]:
        return {**fixed, **{f.path: f.from_unit(u) for f, u in zip(free, x, strict=True)}}

    def objective(x: np.ndarray) -> float:
        j = evaluator.objective(values(x), stage.targets)
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
        PovsimError: If ``store`` holds another calibration's runs (with ``resume``), or
            for a bad executor.
    """
    if not isinstance(spec, CalibrationSpec):
        spec = load_spec(spec)
    params = base if base is not None else load_scenario(spec.base).params
    file = str(spec.spec_path) if spec.spec_path else None
    fitting = params.with_overrides(spec.overrides, file=file) if spec.overrides else params
    if executor is None:
        executor = "serial" if workers == 1 else "local"
    with open_executor(executor, workers, scheduler) as pool, \
            tempfile.TemporaryDirectory(prefix="povsim-calibration-") as tmp:
        kept = ResultStore(store if store is not None else tmp)
        with kept.lock():
            kept.remove_temporary()
            evaluator = Evaluator(fitting, spec.seeds, pool, kept, resume=resume)
            return _calibrate(spec, params, evaluator, progress)


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

            result = fit_stage(evaluator, stage, values, report)
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


# ------------------------------------------------------------------ writing
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(float(f"{value:.6g}"))
    return json.dumps(str(value))


def calibrated_scenario_text(result: CalibrationResult) -> str:
    """TOML of the calibrated scenario: ``extends`` the base and sets the fitted values."""
    spec = result.spec
    base_rel = Path(_relative(spec.base, spec.out.parent))
    lines = [
        "# Generated by `povsim calibrate` - do not edit by hand: edit the base scenario or",
        "# the calibration spec and calibrate again. Spec: "
        + (_relative(spec.spec_path, spec.out.parent) if spec.spec_path else "(in memory)"),
        f"# Fitted on {datetime.now(UTC):%Y-%m-%d} with seeds {list(spec.seeds)} by the simulated",
        "# method of moments (see povsim.study.calibration.calibrate); values +- standard errors:",
    ]
    for path, v in result.fitted.items():
        lines.append(f"#   {path} = {v:.6g} +- {result.standard_errors[path]:.3g}")
    lines += ["", "[scenario]", f"name = {_toml_value(spec.name)}",
              f"description = {_toml_value(spec.description or 'Calibrated scenario.')}",
              f"extends = {_toml_value(base_rel.as_posix())}", ""]
    by_section: dict[str, list[str]] = {}
    for path, value in typed_values(result.fitted).items():
        section, name = path.rsplit(".", 1)
        by_section.setdefault(section, []).append(f"{name} = {_toml_value(value)}")
    for section, entries in by_section.items():
        lines += [f"[{section}]", *entries, ""]
    return "\n".join(lines)


def _relative(path: Path | None, start: Path) -> str:
    if path is None:
        return ""
    return os.path.relpath(Path(path).resolve(), start.resolve())


def calibration_record(result: CalibrationResult) -> dict[str, Any]:
    """The JSON record written beside the calibrated scenario."""
    from povsim.util.versions import povsim_version

    spec = result.spec
    return {
        "scenario": spec.name,
        "base": str(_relative(spec.base, spec.out.parent)),
        "spec": str(_relative(spec.spec_path, spec.out.parent)) if spec.spec_path else None,
        "spec_sha256": spec.spec_sha256,
        "povsim_version": povsim_version(),
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "method": "simulated method of moments, Nelder-Mead by stage, common random numbers",
        "seeds": list(spec.seeds),
        "fitting_overrides": dict(spec.overrides),
        "fitted_targets": list(result.moments["target"]),
        "parameters": {k: {"value": v, "standard_error": result.standard_errors[k]}
                       for k, v in result.fitted.items()},
        "stages": [{"name": s.stage.name, "objective_start": s.objective_start,
                    "objective": s.objective, "evaluations": s.evaluations,
                    "parameters": list(s.fitted), "targets": [t.key for t in s.stage.targets]}
                   for s in result.stages],
        "moments": result.moments.to_dict(orient="records"),
    }


def write_calibration(result: CalibrationResult) -> tuple[Path, Path]:
    """Write the calibrated scenario file and its ``.calibration.json`` record."""
    out = result.spec.out
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text(out, calibrated_scenario_text(result))
    record = out.with_suffix(".calibration.json")
    write_text(record, json.dumps(calibration_record(result), indent=2, default=float) + "\n")
    return out, record
