"""The plan of an experiment: every run, with its scenario, policy, point, replication and seed.

Runs are numbered scenario by scenario, then policy by policy, then point by point,
with the replications of a point together: ``run_id = ((s * P + p) * N + i) * R + r``.
Each run's seed follows :mod:`povsim.study.seeds`: given ``seeds``, replication ``r``
has ``seeds[r]`` (a comparison's ``--seeds``); otherwise by default one independent
seed per run spawned from the master seed (child ``run_id``), and with
``common_seeds`` one seed per replication (child ``r``). Given or common seeds are
shared by every scenario, policy and point, so that differences between them are
paired by seed (common random numbers).

:func:`run_specs` gives each planned run what it needs to execute: its scenario's
parameters with the constants and the policy applied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from povsim.params import Parameters
from povsim.study.runs import ID_COLUMNS, PlannedRun, RunSpec, cell
from povsim.study.seeds import spawn_seeds
from povsim.study.sweeps.designs import Design
from povsim.study.sweeps.spec import ExperimentSpec, Factor


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
    if spec.seeds:
        seeds = list(spec.seeds)
    else:
        seeds = spawn_seeds(spec.seed, reps if spec.common_seeds else n_runs)
    factors = {f.name: f for f in spec.factors}
    points = [{k: column_value(factors[k], v) for k, v in p.items()} for p in design.points]
    runs: list[PlannedRun] = []
    for scenario in spec.scenarios:
        for policy in spec.policies:
            for point, values in enumerate(points):
                for r in range(reps):
                    run_id = len(runs)
                    seed = seeds[r] if spec.common_seeds or spec.seeds else seeds[run_id]
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


def plan_table(runs: list[PlannedRun], factor_names: list[str]) -> pd.DataFrame:
    """The plan as a table: the identifying columns, then one column per factor."""
    rows = [{**run.labels(), **{n: cell(run.values[n]) for n in factor_names}} for run in runs]
    return pd.DataFrame(rows, columns=[*ID_COLUMNS, *factor_names])


def run_specs(spec: ExperimentSpec, runs: list[PlannedRun]) -> list[RunSpec]:
    """Each planned run with its parameters: the scenario's, with the constants and policy.

    Runs of the same scenario and policy share one parameter tree.

    Args:
        spec: The checked spec.
        runs: Its plan.

    Returns:
        One spec per planned run, in the same order.
    """
    bases: dict[tuple[str, str], Parameters] = {}
    scenarios = {s.name: s for s in spec.scenarios}
    policies = {p.name: p for p in spec.policies}
    specs = []
    for run in runs:
        key = (run.scenario, run.policy)
        if key not in bases:
            overrides = {**spec.constants, **policies[run.policy].overrides}
            params = scenarios[run.scenario].params
            bases[key] = params.with_overrides(overrides) if overrides else params
        specs.append(RunSpec(run, bases[key], spec.years, spec.outputs))
    return specs


def recorded_parameters(spec: ExperimentSpec) -> Callable[[PlannedRun], dict[str, Any]]:
    """What a failed run of the spec records: the constants, its policy and its values."""
    policies = {p.name: p for p in spec.policies}

    def parameters(run: PlannedRun) -> dict[str, Any]:
        return {**spec.constants, **dict(policies[run.policy].overrides), **dict(run.values)}

    return parameters
