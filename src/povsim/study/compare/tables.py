"""The tables of a comparison: means over seeds with intervals, paired differences.

Every table takes the runs (one row per scenario, seed and year: ``scenario``,
``seed``, ``year``, the outputs). :func:`yearly_table` gives the mean of each output by
scenario and year with its 95% interval; :func:`summary_table` the end-year value of
every output and the total of every flow (:func:`povsim.study.outcomes.total`), with
the difference from the first scenario paired by seed; :func:`parameter_table` every
parameter of every scenario as run.

Scenarios may end in different years (a campaign to 2020 beside a transition to 2030):
each scenario's ``end_year`` and ``total`` rows are then its own, compared with the
reference only where the reference covers the same years, and ``common_year`` and
``common_total`` rows give every scenario in the last year they all cover, paired with
the reference as usual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from povsim.study.intervals import mean_intervals
from povsim.study.outcomes import flow_outputs, output_units, total_unit, totals
from povsim.study.scenarios import Scenario

ID_COLUMNS = ("scenario", "seed")
"""Columns that identify a run in a comparison's tables, before ``year`` and the outputs."""

STATISTICS = ("end_year", "total", "change", "common_year", "common_total", "common_change")
"""Statistics of the summary: the value in the scenario's end year, and the total over its
simulated years (flows only: every output whose unit is per year); ``change`` from the
start year to the end year (derived values only, :mod:`~povsim.study.compare.derived`);
when the scenarios end in different years, the same in the last year they all cover."""


def output_columns(runs: pd.DataFrame) -> list[str]:
    """The numeric output columns of a runs table (not scenario, seed or year)."""
    return [c for c in runs.columns
            if c not in (*ID_COLUMNS, "year") and pd.api.types.is_numeric_dtype(runs[c])]


def _unit(name: str) -> str:
    return output_units().get(name, "")


def _ordered(table: pd.DataFrame, orders: Mapping[str, Sequence[str]],
             by: Sequence[str]) -> pd.DataFrame:
    """Sort ``table`` by ``by``, text columns in the given orders, and reset the index."""
    keys = {c: table[c].map({v: i for i, v in enumerate(order)}) for c, order in orders.items()}
    sort = pd.DataFrame({c: keys.get(c, table[c]) for c in by})
    return table.iloc[np.lexsort([sort[c].to_numpy() for c in reversed(by)])].reset_index(
        drop=True)


def yearly_table(runs: pd.DataFrame, scenarios: Sequence[str],
                 outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean of each output by scenario and year over seeds, with its 95% interval.

    Args:
        runs: Yearly outputs of the runs (scenario, seed, year, outputs).
        scenarios: Scenario names in the order wanted.
        outputs: Outputs to include (every numeric output if omitted).

    Returns:
        A tidy table: scenario, year, output, unit, mean, ci_low, ci_high, n (seeds
        with a value); ordered by scenario, output, year.
    """
    outputs = list(outputs) if outputs is not None else output_columns(runs)
    long = runs.melt(id_vars=[*ID_COLUMNS, "year"], value_vars=outputs, var_name="output",
                     value_name="value")
    table = mean_intervals(long.groupby(["scenario", "output", "year"])["value"]).reset_index()
    table.insert(3, "unit", table["output"].map(_unit))
    table = table[["scenario", "year", "output", "unit", "mean", "ci_low", "ci_high", "n"]]
    return _ordered(table, {"scenario": scenarios, "output": outputs},
                    ["scenario", "output", "year"])


def end_years(runs: pd.DataFrame) -> dict[str, int]:
    """Each scenario's last year in a runs table, by scenario in order of appearance."""
    return {str(k): int(v) for k, v in runs.groupby("scenario", sort=False)["year"].max().items()}


def common_end_year(runs: pd.DataFrame) -> int:
    """The last year every scenario of a runs table covers."""
    return min(end_years(runs).values())


def _values_in(runs: pd.DataFrame, outputs: Sequence[str], year: pd.Series,
               statistic: str) -> pd.DataFrame:
    """Each run's value of each output in the year ``year`` gives its scenario."""
    rows = runs[runs["year"] == runs["scenario"].map(year)]
    values = rows.melt(id_vars=[*ID_COLUMNS, "year"], value_vars=list(outputs),
                       var_name="output", value_name="value")
    values["statistic"], values["period"] = statistic, values.pop("year").astype(str)
    return values


def _totals_to(runs: pd.DataFrame, flows: Sequence[str], start: int,
               year: int | None, statistic: str) -> pd.DataFrame:
    """Each run's total of each flow from the first simulated year to ``year`` (its end)."""
    table = totals(runs, list(flows), list(ID_COLUMNS), year=year, sort=False)
    last = runs.groupby(list(ID_COLUMNS), sort=False)["year"].max()
    if year is not None:
        last = last.clip(upper=year)
    table = table.reset_index().melt(id_vars=list(ID_COLUMNS), var_name="output",
                                     value_name="value")
    ends = table.set_index(list(ID_COLUMNS)).index.map(last)
    table["statistic"] = statistic
    table["period"] = [f"{start + 1}-{end}" for end in ends]
    return table


def yearly_differences(runs: pd.DataFrame, scenarios: Sequence[str],
                       outputs: Sequence[str]) -> pd.DataFrame:
    """Each scenario's difference from the reference by year, paired by seed.

    Args:
        runs: Yearly outputs of the runs.
        scenarios: Scenario names in order; the first is the reference.
        outputs: Outputs to difference.

    Returns:
        A tidy table like :func:`yearly_table` (scenario, year, output, unit, mean,
        ci_low, ci_high, n), the mean and interval being those of the paired differences,
        for every scenario but the reference and the years it shares with the reference.
    """
    outputs = [o for o in outputs if o in runs.columns]
    keys = [*ID_COLUMNS, "year"]
    reference = runs[runs["scenario"] == scenarios[0]][["seed", "year", *outputs]]
    others = runs[runs["scenario"] != scenarios[0]][[*keys, *outputs]]
    paired = others.merge(reference, on=["seed", "year"], suffixes=("", "__reference"))
    diffs = paired[keys].copy()
    for output in outputs:
        diffs[output] = paired[output] - paired[f"{output}__reference"]
    if diffs.empty:
        return pd.DataFrame(columns=["scenario", "year", "output", "unit", "mean", "ci_low",
                                     "ci_high", "n"])
    return yearly_table(diffs, scenarios[1:], outputs)


def per_run_values(runs: pd.DataFrame, outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Each run's summary values: the end-year value of every output, the total of flows.

    Each scenario's end year is its own last year. When the scenarios end in different
    years, the values in the last year they all cover (``common_year``) and the totals
    up to it (``common_total``) are added.

    Args:
        runs: Yearly outputs of the runs.
        outputs: Outputs to include (every numeric output if omitted).

    Returns:
        Columns scenario, seed, output, statistic (one of :data:`STATISTICS`), period
        (``"2020"`` or ``"2013-2020"``), value.
    """
    outputs = list(outputs) if outputs is not None else output_columns(runs)
    start = int(runs["year"].min())
    ends = pd.Series(end_years(runs))
    flows = [o for o in flow_outputs() if o in outputs]
    parts = [_values_in(runs, outputs, ends, "end_year")]
    if flows:
        parts.append(_totals_to(runs, flows, start, None, "total"))
    if ends.nunique() > 1:
        common = int(ends.min())
        parts.append(_values_in(runs, outputs, ends * 0 + common, "common_year"))
        if flows:
            parts.append(_totals_to(runs, flows, start, common, "common_total"))
    return pd.concat(parts, ignore_index=True)[
        [*ID_COLUMNS, "output", "statistic", "period", "value"]]


def summary_table(runs: pd.DataFrame, scenarios: Sequence[str],
                  outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """End-year (and total) values by scenario, with differences from the first scenario.

    Differences are paired by seed (each seed's value minus the reference's value with
    the same seed), which common random numbers make precise. A scenario that ends in
    another year than the reference has no difference in its own end year (or total);
    its ``common_year`` rows have one.

    Args:
        runs: Yearly outputs of the runs.
        scenarios: Scenario names in order; the first is the reference.
        outputs: Outputs to include (every numeric output if omitted).

    Returns:
        A tidy table: scenario, output, statistic, period, unit, mean, ci_low, ci_high,
        n, diff, diff_ci_low, diff_ci_high, n_pairs.
    """
    outputs = list(outputs) if outputs is not None else output_columns(runs)
    values = per_run_values(runs, outputs)
    units = values["output"].map(_unit)
    is_total = values["statistic"].isin(("total", "common_total"))
    units[is_total] = units[is_total].map(total_unit)
    return paired_summary(values.assign(unit=units), scenarios, outputs)


SUMMARY_COLUMNS = ("scenario", "output", "statistic", "period", "unit", "mean", "ci_low",
                   "ci_high", "n", "diff", "diff_ci_low", "diff_ci_high", "n_pairs")
"""Columns of a summary table (:func:`summary_table`, :func:`paired_summary`)."""


def paired_summary(values: pd.DataFrame, scenarios: Sequence[str],
                   outputs: Sequence[str] | None = None,
                   statistics: Sequence[str] = STATISTICS) -> pd.DataFrame:
    """Mean of each run's values by scenario, with the difference from the first, paired.

    The one pairing of a comparison: each seed's value minus the reference's value with
    the same seed, output, statistic and period, then the mean and interval of those
    differences (:func:`~povsim.study.intervals.mean_intervals`).

    Args:
        values: One row per run and value: scenario, seed, output, statistic, period,
            unit, value.
        scenarios: Scenario names in order; the first is the reference.
        outputs: Order of the outputs (as they first appear if omitted).
        statistics: Order of the statistics.

    Returns:
        A tidy table with the columns :data:`SUMMARY_COLUMNS`, ordered by statistic,
        output and scenario.
    """
    keys = ["output", "statistic", "period", "unit"]
    reference = values[values["scenario"] == scenarios[0]][["seed", *keys, "value"]]
    paired = values.merge(reference.rename(columns={"value": "reference"}),
                          on=["seed", *keys], how="left")
    paired["diff"] = paired["value"] - paired["reference"]
    group = paired.groupby(["scenario", *keys], sort=False)
    table = pd.concat([mean_intervals(group["value"]), mean_intervals(group["diff"], "diff_")],
                      axis=1).reset_index()
    table = table.rename(columns={"diff_mean": "diff", "diff_n": "n_pairs"})
    order = list(outputs) if outputs is not None else list(dict.fromkeys(values["output"]))
    table = _ordered(table, {"scenario": scenarios, "output": order,
                             "statistic": statistics}, ["statistic", "output", "scenario"])
    return table[list(SUMMARY_COLUMNS)]


def table_outputs(scenarios: Sequence[Scenario], runs: pd.DataFrame) -> list[str]:
    """Outputs for the tables: those the scenarios ask for, or every output.

    Args:
        scenarios: The scenarios (their ``outputs`` fields).
        runs: The runs (for the outputs available).

    Returns:
        Output names in the runs' column order.
    """
    available = output_columns(runs)
    wanted = {name for s in scenarios for name in s.outputs}
    chosen = [o for o in available if o in wanted]
    return chosen or available


def parameter_table(scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """Every parameter of every scenario as run: one row a parameter, one column a scenario.

    Args:
        scenarios: The scenarios.

    Returns:
        Columns ``parameter``, ``unit`` and one per scenario; year schedules are written
        as ``{2012 = 0.07, 2016 = 0.12}``.
    """
    from povsim.params.spec import flatten, param_infos

    infos = param_infos(scenarios[0].params)
    columns = {s.name: flatten(s.params, s.params.run.start_year) for s in scenarios}
    return pd.DataFrame({
        "parameter": list(infos),
        "unit": [info.unit for info in infos.values()],
        **{name: [format_value(values.get(p)) for p in infos] for name, values in columns.items()},
    })


def format_value(value: Any) -> str:
    """A parameter value as written in a scenario file (year tables as ``{2016 = 0.1}``)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


