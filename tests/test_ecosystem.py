"""povsim in the tools researchers already use: EMA Workbench drives povsim.run, and Mesa's
batch_run runs a scenario file (not the defaults)."""

import warnings
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

import povsim
from povsim import PovertyModel
from povsim.study.scenarios import load_scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
HOUSEHOLDS = 500
YEARS = 2
EXPERIMENTS = 4


@pytest.fixture(scope="module")
def ema():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # its optional evaluators it cannot import
        return pytest.importorskip("ema_workbench")


def test_ema_workbench_runs_povsim_run_as_a_model(ema):
    model = ema.Model("povsim", function=povsim.run)
    # EMA's names must be Python identifiers: "__" stands for the dots of a path
    model.uncertainties = [ema.RealParameter("health__p_illness", 0.04, 0.12),
                           ema.IntegerParameter("post_exit__support_years", 0, 6)]
    model.constants = [ema.Constant("years", YEARS), ema.Constant("seed", 1),
                       ema.Constant("population__n_households", HOUSEHOLDS)]
    model.outcomes = [ema.ScalarOutcome("headcount_rate"), ema.ScalarOutcome("total_exits"),
                      ema.TimeSeriesOutcome("headcount_rate_series")]
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=EXPERIMENTS)
    assert len(experiments) == EXPERIMENTS
    assert outcomes["headcount_rate"].shape == (EXPERIMENTS,)
    assert outcomes["headcount_rate_series"].shape == (EXPERIMENTS, YEARS + 1)
    last = experiments.iloc[-1]
    support = last["post_exit__support_years"]
    assert isinstance(support, np.integer)            # numpy numbers are numbers
    again = povsim.run(seed=1, years=YEARS, population__n_households=HOUSEHOLDS,
                       health__p_illness=last["health__p_illness"],
                       post_exit__support_years=support)
    assert outcomes["headcount_rate"][-1] == again["headcount_rate"]
    assert outcomes["total_exits"][-1] == again["total_exits"]
    np.testing.assert_array_equal(outcomes["headcount_rate_series"][-1],
                                  list(again["headcount_rate_by_year"].values()))
    assert len(set(outcomes["headcount_rate"])) > 1   # the uncertainties reached the model


def test_time_series_come_as_arrays_in_year_order():
    out = povsim.run(seed=2, years=YEARS, population__n_households=HOUSEHOLDS)
    assert out["years"].tolist() == [2012, 2013, 2014]
    assert out["exits_series"].dtype == float
    assert out["exits_series"].tolist() == [out["exits_by_year"][y] for y in out["years"]]


def test_mesa_batch_run_runs_a_scenario_file_not_the_defaults():
    baseline = load_scenario(BASELINE)
    rows = mesa.batch_run(baseline.model, parameters={"population__n_households": [HOUSEHOLDS]},
                          rng=[1], max_steps=YEARS, number_processes=1,
                          data_collection_period=1, display_progress=False)
    table = pd.DataFrame(rows)
    assert table["year"].tolist() == [2012, 2013, 2014]
    direct = PovertyModel(baseline.params, rng=1, population__n_households=HOUSEHOLDS)
    direct.run(years=YEARS)
    assert table["headcount_rate"].tolist() == direct.outputs()["headcount_rate"].tolist()
    defaults = PovertyModel(rng=1, population__n_households=HOUSEHOLDS)
    defaults.run(years=YEARS)
    assert table["headcount_rate"].tolist() != defaults.outputs()["headcount_rate"].tolist()
