"""povsim.run and povsim.sweep: outcomes by name, overrides, tidy tables, reproducing a
sweep's run from its seed, and Mesa's own batch_run on PovertyModel."""

import math

import mesa
import numpy as np
import pandas as pd
import pytest

import povsim
from povsim import ParameterError, Parameters, PovertyModel, PovsimError
from povsim.study.outcomes import flow_outputs, outcome_per_run
from povsim.study.runs import simulate

HOUSEHOLDS = 1000
YEARS = 2
SMALL = {"population.n_households": HOUSEHOLDS}


@pytest.fixture(scope="module")
def outcome():
    return povsim.run(seed=3, years=YEARS, **SMALL)


def test_run_returns_end_year_scalars_totals_and_series(outcome):
    table = simulate(Parameters().with_overrides(SMALL), 3, years=YEARS)
    assert outcome["headcount_rate"] == pytest.approx(table["headcount_rate"].iloc[-1])
    assert outcome["total_exits"] == table["exits"].iloc[1:].sum()
    assert set(outcome["headcount_rate_by_year"]) == {2012, 2013, 2014}
    assert outcome["headcount_rate_by_year"][2014] == outcome["headcount_rate"]
    for flow in flow_outputs():
        assert f"total_{flow}" in outcome
    assert "total_headcount_rate" not in outcome       # a level, not a flow


def test_run_return_rate_is_returns_after_exit_over_certified_exits():
    out = povsim.run(seed=1, years=5, **SMALL)
    exits, returns = out["total_exits_registered"], out["total_returns_after_exit"]
    assert exits > 0
    assert out["return_rate"] == pytest.approx(100 * returns / exits)


def test_run_accepts_dotted_and_double_underscore_overrides_alike(outcome):
    dotted = povsim.run(seed=3, years=YEARS, **{**SMALL, "health.p_illness": 0.2})
    underscored = povsim.run(seed=3, years=YEARS, population__n_households=HOUSEHOLDS,
                             health__p_illness=0.2)
    np.testing.assert_equal(dotted, underscored)       # NaN equals NaN here
    assert dotted["headcount_rate"] != outcome["headcount_rate"]


def test_run_takes_parameters_or_a_scenario_file(outcome, tmp_path):
    same = povsim.run(Parameters().with_overrides(SMALL), seed=3, years=YEARS)
    assert same["headcount_rate"] == outcome["headcount_rate"]
    scenario = tmp_path / "s.toml"
    scenario.write_text(f"[population]\nn_households = {HOUSEHOLDS}\n")
    assert povsim.run(scenario, seed=3, years=YEARS)["gini"] == outcome["gini"]


def test_run_reports_unknown_parameters_with_a_suggestion():
    with pytest.raises(ParameterError, match=r"did you mean 'health\.p_illness'"):
        povsim.run(years=1, health__p_ilness=0.1)


@pytest.fixture(scope="module")
def swept():
    return povsim.sweep(parameters={"health.p_illness": [0.05, 0.15]}, replications=2,
                        constants=SMALL, years=YEARS, seed=11, executor="serial",
                        outputs=["headcount_rate", "exits"])


def test_sweep_returns_one_row_per_run_and_year(swept):
    assert len(swept) == 2 * 2 * (YEARS + 1)
    assert list(swept.columns) == ["run_id", "scenario", "policy", "point", "replication",
                                   "seed", "health.p_illness", "year", "headcount_rate",
                                   "exits"]
    assert sorted(swept["health.p_illness"].unique()) == [0.05, 0.15]
    assert swept.groupby("run_id")["seed"].nunique().eq(1).all()
    assert swept["seed"].nunique() == 4                 # one independent seed per run


def test_a_sweep_run_is_reproduced_by_povsim_run_with_its_seed(swept):
    row = swept[swept["run_id"] == 3]
    again = povsim.run(seed=int(row["seed"].iloc[0]), years=YEARS, **SMALL,
                       **{"health.p_illness": float(row["health.p_illness"].iloc[0])})
    assert list(again["headcount_rate_by_year"].values()) == row["headcount_rate"].tolist()


def test_outcome_per_run_gives_totals_and_values_in_a_year(swept):
    totals = outcome_per_run(swept, "total_exits")
    by_hand = swept[swept["year"] > 2012].groupby("run_id")["exits"].sum()
    pd.testing.assert_series_equal(totals, by_hand, check_names=False)
    first = outcome_per_run(swept, "headcount_rate", year=2013)
    assert first.tolist() == swept[swept["year"] == 2013]["headcount_rate"].tolist()
    with pytest.raises(PovsimError, match=r"needs the outputs 'returns_after_exit'"):
        outcome_per_run(swept, "return_rate")


def test_sweep_refuses_a_spec_and_keywords_together(tmp_path):
    with pytest.raises(PovsimError, match="not both"):
        povsim.sweep(tmp_path / "x.toml", parameters={"health.p_illness": [0.1]})


def test_sweep_names_every_keyword_a_spec_would_ignore(tmp_path):
    with pytest.raises(PovsimError, match="not both") as caught:
        povsim.sweep(tmp_path / "x.toml", replications=5, years=2, seed=3, design="grid")
    message = str(caught.value)
    assert "replications=, seed=, years= would be ignored" in message
    assert "design=" not in message                     # the default value is not a field set


def test_mesa_batch_run_drives_poverty_model():
    # number_processes=1: with more, Mesa's batch_run calls
    # multiprocessing.set_start_method("spawn", force=True) for the whole program.
    rows = mesa.batch_run(
        PovertyModel,
        parameters={"population__n_households": [HOUSEHOLDS], "health__p_illness": [0.05, 0.1]},
        rng=[1, 2], max_steps=3, number_processes=1, data_collection_period=1,
        display_progress=False,
    )
    table = pd.DataFrame(rows)
    assert len(table) == 2 * 2 * 4                      # 2 values x 2 seeds x (state + 3 years)
    assert {"headcount_rate", "exits", "year", "health__p_illness", "rng"} <= set(table.columns)
    assert table["year"].max() == 2015
    one = table[(table["rng"] == 1) & (table["health__p_illness"] == 0.1)]
    direct = PovertyModel(rng=1, population__n_households=HOUSEHOLDS, health__p_illness=0.1)
    direct.run(years=3)
    assert np.allclose(one["headcount_rate"], direct.outputs()["headcount_rate"])
    assert all(math.isfinite(v) for v in table["headcount_rate"])
