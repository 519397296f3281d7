"""The plan of an experiment: every run, with its scenario, policy, point, replication and seed.

Runs are numbered scenario by scenario, then policy by policy, then point by point,
with the replications of a point together: ``run_id = ((s * P + p) * N + i) * R + r``.
Each run's seed comes from the master seed (:mod:`povsim.experiments.seeds`): by
default one independent seed per run (child ``run_id``); with ``common_seeds``
one seed per replication (child ``r``), shared by every scenario, policy and point,
so that differences between points are paired by seed (common random numbers).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from povsim.experiments.designs import Design
from povsim.experiments.seeds import spawn_seeds
from povsim.experiments.spec import ExperimentSpec, Factor

ID_COLUMNS = ("run_id", "scenario", "policy", "point", "replication", "seed")
"""Columns identifying a run in the results, before the factor columns and ``year``."""


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """One run of an experiment.

    Attributes:
        run_id: Position in the plan (0, 1, ...); names the run's result file.
        scenario: Name of the base scenario.
        policy: Name of the policy.
        point: Index of the design point.
        replication: Index of the replication at that point (0 to R - 1).
        seed: The run's seed (reproduce it with ``povsim.run(seed=...)``).
        values: Factor values of the point, ``{dotted path: value}``.
    """

    run_id: int
    scenario: str
    policy: str
    point: int
    replication: int
    seed: int
    values: Mapping[str, Any]

    def labels(self) -> dict[str, Any]:
        """The identifying columns of the run."""
        return {"run_id": self.run_id, "scenario": self.scenario, "policy": self.policy,
                "point": self.point, "replication": self.replication, "seed": self.seed}


def plan_runs(spec: ExperimentSpec, design: Design) -> list[PlannedRun]:
    """Every run of an experiment, in ``run_id`` order.

    Args:
        spec: The checked spec.
        design: Its design points.

    Returns:
        One planned run per scenario, policy, point and replication.
    """
    reps = spec.replications
    n_runs = len(spec.scenarios) * len(spec.policies) * len(design) * reps
    seeds = spawn_seeds(spec.seed, reps if spec.common_seeds else n_runs)
    factors = {f.name: f for f in spec.factors}
    points = [{k: column_value(factors[k], v) for k, v in p.items()} for p in design.points]
    runs: list[PlannedRun] = []
    for scenario in spec.scenarios:
        for policy in spec.policies:
            for point, values in enumerate(points):
                for r in range(reps):
                    run_id = len(runs)
                    seed = seeds[r] if spec.common_seeds else seeds[run_id]
                    runs.append(PlannedRun(run_id, scenario.name, policy.name, point, r, seed,
                                           values))
    return runs


def column_value(factor: Factor, value: Any) -> Any:
    """A factor value as the parameter's type (floats for float parameters, and so on)."""
    if isinstance(value, Mapping | list | tuple):
        return value
    if factor.kind is float:
        return float(value)
    if factor.kind is int:
        return int(value)
    return value


def cell(value: Any) -> Any:
    """A value as stored in a table cell: year tables and lists as JSON text."""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def plan_table(runs: list[PlannedRun], factor_names: list[str]) -> pd.DataFrame:
    """The plan as a table: the identifying columns, then one column per factor."""
    rows = [{**run.labels(), **{n: cell(run.values[n]) for n in factor_names}} for run in runs]
    return pd.DataFrame(rows, columns=[*ID_COLUMNS, *factor_names])
