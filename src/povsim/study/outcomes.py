"""Outcomes of a run by name: end-year values, totals of flows, derived rates, time series.

A run's yearly table (one row a year, from the start year's state to the last
simulated year) gives these outcomes, the names that :func:`povsim.run` returns and
that ``povsim analyze`` and experiment figures accept:

* ``<output>``: the output's value in the last year (for example ``headcount_rate``).
* ``total_<flow>``: a yearly flow (every output whose unit is per year, such as
  ``exits`` or ``spending_total``) summed over the simulated years (the start year's
  state is not a simulated year): :func:`total`, the one definition of a total that
  povsim.run, comparisons (the ``total`` rows of summary.csv) and sweeps share.
* ``return_rate``: certified exits that fell back below the line, as a percent of
  certified exits: ``100 * total_returns_after_exit / total_exits_registered``.
* ``<output>_by_year``: ``{year: value}`` for every year of the table, and
  ``<output>_series``: the same values as a 1-D numpy array, in the order of the
  ``years`` array (the form EMA Workbench's ``TimeSeriesOutcome`` takes); in
  :func:`povsim.run` only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from povsim.errors import PovsimError
from povsim.util.hints import did_you_mean

YEAR = "year"
TOTAL_PREFIX = "total_"
BY_YEAR_SUFFIX = "_by_year"
SERIES_SUFFIX = "_series"
YEARS = "years"
FLOW_UNIT_SUFFIX = "/year"
"""A yearly output whose unit ends with this is a flow (summed by ``total_<output>``)."""

PERCENT = 100.0

RETURN_RATE = "return_rate"
DERIVED: dict[str, tuple[str, str, str]] = {
    RETURN_RATE: ("returns_after_exit", "exits_registered",
                  "percent of certified exits that fell back below the line"),
}
"""Derived outcomes: name -> (numerator flow, denominator flow, meaning); the value is
100 x total numerator / total denominator."""


def output_units() -> dict[str, str]:
    """Unit of every yearly output, by name (``year`` excluded)."""
    from povsim.metrics import OUTPUTS

    return {name: unit for name, (_, unit) in OUTPUTS.items() if name != YEAR}


def flow_outputs() -> tuple[str, ...]:
    """Yearly outputs that are flows (their unit ends in ``/year``), in registry order."""
    return tuple(name for name, unit in output_units().items()
                 if unit.endswith(FLOW_UNIT_SUFFIX))


def outcome_names(outputs: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """Every scalar outcome a run with the given yearly outputs provides.

    Args:
        outputs: Yearly outputs kept (every output if ``None``).

    Returns:
        End-year names, then ``total_<flow>`` names, then derived names whose inputs
        are kept.
    """
    kept = list(output_units()) if outputs is None else list(outputs)
    flows = [f for f in flow_outputs() if f in kept]
    derived = [name for name, (num, den, _) in DERIVED.items() if num in kept and den in kept]
    return [*kept, *(TOTAL_PREFIX + f for f in flows), *derived]


def _ratio(numerator: float, denominator: float) -> float:
    return PERCENT * numerator / denominator if denominator else float("nan")


def total(values: pd.Series | np.ndarray) -> float | int:
    """The total of a flow over the simulated years given: their sum, NaN if none has one.

    Values missing in a year count as 0; a flow counted in whole numbers has a whole
    number as its total.

    Args:
        values: The flow's value in each simulated year of one run.
    """
    array = np.asarray(values)
    if array.dtype.kind in "iub":
        return int(array.sum())
    array = array.astype(float)
    present = ~np.isnan(array)
    if not present.any():
        return float("nan")
    return float(np.where(present, array, 0.0).sum())


def total_unit(unit: str) -> str:
    """Unit of a flow's total: "households/year" summed over years is "households"."""
    return unit.removesuffix(FLOW_UNIT_SUFFIX)


def simulated_rows(runs: pd.DataFrame, keys: list[str], year: int | None = None
                   ) -> pd.DataFrame:
    """The rows of simulated years (after each run's start year), up to ``year``."""
    start = runs.groupby(keys, sort=False)[YEAR].transform("min") if keys \
        else runs[YEAR].min()
    simulated = runs[runs[YEAR] > start]
    return simulated if year is None else simulated[simulated[YEAR] <= year]


def totals(runs: pd.DataFrame, flows: list[str], keys: list[str], *,
           year: int | None = None, sort: bool = True) -> pd.DataFrame:
    """Each run's :func:`total` of each flow, from a table of yearly outputs of many runs.

    Args:
        runs: Yearly outputs (``year``, the key columns, the flows).
        flows: The flows to total.
        keys: Columns identifying a run.
        year: Total the years up to this one (every year if ``None``).
        sort: Order the runs by their keys (else as they first appear).

    Returns:
        One row per run (indexed by the keys), one column per flow.
    """
    simulated = simulated_rows(runs, keys, year)
    return simulated.groupby(keys, sort=sort)[flows].agg(total)


def summarise(table: pd.DataFrame) -> dict[str, float]:
    """Scalar outcomes of one run.

    Args:
        table: The run's yearly outputs (a ``year`` column, one row a year).

    Returns:
        ``{name: value}`` for every name of :func:`outcome_names` the table supports.
    """
    table = table.sort_values(YEAR)
    last = table.iloc[-1]
    simulated = simulated_rows(table, [])
    units = output_units()
    kept = [c for c in table.columns if c in units]
    out: dict[str, float] = {name: _scalar(last[name]) for name in kept}
    for flow in flow_outputs():
        if flow in table.columns:
            out[TOTAL_PREFIX + flow] = float(total(simulated[flow]))
    for name, (num, den, _) in DERIVED.items():
        if num in table.columns and den in table.columns:
            out[name] = _ratio(float(total(simulated[num])), float(total(simulated[den])))
    return out


def _scalar(value: Any) -> float:
    return float(value) if value is not None else float("nan")


def by_year(table: pd.DataFrame) -> dict[str, Any]:
    """Time series of one run, by year and as arrays.

    Args:
        table: The run's yearly outputs.

    Returns:
        ``"<output>_by_year"``: ``{year: value}`` and ``"<output>_series"``: a float array
        for every output, and ``"years"``: the array of years the series follow.
    """
    years = [int(y) for y in table[YEAR]]
    units = output_units()
    names = [name for name in table.columns if name in units]
    series = {name: [_scalar(v) for v in table[name]] for name in names}
    return {
        **{name + BY_YEAR_SUFFIX: dict(zip(years, values, strict=True))
           for name, values in series.items()},
        YEARS: np.array(years),
        **{name + SERIES_SUFFIX: np.array(values, dtype=float)
           for name, values in series.items()},
    }


def check_outcome(name: str, columns: list[str] | tuple[str, ...]) -> None:
    """Raise a clear error if ``name`` is not an outcome of runs with these columns.

    Args:
        name: Outcome name (``headcount_rate``, ``total_exits``, ``return_rate``).
        columns: Columns of the results table.

    Raises:
        PovsimError: Naming the outcome, what it needs, and what is available.
    """
    kept = [c for c in columns if c in output_units()]
    available = outcome_names(kept)
    if name in available:
        return
    if name in DERIVED:
        num, den, _ = DERIVED[name]
        raise PovsimError(f"outcome {name!r} needs the outputs {num!r} and {den!r}; add "
                          "them to outputs = [...] in the [experiment] table")
    base = name.removeprefix(TOTAL_PREFIX)
    if name.startswith(TOTAL_PREFIX) and base in output_units() and base not in flow_outputs():
        raise PovsimError(f"outcome {name!r}: {base!r} is not a yearly flow, so it has no "
                          f"total; flows: {', '.join(flow_outputs())}")
    if base in output_units() and base not in kept:
        raise PovsimError(f"outcome {name!r}: the output {base!r} was not kept by this "
                          "experiment; add it to outputs = [...] in the [experiment] table")
    raise PovsimError(f"unknown outcome {name!r}{did_you_mean(name, available)}; allowed: "
                      f"{', '.join(available)}")


def outcome_per_run(results: pd.DataFrame, name: str, year: int | None = None,
                    keys: tuple[str, ...] = ("run_id",)) -> pd.Series:
    """One value of an outcome per run, from a table of yearly outputs of many runs.

    Args:
        results: Yearly outputs of the runs (``year``, the key columns, the outputs).
        name: Outcome name (see the module docstring).
        year: For an output, its value in this year (the run's last year if omitted);
            for a total or a derived rate, the years up to this one.
        keys: Columns identifying a run.

    Returns:
        The values, indexed by the key columns.

    Raises:
        PovsimError: For an unknown outcome or a year no run reached.
    """
    check_outcome(name, list(results.columns))
    keys = list(keys)
    if year is not None:
        years = results[YEAR].unique()
        if year not in years:
            raise PovsimError(f"--year {year}: no run has that year; allowed: "
                              f"{int(np.min(years))} to {int(np.max(years))}")
    upto = results if year is None else results[results[YEAR] <= year]
    if name in DERIVED:
        num, den, _ = DERIVED[name]
        sums = totals(results, [num, den], keys, year=year)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = PERCENT * sums[num] / sums[den].where(sums[den] != 0)
        return ratio.rename(name)
    if name.startswith(TOTAL_PREFIX) and name not in results.columns:
        flow = name.removeprefix(TOTAL_PREFIX)
        return totals(results, [flow], keys, year=year)[flow].rename(name)
    at = upto.sort_values(YEAR).groupby(keys, sort=True).tail(1) if year is None \
        else results[results[YEAR] == year]
    return at.set_index(keys)[name].sort_index().rename(name)


def describe(name: str) -> str:
    """Unit or meaning of an outcome, for table headers and figure labels."""
    units = output_units()
    if name in units:
        return units[name]
    if name in DERIVED:
        return DERIVED[name][2]
    base = name.removeprefix(TOTAL_PREFIX)
    if base in units:
        return total_unit(units[base]) + ", summed over years"
    return ""

