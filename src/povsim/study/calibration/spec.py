"""Calibration specs: what to fit, read from a TOML file with every field checked.

A *calibration spec* (``experiments/calibrate-baseline.toml``) names a base scenario, a
target file, the seeds, and one or more *stages*; each stage fits some free parameters
(each within bounds) to some targets. :func:`load_spec` reads one and reports every
problem at once, each naming the file and the field (see
:mod:`povsim.study.calibration.calibrate` for how a spec is fitted).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from povsim.errors import ParameterError, PovsimError, Problem
from povsim.params import Parameters, param_infos
from povsim.params.spec import ParamInfo, apply_overrides, check_value
from povsim.study.calibration.targets import (
    Target,
    load_targets,
    select_targets,
)
from povsim.study.resources import MAX_RUNS
from povsim.study.seeds import DEFAULT_SEEDS, SEED_HELP, check_seeds, consecutive_seeds
from povsim.util.hints import did_you_mean
from povsim.util.tomlfile import read_toml

METHODS = ("nelder-mead",)
"""Minimisers available to a stage."""

DEFAULT_MAX_EVALUATIONS = 100
"""Objective evaluations a stage's local search may use by default (its Sobol starts come
on top)."""

DEFAULT_STARTS = 16
"""Points of the Sobol design a stage evaluates before its local search (0: none; rounded
up to a power of two)."""

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
        outside_weight: Extra weight of the part of a target's distance beyond its
            tolerance: the objective is the sum of ``d**2 + outside_weight *
            max(|d| - 1, 0)**2`` over the stage's targets, ``d`` the distance in
            tolerances (0: plain least squares).
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
    outside_weight: float = 0.0


SPEC_TABLES = ("calibration", "stage")
"""Top-level tables of a calibration spec."""

CALIBRATION_FIELDS = ("name", "scenario", "out", "targets", "seeds", "overrides", "description",
                      "outside_weight")
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

OUTSIDE_WEIGHT = ParamInfo(float, "weight", "Extra weight of a target's squared distance "
                           "beyond its tolerance in the objective.", "calibration spec",
                           low=0.0)
"""Declaration of ``calibration.outside_weight`` (checked like a parameter)."""


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read a calibration spec, checking every field.

    Raises:
        PovsimError: For a missing or unreadable file.
        ParameterError: Listing every problem in it (each naming the file and the field).
    """
    doc = read_toml(path, "calibration spec")
    p = Path(path)
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
    outside_weight = cal.get("outside_weight", 0.0)
    problems += check_value("calibration.outside_weight", OUTSIDE_WEIGHT, outside_weight,
                            file)
    if problems:
        raise ParameterError(problems)
    here = p.parent
    return CalibrationSpec(
        name=str(cal["name"]), base=(here / str(cal["scenario"])).resolve(),
        out=(here / str(cal["out"])).resolve(), seeds=tuple(seeds), stages=tuple(stages),
        overrides=overrides, description=cal.get("description", ""),
        outside_weight=float(outside_weight), spec_path=p,
        spec_sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
    )


def _unknown_fields(prefix: str, table: Mapping[str, Any], known: Sequence[str],
                    file: str) -> list[Problem]:
    """A problem for each key of ``table`` not in ``known`` (with a did-you-mean hint)."""
    return [Problem(f"{prefix}{key}", value, f"unknown field{did_you_mean(key, list(known))}; "
                    f"allowed: {', '.join(known)}", file)
            for key, value in table.items() if key not in known]


def _seeds(seeds: Any, file: str) -> tuple[list[int], list[Problem]]:
    """The seeds of ``calibration.seeds``: a positive count or a list of seeds."""
    allowed = (f"a number of seeds from 1 to {MAX_RUNS:,}, or a list of distinct seeds, "
               f"each {SEED_HELP}")
    try:
        if isinstance(seeds, int) and not isinstance(seeds, bool):
            return consecutive_seeds(seeds), []
        if isinstance(seeds, list):
            check_seeds(seeds)
            return seeds, []
    except PovsimError:
        pass
    return [0], [Problem("calibration.seeds", seeds, f"allowed: {allowed}", file)]


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
