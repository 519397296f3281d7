"""The scenario library in scenarios/: every file validates, describes itself and runs;
the library files keep the promises their names make (growth-only spends nothing,
only-X runs X alone with the whole budget, the consolidation pair runs to 2025 and
differs only after 2020)."""

from __future__ import annotations

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
CONSOLIDATION = [FOLDER / "consolidation-phased-out.toml", FOLDER / "consolidation-kept.toml"]

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
                "favouritism", "formalism", "fake-exits", "support-withdrawn", "support-kept",
                "monitoring-on", "monitoring-off", "migrant-shock-2020",
                "consolidation-phased-out", "consolidation-kept",
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
    assert params.budget == baseline.budget  # the same money as the baseline
    years = campaign_years(params)
    for year in years:
        assert running(params, year) <= {name}, year
        assert getattr(params.at(year).interventions, name).budget_share == 1.0
    assert any(running(params, year) == {name} for year in years)
    iv = getattr(params.interventions, name)
    assert f"delivering from {iv.start_year}" in load_scenario(ONLY[name]).description


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


def test_support_and_monitoring_pairs_differ_in_their_lever():
    withdrawn = load_scenario(FOLDER / "support-withdrawn.toml").params
    kept = load_scenario(FOLDER / "support-kept.toml").params
    on = load_scenario(FOLDER / "monitoring-on.toml").params
    off = load_scenario(FOLDER / "monitoring-off.toml").params
    for year in campaign_years(kept):
        assert withdrawn.at(year).post_exit.support_years == 0
        assert kept.at(year).post_exit.support_years > year - withdrawn.exit.start_year
        assert not off.at(year).monitoring.enabled
    assert on.at(2016).monitoring.enabled
    assert on.at(on.run.end_year).monitoring.enabled


def test_consolidation_files_run_to_2025_and_differ_only_after_2020():
    kept, phased = (load_scenario(path).params for path in reversed(CONSOLIDATION))
    assert kept.run.end_year == phased.run.end_year == 2025
    assert running(phased, 2021) == set()
    assert running(kept, 2021)
    assert phased.at(2021).post_exit.support_years == 0
    assert kept.at(2021).monitoring.enabled
    assert not phased.at(2021).monitoring.enabled
    tables = []
    for path in CONSOLIDATION:
        model = small_model(path)
        model.run()
        tables.append(model.outputs().set_index("year"))
    phased_out, kept_out = tables
    assert list(kept_out.index) == list(range(2012, 2026))
    numeric = kept_out.select_dtypes("number").columns
    np.testing.assert_array_equal(phased_out.loc[:2020, numeric], kept_out.loc[:2020, numeric])
    assert (phased_out.loc[2021:, "spending_total"] == 0).all()
    assert (kept_out.loc[2021:, "spending_total"] > 0).all()
