"""The evaluations of a calibration: the model's runs at a point, distances from targets.

An evaluation runs the model once per seed at a point (values of the free parameters)
as one batch of the engine (:func:`povsim.study.batch.execute_runs`): through the
calibration's executor into its result store, where run ``point * S + r`` is seed ``r``
of the ``point``-th distinct point asked for. The store's manifest lists the points in
the order asked; the minimiser is deterministic and asks for the same points in the same
order, so a calibration started again with ``resume`` finds the runs of every point it
had evaluated before it was stopped (or killed) and runs only the rest.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from povsim.errors import PovsimError
from povsim.params import Parameters, param_infos
from povsim.study.batch import execute_runs
from povsim.study.calibration.targets import Target, measure
from povsim.study.executors import Executor
from povsim.study.runs import PlannedRun, RunRecord, RunSpec, decode
from povsim.study.store import ResultStore
from povsim.study.sweeps.spec import params_sha256

CACHE_DIGITS = 12
"""Decimal places of a float value in the evaluation cache key (values closer than this
are the same point; whole-number parameters are keyed by their rounded value)."""

UNDEFINED_DISTANCE = 10.0
"""Distance (in tolerances) counted for a target whose model value is undefined (NaN): far
off, so the minimiser moves away from such points."""

KIND = "calibration"
"""The ``kind`` of a calibration's store manifest."""

LABELS = ["run_id", "policy", "point", "replication"]
"""Columns of stored runs that an evaluation's table leaves out (with the point's values):
it keeps scenario, seed, year and the outputs, as :func:`povsim.study.runs.simulate`
gives them."""


@cache
def _whole_number_paths() -> frozenset[str]:
    return frozenset(path for path, info in param_infos(Parameters()).items() if info.kind is int)


def typed_values(values: Mapping[str, float]) -> dict[str, int | float]:
    """Free values as the model takes them: whole-number parameters rounded, others floats."""
    whole = _whole_number_paths()
    return {k: (round(v) if k in whole else float(v)) for k, v in values.items()}


def _cache_key(values: Mapping[str, float]) -> tuple[tuple[str, int | float], ...]:
    """Key of the runs for ``values``: points the model cannot tell apart share a key."""
    return tuple(sorted((k, v if isinstance(v, int) else round(v, CACHE_DIGITS))
                        for k, v in typed_values(values).items()))


class Evaluator:
    """Runs the model for parameter values and measures targets (results cached).

    Args:
        base: Parameters the free values are applied to.
        seeds: Seeds of every evaluation.
        executor: Where runs execute (an open executor); in this process if ``None``.
        store: Where runs are kept (held by the caller); a temporary folder, deleted by
            :meth:`close`, if ``None``.
        resume: Reuse the runs of points the store's manifest lists (same base and
            seeds only).

    Raises:
        PovsimError: If ``resume`` finds a store of another calibration.
    """

    def __init__(self, base: Parameters, seeds: Sequence[int],
                 executor: Executor | None = None, store: ResultStore | None = None,
                 resume: bool = False):
        from povsim.study.executors import SerialExecutor

        self.base = base
        self.seeds = list(seeds)
        self.executor = executor or SerialExecutor()
        self._scratch = None if store is not None \
            else tempfile.TemporaryDirectory(prefix="povsim-calibration-")
        self.store = store if store is not None else ResultStore(self._scratch.name)
        self.cache: dict[tuple, pd.DataFrame] = {}
        self.evaluations = 0
        self.points: list[list[Any]] = []
        self.fingerprint = hashlib.sha256(json.dumps(
            {"base": params_sha256(base), "seeds": self.seeds}).encode()).hexdigest()
        self._open(self.store, resume)

    def close(self) -> None:
        """Delete the runs kept in a temporary folder (when no store was given)."""
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def _open(self, store: ResultStore, resume: bool) -> None:
        if resume and store.exists():
            manifest = store.read_manifest()
            if manifest.get("kind") != KIND or manifest.get("fingerprint") != self.fingerprint:
                raise PovsimError(f"cannot resume: {store.root} holds the runs of another "
                                  "calibration (another base scenario, fitting overrides or "
                                  "seeds); calibrate into a new store folder, or start "
                                  "afresh without --resume")
            self.points = manifest.get("points", [])
        else:
            earlier = store.read_manifest() if store.exists() else {}
            if earlier.get("points") and not earlier.get("finished"):
                raise PovsimError(f"{store.root} holds an unfinished calibration; add "
                                  "--resume (resume=True) to continue it, or choose another "
                                  "--store folder (or remove this one) to start afresh")
            store.clear()
            self._write_manifest()

    def _write_manifest(self, finished: bool = False) -> None:
        self.store.write_manifest({"kind": KIND, "fingerprint": self.fingerprint,
                                   "seeds": self.seeds, "points": self.points,
                                   "finished": finished})

    def finish(self) -> None:
        """Record that the calibration finished (a new one may then replace its runs)."""
        self._write_manifest(finished=True)

    def runs(self, values: Mapping[str, float]) -> pd.DataFrame:
        """Yearly outputs of every seed for these free values."""
        key = _cache_key(values)
        if key not in self.cache:
            self.cache[key] = self._evaluate(key, typed_values(values))
            self.evaluations += 1
        return self.cache[key]

    def _evaluate(self, key: tuple, values: dict[str, int | float]) -> pd.DataFrame:
        """Run (or find in the store) the runs of one point."""
        index = [list(pair) for pair in key]
        if index not in self.points:
            self.points.append(index)
            self._write_manifest()
        point = self.points.index(index)
        n = len(self.seeds)
        params = self.base.with_overrides(values)      # once for every seed of the point
        specs = [RunSpec(PlannedRun(point * n + r, "", "base", point, r, seed), params)
                 for r, seed in enumerate(self.seeds)]
        made: dict[int, pd.DataFrame] = {}

        def keep(record: RunRecord) -> None:
            made[record.run_id] = decode(record.data)

        execute_runs(specs, self.store, self.executor, parameters=lambda _: dict(values),
                     stored=keep)
        failed = [f for f in self.store.failures() if f["point"] == point]
        if failed:
            raise PovsimError(f"a calibration run failed ({values}): {failed[0]['error']}")
        ids = [spec.run.run_id for spec in specs]
        earlier = self.store.load(run_ids=[i for i in ids if i not in made])
        parts = [made[i] if i in made else earlier[earlier["run_id"] == i] for i in ids]
        runs = pd.concat(parts, ignore_index=True)
        return runs.drop(columns=LABELS)

    def params(self, values: Mapping[str, float]) -> Parameters:
        """The base parameters with ``values`` applied."""
        return self.base.with_overrides(typed_values(values))

    def moments(self, values: Mapping[str, float],
                targets: Sequence[Target]) -> tuple[np.ndarray, np.ndarray]:
        """Per-seed distances (in tolerances) of each target: ``(mean, per_seed)`` arrays."""
        runs = self.runs(values)
        params = self.params(values)
        per_seed = np.array([[t.distance(v) for v in measure(t, runs, params).to_numpy()]
                             for t in targets])
        means = np.array([t.distance(float(measure(t, runs, params).mean())) for t in targets])
        return means, per_seed

    def objective(self, values: Mapping[str, float], targets: Sequence[Target],
                  outside_weight: float = 0.0) -> float:
        """Sum of squared distances of the seed means from the targets, in tolerances.

        Args:
            values: Free parameter values.
            targets: The targets.
            outside_weight: Extra weight of the part of each distance beyond the
                tolerance (``outside_weight * max(|d| - 1, 0)**2`` added per target), so
                a point with every target within its tolerance is preferred.
        """
        means, _ = self.moments(values, targets)
        means = np.where(np.isnan(means), UNDEFINED_DISTANCE, means)
        outside = np.maximum(np.abs(means) - 1.0, 0.0)
        return float(np.sum(means**2) + outside_weight * np.sum(outside**2))


