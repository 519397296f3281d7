"""The scenario library in scenarios/: every file validates, describes itself and runs;
the library files keep the promises their names make (growth-only spends nothing,
only-X runs X alone with the whole budget, the transition files run to 2030 and
differ from the baseline only after 2020)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from povsim import PovertyModel
from povsim.params import NO_CAMPAIGN
from povsim.params.policy import INTERVENTION_NAMES
from povsim.study.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "scenarios"
BASELINE = FOLDER / "baseline.toml"
FILES = sorted(FOLDER.glob("*.toml"))
BASE_CHAIN = {f.path.resolve() for f in load_scenario(BASELINE).chain}
"""The baseline and the files it extends: the library is built on them."""
BASE_FILES = BASE_CHAIN | {(FOLDER / "campaign.toml").resolve()}
"""Files that are not part of the library: the baseline's chain, and campaign.toml, the
uncalibrated policy history that the calibrated baseline extends."""
LIBRARY = [path for path in FILES if path.resolve() not in BASE_FILES]
ONLY = {name: FOLDER / f"only-{name.replace('_', '-')}.toml" for name in INTERVENTION_NAMES}
TRANSITION = sorted(FOLDER.glob("transition*.toml"))

SMALL = {"population.n_households": 2000}
"""Small enough for a quick run (a whole 2012-2020 run takes about 0.1 s), large enough
for the default 60 villages."""


def small_model(path: Path, seed: int = 0) -> PovertyModel:
    return PovertyModel(load_scenario(path).params.with_overrides(SMALL), rng=seed)


def running(params, year: int) -> set[str]:
    """Interventions enabled and within their start and end years in ``year``."""
    p = params.at(year)
    return {name for name in INTERVENTION_NAMES
            if (iv := getattr(p.interventions, name)).enabled
            and iv.start_year <= year <= iv.end_year}


def campaign_years(params) -> range:
    return range(params.run.start_year + 1, params.run.end_year + 1)


def test_the_library_is_there():
    names = {path.stem for path in LIBRARY}
    expected = {"growth-only", "untargeted", "targeted-mix", "identification-error",
                "identification-accurate", "favouritism", "formalism", "no-work-teams",
                "fewer-helpers", "supervision-strict", "supervision-lax", "fake-exits",
                "exit-income-only", "support-withdrawn", "monitoring-on", "monitoring-off",
                "no-motivation-campaigns", "work-rewarded", "migrant-shock-2020",
                "transition", "transition-withdrawn", "transition-phased-out",
                "transition-monitoring-off", "transition-monitoring-low",
                "transition-monitoring-high", "transition-second-shock",
                *(path.stem for path in ONLY.values())}
    assert expected <= names, f"missing: {sorted(expected - names)}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_validates_and_runs(path):
    # Every year of the file's horizon, at a small population: most levers act from
    # 2016 (or 2021), so a run of the first years only would not reach them.
    model = small_model(path)
    model.run()
    table = model.outputs()
    assert len(table) == model.params.run.end_year - model.params.run.start_year + 1
    assert np.isfinite(table["headcount_rate"]).all()


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_library_files_extend_the_baseline_and_say_what_they_answer(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    # built on the baseline: directly, or through other library files (no-measures.toml)
    parents = [f.path.resolve() for f in scenario.chain[1:]]
    between = parents[:len(parents) - len(BASE_CHAIN)]
    assert set(parents[len(between):]) == BASE_CHAIN
    assert set(between) <= {p.resolve() for p in LIBRARY}
    assert scenario.chain[len(between)].extends == "baseline.toml"
    baseline = load_scenario(BASELINE)
    # Description and question are inherited when not set: each file must have its own.
    assert scenario.description.strip()
    assert scenario.description != baseline.description
    assert scenario.question.strip()
    assert scenario.question != baseline.question
    assert path.read_text(encoding="utf-8").startswith("#"), "a comment header comes first"


def test_names_are_unique():
    names = [load_scenario(path).name for path in FILES]
    assert len(names) == len(set(names))


def test_growth_only_is_the_baseline_without_the_campaign():
    baseline = load_scenario(BASELINE).params
    growth = load_scenario(FOLDER / "growth-only.toml").params
    assert growth == baseline.with_overrides(NO_CAMPAIGN)
    model = small_model(FOLDER / "growth-only.toml")
    model.run()
    table = model.outputs()
    assert (table["new_funds"] == 0).all()
    assert (table["spending_total"] == 0).all()
    assert (table["registered_households"] == 0).all()


@pytest.mark.parametrize("name", INTERVENTION_NAMES)
def test_only_files_run_one_intervention_with_the_whole_budget(name):
    params = load_scenario(ONLY[name]).params
    baseline = load_scenario(BASELINE).params
    # the same money as the baseline, none of it carried between years (no-measures.toml)
    assert params.budget == replace(baseline.budget, carry_unused=False)
    assert baseline.budget.carry_unused
    years = campaign_years(params)
    for year in years:
        assert running(params, year) <= {name}, year
        assert getattr(params.at(year).interventions, name).budget_share == 1.0
    assert any(running(params, year) == {name} for year in years)
    iv = getattr(params.interventions, name)
    assert f"delivering from {iv.start_year}" in load_scenario(ONLY[name]).description


def test_only_files_return_the_money_they_cannot_use_instead_of_carrying_it():
    # only-employment delivers from 2016: the money of 2013-2015 and whatever the measure
    # cannot use later is returned each year (unspent_funds), never carried.
    model = small_model(ONLY["employment"])
    model.run()
    table = model.outputs().set_index("year")
    campaign = table.loc[2013:]
    assert (campaign["carried_funds"] == 0).all()
    assert (table.loc[2013:2015, "spending_total"] == 0).all()
    assert (table.loc[2013:2015, "unspent_funds"] > 0).all()
    # every yuan that arrives is spent, leaked or returned in its own year
    np.testing.assert_allclose(
        campaign["new_funds"],
        campaign["spending_total"] + campaign["leakage"] + campaign["unspent_funds"],
        rtol=1e-9)
    baseline = small_model(BASELINE)
    baseline.run()
    base = baseline.outputs().set_index("year")
    assert (base["unspent_funds"] == 0).all()
    assert (base.loc[2013:, "carried_funds"] > 0).any()


@pytest.mark.parametrize(("name", "mode"), [("untargeted", "untargeted"),
                                            ("targeted-mix", "by_cause")])
def test_targeting_files_change_targeting_only(name, mode):
    params = load_scenario(FOLDER / f"{name}.toml").params
    baseline = load_scenario(BASELINE).params
    for year in campaign_years(params):
        p, b = params.at(year), baseline.at(year)
        assert p.budget == b.budget
        for iv_name in INTERVENTION_NAMES:
            iv, base_iv = getattr(p.interventions, iv_name), getattr(b.interventions, iv_name)
            assert iv.targeting == mode
            assert (iv.enabled, iv.budget_share, iv.start_year, iv.end_year) == (
                base_iv.enabled, base_iv.budget_share, base_iv.start_year, base_iv.end_year)


def test_support_and_monitoring_levers_differ_from_the_baseline_in_their_lever():
    baseline = load_scenario(BASELINE).params
    withdrawn = load_scenario(FOLDER / "support-withdrawn.toml").params
    on = load_scenario(FOLDER / "monitoring-on.toml").params
    off = load_scenario(FOLDER / "monitoring-off.toml").params
    for year in campaign_years(baseline):
        assert withdrawn.at(year).post_exit.support_years == 0
        assert withdrawn.at(year).post_exit.kept_through < 2013
        assert baseline.at(year).post_exit.kept_through >= 2020  # kept to the end at least
        assert not off.at(year).monitoring.enabled
    assert on.at(2016).monitoring.enabled
    assert on.at(on.run.end_year).monitoring.enabled


def test_transition_files_run_to_2030_and_differ_from_the_baseline_only_after_2020():
    for path in TRANSITION:
        params = load_scenario(path).params
        assert params.run.end_year == 2030, path.name
    tables = {}
    for name in ("baseline.toml", "transition.toml", "transition-withdrawn.toml"):
        model = small_model(FOLDER / name)
        model.run()
        tables[name] = model.outputs().set_index("year")
    base, kept, withdrawn = tables.values()
    assert list(kept.index) == list(range(2012, 2031))
    numeric = base.select_dtypes("number").columns
    for other in (kept, withdrawn):
        np.testing.assert_array_equal(base.loc[:, numeric], other.loc[:2020, numeric])
    assert withdrawn.loc[2021:, "returns_after_exit"].sum() > kept.loc[
        2021:, "returns_after_exit"].sum()
