"""Batch experiments: the Python API, experiment specs, designs, executors, the result store.

* :func:`run`: one run, outcomes by name (scalars and ``<output>_by_year`` series).
* :func:`sweep`: many runs from a spec (``experiments/*.toml``) or keywords; a tidy table.
* :func:`load_spec`, :func:`load_results`, :func:`sensitivity`: specs, stored results,
  Sobol / Morris indices.

Modules: :mod:`~povsim.experiments.spec` (specs), :mod:`~povsim.experiments.checks`
(checking them), :mod:`~povsim.experiments.designs`
(grid, Latin hypercube, Sobol, Morris), :mod:`~povsim.experiments.seeds`,
:mod:`~povsim.experiments.plan`, :mod:`~povsim.experiments.worker` (one run),
:mod:`~povsim.experiments.outcomes` (outcomes by name),
:mod:`~povsim.experiments.executors` (serial, local pool, Dask),
:mod:`~povsim.experiments.store` (Parquet result store),
:mod:`~povsim.experiments.manifest` (what a sweep records; when it may resume),
:mod:`~povsim.experiments.engine` (a sweep), :mod:`~povsim.experiments.analysis`,
:mod:`~povsim.experiments.figures`, :mod:`~povsim.experiments.cli`.
"""

from povsim.lazy import import_on_first_use

__all__ = ["ExperimentSpec", "load_results", "load_spec", "parse_spec", "run", "sensitivity",
           "sweep"]

# Imported on first use: the command line imports this package to add its subcommands.
import_on_first_use(__name__, {
    "sensitivity": "povsim.experiments.analysis",
    "run": "povsim.experiments.api",
    "sweep": "povsim.experiments.api",
    "ExperimentSpec": "povsim.experiments.spec",
    "load_spec": "povsim.experiments.spec",
    "parse_spec": "povsim.experiments.spec",
    "load_results": "povsim.experiments.store",
})
