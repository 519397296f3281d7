"""povsim compare: output files and columns, paired differences, exact reproduction,
independence from the number of workers, failed runs, and the statistics."""

import json
import multiprocessing
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from povsim import Parameters, PovsimError
from povsim.cli import main
from povsim.metrics import OUTPUTS
from povsim.params.spec import param_infos
from povsim.study.compare.comparison import (
    Comparison,
    ComparisonResult,
    RunOutcome,
    start_afresh,
)
from povsim.study.compare.tables import format_value, summary_table, yearly_table
from povsim.study.compare.write import write_comparison
from povsim.study.executors import open_executor
from povsim.study.intervals import interval_half_width
from povsim.study.scenarios import Scenario, load_scenario
from povsim.study.store import ResultStore

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
BASE_ILLNESS = load_scenario(BASELINE).params.health.p_illness
SEEDS = 2
YEARS = 3
INFOS = param_infos(Parameters())
TABLES = ("runs.csv", "yearly.csv", "summary.csv", "parameters.csv")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    small = write(folder, "small.toml", f"""
[scenario]
name = "small"
description = "The baseline with 2,000 households."
question = "Where does poverty go without change?"
extends = "{BASELINE.as_posix()}"

[population]
n_households = 2000
villages_per_township = 3
""")
    sicker = write(folder, "sicker.toml", """
[scenario]
name = "sicker"
description = "Illness twice as frequent from 2014."
question = "How much does illness add to poverty?"
extends = "small.toml"

[health]
p_illness = {2014 = 0.15}
""")
    return small, sicker


def compare(scenarios, out, *extra) -> int:
    return main(["compare", *map(str, scenarios), "--seeds", str(SEEDS), "--years", str(YEARS),
                 "--out", str(out), "--quiet", *extra])


@pytest.fixture(scope="module")
def result(scenarios, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    assert compare(scenarios, out) == 0
    return out


# ------------------------------------------------------------------ files and columns
def test_writes_every_table_figure_report_and_manifest(result):
    for name in (*TABLES, "headcount.png", "flows.png", "causes.png", "report.md",
                 "manifest.json"):
        assert (result / name).is_file(), name
    for png in result.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (result / "errors.log").exists()
    assert not list(result.glob(".*"))  # no temporary files left behind


def test_runs_table_has_every_run_year_and_output(result):
    runs = pd.read_csv(result / "runs.csv")
    assert list(runs.columns[:3]) == ["scenario", "seed", "year"]
    assert set(OUTPUTS) <= set(runs.columns)
    assert len(runs) == 2 * SEEDS * (YEARS + 1)
    assert runs["scenario"].unique().tolist() == ["small", "sicker"]
    assert sorted(runs["seed"].unique()) == list(range(SEEDS))
    assert runs["year"].unique().tolist() == list(range(2012, 2012 + YEARS + 1))


def test_parameter_table_has_every_parameter_of_every_scenario(result):
    table = pd.read_csv(result / "parameters.csv", index_col="parameter")
    assert list(table.columns) == ["unit", "small", "sicker"]
    assert set(table.index) == set(INFOS)
    inherited = format_value(BASE_ILLNESS)  # the baseline's (calibrated) value
    assert table.loc["health.p_illness", "small"] == inherited
    assert table.loc["health.p_illness", "sicker"] == f"{{2012 = {inherited}, 2014 = 0.15}}"
    assert table.loc["population.n_households"].tolist()[1:] == ["2000", "2000"]


def test_yearly_table_is_tidy_with_intervals(result):
    yearly = pd.read_csv(result / "yearly.csv")
    assert list(yearly.columns) == ["scenario", "year", "output", "unit", "mean", "ci_low",
                                    "ci_high", "n"]
    row = yearly[(yearly.scenario == "sicker") & (yearly.output == "headcount_rate")
                 & (yearly.year == 2014)].iloc[0]
    runs = pd.read_csv(result / "runs.csv")
    values = runs[(runs.scenario == "sicker") & (runs.year == 2014)]["headcount_rate"]
    assert row["mean"] == pytest.approx(values.mean())
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert row["n"] == SEEDS
    assert row["unit"] == OUTPUTS["headcount_rate"][1]
    assert set(yearly["output"]) == set(OUTPUTS) - {"year"}


def test_summary_differences_are_paired_by_seed(result):
    summary = pd.read_csv(result / "summary.csv")
    assert list(summary.columns) == ["scenario", "output", "statistic", "period", "unit",
                                     "mean", "ci_low", "ci_high", "n", "diff", "diff_ci_low",
                                     "diff_ci_high", "n_pairs"]
    end = 2012 + YEARS
    runs = pd.read_csv(result / "runs.csv")
    last = runs[runs.year == end].set_index(["scenario", "seed"])["headcount_rate"]
    row = summary[(summary.scenario == "sicker") & (summary.output == "headcount_rate")
                  & (summary.statistic == "end_year")].iloc[0]
    assert row["period"] == str(end)
    assert row["diff"] == pytest.approx((last["sicker"] - last["small"]).mean())
    assert row["n_pairs"] == SEEDS
    ref = summary[(summary.scenario == "small") & (summary.statistic == "end_year")]
    assert (ref["diff"].dropna() == 0).all()
    total = summary[(summary.scenario == "small") & (summary.output == "exits")
                    & (summary.statistic == "total")].iloc[0]
    exits = runs[(runs.scenario == "small") & (runs.year > 2012)].groupby("seed")["exits"].sum()
    assert total["mean"] == pytest.approx(exits.mean())
    assert total["unit"] == "simulated households"
    assert total["period"] == f"2013-{end}"


def test_report_shows_questions_results_figures_and_manifest(result, scenarios):
    report = (result / "report.md").read_text()
    assert report.startswith("# Comparison: small vs sicker")
    assert "How much does illness add to poverty?" in report
    assert f"## Results in {2012 + YEARS}" in report
    assert report.index("## Summary") < report.index("## Scenarios")
    assert "| `headcount_rate` (percent of persons) | " in report
    inherited = format_value(BASE_ILLNESS)
    assert f"{{2012 = {inherited}, 2014 = 0.15}} |" in report
    for figure in ("headcount.png", "flows.png", "causes.png", "transfers.png",
                   "spending.png", "costs.png"):
        assert f"]({figure})" in report
    assert "povsim compare" in report
    assert "--seeds 2" in report
    for path in scenarios:
        assert path.name in report
    assert BASELINE.name in report


def test_manifest_records_versions_files_hashes_seeds_and_command(result, scenarios):
    import hashlib

    manifest = json.loads((result / "manifest.json").read_text())
    assert manifest["seeds"] == list(range(SEEDS))
    assert manifest["years"] == YEARS
    assert manifest["reference"] == "small"
    assert manifest["povsim_version"]
    assert manifest["command"].startswith("povsim compare ")
    small, sicker = manifest["scenarios"]
    assert sicker["sha256"] == hashlib.sha256(scenarios[1].read_bytes()).hexdigest()
    parents = [f.path.name for f in load_scenario(BASELINE).chain]  # baseline and its parents
    assert [Path(f["file"]).name for f in sicker["extends"]] == ["small.toml", *parents]
    assert small["differs_from_defaults"]["population.n_households"] == 2000
    assert len(manifest["runs"]) == 2 * SEEDS
    assert all(r["ok"] and r["seconds"] >= 0 for r in manifest["runs"])


# ------------------------------------------------------------------ reproduction
def test_rerun_reproduces_the_tables_byte_for_byte(result, scenarios, tmp_path):
    assert compare(scenarios, tmp_path) == 0
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (result / name).read_bytes(), name


def test_results_do_not_depend_on_the_number_of_workers(result, scenarios, tmp_path):
    assert compare(scenarios, tmp_path, "--workers", "2") == 0
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (result / name).read_bytes(), name
    assert json.loads((tmp_path / "manifest.json").read_text())["workers"] == 2


def test_outputs_named_by_the_scenario_restrict_the_tables(scenarios, tmp_path):
    chosen = write(tmp_path, "chosen.toml", '[scenario]\nname = "chosen"\nextends = '
                   f'"{scenarios[0].as_posix()}"\noutputs = ["exits", "headcount_rate"]\n')
    assert main(["compare", str(chosen), "--seeds", "1", "--years", "1", "--out",
                 str(tmp_path / "out"), "--quiet"]) == 0
    yearly = pd.read_csv(tmp_path / "out" / "yearly.csv")
    assert yearly["output"].unique().tolist() == ["headcount_rate", "exits"]
    assert set(OUTPUTS) <= set(pd.read_csv(tmp_path / "out" / "runs.csv").columns)
    report = (tmp_path / "out" / "report.md").read_text()
    assert "`gini`" not in report
    assert "one seed: no interval" not in report  # only in figures


# ------------------------------------------------------------------ failures and mistakes
def test_a_failed_run_is_reported_and_the_others_are_written(scenarios, tmp_path, monkeypatch,
                                                             capsys):
    import povsim.study.runs

    real = povsim.study.runs.simulate

    def flaky(params, seed, **kw):
        if kw.get("scenario") == "sicker" and seed == 1:
            raise RuntimeError("simulated breakdown")
        return real(params, seed, **kw)

    monkeypatch.setattr(povsim.study.runs, "simulate", flaky)
    assert compare(scenarios, tmp_path) == 1
    err = capsys.readouterr().err
    assert "1 of 4 runs failed" in err
    assert "sicker, seed 1: RuntimeError: simulated breakdown" in err
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert len(runs) == 3 * (YEARS + 1)
    assert "simulated breakdown" in (tmp_path / "errors.log").read_text()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [r["ok"] for r in manifest["runs"]] == [True, True, True, False]
    assert "## Runs that did not finish" in (tmp_path / "report.md").read_text()
    summary = pd.read_csv(tmp_path / "summary.csv")
    sicker = summary[(summary.scenario == "sicker") & (summary.output == "headcount_rate")]
    assert sicker["n_pairs"].tolist() == [1]


def test_invalid_files_run_nothing_and_every_problem_is_listed(scenarios, tmp_path, capsys):
    bad = write(tmp_path, "bad.toml", "[health]\np_illness = 2\n")
    worse = write(tmp_path, "worse.toml", '[scenario]\nextends = "missing.toml"\n')
    out = tmp_path / "out"
    code = main(["compare", str(scenarios[0]), str(bad), str(worse), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "2 problems with the scenarios; nothing was run:" in err
    assert f"{bad}: health.p_illness = 2: too large" in err
    assert f"{worse}: scenario.extends = 'missing.toml': parent file not found" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--seeds", "0"], "--seeds 0: allowed: a whole number of at least 1"),
        (["--workers", "0"], "--workers 0: allowed: a whole number of at least 1"),
        (["--years", "20"], "--years 20: allowed: a whole number from 1 to 8"),
        (["--set", "health.p_ilness=0.1"],
         "--set: health.p_ilness: unknown parameter (did you mean 'health.p_illness'?)"),
    ],
)
def test_bad_options_are_clear_errors(scenarios, tmp_path, capsys, extra, message):
    code = main(["compare", *map(str, scenarios), "--out", str(tmp_path / "o"), *extra])
    assert code == 2
    assert message in capsys.readouterr().err


def test_scenarios_need_distinct_names(scenarios, tmp_path, capsys):
    code = main(["compare", str(scenarios[0]), str(scenarios[0]), "--out", str(tmp_path)])
    assert code == 2
    assert "scenarios to compare need distinct names ('small'" in capsys.readouterr().err


# ------------------------------------------------------------------ statistics
def test_interval_half_width_uses_the_t_distribution():
    assert interval_half_width(1.0, 3) == pytest.approx(4.302653 / np.sqrt(3), rel=1e-6)
    assert interval_half_width(2.0, 10) == pytest.approx(2.262157 * 2 / np.sqrt(10), rel=1e-6)
    assert np.isnan(interval_half_width(1.0, 1))


def synthetic_runs() -> pd.DataFrame:
    """Two scenarios, four seeds: b = a + 1 + small noise, with a large seed effect."""
    rows = []
    seed_effect = [0.0, 10.0, -5.0, 3.0]
    for seed, shift in enumerate(seed_effect):
        for year in (2012, 2013):
            for name, extra in (("a", 0.0), ("b", 1.0 + 0.1 * (seed % 2))):
                rows.append({"scenario": name, "seed": seed, "year": year,
                             "headcount_rate": 5.0 + shift + extra + year - 2012,
                             "exits": 10 + seed})
    return pd.DataFrame(rows)


def test_paired_differences_are_sharper_than_the_spread_of_levels():
    summary = summary_table(synthetic_runs(), ["a", "b"])
    b = summary[(summary.scenario == "b") & (summary.output == "headcount_rate")].iloc[0]
    assert b["diff"] == pytest.approx(1.05)
    assert b["diff_ci_high"] - b["diff_ci_low"] < (b["ci_high"] - b["ci_low"]) / 10
    assert list(summary["statistic"].unique()) == ["end_year", "total"]


def test_yearly_table_orders_scenarios_as_given():
    yearly = yearly_table(synthetic_runs(), ["b", "a"])
    assert yearly["scenario"].unique().tolist() == ["b", "a"]
    assert yearly["output"].unique().tolist() == ["headcount_rate", "exits"]
    assert (yearly["n"] == 4).all()


def test_missing_spending_outputs_skip_the_figure_with_a_note(tmp_path):
    scenarios = (Scenario("a", params=Parameters()), Scenario("b", params=Parameters()))
    comparison = Comparison(scenarios, (0, 1, 2, 3))
    runs = synthetic_runs()
    outcomes = tuple(RunOutcome(name, seed, 0.1)
                     for name, seed in runs.groupby(["scenario", "seed"], sort=False).groups)
    written = write_comparison(ComparisonResult(comparison, runs, outcomes, 1.0), tmp_path)
    assert "spending" not in written
    report = (tmp_path / "report.md").read_text()
    assert "No spending figure: the model's outputs have no spending by intervention " \
           "(`spending_*`, `cumulative_spending`" in report
    assert "## Money" not in report  # nothing to say about money without its outputs


def _double(item):
    return 2 * item


def test_a_pool_made_for_a_batch_is_closed_and_a_pool_passed_in_is_left_open():
    with open_executor("local", 1) as made:
        assert dict(made.map_unordered(_double, [3, 1, 2])) == {3: 6, 1: 2, 2: 4}
        runs = made.map_unordered(_double, [1, 2, 3])
        item, result = next(runs)
        assert multiprocessing.active_children()  # the pool's workers
        runs.close()                              # stopping early
    assert result == 2 * item
    assert multiprocessing.active_children() == []
    with ThreadPoolExecutor(2) as mine:
        with open_executor(mine) as used:
            assert dict(used.map_unordered(_double, [4])) == {4: 8}
        assert mine.submit(_double, 5).result() == 10    # still open


# ------------------------------------------------------------------ the one engine
KILL_AFTER = 2
"""Runs the killed comparison must have stored before it is killed (of 2 x SEEDS)."""


def test_a_comparison_killed_midway_resumes_to_the_same_tables(result, scenarios, tmp_path,
                                                              kill_when_stored, capsys):
    out = tmp_path / "killed"
    command = ["compare", *map(str, scenarios), "--seeds", str(SEEDS), "--years", str(YEARS),
               "--out", str(out), "--quiet"]
    process = subprocess.Popen([sys.executable, "-m", "povsim", *command],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    runs = out / "store" / "runs"
    kill_when_stored(process, runs, KILL_AFTER)
    stored = len(list(runs.glob("run-*.parquet")))
    assert KILL_AFTER <= stored < 2 * SEEDS
    assert compare(scenarios, out) == 2                   # would lose the stored runs
    assert f"holds an unfinished batch of runs ({stored} of {2 * SEEDS} stored); add " \
           "--resume" in capsys.readouterr().err
    assert compare(scenarios, out, "--resume") == 0
    for name in TABLES:
        assert (out / name).read_bytes() == (result / name).read_bytes(), name
    sessions = json.loads((out / "store" / "manifest.json").read_text())["sessions"]
    assert sessions[-1]["runs_stored_before"] == stored   # the resumed session ran the rest


def test_a_comparison_runs_on_a_dask_client_it_is_given(result, scenarios, tmp_path,
                                                        dask_cluster):
    import distributed

    import povsim

    with distributed.Client(dask_cluster) as client:
        compared = povsim.compare(scenarios, seeds=SEEDS, years=YEARS, out=tmp_path,
                                  executor=client)
        assert client.status == "running"                 # left open for its owner
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (result / name).read_bytes(), name
    assert compared.summary().equals(summary_table(compared.runs, ["small", "sicker"]))


def test_a_finished_batch_is_replaced_and_an_unfinished_one_is_kept(tmp_path):
    store = ResultStore(tmp_path / "store")
    store.write_manifest({"planned_runs": 2})
    store.write_run(0, synthetic_runs())
    with pytest.raises(PovsimError, match=r"unfinished batch of runs \(1 of 2 stored\)"):
        start_afresh(store)
    assert store.finished() == {0}
    store.write_run(1, synthetic_runs())
    start_afresh(store)
    assert not store.exists()
    assert store.finished() == set()


# ------------------------------------------------------------------ folders it writes
def test_a_comparison_refuses_a_folder_that_is_not_empty_unless_told(result, scenarios,
                                                                      tmp_path, capsys):
    out = tmp_path / "again"
    assert compare(scenarios, out) == 0
    (out / "notes.txt").write_text("mine")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert compare(scenarios, out) == 2
    err = capsys.readouterr().err
    assert f"{out} is not empty (it holds " in err
    assert "add --overwrite" in err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    (out / "report.html").unlink()         # an earlier comparison's file, not rewritten
    assert compare(scenarios, out, "--overwrite") == 0
    assert (out / "notes.txt").read_text() == "mine"   # other files stay
    assert (out / "report.html").exists()
    for name in TABLES:
        assert (out / name).read_bytes() == (result / name).read_bytes(), name
    assert not list(out.glob(".povsim-writing-*"))


def test_an_interrupted_comparison_writes_no_report_of_runs_it_never_ran(
        result, scenarios, tmp_path, capsys, monkeypatch):
    out = tmp_path / "interrupted"
    real = ResultStore.write_run
    calls = []

    def ctrl_c_after_the_first_run(store, run_id, data):
        calls.append(run_id)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(store, run_id, data)

    monkeypatch.setattr(ResultStore, "write_run", ctrl_c_after_the_first_run)
    assert compare(scenarios, out) == 130
    err = capsys.readouterr().err
    assert f"1 of {2 * SEEDS} runs are stored in {out / 'store'}, and no report was written" \
        in err
    assert sorted(p.name for p in out.iterdir()) == ["store"]
    monkeypatch.setattr(ResultStore, "write_run", real)
    assert compare(scenarios, out, "--resume") == 0
    for name in TABLES:
        assert (out / name).read_bytes() == (result / name).read_bytes(), name


@pytest.mark.parametrize(("out", "message"), [
    ("/proc/povsim-test", "cannot create the output folder /proc/povsim-test (--out)"),
    ("/proc/self", "cannot write in the output folder /proc/self (--out)"),
    ("", "--out '': allowed: a path (not empty text)"),
])
def test_an_output_folder_that_cannot_be_written_is_refused_before_any_run(
        scenarios, capsys, monkeypatch, out, message):
    import povsim.study.sweeps.engine as engine

    def no_runs(*args, **kwargs):
        raise AssertionError("a run started before the folder was checked")

    monkeypatch.setattr(engine, "run_sweep", no_runs)
    assert main(["compare", *map(str, scenarios), "--out", out, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_full_disk_while_writing_a_comparison_is_a_clear_error_that_keeps_the_runs(
        result, scenarios, tmp_path, capsys, monkeypatch):
    import errno

    out = tmp_path / "full"
    real = Path.write_text

    def full(path, *args, **kwargs):
        if path.name.startswith(".summary."):     # its temporary, written first
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    assert compare(scenarios, out) == 2
    err = capsys.readouterr().err
    assert "summary.csv: No space left on device" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["store"]   # no half of a report
    assert len(ResultStore(out / "store").finished()) == 2 * SEEDS
    monkeypatch.setattr(Path, "write_text", real)
    assert compare(scenarios, out, "--resume") == 0
    assert (out / "summary.csv").read_bytes() == (result / "summary.csv").read_bytes()


@pytest.mark.parametrize("command", [["results"], ["analyze", "--output", "headcount_rate"]])
def test_sweep_commands_on_a_comparison_folder_point_at_its_store(result, capsys, command):
    assert main([command[0], str(result), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert f"{result} holds no sweep" in err
    assert f"whose runs are stored in {result / 'store'}: give that folder" in err
    assert main(["results", str(result / "store")]) == 0
    assert f"compare: {2 * SEEDS} of {2 * SEEDS} runs stored" in capsys.readouterr().out


def test_a_listing_cut_short_by_its_reader_is_not_an_error():
    done = subprocess.run(f"{sys.executable} -m povsim params | head -1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("run.start_year")
    assert done.stderr == ""
