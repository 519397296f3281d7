"""Calibration and validation: targets, measures, parameter recovery, reports."""

import importlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from povsim import ParameterError, Parameters, PovsimError
from povsim.cli import main
from povsim.params import NO_CAMPAIGN
from povsim.params.policy import INTERVENTION_NAMES
from povsim.study.calibration.calibrate import calibrate
from povsim.study.calibration.evaluations import Evaluator
from povsim.study.calibration.record import write_calibration
from povsim.study.calibration.report import KNOWN_GAPS, known_gaps, write_validation
from povsim.study.calibration.spec import CalibrationSpec, FreeParameter, Stage, load_spec
from povsim.study.calibration.targets import Target, load_targets, measure, select_targets
from povsim.study.calibration.validate import validate
from povsim.study.runs import simulate
from povsim.study.scenarios import load_scenario
from povsim.study.store import ResultStore

ROOT = Path(__file__).resolve().parents[1]
RUNS_MODULE = importlib.import_module("povsim.study.runs")
SMALL = {"population.n_households": 2000, "population.villages_per_township": 3}


def test_project_targets_load_with_sources_and_tolerances():
    targets = load_targets()
    names = {t.name for t in targets}
    assert {"headcount_rate", "cause_share_illness", "relocated_share_of_2012_poor"} <= names
    assert all(t.source for t in targets)
    headcount = [t for t in targets if t.name == "headcount_rate"]
    assert [t.year for t in headcount] == list(range(2012, 2021))
    assert all(t.checked for t in headcount)
    assert select_targets(targets, ["headcount_rate@2015"])[0].value == 5.7


def test_one_sided_targets_are_lower_bounds():
    t = Target("cause_share_illness", 2017, 40, "percent (at least)", 5, "x")
    assert t.one_sided
    assert t.within(80.0)
    assert t.within(36.0)
    assert not t.within(34.0)
    assert t.distance(60.0) == 0.0
    two = Target("headcount_rate", 2013, 8.5, "percent", 0.7, "x")
    assert not two.within(9.3)
    assert two.distance(9.2) == pytest.approx(1.0)


def test_bad_target_file_is_named(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("target,year,value,unit,tolerance,source\nheadcount_rat,2013,8.5,percent,,x\n")
    with pytest.raises(PovsimError, match="line 2: unknown target 'headcount_rat'"):
        load_targets(bad)
    with pytest.raises(PovsimError, match="target file not found"):
        load_targets(tmp_path / "missing.csv")


TARGET_HEADER = "target,year,value,unit,tolerance,source\n"


@pytest.mark.parametrize(("rows", "where", "allowed"), [
    ("headcount_rate,2013,8.5\n", "line 2: no value for unit, tolerance, source",
     "each row needs target, year, value, unit, tolerance, source"),
    ("headcount_rate,2013,8.5,percent,0,x\n", "line 2, column tolerance: '0'",
     "a positive number, or empty"),
    ("headcount_rate,2013,,percent,0.7,x\n", "line 2, column value: ''", "a finite number"),
    ("headcount_rate,2013.5,8.5,percent,0.7,x\n", "line 2, column year: '2013.5'",
     "a whole year"),
    ("headcount_rate,2013,8.5,percent,0.7,x\nheadcount_rate,2013,8.6,percent,0.7,y\n",
     "line 3: headcount_rate@2013 again (first on line 2)", "each target name and year once"),
    ("headcount_rate,2013,8.5,percent,0.7,NBS, 2014\n", "line 2: 1 more fields",
     "quote a text containing commas"),
])
def test_bad_target_rows_name_the_file_line_and_column(tmp_path, rows, where, allowed):
    bad = tmp_path / "t.csv"
    bad.write_text(TARGET_HEADER + rows)
    with pytest.raises(PovsimError) as err:
        load_targets(bad)
    assert f"{bad}, {where}" in str(err.value)
    assert allowed in str(err.value)


def test_target_file_problems_are_listed_together_and_encoding_is_checked(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text(TARGET_HEADER + "headcount_rat,2013,8.5,percent,,x\n"
                   "headcount_rate,2014,x,percent,0.7,x\n")
    with pytest.raises(PovsimError, match="2 problems in the target file") as err:
        load_targets(bad)
    assert "line 2: unknown target 'headcount_rat' (did you mean 'headcount_rate'?)" \
        in str(err.value)
    assert "line 3, column value: 'x'" in str(err.value)
    bad.write_bytes(TARGET_HEADER.encode() + "headcount_rate,2013,8.5,percent \xe9,0.7,x\n"
                    .encode("latin-1"))
    with pytest.raises(PovsimError, match=re.escape(f"{bad}: not UTF-8 text")):
        load_targets(bad)


def test_a_zero_tolerance_is_refused_not_read_as_no_tolerance():
    with pytest.raises(PovsimError, match=r"headcount_rate@2013: tolerance 0\.0; allowed: a pos"):
        Target("headcount_rate", 2013, 8.5, "percent", 0.0, "x")
    assert Target("headcount_rate", 2013, 8.5, "percent", 0.5, "x").distance(9.5) == 2.0


def test_measures_give_one_value_per_seed():
    params = Parameters().with_overrides(SMALL)
    runs = pd.concat([simulate(params, s) for s in (0, 1)])
    t = Target("headcount_rate", 2014, 7.2, "percent", 0.7, "x")
    values = measure(t, runs, params)
    assert list(values.index) == [0, 1]
    assert values.between(0, 100).all()
    funds = Target("central_poverty_funds_growth", 2017, 22.7, "percent a year", None, "x")
    # the growth of the central funds' data (39.4 billion in 2013, 86.1 in 2017)
    assert measure(funds, runs, params).iloc[0] == pytest.approx(
        100 * ((86.1 / 39.4) ** (1 / 4) - 1))


def _recover(base, truth, free, targets_of, start, seeds=(0, 1, 2)):
    """Synthetic targets from a run with known values; calibrate from ``start``."""
    runs = pd.concat([simulate(base.with_overrides(truth), s) for s in seeds])
    stage = Stage("recover", free, tuple(targets_of(runs)), max_evaluations=50, starts=16)
    spec = CalibrationSpec("synthetic", Path("base.toml"), Path("fit.toml"), seeds, (stage,))
    return calibrate(spec, base=base.with_overrides(start), progress=False)


RECOVERY_POPULATION = {"population.n_households": 3000, "population.villages_per_township": 3}


def test_calibration_recovers_growth_from_the_headcount_path():
    base = Parameters().with_overrides({**RECOVERY_POPULATION, **NO_CAMPAIGN})

    def path(runs):
        return [Target("headcount_rate", y, float(runs[runs.year == y].headcount_rate.mean()),
                       "percent", 0.3, "synthetic") for y in range(2013, 2021)]

    result = _recover(base, {"economy.wage_growth": 0.05},
                      (FreeParameter("economy.wage_growth", 0.0, 0.12),), path,
                      {"economy.wage_growth": 0.09})
    assert result.fitted["economy.wage_growth"] == pytest.approx(0.05, abs=0.003)
    assert result.stages[0].objective < 0.01 * result.stages[0].objective_start
    assert 0 < result.standard_errors["economy.wage_growth"] < 0.2


def test_calibration_recovers_two_thresholds_from_two_cause_shares():
    # Thresholds on continuous quantities (skill, savings per member), so each share
    # moves with its threshold. Every measure goes to every registered household
    # (package), so the recorded causes are labels only: by cause, they would also
    # decide who gets which measure, and the shares would not move monotonically with
    # the thresholds (at 3,000 households, 470 and 400 yuan give the same shares).
    # (Labour per member takes few distinct values, so its threshold is identified
    # only between them; the registered poor's out-of-pocket
    # spending, capped by their health cover, hardly reaches the illness threshold, so
    # that one is weakly identified by the illness share.)
    base = Parameters().with_overrides({**RECOVERY_POPULATION, **{
        f"interventions.{name}.targeting": "package" for name in INTERVENTION_NAMES}})
    pairs = (("cause_share_lack_of_capital", "share_registered_lack_of_capital"),
             ("cause_share_lack_of_skills", "share_registered_lack_of_skills"))

    def shares(runs):
        year = runs[runs.year == 2017]
        return [Target(name, 2017, float(year[col].mean()), "percent", 2.0, "synthetic")
                for name, col in pairs]

    truth = {"causes.low_savings": 400.0, "causes.low_skill": 0.25}
    free = (FreeParameter("causes.low_savings", 100.0, 1000.0),
            FreeParameter("causes.low_skill", 0.1, 0.5))
    result = _recover(base, truth, free, shares,
                      {"causes.low_savings": 800.0, "causes.low_skill": 0.4})
    assert result.fitted["causes.low_savings"] == pytest.approx(400.0, rel=0.15)
    assert result.fitted["causes.low_skill"] == pytest.approx(0.25, abs=0.02)
    for path in truth:
        assert 0 < result.standard_errors[path] < np.inf


def test_calibrated_scenario_file_extends_the_base_and_records_the_fit(tmp_path):
    base_file = tmp_path / "base.toml"
    base_file.write_text('[scenario]\nname = "base"\n[population]\nn_households = 2000\n'
                         "villages_per_township = 3\n")
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        '[calibration]\nname = "fit"\nscenario = "base.toml"\nout = "fit.toml"\nseeds = 2\n'
        '[[stage]]\nname = "relocation"\ntargets = ["relocated_share_of_2012_poor"]\n'
        "max_evaluations = 4\n"
        '[stage.parameters]\n"population.inhospitable_remoteness" = {low = 0.6, high = 0.9}\n')
    spec = load_spec(spec_file)
    result = calibrate(spec, progress=False)
    scenario_path, record_path = write_calibration(result)
    fitted = load_scenario(scenario_path)
    assert [f.path.name for f in fitted.chain] == ["fit.toml", "base.toml"]
    value = result.fitted["population.inhospitable_remoteness"]
    assert fitted.params.population.inhospitable_remoteness == pytest.approx(value, rel=1e-5)
    assert fitted.params.population.n_households == 2000
    record = json.loads(record_path.read_text())
    assert record["fitted_targets"] == ["relocated_share_of_2012_poor@2020"]
    assert "population.inhospitable_remoteness" in record["parameters"]
    assert "+-" in scenario_path.read_text()


def test_bad_calibration_specs_list_every_problem(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[calibration]\nname = "x"\nscenario = "b.toml"\nout = "o.toml"\nseed = 3\n'
        '[[stage]]\ntargets = ["headcount_rat", "headcount_millions"]\nmethod = "bfgs"\n'
        '[stage.parameters]\n"economy.wage_grwoth" = {low = 0, high = 1}\n'
        '"health.p_illness" = {low = 0.5, high = 2}\n')
    with pytest.raises(ParameterError) as err:
        load_spec(spec)
    text = str(err.value)
    assert "calibration.seed = 3: unknown field (did you mean 'seeds'?)" in text
    assert "economy.wage_grwoth: unknown parameter (did you mean 'economy.wage_growth'?)" in text
    assert "health.p_illness.high = 2: too large; allowed: a number from 0 to 1" in text
    assert "no target 'headcount_rat'" in text
    assert "allowed: nelder-mead" in text


SPEC_HEAD = '[calibration]\nname = "x"\nscenario = "b.toml"\nout = "o.toml"\nseeds = 2\n'
STAGE = '[[stage]]\ntargets = ["headcount_rate@2013"]\n'
FREE = '[stage.parameters]\n"economy.wage_growth" = {low = 0.0, high = 0.1}\n'


@pytest.mark.parametrize(("body", "field", "allowed"), [
    (STAGE + 'max_evaluations = "lots"\n' + FREE, "stage[0].max_evaluations = 'lots'",
     "a whole number of at least 1"),
    (STAGE + "starts = -3\n" + FREE, "stage[0].starts = -3", "a whole number of at least 0"),
    (STAGE + "max_evaluation = 5\n" + FREE, "stage[0].max_evaluation = 5",
     "did you mean 'max_evaluations'?"),
    (STAGE + '[stage.parameters]\n"economy.wage_growth" = {low = "a", high = 0.2}\n',
     "stage[0].parameters.economy.wage_growth.low = 'a'", "a number from -0.5 to 1"),
    (STAGE + '[stage.parameters]\n"economy.wage_growth" = {low = 0.2, high = 0.1}\n',
     "stage[0].parameters.economy.wage_growth", "low below high"),
    (STAGE + 'parameters = ["economy.wage_growth"]\n', "stage[0].parameters",
     "a table of free parameters"),
    ("[[stage]]\ntargets = 3\n" + FREE, "stage[0].targets = 3", "a list of one or more"),
    ("[[stage]]\n" + FREE, "stage[0].targets", "a list of one or more"),
    ('[[stage]]\ntargets = "headcount_rate"\n' + FREE, "stage[0].targets = 'headcount_rate'",
     "a list of one or more"),
    ('[stage]\nname = "a"\n', "stage", "at least one [[stage]] table"),
    ("outside_weight = -1.0\n" + STAGE + FREE, "calibration.outside_weight = -1.0",
     "a number of at least 0"),
])
def test_bad_stage_fields_name_the_file_and_the_field(tmp_path, body, field, allowed):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC_HEAD + body)
    with pytest.raises(ParameterError) as err:
        load_spec(spec)
    assert len(err.value.problems) == 1
    assert f"{spec}: {field}" in str(err.value)
    assert allowed in str(err.value)


@pytest.mark.parametrize(("line", "field", "allowed"), [
    ('overrides = "abc"', "calibration.overrides = 'abc'", "a table of parameter = value"),
    ('overrides = {"economy.wage_grwth" = 0.01}', "calibration.overrides.economy.wage_grwth",
     "did you mean 'economy.wage_growth'?"),
    ('overrides = {"health.p_illness" = 3}', "calibration.overrides.health.p_illness = 3",
     "a number from 0 to 1"),
    ('targets = "missing.csv"', "calibration.targets = 'missing.csv'", "target file not found"),
])
def test_bad_calibration_fields_name_the_file_and_the_field(tmp_path, line, field, allowed):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC_HEAD + line + "\n" + STAGE + FREE)
    with pytest.raises(ParameterError) as err:
        load_spec(spec)
    assert f"{spec}: {field}" in str(err.value)
    assert allowed in str(err.value)


def test_spec_overrides_and_stage_counts_are_kept(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC_HEAD + 'overrides = {"population.n_households" = 2000}\n' + STAGE
                    + "max_evaluations = 7\nstarts = 0\n" + FREE)
    loaded = load_spec(spec)
    assert loaded.overrides == {"population.n_households": 2000}
    assert (loaded.stages[0].max_evaluations, loaded.stages[0].starts) == (7, 0)


def test_points_rounding_to_the_same_whole_number_share_their_runs(monkeypatch):
    ran = []

    def fake_simulate(params, seed, **kw):
        ran.append((params.population.head_age_min, seed))
        return pd.DataFrame({"scenario": [""], "seed": [seed], "year": [2013],
                             "headcount_rate": [1.0]})

    monkeypatch.setattr(RUNS_MODULE, "simulate", fake_simulate)
    evaluator = Evaluator(Parameters(), seeds=(0, 1))
    evaluator.runs({"population.head_age_min": 29.8, "health.p_illness": 0.1})
    evaluator.runs({"population.head_age_min": 30.2, "health.p_illness": 0.1})
    assert evaluator.evaluations == 1
    assert ran == [(30, 0), (30, 1)]  # one run per seed, once
    assert evaluator.params({"population.head_age_min": 30.2}).population.head_age_min == 30
    evaluator.runs({"population.head_age_min": 31.0, "health.p_illness": 0.1})
    assert evaluator.evaluations == 2
    evaluator.close()


def test_known_gaps_name_targets_of_the_target_table(tmp_path):
    names = {t.name for t in load_targets()}
    assert KNOWN_GAPS.is_file()
    gaps = known_gaps()  # the project's notes (none while every target is met)
    assert set(gaps) <= names
    assert all(len(note) > 80 for note in gaps.values())
    # a note is read by its target's name
    path = tmp_path / "gaps.toml"
    path.write_text('# a comment\n[rural_mean_income]\nnote = """The mean grows too slowly."""\n')
    assert known_gaps(path) == {"rural_mean_income": "The mean grows too slowly."}
    assert known_gaps(tmp_path / "absent.toml") == {}


def test_validation_table_report_and_strict_exit(tmp_path):
    scenario = tmp_path / "small.toml"
    campaign = ROOT / "scenarios" / "campaign.toml"
    scenario.write_text(f'[scenario]\nname = "small"\nextends = "{campaign}"\n'
                        "[population]\nn_households = 2000\nvillages_per_township = 3\n")
    v = validate(scenario, seeds=range(2), progress=False)
    table = v.table
    assert set(table.columns) >= {"target", "year", "data", "model", "ci_low", "ci_high",
                                  "within", "kind", "role", "measure", "source"}
    assert len(table) == len(load_targets())
    assert (table["role"] == "held out").all()  # no calibration record beside this file
    assert table.loc[table.kind == "reported", "within"].isna().all()
    assert np.isfinite(v.headcount_rmse())
    paths = write_validation(v, tmp_path / "out")
    for p in paths.values():
        assert p.stat().st_size > 0
    report = paths["report"].read_text()
    assert "checked targets are met" in report
    assert "Held-out targets" in report
    # the process behind the numbers, drawn
    for key in ("register", "county_exits", "transfers", "identification"):
        assert paths[key].suffix == ".png"
        assert f"]({paths[key].name})" in report
    # every missed target is named, with what the model lacks when a note says it
    assert "## Targets still missed" in report
    for row in v.missed.itertuples():
        assert f"**`{row.target}` {row.year}**" in report
    code = main(["validate", str(scenario), "--seeds", "2", "--out", str(tmp_path / "cli"),
                 "--counterfactual", "none", "--strict", "--quiet"])
    assert code == (0 if v.missed.empty else 1)


VALIDATE_MODULE = importlib.import_module("povsim.study.calibration.validate")  # not the function


@pytest.fixture
def no_runs(monkeypatch):
    """Make any simulation fail the test: these errors must come before the runs."""
    def refuse(*args, **kwargs):
        raise AssertionError("a simulation ran before the input was checked")

    monkeypatch.setattr(VALIDATE_MODULE, "run_comparison", refuse)


def _small_scenario(tmp_path, name="small", extra=""):
    scenario = tmp_path / f"{name}.toml"
    scenario.write_text(f'[scenario]\nname = "{name}"\n'
                        f'extends = "{ROOT / "scenarios" / "campaign.toml"}"\n{extra}')
    return scenario


@pytest.mark.parametrize(("record", "message"), [
    ("{not json", "not a valid calibration record (JSON)"),
    ("[1, 2]", "a calibration record must be a JSON object, not list"),
    ('{"fitted_targets": "headcount_rate@2015"}', "fitted_targets = 'headcount_rate@2015'; "
     "allowed: a list of target keys"),
])
def test_a_bad_calibration_record_is_named_before_running(tmp_path, no_runs, record, message):
    scenario = _small_scenario(tmp_path)
    path = tmp_path / "small.calibration.json"
    path.write_text(record)
    with pytest.raises(PovsimError) as err:
        validate(scenario, seeds=range(2), progress=False)
    assert f"{path}: {message}" in str(err.value)


def test_validate_checks_targets_seeds_and_counterfactual_before_running(tmp_path, no_runs):
    scenario = _small_scenario(tmp_path)
    with pytest.raises(PovsimError, match=r"target file not found: .*typo\.csv"):
        validate(scenario, targets=tmp_path / "typo.csv", progress=False)
    with pytest.raises(PovsimError, match="give at least one seed"):
        validate(scenario, seeds=[], progress=False)
    longer = _small_scenario(tmp_path, "longer", "[run]\nend_year = 2025\n")
    with pytest.raises(PovsimError, match=r"must cover the same years .*--counterfactual none"):
        validate(scenario, seeds=range(2), counterfactual=longer, progress=False)


def test_a_target_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (TARGET_HEADER + "headcount_rate,2013,8.5,percent,0.7,x\n")
                     .encode())
    assert [t.key for t in load_targets(path)] == ["headcount_rate@2013"]


@pytest.mark.parametrize(("text", "message"), [
    (TARGET_HEADER, "no targets (a header and no rows)"),
    ("", "missing columns ['target', 'year', 'value', 'unit', 'tolerance', 'source'] in its "
         "first line (empty)"),
    (" target , year,value,unit,tolerance,source\nheadcount_rate,2013,8.5,percent,0.7,x\n",
     None),
    (TARGET_HEADER + "headcount_rate,2013,8.5,percent,0.7,\"" + "x" * 200_000 + "\"\n",
     "line 2: not readable as CSV: field larger than field limit"),
])
def test_target_files_without_targets_or_unreadable_are_clear_errors(tmp_path, text, message):
    path = tmp_path / "t.csv"
    path.write_text(text)
    if message is None:
        assert len(load_targets(path)) == 1
        return
    with pytest.raises(PovsimError) as err:
        load_targets(path)
    assert f"{path}" in str(err.value)
    assert message in str(err.value)


def test_target_years_the_runs_cannot_measure_are_refused_with_file_and_line(tmp_path,
                                                                            no_runs):
    path = tmp_path / "t.csv"
    path.write_text(TARGET_HEADER + "headcount_rate,2010,8.5,percent,0.7,x\n"
                    "headcount_rate,2013,8.5,percent,0.7,x\n"
                    "central_poverty_funds_growth,2013,20,percent a year,,x\n"
                    "lookback_added_million,2014,1,million,,x\n"
                    "rural_mean_income,2500,1,yuan,,x\n")
    with pytest.raises(PovsimError) as err:
        validate(_small_scenario(tmp_path), seeds=range(2), targets=path, progress=False)
    text = str(err.value)
    assert text.startswith("4 targets in years the runs cannot measure:")
    assert f"{path}, line 2: headcount_rate@2010: year 2010: allowed: a year from 2012 to " \
           "2100 (the runs of small start in 2012" in text
    assert f"{path}, line 4: central_poverty_funds_growth@2013: year 2013: allowed: a year " \
           "from 2014 to 2100" in text
    assert f"{path}, line 5: lookback_added_million@2014: year 2014: allowed: a year from " \
           "2015" in text
    assert f"{path}, line 6: rural_mean_income@2500" in text


def test_a_validation_against_targets_without_causes_writes_its_report(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text(TARGET_HEADER + "headcount_rate,2014,7.2,percent,0.7,x\n"
                    "rural_mean_income,2016,9000,yuan,,x\n")
    scenario = _small_scenario(tmp_path, extra="[population]\nn_households = 1000\n"
                               "villages_per_township = 3\n")
    out = tmp_path / "out"
    (out).mkdir()
    (out / "causes.png").write_bytes(b"an earlier validation's")
    code = main(["validate", str(scenario), "--seeds", "2", "--targets", str(path), "--out",
                 str(out), "--counterfactual", "none", "--quiet"])
    assert code == 0, capsys.readouterr().err
    report = (out / "validation.md").read_text()
    assert "![headcount](headcount.png)" in report
    assert "causes.png" not in report
    assert not (out / "causes.png").exists()
    assert (out / "targets.png").stat().st_size > 0


@pytest.mark.parametrize(("option", "message"), [
    (["--seeds", "0"], "--seeds 0: allowed: a whole number of at least 1"),
    (["--workers", "0"], "--workers 0: allowed: a whole number of at least 1"),
])
def test_validate_command_refuses_bad_seed_options(tmp_path, no_runs, capsys, option, message):
    code = main(["validate", str(_small_scenario(tmp_path)), *option, "--out",
                 str(tmp_path / "out"), "--counterfactual", "none", "--quiet"])
    assert code == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_shipped_baseline_meets_its_targets(tmp_path):
    code = main(["validate", str(ROOT / "scenarios" / "baseline.toml"), "--seeds", "10",
                 "--workers", "2", "--out", str(tmp_path), "--counterfactual", "none",
                 "--strict", "--quiet"])
    assert code == 0


def test_an_interrupted_validation_resumes_to_the_same_table(tmp_path, monkeypatch):
    scenario = _small_scenario(tmp_path, extra="[population]\nn_households = 1000\n"
                                               "villages_per_township = 3\n")
    whole = validate(scenario, seeds=range(2), progress=False)
    real = RUNS_MODULE.simulate
    calls = []

    def stopped(params, seed, **kw):
        calls.append(seed)
        if len(calls) == 2:
            raise KeyboardInterrupt                       # Ctrl-C during the second run
        return real(params, seed, **kw)

    monkeypatch.setattr(RUNS_MODULE, "simulate", stopped)
    store = tmp_path / "store"
    with pytest.raises(KeyboardInterrupt):
        validate(scenario, seeds=range(2), store=store, progress=False)
    monkeypatch.setattr(RUNS_MODULE, "simulate", real)
    assert len(list((store / "runs").glob("run-*.parquet"))) == 1
    resumed = validate(scenario, seeds=range(2), store=store, resume=True, progress=False)
    pd.testing.assert_frame_equal(resumed.table, whole.table)
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)


def test_a_calibration_store_resumes_with_the_runs_it_had(tmp_path, monkeypatch):
    ran = []

    def fake_simulate(params, seed, **kw):
        ran.append((params.health.p_illness, seed))
        return pd.DataFrame({"scenario": [""], "seed": [seed], "year": [2013],
                             "headcount_rate": [params.health.p_illness + seed]})

    monkeypatch.setattr(RUNS_MODULE, "simulate", fake_simulate)
    store = ResultStore(tmp_path / "store")
    first = Evaluator(Parameters(), seeds=(0, 1), store=store)
    a = first.runs({"health.p_illness": 0.1})
    first.runs({"health.p_illness": 0.2})
    assert len(ran) == 4
    again = Evaluator(Parameters(), seeds=(0, 1), store=store, resume=True)
    pd.testing.assert_frame_equal(again.runs({"health.p_illness": 0.1}), a)
    again.runs({"health.p_illness": 0.2})
    again.runs({"health.p_illness": 0.3})
    assert len(ran) == 6                  # only the new point ran
    with pytest.raises(PovsimError, match="holds the runs of another calibration"):
        Evaluator(Parameters(), seeds=(0, 1, 2), store=store, resume=True)
    with pytest.raises(PovsimError, match="holds an unfinished calibration; add --resume"):
        Evaluator(Parameters(), seeds=(0, 1), store=store)   # its runs would be lost
    again.finish()
    Evaluator(Parameters(), seeds=(0, 1), store=store)       # a finished one: afresh
    assert store.finished() == set()


def test_outside_weight_adds_only_the_distance_beyond_each_tolerance(monkeypatch):
    evaluator = Evaluator(Parameters(), seeds=(0,))
    distances = np.array([0.5, -2.0, 1.5])
    monkeypatch.setattr(evaluator, "moments", lambda values, targets: (distances, None))
    plain = evaluator.objective({}, [])
    assert plain == pytest.approx(0.25 + 4.0 + 2.25)
    # beyond the tolerance: 1.0 and 0.5 tolerances, squared and weighted
    assert evaluator.objective({}, [], outside_weight=4.0) == pytest.approx(
        plain + 4.0 * (1.0 + 0.25))
    evaluator.close()


def test_the_spec_reads_outside_weight(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC_HEAD + "outside_weight = 3.5\n" + STAGE + FREE)
    assert load_spec(spec).outside_weight == 3.5
    spec.write_text(SPEC_HEAD + STAGE + FREE)
    assert load_spec(spec).outside_weight == 0.0


TRIALS = sorted((ROOT / "experiments" / "calibration-trials").glob("*.toml"))


@pytest.mark.parametrize("path", TRIALS, ids=lambda p: p.stem)
def test_calibration_trials_load_start_from_the_campaign_and_write_under_results(path):
    spec = load_spec(path)
    assert spec.base.resolve() == (ROOT / "scenarios" / "campaign.toml").resolve()
    assert spec.out.resolve().is_relative_to((ROOT / "results").resolve())
    fitted = {p.path for stage in spec.stages for p in stage.parameters}
    if path.stem in set("HIJKLMNO"):   # the trials of returns to farm scale
        assert "economy.farm_productivity_growth" not in fitted   # held at its data rate
        assert "economy.land_elasticity_growth" in fitted
    else:                         # the trials of downside income risk
        assert "economy.transitory_upside" in fitted
    last = max(t.year for stage in spec.stages for t in stage.targets)
    assert last <= spec.overrides.get("run.end_year", 2020)      # the runs reach every target
