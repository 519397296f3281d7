"""The Python API: ``povsim.run`` (one run), ``povsim.sweep`` and ``povsim.compare`` (many).

:func:`run` is the model as a plain function of keyword parameters returning a dict
of named outcomes: the shape that exploratory-modelling, sensitivity and calibration
tools (the EMA Workbench, SALib, optimisers) drive without glue::

    import povsim
    out = povsim.run(seed=1, population__n_households=5000, **{"health.p_illness": 0.1})
    out["headcount_rate"]              # end-year value (percent of persons)
    out["total_exits"]                 # a flow summed over the simulated years
    out["headcount_rate_by_year"]      # {2012: 10.2, 2013: ..., 2020: ...}
    out["headcount_rate_series"]       # the same as an array, year by year (out["years"])

:func:`sweep` runs a spec (a file, or the same fields as keywords) and returns the
tidy table of every run and year::

    table = povsim.sweep(parameters={"health.p_illness": [0.05, 0.1]}, replications=3,
                         constants={"population.n_households": 2000}, years=3)

:func:`compare` runs scenarios over the same seeds (common random numbers) and returns
the runs with their tables; with ``out`` it also writes them, with figures and a report,
like ``povsim compare``. Each is a thin layer over the one engine
(:mod:`povsim.study.batch`): any executor (``executor="serial"``, ``"local"``,
``"dask"``, a ``concurrent.futures.Executor`` or a Dask ``Client``), a result store,
``resume``.
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from povsim.errors import PovsimError
from povsim.params import Parameters
from povsim.study.executors import ExecutorLike
from povsim.study.scenarios import Scenario, load_scenario
from povsim.study.seeds import DEFAULT_SEEDS, check_seed, consecutive_seeds
from povsim.study.sweeps.checks import load_spec, parse_spec
from povsim.study.sweeps.spec import ExperimentSpec

if TYPE_CHECKING:
    from povsim.study.compare.comparison import ComparisonResult

ScenarioLike = str | Path | Scenario | Parameters | None


def resolve_params(scenario: ScenarioLike) -> Parameters:
    """Parameters from a scenario file, a Scenario, Parameters, or the defaults (``None``)."""
    if scenario is None:
        return Parameters()
    if isinstance(scenario, Parameters):
        return scenario
    if isinstance(scenario, Scenario):
        return scenario.params
    if isinstance(scenario, str | Path):
        return load_scenario(scenario).params
    raise PovsimError(f"scenario = {scenario!r}: allowed: a scenario file path, a Scenario, "
                      "Parameters, or None for the defaults")


def run(scenario: ScenarioLike = None, seed: int = 0, years: int | None = None,
        **overrides: Any) -> dict[str, Any]:
    """Run the model once and return its outcomes by name.

    Args:
        scenario: A scenario file, a :class:`~povsim.study.scenarios.Scenario`,
            :class:`~povsim.params.Parameters`, or ``None`` for the defaults.
        seed: Random seed (the ``seed`` column of a sweep reproduces that run).
        years: Years to simulate (to the scenario's end year if ``None``).
        **overrides: Parameter values by dotted path (``**{"health.p_illness": 0.1}``)
            or with ``__`` for dots (``health__p_illness=0.1``).

    Returns:
        Scalars: every output's end-year value by its name (``headcount_rate``),
        ``total_<flow>`` for every yearly flow summed over the simulated years
        (``total_exits``), and ``return_rate`` (percent of certified exits that fell
        back below the line); time series: ``<output>_by_year`` as ``{year: value}``
        from the start year's state to the last simulated year.

    Raises:
        ParameterError: For an unknown parameter or an invalid value (all listed).
        PovsimError: For a seed or years out of range, or a run too large for this
            machine's memory.
    """
    from povsim.study.outcomes import by_year, summarise
    from povsim.study.resources import check_memory
    from povsim.study.runs import check_years, simulate

    params = resolve_params(scenario)
    if overrides:
        params = params.with_overrides(overrides)
    seed = check_seed(seed, "seed =")
    years = check_years(years, params, "years =")
    check_memory(params.population.n_households, where="use a machine with more memory")
    table = simulate(params, seed, years=years)
    return {**summarise(table), **by_year(table)}


def sweep(spec: str | Path | ExperimentSpec | None = None, *,
          parameters: Mapping[str, Any] | None = None,
          uncertainties: Mapping[str, Any] | None = None,
          levers: Mapping[str, Any] | None = None,
          policies: Mapping[str, Mapping[str, Any]] | None = None,
          constants: Mapping[str, Any] | None = None,
          scenario: ScenarioLike | Sequence[ScenarioLike] = None,
          design: str = "grid", samples: int | None = None,
          design_options: Mapping[str, Any] | None = None,
          replications: int = 1, seed: int = 0, common_seeds: bool = False,
          years: int | None = None, outputs: Sequence[str] | None = None,
          name: str = "sweep", out: str | Path | None = None, resume: bool = False,
          seeds: Sequence[int] | None = None,
          executor: ExecutorLike = "local", workers: int | None = None,
          scheduler: str | None = None, progress: bool = False,
          raise_on_failure: bool = True) -> pd.DataFrame:
    """Run a sweep and return the tidy table of its results.

    Give either a spec (a TOML file or an :class:`ExperimentSpec`) or its fields as
    keywords (the same fields as the file's tables; see :mod:`povsim.study.sweeps.spec`).

    Args:
        spec: An experiment spec file or object.
        parameters: Factors: dotted path -> list of values, or ``{"low": a, "high": b}``
            (with ``"steps": n`` on a grid), or ``{"values": [...]}``.
        uncertainties: Factors that are uncertainties (as ``parameters``).
        levers: Factors that are levers (as ``parameters``).
        policies: Named lever sets: name -> {dotted path: value}.
        constants: Values set in every run.
        scenario: Base scenario(s): file path(s), Scenario(s), Parameters, or ``None``.
        design: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        samples: Size of a sampled design.
        design_options: Options of the design.
        replications: Runs per design point.
        seed: Master seed.
        common_seeds: Give replication ``r`` the same seed at every point.
        seeds: Given seeds, one per replication, shared by every point (instead of
            ``seed``, ``replications`` and ``common_seeds``).
        years: Years to simulate.
        outputs: Yearly outputs to keep (every output if ``None``).
        name: Name of the experiment.
        out: Folder of the result store; a temporary folder (deleted afterwards) if
            ``None``.
        resume: Continue the sweep already in ``out``.
        executor: ``serial``, ``local`` (the default) or ``dask``, or an executor to
            use and leave open: a povsim Executor (to reuse across sweeps), any
            ``concurrent.futures.Executor``, or a Dask ``distributed.Client``.
        workers: Worker processes (the CPUs available if ``None``).
        scheduler: Dask scheduler address (``tcp://host:8786``).
        progress: Show a progress bar with the time remaining.
        raise_on_failure: Raise if any run failed (after storing the others); if
            false, return the finished runs.

    Returns:
        One row per run and year: run_id, scenario, policy, point, replication, seed,
        one column per factor, year, the outputs.

    Raises:
        PovsimError: For an invalid spec, or failed runs (listed) when
            ``raise_on_failure``.
        KeyboardInterrupt: If interrupted; finished runs stay in ``out``.
    """
    from povsim.study.store import load_results
    from povsim.study.sweeps.engine import run_sweep

    keywords = {"parameters": parameters, "uncertainties": uncertainties, "levers": levers,
                "policies": policies, "constants": constants, "scenario": scenario,
                "design": design, "samples": samples, "design_options": design_options,
                "replications": replications, "seed": seed, "common_seeds": common_seeds,
                "years": years, "outputs": outputs, "name": name, "seeds": seeds}
    if spec is not None:
        _refuse_spec_keywords(keywords)
        checked = spec if isinstance(spec, ExperimentSpec) else load_spec(spec)
    else:
        checked = parse_spec(_tables(keywords))
    with tempfile.TemporaryDirectory(prefix="povsim-sweep-") as tmp:
        root = Path(out) if out is not None else Path(tmp) / checked.name
        report = run_sweep(checked, root, executor=executor, workers=workers,
                           scheduler=scheduler, resume=resume, progress=progress)
        if report.interrupted:
            raise KeyboardInterrupt(f"sweep interrupted: {report.stored} of {report.planned} "
                                    f"runs stored in {root}")
        if report.failures and raise_on_failure:
            raise PovsimError(failure_message(report.failures, report.planned, root))
        return load_results(root)


def compare(scenarios: Sequence[str | Path], *, seeds: int | Sequence[int] = DEFAULT_SEEDS,
            years: int | None = None, overrides: Mapping[str, Any] | None = None,
            out: str | Path | None = None, resume: bool = False, overwrite: bool = False,
            executor: ExecutorLike | None = None, workers: int | None = 1,
            scheduler: str | None = None, progress: bool = False) -> ComparisonResult:
    """Compare scenarios over the same seeds: a sweep of scenarios x seeds, and its tables.

    Args:
        scenarios: Scenario files; the first is the reference for differences.
        seeds: Seeds every scenario runs (a count ``n`` means seeds 0 to n - 1).
        years: Years to simulate (to the scenarios' end year if ``None``).
        overrides: Dotted-path values set in every scenario.
        out: Folder to write the tables, figures, report and manifest to (and the runs,
            in ``out/store``); nothing is written but a temporary store if ``None``.
        resume: Keep the runs already stored in ``out`` and run only the others.
        overwrite: Replace the comparison already in ``out`` (which must otherwise be
            empty, unless ``resume``).
        executor: Where runs execute (see :func:`sweep`); by default in this process for
            one worker, else a local pool.
        workers: Worker processes (the CPUs available if ``None``).
        scheduler: Dask scheduler address.
        progress: Show a progress bar over runs.

    Returns:
        The runs; ``result.summary()`` and ``result.yearly()`` give the tables.

    Raises:
        PovsimError: Listing every problem with the scenarios or options (before any
            run; an ``out`` that is not empty without ``resume`` or ``overwrite``), or
            failed runs (after the others are kept).
        KeyboardInterrupt: If interrupted; with ``out``, finished runs stay stored and no
            report is written.
    """
    from povsim.study.compare.comparison import (
        STORE,
        check_output_folder,
        prepare_comparison,
        run_comparison,
    )
    from povsim.study.compare.write import write_comparison

    chosen = consecutive_seeds(seeds) if isinstance(seeds, int) else list(seeds)
    comparison = prepare_comparison(scenarios, seeds=chosen, years=years, overrides=overrides)
    if out is not None:
        check_output_folder(out, resume=resume, overwrite=overwrite)
    store = Path(out) / STORE if out is not None else None
    result = run_comparison(comparison, store=store, executor=executor, workers=workers,
                            scheduler=scheduler, resume=resume, progress=progress)
    if result.interrupted:
        raise KeyboardInterrupt("comparison interrupted" + (
            f"; the finished runs are stored in {store} (no report was written; continue "
            "with resume=True)" if store else ""))
    if out is not None:
        write_comparison(result, out)
    if result.failures:
        first = result.failures[0]
        raise PovsimError(f"{len(result.failures)} of {len(result.outcomes)} runs failed; "
                          f"first: {first.scenario}, seed {first.seed}: "
                          f"{first.error_summary}")
    return result


TABLE_KEYWORDS = ("parameters", "uncertainties", "levers", "policies", "constants")
"""Keywords of :func:`sweep` that are whole tables of a spec file."""


def _refuse_spec_keywords(keywords: Mapping[str, Any]) -> None:
    """Raise if a spec's field is also given as a keyword (it would be ignored).

    Raises:
        PovsimError: Naming every keyword set to other than its default.
    """
    defaults = inspect.signature(sweep).parameters
    given = [key for key, value in keywords.items() if value != defaults[key].default]
    if given:
        raise PovsimError(
            "give a spec or its fields, not both: the spec sets every field, so "
            f"{', '.join(f'{key}=' for key in given)} would be ignored; change the spec "
            "(or its file) instead, or leave out the spec")


def _tables(keywords: Mapping[str, Any]) -> dict[str, Any]:
    """The tables of a spec file, from :func:`sweep`'s keywords."""
    given_seeds = keywords["seeds"] is not None
    experiment: dict[str, Any] = {key: keywords[key] for key in (
        "name", "design", "replications", "seed", "common_seeds")
        if not (given_seeds and key in ("replications", "seed", "common_seeds"))}
    scenario = keywords["scenario"]
    if scenario is not None:
        experiment["scenarios"] = list(scenario) if isinstance(scenario, list | tuple) \
            else [scenario]
    outputs = keywords["outputs"]
    optional = {"samples": keywords["samples"], "design_options": keywords["design_options"],
                "years": keywords["years"], "outputs": list(outputs) if outputs else None,
                "seeds": list(keywords["seeds"]) if keywords["seeds"] is not None else None}
    experiment.update({key: value for key, value in optional.items() if value is not None})
    tables: dict[str, Any] = {"experiment": experiment}
    tables.update({key: dict(keywords[key]) for key in TABLE_KEYWORDS if keywords[key]})
    return tables


def failure_message(failures: list[dict[str, Any]], planned: int, root: Path,
                    limit: int | None = None) -> str:
    """``3 of 40 runs failed ...`` with one line per failed run (the first ``limit``)."""
    lines = [f"{len(failures)} of {planned} runs failed; the others are stored in {root}:"]
    lines += [f"  - run {f['run_id']} ({f['scenario']}, {f['policy']}, point {f['point']}, "
              f"replication {f['replication']}, seed {f['seed']}): {f['error']}"
              for f in failures[:limit]]
    if limit is not None and len(failures) > limit:
        lines.append(f"  ... and {len(failures) - limit} more")
    lines.append(f"  parameters and tracebacks: {root / 'failures'}")
    return "\n".join(lines)
