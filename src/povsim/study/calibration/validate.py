"""Validation: run a scenario over many seeds and compare the model with every target.

For each target the model is measured on the target's own definition in every seed's
run; the table gives the data, the model mean and its 95% interval across seeds, and
whether the mean lies within the target's tolerance. Targets are split into those the
calibration *fitted* and the *held-out* ones it never saw. A counterfactual scenario
(by default the growth-only one) run with the same seeds says what the campaign
changed, with intervals paired by seed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from povsim.errors import PovsimError
from povsim.study.calibration.targets import (
    DEFAULT_TARGETS,
    MEASURE_NOTES,
    Target,
    check_target_years,
    load_targets,
    measure,
)
from povsim.study.compare.comparison import (
    Comparison,
    check_names,
    check_years,
    run_comparison,
)
from povsim.study.executors import ExecutorLike
from povsim.study.intervals import interval_half_width
from povsim.study.scenarios import Scenario, load_scenario
from povsim.study.seeds import DEFAULT_SEEDS, check_seeds, consecutive_seeds

HEADCOUNT = "headcount_rate"
"""The target whose yearly path gives the headline fit (RMSE)."""

COUNTERFACTUAL_OUTPUTS = ("headcount_rate", "poor_persons_million", "poverty_gap")
"""End-year outputs compared between the scenario and its counterfactual."""


@dataclass
class Validation:
    """The result of validating a scenario.

    Attributes:
        scenario: The scenario validated.
        seeds: Seeds run.
        runs: Yearly outputs of every run (scenario, seed, year, outputs).
        table: One row per target (see :func:`validation_table`).
        fitted: Target keys (``name@year``) the calibration fitted.
        counterfactual: The counterfactual scenario, if any.
        counterfactual_runs: Its runs.
    """

    scenario: Scenario
    seeds: list[int]
    runs: pd.DataFrame
    table: pd.DataFrame
    fitted: list[str] = field(default_factory=list)
    counterfactual: Scenario | None = None
    counterfactual_runs: pd.DataFrame | None = None

    @property
    def missed(self) -> pd.DataFrame:
        """Checked targets the model misses."""
        return self.table[self.table["within"].eq(False)]

    def headcount_rmse(self) -> float:
        """Root mean squared error of the mean headcount path against the data (points)."""
        rows = self.table[self.table["target"] == HEADCOUNT]
        return float(np.sqrt(((rows["model"] - rows["data"]) ** 2).mean()))

    def campaign_effect(self) -> pd.DataFrame:
        """End-year outputs of scenario and counterfactual, and their paired difference."""
        if self.counterfactual_runs is None:
            return pd.DataFrame()
        end = self.runs["year"].max()
        a = self.runs[self.runs["year"] == end].set_index("seed")
        b = self.counterfactual_runs[self.counterfactual_runs["year"] == end].set_index("seed")
        rows = []
        for col in COUNTERFACTUAL_OUTPUTS:
            diff = (a[col] - b[col]).dropna()
            half = float(interval_half_width(diff.std(ddof=1), len(diff)))
            rows.append({"output": col, "year": int(end), "scenario": a[col].mean(),
                         "counterfactual": b[col].mean(), "difference": diff.mean(),
                         "ci_low": diff.mean() - half, "ci_high": diff.mean() + half})
        return pd.DataFrame(rows)


def validation_table(targets: Sequence[Target], runs: pd.DataFrame, scenario: Scenario,
                     fitted: Sequence[str] = ()) -> pd.DataFrame:
    """Compare the model with each target.

    Args:
        targets: Targets.
        runs: Yearly outputs of the runs (one per seed).
        scenario: The scenario (for parameter-type targets).
        fitted: Keys of the targets the calibration fitted.

    Returns:
        Columns: target, year, unit, data, tolerance, model (mean over seeds), ci_low,
        ci_high, n, within (True/False; None if not checked), kind (checked or
        reported), role (fitted or held out), measure, source.
    """
    rows = []
    for t in targets:
        values = measure(t, runs, scenario.params).dropna()
        mean = float(values.mean()) if len(values) else math.nan
        half = float(interval_half_width(values.std(ddof=1), len(values))) if len(values) > 1 \
            else math.nan
        rows.append({
            "target": t.name, "year": t.year, "unit": t.unit, "data": t.value,
            "tolerance": t.tolerance, "model": mean, "ci_low": mean - half,
            "ci_high": mean + half, "n": len(values), "within": t.within(mean),
            "kind": "checked" if t.checked else "reported",
            "role": "fitted" if t.key in fitted else "held out",
            "measure": MEASURE_NOTES[t.name], "source": t.source,
        })
    return pd.DataFrame(rows)


def calibration_record(scenario: Scenario) -> dict:
    """The record written beside a calibrated scenario (``NAME.calibration.json``), or {}.

    Raises:
        PovsimError: If the record is not a JSON object whose ``fitted_targets`` (if
            any) is a list of target keys.
    """
    if scenario.path is None:
        return {}
    record = Path(scenario.path).with_suffix(".calibration.json")
    if not record.is_file():
        return {}
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PovsimError(f"{record}: not a valid calibration record (JSON): {exc}; write it "
                          "again with povsim calibrate, or remove it") from exc
    if not isinstance(data, dict):
        raise PovsimError(f"{record}: a calibration record must be a JSON object, not "
                          f"{type(data).__name__}; write it again with povsim calibrate")
    fitted = data.get("fitted_targets", [])
    if not (isinstance(fitted, list) and all(isinstance(k, str) for k in fitted)):
        raise PovsimError(f"{record}: fitted_targets = {fitted!r}; allowed: a list of "
                          'target keys such as ["headcount_rate@2015"]')
    return data


def run_to_targets(scenario: Scenario, targets: Sequence[Target]) -> Scenario:
    """The scenario run on to the last year a target names, if that is after its end year.

    The policies in force at the end (and any a year table sets for later years) go on:
    targets for the year after a campaign describe its first transition year.
    """
    last = max((t.year for t in targets), default=scenario.params.run.end_year)
    if last <= scenario.params.run.end_year:
        return scenario
    return replace(scenario, params=scenario.params.with_overrides({"run.end_year": last}))


def run_seeds(comparison: Comparison, *, store: str | Path | None = None,
              executor: ExecutorLike | None = None, workers: int | None = 1,
              scheduler: str | None = None, resume: bool = False,
              progress: bool = True) -> dict[str, pd.DataFrame]:
    """Run every scenario of a comparison with its seeds (see :func:`run_comparison`).

    Returns:
        Each scenario's yearly outputs by its name.

    Raises:
        PovsimError: If a run fails (the message has its error).
        KeyboardInterrupt: If interrupted (the finished runs stay in ``store``).
    """
    result = run_comparison(comparison, store=store, executor=executor, workers=workers,
                            scheduler=scheduler, resume=resume, progress=progress)
    if result.interrupted:
        raise KeyboardInterrupt(f"validation interrupted; the finished runs are in {store}")
    for name in comparison.names:
        failed = [r for r in result.failures if r.scenario == name]
        if failed:
            raise PovsimError(f"{len(failed)} run(s) of {name} failed; first: "
                              f"seed {failed[0].seed}: {failed[0].error_summary}")
    return {name: part.reset_index(drop=True)
            for name, part in result.runs.groupby("scenario", sort=False)}


def validate(scenario: str | Path | Scenario, *,
             seeds: Sequence[int] = consecutive_seeds(DEFAULT_SEEDS),
             targets: str | Path = DEFAULT_TARGETS,
             counterfactual: str | Path | Scenario | None = None,
             executor: ExecutorLike | None = None, workers: int | None = 1,
             scheduler: str | None = None, store: str | Path | None = None,
             resume: bool = False, progress: bool = True) -> Validation:
    """Run a scenario over ``seeds`` and compare it with every target.

    The scenario and its counterfactual are run as one comparison (the same seeds, one
    batch of runs on any executor, resumable from its store).

    Args:
        scenario: Scenario file or object.
        seeds: Seeds to run.
        targets: Target file.
        counterfactual: Scenario to compare with (same seeds), e.g. growth-only.
        executor: Where runs execute (see :func:`run_comparison`).
        workers: Worker processes.
        scheduler: Dask scheduler address.
        store: Folder of the result store (temporary if ``None``).
        resume: Keep the runs already in ``store`` and run only the others.
        progress: Show a progress bar.

    Returns:
        The validation.

    Raises:
        PovsimError: For bad seeds, a bad scenario, target file or calibration record, or
            a counterfactual covering other years (all found before anything runs).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    seeds = list(seeds)
    check_seeds(seeds)
    target_list = load_targets(targets)
    fitted = calibration_record(sc).get("fitted_targets", [])
    cf = None
    if counterfactual is not None:
        cf = counterfactual if isinstance(counterfactual, Scenario) \
            else load_scenario(counterfactual)
        check_years([sc, cf], None, hint="give --counterfactual none")
    check_target_years(target_list, sc.params.run.start_year, f"the runs of {sc.name}")
    sc = run_to_targets(sc, target_list)
    if cf is not None:
        cf = run_to_targets(cf, target_list)
        check_names([sc, cf])
    comparison = Comparison((sc,) if cf is None else (sc, cf), tuple(seeds))
    runs = run_seeds(comparison, store=store, executor=executor, workers=workers,
                     scheduler=scheduler, resume=resume, progress=progress)
    table = validation_table(target_list, runs[sc.name], sc, fitted)
    cf_runs = runs[cf.name] if cf is not None else None
    return Validation(sc, seeds, runs[sc.name], table, list(fitted), cf, cf_runs)
