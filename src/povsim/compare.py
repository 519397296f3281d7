"""Comparing scenarios over many seeds: run them, summarise them, write the results.

Every scenario is run with the same seeds. The model draws each kind of random event
from its own stream, so the same seed gives the same shocks in every scenario
(common random numbers): differences between scenarios are then paired by seed and
much sharper than differences between independent runs.

:func:`prepare_comparison` loads and checks the scenario files (every problem at
once, nothing run on an invalid file); :func:`run_comparison` runs them;
:func:`yearly_table` and :func:`summary_table` summarise the runs with 95% intervals
of the mean over seeds; :func:`write_comparison` writes the tables, figures, report
and manifest to a folder.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.typing import SeriesGroupBy
from scipy import stats

from povsim.errors import PovsimError
from povsim.runner import ID_COLUMNS, RunResult, RunSpec, iter_runs
from povsim.scenario import Scenario, load_scenarios

CONFIDENCE = 0.95
"""Level of the intervals: 95% intervals of the mean over seeds (t distribution)."""

FLOW_OUTPUTS = ("entries", "exits", "returns", "dissolved", "spending_total")
"""Yearly flows that are also summed over the run (the ``total`` statistic) when present."""

STATISTICS = ("end_year", "total")
"""Statistics of the summary: the value in the end year, and the sum over the simulated
years (flows only)."""

FILES = {
    "runs": "runs.csv",
    "yearly": "yearly.csv",
    "summary": "summary.csv",
    "parameters": "parameters.csv",
    "headcount": "headcount.png",
    "flows": "flows.png",
    "spending": "spending.png",
    "causes": "causes.png",
    "errors": "errors.log",
    "manifest": "manifest.json",
    "report": "report.md",
}
"""Files a comparison writes, by kind (``spending``, ``causes`` and ``errors`` only when
there is something to show)."""

INTERRUPTED = "KeyboardInterrupt: not run (the comparison was interrupted)"
"""Error recorded for the runs an interruption prevented."""

CSV_FLOAT_FORMAT = "%.10g"
"""Number format of the summary tables (yearly.csv, summary.csv): ten significant digits,
far more than the simulation's precision; runs.csv keeps full precision."""


# ------------------------------------------------------------------ what to compare
@dataclass(frozen=True)
class Comparison:
    """Scenarios to run over the same seeds.

    Attributes:
        scenarios: The scenarios; the first is the reference for differences.
        seeds: The seeds every scenario is run with.
        years: Years to simulate (to each scenario's end year if ``None``).
        overrides: Values applied to every scenario (for example from ``--set``).
    """

    scenarios: tuple[Scenario, ...]
    seeds: tuple[int, ...]
    years: int | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> Scenario:
        """The first scenario, which the others are compared with."""
        return self.scenarios[0]

    @property
    def names(self) -> list[str]:
        """Scenario names in the order given."""
        return [s.name for s in self.scenarios]

    @property
    def start_year(self) -> int:
        """Year of the initial state."""
        return self.reference.params.run.start_year

    @property
    def end_year(self) -> int:
        """Last simulated year."""
        run = self.reference.params.run
        return run.end_year if self.years is None else run.start_year + self.years

    def specs(self) -> list[RunSpec]:
        """One run per scenario and seed, scenario by scenario."""
        return [RunSpec(s.params, seed, s.name, self.years)
                for s in self.scenarios for seed in self.seeds]


def prepare_comparison(
    paths: Sequence[str | Path],
    *,
    seeds: Sequence[int],
    years: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Comparison:
    """Load and check scenario files for a comparison.

    Args:
        paths: Scenario files; the first is the reference.
        seeds: Seeds to run every scenario with.
        years: Years to simulate (to the end year if ``None``).
        overrides: Dotted-path values applied to every scenario (``--set``).

    Returns:
        The comparison, ready to run.

    Raises:
        PovsimError: Listing every problem in every file, or a problem with the seeds,
            the years or the scenario names.
    """
    if not paths:
        raise PovsimError("give at least one scenario file to compare")
    check_seeds(seeds)
    scenarios = load_scenarios(paths, overrides)
    _check_names(scenarios)
    check_years(scenarios, years)
    return Comparison(tuple(scenarios), tuple(int(s) for s in seeds), years,
                      dict(overrides or {}))


def _check_names(scenarios: Sequence[Scenario]) -> None:
    by_name: dict[str, list[str]] = {}
    for s in scenarios:
        by_name.setdefault(s.name, []).append(str(s.path))
    clashes = {name: files for name, files in by_name.items() if len(files) > 1}
    if clashes:
        listed = "; ".join(f"{name!r}: {', '.join(files)}" for name, files in clashes.items())
        raise PovsimError(f"scenarios to compare need distinct names ({listed}); set a "
                          "different name = ... in the [scenario] table of each file")


def check_seeds(seeds: Sequence[int]) -> None:
    """Check the seeds of runs compared by seed.

    Raises:
        PovsimError: If there are none or some repeat.
    """
    if not seeds:
        raise PovsimError("give at least one seed (--seeds 1 or more)")
    if len(set(seeds)) != len(seeds):
        raise PovsimError(f"seeds must differ from each other, got {list(seeds)}")


def check_years(scenarios: Sequence[Scenario], years: int | None, *,
                hint: str = "give --years") -> None:
    """Check that scenarios compared year by year cover the same years.

    Args:
        scenarios: The scenarios.
        years: Years to simulate (``--years``), or ``None`` for each scenario's end year.
        hint: What else the user can do when the years differ (besides aligning them).

    Raises:
        PovsimError: If ``years`` is out of range or the scenarios' years differ.
    """
    spans = {s.name: (s.params.run.start_year, s.params.run.end_year) for s in scenarios}
    shortest = min(end - start for start, end in spans.values())
    if years is not None and not 1 <= years <= shortest:
        raise PovsimError(f"--years {years}: allowed: a whole number from 1 to {shortest} "
                          "(the years every scenario covers)")
    starts = {start for start, _ in spans.values()}
    ends = {end for _, end in spans.values()}
    if len(starts) > 1 or (years is None and len(ends) > 1):
        listed = ", ".join(f"{name} {a}-{b}" for name, (a, b) in spans.items())
        raise PovsimError(f"scenarios to compare must cover the same years ({listed}); set "
                          f"run.start_year and run.end_year alike, or {hint}")


# ------------------------------------------------------------------ running
@dataclass(frozen=True)
class ComparisonResult:
    """The runs of a comparison.

    Attributes:
        comparison: What was compared.
        results: One result per run, in the order of ``comparison.specs()``.
        seconds: Wall time of all runs.
        workers: Processes used.
        interrupted: Whether the runs were interrupted (Ctrl-C) before all finished.
    """

    comparison: Comparison
    results: tuple[RunResult, ...]
    seconds: float
    workers: int = 1
    interrupted: bool = False

    @property
    def failures(self) -> list[RunResult]:
        """The runs that failed."""
        return [r for r in self.results if not r.ok]

    @property
    def runs(self) -> pd.DataFrame:
        """Yearly outputs of every finished run: scenario, seed, year, outputs."""
        tables = [r.outputs for r in self.results if r.ok and r.outputs is not None]
        if not tables:
            return pd.DataFrame(columns=[*ID_COLUMNS, "year"])
        return pd.concat(tables, ignore_index=True)


def run_comparison(comparison: Comparison, *, workers: int = 1,
                   progress: bool = False) -> ComparisonResult:
    """Run every scenario with every seed.

    Args:
        comparison: What to run.
        workers: Processes to use (results do not depend on it).
        progress: Show a progress bar over runs.

    Returns:
        The results, failed runs included. If interrupted (Ctrl-C), the runs that
        finished, and the others as failed with the error :data:`INTERRUPTED`.
    """
    started = time.perf_counter()
    specs = comparison.specs()
    done: dict[int, RunResult] = {}
    interrupted = False
    try:
        for index, result in iter_runs(specs, workers=workers, progress=progress):
            done[index] = result  # noqa: PERF403 - a loop keeps what finished before Ctrl-C
    except KeyboardInterrupt:  # keep what finished; the caller writes it
        interrupted = True
    results = tuple(done.get(i) or RunResult(spec, None, 0.0, INTERRUPTED)
                    for i, spec in enumerate(specs))
    return ComparisonResult(comparison, results, time.perf_counter() - started, workers,
                            interrupted)


# ------------------------------------------------------------------ statistics
def interval_half_width(sd: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Half-width of the :data:`CONFIDENCE` interval of a mean (t distribution).

    Args:
        sd: Sample standard deviations (ddof 1).
        n: Sample sizes.

    Returns:
        The half-widths; NaN where ``n < 2``.
    """
    n = np.asarray(n, dtype=float)
    sd = np.asarray(sd, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + CONFIDENCE / 2, np.where(n >= 2, n - 1, np.nan))
        return np.where(n >= 2, t * sd / np.sqrt(n), np.nan)


def mean_intervals(groups: SeriesGroupBy, prefix: str = "") -> pd.DataFrame:
    """Mean of each group with its :data:`CONFIDENCE` interval and its size.

    Args:
        groups: Grouped values (missing values are left out of every statistic).
        prefix: Put before each column name (``"diff_"``).

    Returns:
        One row per group (indexed by the group keys): ``mean``, ``ci_low``,
        ``ci_high`` (NaN for a group of fewer than 2 values) and ``n``.
    """
    table = groups.agg(["mean", "std", "count"])
    half = interval_half_width(table["std"], table["count"])
    return pd.DataFrame({
        f"{prefix}mean": table["mean"],
        f"{prefix}ci_low": table["mean"] - half,
        f"{prefix}ci_high": table["mean"] + half,
        f"{prefix}n": table["count"].astype(int),
    })


def output_columns(runs: pd.DataFrame) -> list[str]:
    """The numeric output columns of a runs table (not scenario, seed or year)."""
    return [c for c in runs.columns
            if c not in (*ID_COLUMNS, "year") and pd.api.types.is_numeric_dtype(runs[c])]


def _unit(name: str) -> str:
    from povsim.metrics import OUTPUTS

    return OUTPUTS[name][1] if name in OUTPUTS else ""


def _total_unit(unit: str) -> str:
    """Unit of a flow summed over years: "households/year" becomes "households"."""
    return unit.removesuffix("/year") if unit.endswith("/year") else f"{unit}, summed over years"


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


def per_run_values(runs: pd.DataFrame, outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Each run's summary values: the end-year value of every output, the total of flows.

    Args:
        runs: Yearly outputs of the runs.
        outputs: Outputs to include (every numeric output if omitted).

    Returns:
        Columns scenario, seed, output, statistic (``end_year`` or ``total``), period
        (``"2020"`` or ``"2013-2020"``), value.
    """
    outputs = list(outputs) if outputs is not None else output_columns(runs)
    start, end = int(runs["year"].min()), int(runs["year"].max())
    last = runs[runs["year"] == end].melt(id_vars=list(ID_COLUMNS), value_vars=outputs,
                                          var_name="output", value_name="value")
    last["statistic"], last["period"] = "end_year", str(end)
    flows = [o for o in FLOW_OUTPUTS if o in outputs]
    parts = [last]
    if flows:
        simulated = runs[runs["year"] > start]
        total = (simulated.groupby(list(ID_COLUMNS), sort=False)[flows].sum(min_count=1)
                 .reset_index()
                 .melt(id_vars=list(ID_COLUMNS), var_name="output", value_name="value"))
        total["statistic"], total["period"] = "total", f"{start + 1}-{end}"
        parts.append(total)
    return pd.concat(parts, ignore_index=True)[
        [*ID_COLUMNS, "output", "statistic", "period", "value"]]


def summary_table(runs: pd.DataFrame, scenarios: Sequence[str],
                  outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """End-year (and total) values by scenario, with differences from the first scenario.

    Differences are paired by seed (each seed's value minus the reference's value with
    the same seed), which common random numbers make precise.

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
    keys = ["output", "statistic", "period"]
    reference = values[values["scenario"] == scenarios[0]][["seed", *keys, "value"]]
    paired = values.merge(reference.rename(columns={"value": "reference"}),
                          on=["seed", *keys], how="left")
    paired["diff"] = paired["value"] - paired["reference"]
    group = paired.groupby(["scenario", *keys])
    table = pd.concat([mean_intervals(group["value"]), mean_intervals(group["diff"], "diff_")],
                      axis=1).reset_index()
    table = table.rename(columns={"diff_mean": "diff", "diff_n": "n_pairs"})
    units = table["output"].map(_unit)
    totals = table["statistic"] == "total"
    units[totals] = units[totals].map(_total_unit)
    table.insert(4, "unit", units)
    table = _ordered(table, {"scenario": scenarios, "output": outputs,
                             "statistic": STATISTICS}, ["statistic", "output", "scenario"])
    return table[["scenario", "output", "statistic", "period", "unit", "mean", "ci_low",
                  "ci_high", "n", "diff", "diff_ci_low", "diff_ci_high", "n_pairs"]]


def table_outputs(comparison: Comparison, runs: pd.DataFrame) -> list[str]:
    """Outputs for the tables: those the scenarios ask for, or every output.

    Args:
        comparison: The comparison (its scenarios' ``outputs`` fields).
        runs: The runs (for the outputs available).

    Returns:
        Output names in the runs' column order.
    """
    available = output_columns(runs)
    wanted = {name for s in comparison.scenarios for name in s.outputs}
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


# ------------------------------------------------------------------ writing
def write_comparison(result: ComparisonResult, out_dir: str | Path, *,
                     command: str = "", reproduce: str = "") -> dict[str, Path]:
    """Write the tables, figures, report and manifest of a comparison to a folder.

    Whatever completed is written even when some runs failed (their tracebacks go to
    ``errors.log``). The tables depend only on the scenarios, seeds and years, so a
    rerun reproduces runs.csv, yearly.csv and summary.csv byte for byte.

    Args:
        result: The runs.
        out_dir: Folder to write to (created if missing).
        command: The command line that ran the comparison (for the manifest).
        reproduce: A command line that reproduces it (for the report).

    Returns:
        The files written, by kind (see :data:`FILES`).

    Raises:
        PovsimError: If the folder cannot be created.
    """
    from povsim import compare_plots, report
    from povsim.atomic import write_text

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PovsimError(f"cannot create the output folder {out}: {exc}") from exc
    comparison = result.comparison
    names = comparison.names
    runs = result.runs
    written: dict[str, Path] = {}
    notes: list[str] = []

    def path(kind: str) -> Path:
        written[kind] = out / FILES[kind]
        return written[kind]

    write_text(path("runs"), runs.to_csv(index=False, lineterminator="\n"))
    write_text(path("parameters"), parameter_table(comparison.scenarios).to_csv(
        index=False, lineterminator="\n"))
    yearly = summary = None
    if len(runs):
        outputs = table_outputs(comparison, runs)
        yearly_all = yearly_table(runs, names)
        summary_all = summary_table(runs, names)
        yearly = yearly_all[yearly_all["output"].isin(outputs)]
        summary = summary_all[summary_all["output"].isin(outputs)]
        for kind, table in (("yearly", yearly), ("summary", summary)):
            write_text(path(kind), table.to_csv(index=False, lineterminator="\n",
                                                float_format=CSV_FLOAT_FORMAT))
        figures = compare_plots.plot_comparison(yearly_all, summary_all, names, out,
                                                n_seeds=len(comparison.seeds))
        for kind, made in figures.items():
            if isinstance(made, Path):
                written[kind] = made
            else:
                notes.append(made)
    else:
        notes.append("No run finished, so there are no tables or figures.")
    if result.failures:
        write_text(path("errors"), report.errors_log(result))
    manifest = report.build_manifest(result, command=command, reproduce=reproduce)
    write_text(path("manifest"), report.to_json(manifest))
    text = report.render_report(result, summary, written, notes, reproduce=reproduce)
    write_text(path("report"), text)
    for kind, name in FILES.items():  # results of an earlier comparison in the same folder
        if kind not in written:
            (out / name).unlink(missing_ok=True)
    return written
