"""Sensitivity analysis and the sweep commands: Sobol and Morris indices (a parameter
with no effect gets exactly zero), tables and plots written, clear errors, exit codes."""

from pathlib import Path

import pandas as pd
import pytest

from povsim import load_results
from povsim.cli import main
from povsim.study.sweeps.analysis import sensitivity

pytest.importorskip("SALib")

SA_SPEC = """
[experiment]
name = "sa"
seed = 3
replications = 2
common_seeds = true       # replication r has the same seed at every point: noise is paired
years = 2
design = "{design}"
samples = {samples}
outputs = ["headcount_rate", "exits", "returns_after_exit", "exits_registered"]

[constants]
"population.n_households" = 1000
"monitoring.enabled" = false

[uncertainties]
"health.p_illness" = {{low = 0.02, high = 0.3}}
"monitoring.relief_per_person" = {{low = 0.0, high = 2000.0}}   # no effect: monitoring is off

[[analyses]]
output = "headcount_rate"

[[figures]]
kind = "lines"
x = "health.p_illness"
output = "headcount_rate"
"""
INERT = "monitoring.relief_per_person"
ACTIVE = "health.p_illness"


def sweep(folder: Path, design: str, samples: int) -> Path:
    spec = folder / f"{design}.toml"
    spec.write_text(SA_SPEC.format(design=design, samples=samples), encoding="utf-8")
    out = folder / design
    assert main(["sweep", str(spec), "--executor", "serial", "--out", str(out),
                 "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    return sweep(tmp_path_factory.mktemp("sobol"), "sobol", 8)


def test_sobol_indices_find_the_parameter_that_matters(sobol_sweep):
    table = sensitivity(sobol_sweep, "headcount_rate", year=2014).set_index("parameter")
    assert list(table.columns[:4]) == ["scenario", "policy", "output", "year"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    assert table.loc[INERT, "ST"] == 0
    assert table.loc[INERT, "S1"] == 0
    assert table.loc[ACTIVE, "ST"] > table.loc[INERT, "ST"]
    assert (table["ST_conf"] >= 0).all()
    assert (table["points"] == 8 * (2 + 2)).all()


def test_sobol_indices_are_salibs_on_the_point_means_in_design_order(sobol_sweep):
    from SALib.analyze import sobol

    from povsim.study.store import ResultStore
    from povsim.study.sweeps.analysis import ANALYSIS_SEED, NUM_RESAMPLES

    design = ResultStore(sobol_sweep).read_manifest()["design"]
    results = load_results(sobol_sweep)
    means = results[results["year"] == 2014].groupby("point")["headcount_rate"].mean()
    expected = sobol.analyze(design["problem"], means.sort_index().to_numpy(),
                             calc_second_order=False, num_resamples=NUM_RESAMPLES,
                             seed=ANALYSIS_SEED)
    table = sensitivity(sobol_sweep, "headcount_rate", year=2014)
    for column in ("S1", "S1_conf", "ST", "ST_conf"):
        assert table[column].tolist() == pytest.approx(list(expected[column]), nan_ok=True)


def test_the_sweep_runs_the_specs_analyses_and_figures(sobol_sweep):
    assert (sobol_sweep / "sensitivity" / "sobol-headcount_rate-2014.csv").is_file()
    assert (sobol_sweep / "sensitivity" / "sobol-headcount_rate-2014.png").stat().st_size > 0
    assert (sobol_sweep / "lines-headcount_rate.png").is_file()
    figure = pd.read_csv(sobol_sweep / "lines-headcount_rate.csv")
    assert figure["n"].sum() == 64                        # every run, pooled by x value
    assert figure["health.p_illness"].is_unique


def test_replications_are_averaged_before_the_analysis(sobol_sweep):
    results = load_results(sobol_sweep)
    assert results.groupby("point")["run_id"].nunique().eq(2).all()
    assert results.groupby("point")["seed"].nunique().eq(2).all()
    assert results["seed"].nunique() == 2                 # common seeds
    ends = results[results["year"] == 2014]
    means = ends.groupby("point")["headcount_rate"].mean()
    first = sensitivity(sobol_sweep, "headcount_rate")
    assert first["points"].iloc[0] == len(means)


def test_analyze_command_writes_a_table_and_a_bar_plot(sobol_sweep, tmp_path, capsys):
    out = tmp_path / "sa"
    assert main(["analyze", str(sobol_sweep), "--output", "headcount_rate", "--output",
                 "total_exits", "--year", "2013", "--resamples", "50", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "S1_conf" in printed
    assert ACTIVE in printed
    for stem in ("sobol-headcount_rate-2013", "sobol-total_exits-2013"):
        assert (out / f"{stem}.png").stat().st_size > 0
        table = pd.read_csv(out / f"{stem}.csv")
        assert table["parameter"].tolist() == [ACTIVE, INERT]


def test_morris_gives_mu_star_and_sigma(tmp_path):
    out = sweep(tmp_path, "morris", 4)
    table = sensitivity(out, "headcount_rate").set_index("parameter")
    assert {"mu", "mu_star", "mu_star_conf", "sigma"} <= set(table.columns)
    assert table.loc[INERT, "mu_star"] == 0
    assert table.loc[INERT, "sigma"] == 0
    assert table.loc[ACTIVE, "mu_star"] > 0
    assert (out / "sensitivity" / "morris-headcount_rate-2014.png").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["--output", "headcount"], "unknown outcome 'headcount' (did you mean 'headcount_rate'?)"),
    (["--output", "return_rate", "--year", "2030"], "--year 2030: no run has that year"),
    (["--output", "gini"], "the output 'gini' was not kept by this experiment"),
])
def test_analyze_mistakes_exit_2_with_a_clear_message(sobol_sweep, args, message, capsys):
    assert main(["analyze", str(sobol_sweep), *args]) == 2
    assert message in capsys.readouterr().err


def test_analyze_needs_a_complete_sensitivity_design(sobol_sweep, tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text('[experiment]\nyears = 1\n[constants]\n"population.n_households" = 500\n'
                    '[parameters]\n"health.p_illness" = [0.05, 0.1]\n')
    assert main(["sweep", str(grid), "--executor", "serial", "--out", str(tmp_path / "g"),
                 "--quiet"]) == 0
    assert main(["analyze", str(tmp_path / "g"), "--output", "headcount_rate"]) == 2
    assert "needs a sobol or morris design; this sweep used 'grid'" in capsys.readouterr().err
    point_1 = ("run-000002.parquet", "run-000003.parquet")   # both replications of point 1
    for name in point_1:
        (sobol_sweep / "runs" / name).rename(tmp_path / name)
    try:
        assert main(["analyze", str(sobol_sweep), "--output", "headcount_rate"]) == 2
        assert "1 of 32 design points" in capsys.readouterr().err
    finally:
        for name in point_1:
            (tmp_path / name).rename(sobol_sweep / "runs" / name)


def test_results_command_reports_progress_and_exports(sobol_sweep, tmp_path, capsys):
    assert main(["results", str(sobol_sweep), "--csv", str(tmp_path / "all.csv")]) == 0
    printed = capsys.readouterr().out
    assert "sa: 64 of 64 runs stored, 0 failed, 0 to do (design sobol, 32 points" in printed
    assert len(pd.read_csv(tmp_path / "all.csv")) == 64 * 3
    assert main(["results", str(tmp_path / "nowhere")]) == 2
    assert "holds no sweep" in capsys.readouterr().err


def test_sweep_command_reports_spec_mistakes_with_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[experiment]\ndesign = "sobol"\nsamples = 8\n[uncertainties]\n'
                   '"health.p_illness" = {low = 0.5, high = 1.2}\n')
    assert main(["sweep", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: [uncertainties] health.p_illness: high = 1.2: too large" in err
    assert "Traceback" not in err
    assert main(["sweep", str(tmp_path / "missing.toml")]) == 2
    assert "experiment spec not found" in capsys.readouterr().err


GRID_SPEC = """
[experiment]
name = "grid"
seed = 5
replications = 2
years = 2
outputs = ["headcount_rate", "exits"]

[constants]
"population.n_households" = 600

[levers]
"budget.national_billion" = [55.0, 165.0]

[uncertainties]
"identification.noise_sd" = {low = 0.1, high = 0.7, steps = 2}

[policies.base]

[policies.no-helpers]
"helpers.enabled" = false

[[figures]]
name = "map"
kind = "heatmap"
x = "budget.national_billion"
y = "identification.noise_sd"
output = "headcount_rate"

[[figures]]
name = "policies"
kind = "bars"
x = "policy"
outputs = ["headcount_rate", "total_exits"]
year = 2013
"""


def test_heatmaps_and_bars_plot_means_over_the_runs_they_pool(tmp_path):
    spec = tmp_path / "grid.toml"
    spec.write_text(GRID_SPEC, encoding="utf-8")
    out = tmp_path / "grid"
    assert main(["sweep", str(spec), "--executor", "serial", "--out", str(out),
                 "--quiet"]) == 0
    results = load_results(out)
    assert results["run_id"].nunique() == 2 * 2 * 2 * 2
    heat = pd.read_csv(out / "map.csv")
    last = results[results["year"] == 2014]
    expected = last.groupby(["budget.national_billion", "identification.noise_sd"])[
        "headcount_rate"].mean()
    assert len(heat) == 4
    for row in heat.itertuples(index=False):
        # map.csv holds six significant digits: rounding moves a value by up to 5e-6 of it
        assert row.mean == pytest.approx(expected[(row[0], row[1])], rel=5e-6)
        assert row.n == 4                                   # 2 policies x 2 replications
    bars = pd.read_csv(out / "policies.csv")
    assert bars["policy"].tolist() == ["base", "no-helpers"] * 2   # the spec's order
    exits = bars[bars["output"] == "total_exits"].set_index("policy")["mean"]
    by_hand = results[results["year"] == 2013].groupby("policy")["exits"].mean()
    assert exits.to_dict() == pytest.approx(by_hand.to_dict())
    assert set(bars["period"].astype(str)) == {"2013"}         # not "2013-2013"
    assert (out / "map.png").stat().st_size > 0
    assert (out / "policies.png").stat().st_size > 0
