"""One run of an experiment, as executed in a worker: picklable task in, Parquet bytes out.

:func:`execute` applies the point's values to the scenario's parameters, runs the
model through :func:`povsim.runner.run_spec` and returns the run's yearly outputs
with its identifying and factor columns, already encoded as a Parquet file: the
encoding happens in parallel in the workers, and the process that stores the results
only writes bytes (which keeps it from becoming the bottleneck). It never raises: a
run that fails (an invalid combination of values, an error in the model) comes back
with its traceback, so the other runs go on.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from povsim.experiments.plan import PlannedRun, cell
from povsim.params import Parameters
from povsim.runner import RunSpec, run_spec

YEAR = "year"

PARQUET_COMPRESSION = "zstd"


@dataclass(frozen=True, slots=True)
class RunTask:
    """Everything a worker needs for one run.

    Attributes:
        run: The planned run (ids, seed, factor values).
        params: The scenario's parameters with the constants and the policy applied.
        years: Years to simulate (to the end year if ``None``).
        outputs: Yearly outputs to keep (every output if empty).
    """

    run: PlannedRun
    params: Parameters
    years: int | None = None
    outputs: tuple[str, ...] = ()


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


def execute(task: RunTask) -> RunRecord:
    """Run one task; never raises for an error in the parameters or the model.

    Args:
        task: The run.

    Returns:
        Its record: the table, or the traceback.
    """
    started = time.perf_counter()
    run = task.run
    try:
        params = task.params.with_overrides(dict(run.values)) if run.values else task.params
    except Exception:  # an invalid combination of values is a failed run, not a crash
        return RunRecord(run.run_id, None, traceback.format_exc(),
                         time.perf_counter() - started)
    result = run_spec(RunSpec(params, run.seed, run.scenario, task.years))
    if not result.ok or result.outputs is None:
        return RunRecord(run.run_id, None, result.error, time.perf_counter() - started)
    data = encode(label_table(result.outputs, run, task.outputs))
    return RunRecord(run.run_id, data, None, time.perf_counter() - started)


def label_table(outputs: pd.DataFrame, run: PlannedRun,
                keep: tuple[str, ...] = ()) -> pa.Table:
    """A run's yearly outputs with its id and factor columns in front.

    Args:
        outputs: The run's yearly outputs (as :func:`povsim.runner.simulate` returns).
        run: The planned run.
        keep: Yearly outputs to keep (every output if empty).

    Returns:
        An Arrow table with the columns run_id, scenario, policy, point, replication,
        seed, the factors, ``year``, the outputs.
    """
    from povsim.experiments.outcomes import output_units

    names = list(keep) if keep else [c for c in outputs.columns if c in output_units()]
    n = len(outputs)
    columns: dict[str, pa.Array] = {k: pa.array([v] * n) for k, v in run.labels().items()}
    columns.update({name: pa.array([cell(v)] * n) for name, v in run.values.items()})
    columns[YEAR] = pa.array(outputs[YEAR].to_numpy())
    columns.update({name: pa.array(outputs[name].to_numpy()) for name in names})
    return pa.table(columns)


def encode(table: pa.Table) -> bytes:
    """The bytes of a Parquet file holding ``table``."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=PARQUET_COMPRESSION)
    return sink.getvalue().to_pybytes()
