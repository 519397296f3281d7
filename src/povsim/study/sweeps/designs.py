"""Designs: the points of parameter space an experiment runs.

* ``grid``: every combination of the factors' values (the first factor varies
  slowest); a range with ``steps = N`` gives N evenly spaced values.
* ``lhs``: a Latin hypercube of ``samples`` points (``scipy.stats.qmc.LatinHypercube``).
* ``sobol``: Saltelli's extension of the Sobol sequence for Sobol indices
  (``SALib.sample.sobol.sample``): ``samples * (D + 2)`` points, or
  ``samples * (2D + 2)`` with ``calc_second_order = true``, for D factors.
* ``morris``: ``samples`` Morris trajectories of ``D + 1`` points
  (``SALib.sample.morris.sample``).

Sampled designs draw a number in each factor's interval and map it to a value: a
float range ``[low, high]`` as is; a whole-number range on ``[low, high + 1)`` and
rounded down (each whole number equally likely); a list of ``k`` values (categories)
on ``[0, k)`` and rounded down to an index. The numbers as drawn (the ``raw`` matrix)
are what SALib's analysis expects, and are kept in the manifest.

Every design is a deterministic function of the spec (the master seed seeds the
samplers).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from povsim.errors import PovsimError
from povsim.study.sweeps.spec import ExperimentSpec, Factor, salib_module

SOBOL_SECOND_ORDER = False
"""Default of ``calc_second_order`` for Sobol designs: first-order and total indices
only, ``N * (D + 2)`` runs instead of ``N * (2D + 2)``."""

MORRIS_LEVELS = 4
"""Default number of grid levels of a Morris design (SALib's default)."""


@dataclass(frozen=True)
class Design:
    """The points of an experiment.

    Attributes:
        kind: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        names: Factor names (dotted paths), in the order of the columns of ``raw``.
        points: Parameter values of each point, ``{name: value}``.
        raw: The sample as drawn, one row a point (``None`` for a grid).
        problem: The SALib problem (``num_vars``, ``names``, ``bounds``) of a sampled
            design, ``None`` for a grid.
        options: Options the design was made with (defaults filled in).
    """

    kind: str
    names: tuple[str, ...]
    points: tuple[Mapping[str, Any], ...]
    raw: np.ndarray | None = None
    problem: Mapping[str, Any] | None = None
    options: Mapping[str, Any] | None = None

    def __len__(self) -> int:
        return len(self.points)


def planned_points(kind: str, factors: Sequence[Factor], samples: int | None,
                   options: Mapping[str, Any]) -> int:
    """How many points a design will have, counted without making it.

    Args:
        kind: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        factors: The factors.
        samples: The design's ``samples`` (not used by a grid).
        options: Its options.

    Returns:
        The number of points (as :func:`make_design` would make them).
    """
    d = len(factors)
    if kind == "grid":
        return math.prod(len(f.values) if f.values is not None else int(f.steps or 1)
                         for f in factors)
    n = int(samples or 0)
    if kind == "sobol":
        second = options.get("calc_second_order", SOBOL_SECOND_ORDER)
        return n * (2 * d + 2 if second else d + 2)
    if kind == "morris":
        return int(options.get("optimal_trajectories") or n) * (d + 1)
    return n


def make_design(spec: ExperimentSpec) -> Design:
    """The design points of a spec.

    Args:
        spec: The checked spec.

    Returns:
        Its design.

    Raises:
        PovsimError: If SALib is needed and not installed, or the sampler rejects the
            design's options (named with the spec file and ``experiment.design_options``).
    """
    if spec.design == "grid":
        return grid_design(spec.factors)
    problem = salib_problem(spec.factors)
    options = _filled_options(spec)
    assert spec.samples is not None
    try:
        raw = _sample(spec.design, problem, spec.samples, spec.seed, options)
    except (ValueError, TypeError, ArithmeticError) as exc:
        shown = ", ".join(f"{k} = {v!r}" for k, v in options.items()) or "none"
        raise PovsimError(
            f"{spec.source or 'the spec'}: experiment.design_options: the {spec.design} "
            f"sampler rejects samples = {spec.samples} with options {shown}: "
            f"{' '.join(str(exc).split())}") from exc
    points = tuple(to_values(spec.factors, row) for row in raw)
    return Design(spec.design, tuple(spec.factor_names), points, raw, problem, options)


def _filled_options(spec: ExperimentSpec) -> dict[str, Any]:
    """The options of a sampled design, with SALib's defaults that povsim sets filled in."""
    options = dict(spec.design_options)
    if spec.design == "sobol":
        options.setdefault("calc_second_order", SOBOL_SECOND_ORDER)
    elif spec.design == "morris":
        options.setdefault("num_levels", MORRIS_LEVELS)
    return options


def _sample(design: str, problem: dict[str, Any], samples: int, seed: int,
            options: Mapping[str, Any]) -> np.ndarray:
    """The raw sample of a Latin hypercube, Sobol or Morris design (sampler errors pass).

    SALib may complete ``problem`` in place (Morris adds its ``groups``), as recorded.
    """
    if design == "lhs":
        raw = lhs_sample(problem, samples, seed, options)
    else:
        sampler = salib_module("sample", design)
        raw = sampler.sample(problem, samples, seed=seed, **options)
    return np.asarray(raw, dtype=float)


def grid_design(factors: tuple[Factor, ...]) -> Design:
    """Every combination of the factors' values (the first factor varies slowest)."""
    names = tuple(f.name for f in factors)
    columns = [grid_values(f) for f in factors]
    points = tuple(dict(zip(names, combo, strict=True)) for combo in itertools.product(*columns))
    return Design("grid", names, points, options={})


def grid_values(factor: Factor) -> list[Any]:
    """Values of a factor on a grid: its list, or ``steps`` evenly spaced values."""
    if factor.values is not None:
        return list(factor.values)
    assert factor.low is not None
    assert factor.high is not None
    assert factor.steps is not None
    values = np.linspace(factor.low, factor.high, factor.steps)
    if factor.kind is int:
        return [int(v) for v in np.round(values)]
    return [float(v) for v in values]


def salib_problem(factors: tuple[Factor, ...]) -> dict[str, Any]:
    """The SALib problem of sampled factors (bounds as described in the module docstring)."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [_bounds(f) for f in factors],
    }


def _bounds(factor: Factor) -> list[float]:
    if factor.values is not None:
        return [0.0, float(len(factor.values))]
    assert factor.low is not None
    assert factor.high is not None
    if factor.kind is int:
        return [float(factor.low), float(factor.high) + 1.0]
    return [float(factor.low), float(factor.high)]


def to_values(factors: tuple[Factor, ...], row: np.ndarray) -> dict[str, Any]:
    """Parameter values of one sampled point (see the module docstring)."""
    point: dict[str, Any] = {}
    for factor, x in zip(factors, row, strict=True):
        if factor.values is not None:
            index = min(int(np.floor(x)), len(factor.values) - 1)
            point[factor.name] = factor.values[max(index, 0)]
        elif factor.kind is int:
            assert factor.high is not None
            point[factor.name] = min(int(np.floor(x)), int(factor.high))
        else:
            point[factor.name] = float(x)
    return point


def lhs_sample(problem: Mapping[str, Any], n: int, seed: int,
               options: Mapping[str, Any]) -> np.ndarray:
    """A Latin hypercube of ``n`` points within the problem's bounds.

    Args:
        problem: The SALib-style problem (its ``bounds``).
        n: Number of points.
        seed: Seed of the sampler.
        options: ``scramble``, ``strength``, ``optimization`` of
            ``scipy.stats.qmc.LatinHypercube``.

    Returns:
        The points, one row each.

    Raises:
        ValueError: If scipy rejects the options (for example strength 2 with a
            number of points that is not the square of a prime); :func:`make_design`
            reports it against the spec.
    """
    from scipy.stats import qmc

    bounds = np.asarray(problem["bounds"], dtype=float)
    sampler = qmc.LatinHypercube(d=len(bounds), rng=np.random.default_rng(seed),
                                 **dict(options))
    return qmc.scale(sampler.random(n), bounds[:, 0], bounds[:, 1])


