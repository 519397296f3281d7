"""One run: its specification (plain, picklable data) and its execution in a worker.

Every batch of runs (a sweep, a comparison, a validation, a calibration's evaluation)
describes each run by one :class:`RunSpec`: the scenario's parameters, the values set
on top of them, the seed, the years and the outputs to keep, and the run's place in
its batch (:class:`PlannedRun`). :func:`execute` runs a spec in whatever process an
executor chose and returns a :class:`RunRecord`: the run's yearly outputs with its
identifying columns, already encoded as a Parquet file (the encoding happens in
parallel in the workers; the process that stores results only writes bytes). It
never raises: a run that fails (an invalid combination of values, an error in the
model) comes back with its traceback, so the other runs go on. A run's result depends
only on its spec, never on the executor, the number of workers or the order in which
runs finish.

:func:`simulate` is the model as one call: parameters and a seed in, the table of
yearly outputs out.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from povsim.errors import PovsimError
from povsim.params import Parameters
from povsim.params.spec import YEAR_LIMITS
from povsim.util.values import is_whole

ID_COLUMNS = ("run_id", "scenario", "policy", "point", "replication", "seed")
"""Columns identifying a run in stored results, before the factor columns and ``year``."""

YEAR = "year"

PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": False, "write_statistics": False}
"""How a run's table is written: compressed, without dictionaries or column statistics
(a run's table is a few rows: they would cost more time and space than they save)."""

SECONDS_KEY = b"povsim.seconds"
"""Key of a run's wall time in the metadata of its Parquet file."""


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """A run's place in its batch: ids, seed, and the values set on its scenario.

    Attributes:
        run_id: Position in the batch (0, 1, ...); names the run's result file.
        scenario: Name of the scenario.
        policy: Name of the policy (``"base"`` when the batch has none).
        point: Index of the design point (of the evaluation, in a calibration).
        replication: Index of the replication at that point (0 to R - 1).
        seed: The run's seed (reproduce it with ``povsim.run(seed=...)``).
        values: Values set on the scenario's parameters in the worker,
            ``{dotted path: value}`` (a sweep's factor values).
    """

    run_id: int
    scenario: str
    policy: str
    point: int
    replication: int
    seed: int
    values: Mapping[str, Any] = field(default_factory=dict)

    def labels(self) -> dict[str, Any]:
        """The identifying columns of the run."""
        return {"run_id": self.run_id, "scenario": self.scenario, "policy": self.policy,
                "point": self.point, "replication": self.replication, "seed": self.seed}


@dataclass(frozen=True, slots=True)
class RunSpec:
    """Everything one run needs, as picklable data.

    Attributes:
        run: The run's place in its batch, its seed and its values.
        params: The scenario's parameters (with a batch's constants and policy applied).
        years: Years to simulate (to the end year if ``None``).
        outputs: Yearly outputs to keep (every output if empty).
    """

    run: PlannedRun
    params: Parameters
    years: int | None = None
    outputs: tuple[str, ...] = ()

    def parameters(self) -> Parameters:
        """The parameters the run simulates: ``params`` with the run's values set.

        Raises:
            ParameterError: If the values do not fit the parameters.
        """
        values = self.run.values
        return self.params.with_overrides(dict(values)) if values else self.params


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What came of one run.

    Attributes:
        run_id: The run.
        data: Its yearly outputs with id and factor columns, as the bytes of a Parquet
            file, or ``None`` if it failed.
        error: The traceback if it failed.
        seconds: Wall time of the run in the worker.
    """

    run_id: int
    data: bytes | None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the run finished."""
        return self.error is None


def check_years(years: object, params: Parameters, what: str = "--years") -> int | None:
    """Check the years a run is asked to simulate (``--years``, ``years=``).

    Args:
        years: Years to simulate, or ``None`` for the scenario's end year.
        params: The run's parameters (its start year).
        what: The option or argument that gave the years, for the message.

    Returns:
        The years as a Python integer (``None`` unchanged).

    Raises:
        PovsimError: Unless ``years`` is ``None`` or a whole number from 1 to the years
            from the start year to the last a run can reach.
    """
    if years is None:
        return None
    last = YEAR_LIMITS[1] - params.run.start_year
    if not is_whole(years) or not 1 <= years <= last:
        raise PovsimError(f"{what} {years!r}: allowed: a whole number from 1 to {last} (from "
                          f"the start year {params.run.start_year}; a run reaches "
                          f"{YEAR_LIMITS[1]} at the latest)")
    return int(years)


def simulate(params: Parameters, seed: int, *, scenario: str = "",
             years: int | None = None) -> pd.DataFrame:
    """Run the model once and return its yearly outputs.

    Args:
        params: The full parameter tree.
        seed: Random seed.
        scenario: Name written in the ``scenario`` column.
        years: Years to simulate (to ``params.run.end_year`` if ``None``).

    Returns:
        One row per year, from the start year: columns ``scenario``, ``seed``, ``year``
        and every output of :data:`povsim.metrics.OUTPUTS`.
    """
    from povsim.model import PovertyModel

    model = PovertyModel(params, rng=seed)
    model.run(years=years)
    table = model.outputs().reset_index(drop=True)
    table.insert(0, "seed", seed)
    table.insert(0, "scenario", scenario)
    return table


def execute(spec: RunSpec) -> RunRecord:
    """Run one spec; never raises for an error in the parameters or the model.

    Args:
        spec: The run.

    Returns:
        Its record: the labelled table as Parquet bytes, or the traceback.
    """
    started = time.perf_counter()
    run = spec.run
    try:
        outputs = simulate(spec.parameters(), run.seed, scenario=run.scenario,
                           years=spec.years)
    except Exception:  # a failed run is reported, not fatal to the others
        return RunRecord(run.run_id, None, traceback.format_exc(),
                         time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return RunRecord(run.run_id, encode(label_table(outputs, run, spec.outputs), seconds),
                     None, seconds)


def label_table(outputs: pd.DataFrame, run: PlannedRun,
                keep: tuple[str, ...] = ()) -> pa.Table:
    """A run's yearly outputs with its id and factor columns in front.

    Args:
        outputs: The run's yearly outputs (as :func:`simulate` returns them).
        run: The planned run.
        keep: Yearly outputs to keep (every output if empty).

    Returns:
        An Arrow table with the columns run_id, scenario, policy, point, replication,
        seed, the factors, ``year``, the outputs.
    """
    from povsim.study.outcomes import output_units

    names = list(keep) if keep else [c for c in outputs.columns if c in output_units()]
    n = len(outputs)
    columns: dict[str, pa.Array] = {k: pa.array([v] * n) for k, v in run.labels().items()}
    columns.update({name: pa.array([cell(v)] * n) for name, v in run.values.items()})
    columns[YEAR] = pa.array(outputs[YEAR].to_numpy())
    columns.update({name: pa.array(outputs[name].to_numpy()) for name in names})
    return pa.table(columns)


def cell(value: Any) -> Any:
    """A value as stored in a table cell: year tables and lists as JSON text."""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def decode(data: bytes) -> pd.DataFrame:
    """The table of a run's Parquet bytes (as :func:`encode` made them)."""
    return pq.read_table(pa.BufferReader(data)).to_pandas()


def encode(table: pa.Table, seconds: float | None = None) -> bytes:
    """The bytes of a Parquet file holding ``table`` (and the run's wall time, if given)."""
    if seconds is not None:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               SECONDS_KEY: repr(seconds).encode()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()
