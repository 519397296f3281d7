"""The browser app without a browser: levers and their checks, the panels, and the page
rendered with Solara's test utilities (``solara.render`` and ``rc.find``)."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import matplotlib.colors
import networkx as nx
import numpy as np
import pytest

solara = pytest.importorskip("solara", reason="the app extra is not installed (povsim[app])")
v = pytest.importorskip("ipyvuetify")
ipyvue = pytest.importorskip("ipyvue")

import svg_pictures  # noqa: E402
from povsim.app import panels  # noqa: E402
from povsim.app.history import HELP, HouseholdHistory  # noqa: E402
from povsim.app.inspection import story_table  # noqa: E402
from povsim.app.levers import (  # noqa: E402
    AS_IN_SCENARIO,
    LAST_YEAR_MAX,
    LEVER_BY_NAME,
    SCENARIOS_ENV,
    Exploration,
    ScenarioLibrary,
    choose,
    parse_seed,
    scenario_values,
)
from povsim.app.page import Page, slider_position  # noqa: E402
from povsim.errors import ParameterError, PovsimError  # noqa: E402
from povsim.params import is_schedule  # noqa: E402
from povsim.params.policy import INTERVENTION_NAMES  # noqa: E402
from povsim.status import RegStatus  # noqa: E402

SMALL = 1500
"""Households of the test scenario: small, so each test runs in well under a second."""

TINY = 300
"""Households of a scenario smaller than the household slider allows."""

SCENARIOS = {
    "small": f"""
        [scenario]
        description = "A small population; monitoring from 2018, more reimbursed from 2016."
        [population]
        n_households = {SMALL}
        [monitoring]
        enabled = {{2018 = true}}
        [interventions.health]
        reimbursement_rate = {{2016 = 0.9}}
        [budget]
        national_billion = 39.4871
        """,
    "withdrawn": f"""
        [scenario]
        description = "Support withdrawn at exit."
        [population]
        n_households = {SMALL}
        [post_exit]
        support_years = 0
        """,
    "many-villages": """
        [population]
        n_households = 2000
        n_counties = 100
        """,
    "tiny": f"""
        [population]
        n_households = {TINY}
        """,
    "broken": """
        [health]
        p_ilness = 0.1
        """,
}


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScenarioLibrary:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name, text in SCENARIOS.items():
        (folder / f"{name}.toml").write_text(textwrap.dedent(text))
    monkeypatch.setenv(SCENARIOS_ENV, str(folder))
    return ScenarioLibrary.from_environment()


def small_values(library: ScenarioLibrary, **changes) -> dict:
    return {**scenario_values(library, "small"), **changes}


# ------------------------------------------------------------------------ levers
def test_library_lists_the_files_and_the_defaults(library):
    assert library.names() == ["broken", "many-villages", "small", "tiny", "withdrawn",
                               "defaults"]
    assert library.load("small").description.startswith("A small population")
    with pytest.raises(PovsimError, match="not in the library"):
        library.load("nonexistent")


def test_a_scenario_is_picked_by_its_file_name(tmp_path):
    (tmp_path / "file-name.toml").write_text(
        '[scenario]\nname = "inner-name"\n[population]\nn_households = 1000\n')
    library = ScenarioLibrary(tmp_path)
    run = Exploration(library, **scenario_values(library, "file-name"))
    assert run.error is None
    assert run.choice.scenario.name == "inner-name"


def test_runs_built_without_a_library_share_one_and_its_cache(library, monkeypatch):
    from povsim.app import levers

    values = small_values(library)
    read = []
    real = levers.load_scenario
    monkeypatch.setattr(levers, "load_scenario", lambda path: read.append(path) or real(path))
    first, second = Exploration(**values), Exploration(**values)  # as Mesa's Reset does
    assert first.error is None
    assert second.error is None
    assert [path.name for path in read] == ["small.toml"]
    assert levers.shared_library() is levers.shared_library()


def test_levers_start_at_the_scenario_values(library):
    values = scenario_values(library, "withdrawn")
    assert values["support_years"] == 0
    assert values["households"] == SMALL
    assert values["targeting"] == AS_IN_SCENARIO
    assert values["seed"] == "0"
    assert values["monitoring"] is False


def test_levers_left_alone_keep_the_scenario_and_its_schedules(library):
    values = small_values(library)
    assert values["monitoring"] == values["reimbursement"] == AS_IN_SCENARIO
    choice = choose(values, library)
    assert choice.overrides == {"run.end_year": LAST_YEAR_MAX}  # built to play on
    model = Exploration(library, **values).model
    assert is_schedule(model.params.monitoring.enabled)
    assert is_schedule(model.params.interventions.health.reimbursement_rate)


def test_a_moved_lever_sets_a_scheduled_parameter_for_every_year(library):
    # Moved to its first-year value, the lever still sets that value for every year.
    values = small_values(library, reimbursement=0.75, monitoring=False)
    model = Exploration(library, **values).model
    assert model.params.interventions.health.reimbursement_rate == 0.75
    assert model.params.monitoring.enabled is False
    assert "health reimbursement rate 0.75" in choose(values, library).describe()


def test_a_targeting_choice_applies_to_every_intervention(library):
    # The defaults target health (the first) by package and industry by cause.
    values = {**scenario_values(library, "defaults"), "targeting": "package"}
    overrides = choose(values, library).overrides
    for name in INTERVENTION_NAMES:
        assert overrides[f"interventions.{name}.targeting"] == "package"


def test_the_run_stops_at_run_until_and_plays_on(library):
    run = Exploration(library, **small_values(library))
    assert run.last_year == 2020
    while run.running:
        run.step()
    assert run.year == 2020
    run.step()
    assert run.year == 2020
    run.play_until(2022)
    assert run.running
    run.step()
    run.step()
    assert (run.year, run.running) == (2022, False)
    with pytest.raises(PovsimError, match="run until 2040: allowed: a year from 2013 to 2035"):
        run.play_until(2040)
    # The years to 2020 are those of a run built to end in 2020.
    from povsim.model import PovertyModel

    plain = PovertyModel(run.choice.scenario.params, rng=0)
    plain.run()
    assert plain.outputs().equals(run.model.outputs().iloc[:9])


def test_run_until_is_checked_and_described(library):
    run = Exploration(library, **small_values(library, last_year=2040))
    assert "run until = 2040: out of range; allowed: a whole number from 2013 to 2035" \
        in run.error
    choice = choose(small_values(library, last_year=2025), library)
    assert choice.last_year == 2025
    assert "run until 2025" in choice.describe()


def test_the_readmes_minute_exercise_shows_more_returns_without_support_after_exit():
    # README: with the baseline, moving "Years of support after exit" to 0 makes the
    # returns run above the kept run's (the baseline keeps all support to 2025).
    real = ScenarioLibrary(Path(__file__).resolve().parents[1] / "scenarios")
    returns = {}
    for years in (None, 0):
        values = {**scenario_values(real, "baseline"), "households": 5000}
        if years is not None:
            values["support_years"] = years
        model = Exploration(real, **values).model
        while model.year < 2020:
            model.step()
        returns[years] = int(model.outputs()["returns_after_exit"].sum())
    assert returns[0] > 1.3 * returns[None]


def test_moved_levers_override_the_scenario(library):
    values = small_values(library, support_years=0, targeting="untargeted", monitoring=True,
                          budget=200.0, households=1000, seed=" 12 ")
    choice = choose(values, library)
    assert choice.seed == 12
    assert choice.overrides["post_exit.support_years"] == 0
    # the baseline keeps all support to 2025: moving the lever replaces that rule
    assert choice.overrides["post_exit.kept_through"] == 1990
    assert choice.overrides["monitoring.enabled"] is True
    assert choice.overrides["population.n_households"] == 1000
    for name in INTERVENTION_NAMES:
        assert choice.overrides[f"interventions.{name}.targeting"] == "untargeted"
    model = Exploration(library, **values).model
    assert model.households.n == 1000
    assert model.params.post_exit.support_years == 0
    assert model.params.monitoring.enabled is True
    assert model.params.budget.national_billion == 200.0
    assert "years of support after exit 0" in choice.describe()


@pytest.mark.parametrize("text", ["abc", "1.5", "-1", "", "1e3", str(2**64), True])
def test_seed_box_rejects_what_is_not_a_whole_number(text):
    with pytest.raises(PovsimError, match="allowed: a whole number from 0"):
        parse_seed(text)


@pytest.mark.parametrize(("text", "seed"), [("7", 7), (" 42 ", 42), ("0", 0), (9, 9)])
def test_seed_box_becomes_an_integer(text, seed):
    assert parse_seed(text) == seed


def test_every_bad_value_is_listed_at_once(library):
    values = small_values(library, seed="abc", households=10**7, targeting="bogus",
                          budget="lots", follow_up="yes", colour="red")
    with pytest.raises(ParameterError) as caught:
        choose(values, library)
    message = str(caught.value)
    assert len(caught.value.problems) == 6
    for text in ("seed = 'abc'", "households = 10000000", "targeting of every intervention",
                 "central poverty funds", "jobs for relocated households", "colour"):
        assert text in message


def test_a_scenario_value_is_allowed_outside_the_slider_range(library):
    low = LEVER_BY_NAME["households"].low
    values = scenario_values(library, "tiny")
    assert values["households"] == TINY < low
    assert choose(values, library).values["households"] == TINY
    with pytest.raises(ParameterError, match="households = 400: out of range"):
        choose({**values, "households": 400}, library)


def test_the_run_reports_problems_instead_of_raising(library):
    run = Exploration(library, **small_values(library, seed="abc"))
    assert run.model is None
    assert "seed = 'abc': not a whole number" in run.error
    assert not run.running
    run.step()  # nothing to step: no error either
    assert run.model is None


@pytest.mark.parametrize(("lever", "value", "reason"), [
    ("households", float("inf"), "must be a whole number"),
    ("households", float("nan"), "must be a whole number"),
    ("households", 1000.5, "must be a whole number"),
    ("noise_sd", float("inf"), "must be finite"),
    ("noise_sd", float("nan"), "must be finite"),
    ("budget", -float("inf"), "must be finite"),
])
def test_non_finite_lever_values_are_a_message(library, lever, value, reason):
    run = Exploration(library, **small_values(library, **{lever: value}))
    assert run.model is None
    label = LEVER_BY_NAME[lever].label.lower()
    assert f"{label} = {value!r}: {reason}; allowed: a" in run.error


def test_a_whole_float_is_a_whole_number_of_households(library):
    choice = choose(small_values(library, households=1000.0), library)
    assert choice.values["households"] == 1000
    assert isinstance(choice.values["households"], int)


def test_sliders_over_a_whole_parameter_take_its_declared_range():
    from povsim.params import describe

    for name in ("noise_sd", "favouritism", "reimbursement"):
        lever = LEVER_BY_NAME[name]
        info = describe(lever.paths[0])
        assert (lever.low, lever.high) == (info.low, info.high)


def test_too_few_households_for_the_villages_is_a_message(library):
    values = {**scenario_values(library, "many-villages"), "households": 500}
    run = Exploration(library, **values)
    assert run.model is None
    assert "population.n_households = 500" in run.error
    assert "number of villages (600" in run.error


def test_a_broken_scenario_file_is_a_message(library):
    run = Exploration(library, scenario="broken")
    assert run.model is None
    assert "p_ilness" in run.error


def test_the_run_steps_to_the_end_year_and_stops(library):
    run = Exploration(library, **small_values(library))
    years = []
    while run.running:
        run.step()
        years.append(run.year)
    assert years == list(range(2013, 2021))
    assert run.step_seconds is not None
    run.step()
    assert run.year == 2020


def test_a_slider_is_given_its_value_on_a_step():
    assert slider_position(39.4871, 0.0, 400.0, 5.0) == 40.0
    assert slider_position(0.35, 0.0, 3.0, 0.05) == 0.35
    assert slider_position(300, 300, 50_000, 500) == 300  # a scenario's value below the steps
    assert slider_position(1200, 300, 50_000, 500) == 1300  # steps from the low end, as Vuetify
    assert slider_position(500.0, 0.0, 400.0, 5.0) == 400.0


# ------------------------------------------------------------------------ panels
@pytest.fixture(scope="module")
def stepped_model():
    from povsim.model import PovertyModel

    model = PovertyModel(rng=3, population__n_households=SMALL, population__n_counties=2,
                         population__townships_per_county=3,
                         population__villages_per_township=10)  # villages of ~50
    model.run_for(4)
    return model


def test_household_status_matches_the_household_state(stepped_model):
    model = stepped_model
    hh = model.households
    rows = np.arange(hh.n)
    status = panels.household_status(model, rows)
    assert status.min() >= 0
    assert status.max() < len(panels.STATUSES)
    registered = np.isin(hh.reg_status, [RegStatus.REGISTERED, RegStatus.RETURNED])
    poor_registered = status == panels.POOR_REGISTERED
    assert poor_registered.any()
    assert (hh.poor[poor_registered] & registered[poor_registered]).all()
    unregistered = status == panels.POOR_UNREGISTERED
    assert (hh.poor[unregistered] & ~registered[unregistered]).all()
    never = status == panels.NEVER_POOR
    assert not (hh.poor[never] | hh.ever_exited[never]).any()
    assert (status[hh.relocated] == panels.RELOCATED).all()
    assert (hh.reg_status[status == panels.EXITED] == RegStatus.EXITED).all()


def test_every_panel_draws_and_updates_in_place(stepped_model):
    model = stepped_model
    outputs = model.outputs()
    years = (model.params.run.start_year, model.params.run.end_year)
    hh = model.households
    busiest = int(np.argmax(np.bincount(hh.village[hh.poor])))
    empty_site = int(np.flatnonzero(model.villages.is_site)[0])
    drawn = [
        (panels.PovertyPanel(years),
         lambda p: p.update(outputs, hh.n, (outputs.iloc[:2], hh.n, "reference"))),
        (panels.CausesPanel(), lambda p: p.update(outputs)),
        (panels.IncomePanel(hh.income_pc, model.p.run.poverty_line, years[0]),
         lambda p: p.update(hh.income_pc, hh.poor, model.p.run.poverty_line, model.year)),
        (panels.SpendingPanel(years), lambda p: p.update(outputs)),
        (panels.NetworkPanel(busiest), lambda p: p.update(model)),
        (panels.NetworkPanel(empty_site), lambda p: p.update(model)),
    ]
    for panel, update in drawn:
        first = update(panel)
        first.canvas.draw()
        assert update(panel) is first  # the same figure, brought up to date
        first.canvas.draw()


def test_panels_show_the_numbers(stepped_model):
    model = stepped_model
    outputs = model.outputs()
    years = (model.params.run.start_year, model.params.run.end_year)
    poverty = panels.PovertyPanel(years)
    poverty.update(outputs, model.households.n)
    line = poverty.lines["headcount_rate", False]
    assert list(line.get_xdata()) == list(outputs["year"])
    assert list(line.get_ydata()) == pytest.approx(list(outputs["headcount_rate"]))
    assert len(poverty.lines["headcount_rate", True].get_xdata()) == 0
    income = panels.IncomePanel(model.households.income_pc, model.p.run.poverty_line,
                                years[0])
    income.update(model.households.income_pc, model.households.poor,
                  model.p.run.poverty_line, model.year)
    shown = sum(bar.get_height() for bar in income.bars)
    in_range = np.count_nonzero(model.households.income_pc < income.top)
    assert shown == in_range
    network = panels.NetworkPanel(0)
    network.update(model)
    households = [c for c in network.nodes if c.get_zorder() == panels.HOUSEHOLD_LAYER]
    assert sum(len(c.get_offsets()) for c in households) == \
        len(panels.village_households(model, 0))


def test_the_flows_chart_rescales_to_its_data(stepped_model):
    # A first run: the chart starts with no flows, then they grow; the axis follows.
    outputs = stepped_model.outputs()
    poverty = panels.PovertyPanel((2012, 2020))
    poverty.update(outputs.iloc[:1], SMALL)
    assert poverty.bottom.get_ylim() == (0, 1)
    poverty.update(outputs, SMALL)
    per_thousand = outputs[["exits_registered", "returns_registered"]].to_numpy() * 1000 / SMALL
    assert per_thousand.max() > 1  # beyond the first range: a chart that froze would cut it
    low, high = poverty.bottom.get_ylim()
    assert low == 0
    assert per_thousand.max() <= high <= panels.HEADROOM * per_thousand.max() + 1e-9
    poverty.update(outputs.iloc[:2], SMALL)  # a new run: back down
    assert poverty.bottom.get_ylim() == (0, 1)


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_legends_name_the_years_once(stepped_model):
    model = stepped_model
    outputs = model.outputs()
    causes = panels.CausesPanel()
    causes.update(outputs.iloc[:1])
    assert legend_texts(causes.ax) == ["2012 (start)"]
    causes.update(outputs)
    assert legend_texts(causes.ax) == ["2016", "2012 (start)"]
    hh = model.households
    income = panels.IncomePanel(hh.income_pc, model.p.run.poverty_line, 2012)
    assert legend_texts(income.ax) == ["2012 (start)"]
    income.update(hh.income_pc, hh.poor, model.p.run.poverty_line, model.year)
    assert legend_texts(income.ax) == ["2016", "2012 (start)"]


def lab(colour: str) -> np.ndarray:
    """CIE L*a*b* of a colour (D65), to compare colours as eyes do."""
    rgb = np.array(matplotlib.colors.to_rgb(colour))
    linear = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_every_intervention_has_a_colour_of_its_own():
    colours = [matplotlib.colors.to_hex(c) for c in panels.INTERVENTION_COLOURS]
    assert len(set(colours)) == len(INTERVENTION_NAMES)
    closest = min(np.linalg.norm(lab(a) - lab(b))
                  for i, a in enumerate(colours) for b in colours[i + 1:])
    assert closest > 25  # as far apart as matplotlib's ten colours are from each other


def test_the_network_legend_names_enterprises_and_their_workers(stepped_model):
    network = panels.NetworkPanel(0)
    labels = [t.get_text() for t in network.figure.legends[0].get_texts()]
    assert "enterprise" in labels
    assert "enterprise to its workers" in labels
    assert not [label for label in labels if ".." in label]


def test_a_click_on_the_network_picks_the_household_drawn_there(stepped_model):
    model = stepped_model
    network = panels.NetworkPanel(3)
    network.update(model)
    for row in network.rows[:20]:
        x, y = network.position_of(int(row))
        assert 0 < x < 1
        assert 0 < y < 1
        assert network.household_at(x, y) == row
    assert network.household_at(0.99, 0.01) is None  # the legend's corner: nobody
    assert network.position_of(-5) is None


def test_the_inspected_household_is_ringed(stepped_model):
    network = panels.NetworkPanel(3)
    network.update(stepped_model)
    row = int(network.rows[0])
    root = svg_pictures.parse(panels.to_svg(network.update(stepped_model, inspected=row)))
    left, top, right, bottom = svg_pictures.box(svg_pictures.group(root, "inspected"))
    centre = svg_pictures.fraction(root, (left + right) / 2, (top + bottom) / 2)
    assert centre == pytest.approx(network.position_of(row), abs=1e-3)


# ----------------------------------------------------------------------- history
@pytest.fixture(scope="module")
def recorded():
    """A model of eight years and its history, recorded as the page records it."""
    from povsim.model import PovertyModel

    model = PovertyModel(rng=3, population__n_households=SMALL)
    history = HouseholdHistory(model)
    for _ in range(8):
        model.step()
        history.record(model)
    return model, history


def test_the_history_records_every_year_and_the_line(recorded):
    model, history = recorded
    assert history.years == list(range(2012, 2021))
    assert history.lines == [model.params.at(y).run.poverty_line for y in history.years]


def test_a_story_holds_the_households_income_status_help_and_shocks(recorded):
    model, history = recorded
    hh = model.households
    rows = np.flatnonzero((hh.reg_status == RegStatus.EXITED) & model.interventions["health"]
                          .covered & (np.array([history.first_year_of(r) for r in range(hh.n)])
                                      == 2012))
    row = int(rows[0])
    story = history.story(row)
    assert story["year"].tolist() == history.years
    last = story.iloc[-1]
    assert last["income_pc"] == pytest.approx(float(hh.income_pc[row]))
    assert last["line"] == model.p.run.poverty_line
    assert last["poor"] == bool(hh.poor[row])
    assert last["members"] == hh.size()[row]
    assert last["status"] == "exited (certified)"
    assert story["status"].iloc[0] == "not registered"
    changes = story[story["status_changed"]]
    assert "registered poor" in changes["status"].tolist()  # registered, then exited
    assert "health cover" in last["help"]
    began = story[story["new_help"].map(lambda new: "health cover" in new)]
    assert len(began) == 1  # once, the year it began
    illness = story[story["shocks"].map(lambda shocks: "serious illness" in shocks)]
    ill_years = [y for i, y in enumerate(history.years)
                 if history._columns["illness_episode"][i][row]]
    assert illness["year"].tolist() == ill_years


def test_every_kind_of_help_is_read_from_the_model_and_some_is_seen(recorded):
    model, history = recorded
    seen = set()
    for row in range(0, model.households.n, 7):
        for help_now in history.story(row)["help"]:
            seen.update(help_now)
    labels = [h.label for h in HELP]
    assert len(set(labels)) == len(labels)
    assert seen <= set(labels)
    assert {"pairing helper", "dibao allowance", "health cover"} <= seen


def test_a_household_formed_in_a_row_starts_its_own_story(recorded):
    model, history = recorded
    formation = model.params.demography.formation_head_age
    formed = [r for r in range(model.households.n) if history.first_year_of(r) > 2012]
    assert formed  # households die out and new ones form in eight years
    for row in formed:
        story = history.story(row)
        first = history.years.index(story["year"].iloc[0])
        ages = history._of("head_age", row)
        assert ages[first] == formation != ages[first - 1] + 1
    aged = [r for r in range(model.households.n)
            if formation - 1 in history._of("head_age", r)[:-1]
            and formation in history._of("head_age", r)]
    assert aged  # heads who aged into the formation age keep their story
    assert all(history.first_year_of(r) == 2012 for r in aged)


def test_the_story_table_escapes_text_and_marks_changes():
    import pandas as pd

    story = pd.DataFrame([
        {"year": 2012, "income_pc": 1800.0, "line": 2300.0, "poor": True, "members": 3,
         "status": "not registered", "status_changed": False, "help": [], "new_help": [],
         "shocks": []},
        {"year": 2013, "income_pc": 2600.0, "line": 2300.0, "poor": False, "members": 3,
         "status": "registered poor", "status_changed": True,
         "help": ["dibao allowance", "<b>x</b>"], "new_help": ["dibao allowance"],
         "shocks": ["serious illness"]},
    ])
    table = story_table(story)
    assert table.count("<tr>") == 3
    assert "<td><b>1,800</b></td>" in table  # below the line
    assert "<td>2,600</td>" in table
    assert "<td><b>registered poor</b></td>" in table
    assert "<b>dibao allowance</b>, &lt;b&gt;x&lt;/b&gt;" in table
    assert "<td>none</td>" in table


def test_the_spending_panel_stacks_every_intervention_or_refuses(monkeypatch):
    spending = panels.SpendingPanel((2012, 2020))
    assert len(spending.stacks) == len(INTERVENTION_NAMES)
    monkeypatch.setattr(panels, "INTERVENTION_COLOURS", panels.INTERVENTION_COLOURS[:-1])
    with pytest.raises(ValueError, match="zip"):
        panels.SpendingPanel((2012, 2020))


def test_the_income_panel_agrees_with_the_model_when_the_line_changes():
    from povsim.model import PovertyModel

    model = PovertyModel(rng=3, population__n_households=SMALL,
                         **{"run.poverty_line": {2014: 4000.0}})
    start_line = model.p.run.poverty_line
    hh = model.households
    income = panels.IncomePanel(hh.income_pc, start_line, model.year)
    model.run_for(2)
    line = model.p.run.poverty_line
    assert line == 4000.0 != start_line
    income.update(hh.income_pc, hh.poor, line, model.year)
    share = 100 * hh.poor.mean()
    assert income.below.get_text() == f"poverty line 4,000\n{share:.1f}% of households below"
    assert share != pytest.approx(100 * np.mean(hh.income_pc < start_line), abs=0.05)
    assert list(income.line_mark.get_xdata()) == [line, line]
    red = [b.get_x() for b in income.bars
           if b.get_facecolor()[:3] == matplotlib.colors.to_rgb(panels.BELOW_LINE_COLOUR)]
    assert max(red) < line <= max(red) + income.bars[0].get_width()


def test_a_large_village_is_drawn_as_a_sample_along_its_ties(stepped_model):
    model = stepped_model
    rows = panels.village_households(model, 3)
    limit = len(rows) // 2
    shown = panels.shown_households(model, rows, limit)
    assert len(shown) == limit
    assert np.isin(shown, rows).all()
    assert list(shown) == sorted(set(shown.tolist()))
    cadre = np.isin(shown, model.cadre_households)
    assert np.isin(rows, model.cadre_households).sum() == cadre.sum() > 0
    graph = model.network.to_networkx(shown)
    assert nx.is_connected(model.network.to_networkx(rows))
    assert all(graph.degree(int(r)) > 0 for r in shown[~cadre])  # reached along a tie
    assert np.array_equal(panels.shown_households(model, rows, limit), shown)
    assert panels.shown_households(model, rows, len(rows)) is rows


def test_the_network_title_says_how_many_households_are_shown(stepped_model, monkeypatch):
    model = stepped_model
    rows = panels.village_households(model, 3)
    monkeypatch.setattr(panels, "MAX_LAYOUT_NODES", 10)
    network = panels.NetworkPanel(3)
    network.update(model)
    households = [c for c in network.nodes if c.get_zorder() == panels.HOUSEHOLD_LAYER]
    assert sum(len(c.get_offsets()) for c in households) == 10
    assert f"(showing 10 of {len(rows)} households)" in network.ax.get_title()
    poor = int(model.households.poor[rows].sum())
    assert network.ax.get_title().startswith(f"{poor} of {len(rows)} households poor")


def test_network_layout_keeps_households_in_place(stepped_model):
    model = stepped_model
    rows = panels.village_households(model, 0)
    old, new = rows[: len(rows) // 2], rows[len(rows) // 2:]
    known: dict = {}
    first = {n: xy.copy() for n, xy in
             panels.layout_village(model.network.to_networkx(old), known).items()}
    assert set(first) == set(old.tolist())
    graph = model.network.to_networkx(rows)  # households moved in
    after = panels.layout_village(graph, known)
    assert set(after) == set(rows.tolist())
    assert all(np.array_equal(after[n], first[n]) for n in first)
    placed = np.array([after[int(n)] for n in new])
    assert np.isfinite(placed).all()
    assert len(np.unique(placed, axis=0)) == len(new)  # each somewhere of its own
    assert set(known) == set(rows.tolist())


# -------------------------------------------------------------------------- page
@pytest.fixture
def page(library):
    """The rendered page, with a handle on its run."""
    run = solara.reactive(Exploration(library, **small_values(library)))
    _, rc = solara.render(solara.AppLayout(children=[Page(run)]), handle_error=False)
    yield rc, run
    rc.close()


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def year_shown(rc) -> str:
    return rc.find(ipyvue.Html, class_="povsim-year").widget.children[0]


def images(rc) -> list[bytes]:
    """The panels' pictures (the network's is :func:`network_picture`)."""
    import ipywidgets

    return [bytes(w.value) for w in rc.find(ipywidgets.Image).widgets]


def network_picture(rc):
    """The village network's picture: a widget that reports clicks (``vue_pick``)."""
    return rc.find(css_class="povsim-network").widget


def network_svg(rc):
    return svg_pictures.parse(base64.b64decode(network_picture(rc).src.split(",", 1)[1]))


def warnings_shown(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "warning"]


def story_table_shown(rc) -> str:
    return rc.find(attributes={"class": "povsim-story-table"}).widget.unsafe_innerHTML


def story_title(rc) -> list[str]:
    return [w.children[0] for w in rc.find(ipyvue.Html, class_="povsim-story-title").widgets]


def slider(rc, label_start: str):
    sliders = [w for w in rc.find(v.Slider).widgets if w.label.startswith(label_start)]
    assert len(sliders) == 1, [w.label for w in rc.find(v.Slider).widgets]
    return sliders[0]


def test_page_shows_the_start_year_and_every_panel(page):
    rc, _ = page
    assert year_shown(rc) == "Year 2012"
    assert len(images(rc)) == 4  # poverty, income, spending, causes
    assert network_picture(rc).src.startswith("data:image/svg+xml;base64,")
    assert not warnings_shown(rc)  # nothing moved yet
    assert "1,500 households, seed 0" in rc.find(ipyvue.Html, class_="povsim-run").widget.children


def test_step_advances_the_model_and_redraws_the_plots(page):
    rc, run = page
    model = run.value.model
    before = images(rc)
    click(rc, "Step")
    click(rc, "Step")
    assert run.value.model is model
    assert model.year == 2014
    assert len(model.outputs()) == 3
    assert year_shown(rc) == "Year 2014"
    after = images(rc)
    assert all(a != b for a, b in zip(before, after, strict=True))


def test_reset_builds_a_new_model_with_the_levers(page):
    rc, run = page
    click(rc, "Step")
    old = run.value
    slider(rc, "Years of support after exit").v_model = 0
    rc.find(v.Alert, children=["The levers have changed: press Reset to run with them."]) \
        .assert_single()
    click(rc, "Reset")
    assert run.value is not old
    assert run.value.model.params.post_exit.support_years == 0
    assert run.value.model.year == 2012
    assert year_shown(rc) == "Year 2012"
    assert not [w for w in rc.find(v.Alert).widgets if "levers have changed" in str(w.children)]


def test_stepping_stops_at_the_end_year(page):
    rc, run = page
    for _ in range(8):
        click(rc, "Step")
    assert run.value.model.year == 2020
    assert not run.value.running
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    assert rc.find(v.Btn, children=["▶"]).widget.disabled


def test_a_bad_seed_shows_a_message_and_nothing_breaks(page):
    rc, run = page
    seed = rc.find(v.TextField, label="Seed").widget
    seed.v_model = "twelve"
    seed.fire_event("focusout", None)
    assert seed.error
    assert "not a whole number" in seed.messages[0]
    click(rc, "Reset")
    assert run.value.model is None
    errors = [w.children for w in rc.find(v.Alert).widgets if w.type == "error"]
    assert any("seed = 'twelve': not a whole number" in str(c) for c in errors)
    click(rc, "Step")  # does nothing, raises nothing
    seed.v_model = "12"
    seed.fire_event("focusout", None)
    click(rc, "Reset")
    assert run.value.choice.seed == 12
    assert year_shown(rc) == "Year 2012"


def test_picking_a_scenario_sets_the_levers_to_it(page):
    rc, run = page
    slider(rc, "Favouritism").v_model = 0.9
    rc.find(v.Select, label="Scenario").widget.v_model = "withdrawn"
    assert slider(rc, "Years of support after exit").v_model == 0
    assert slider(rc, "Favouritism").v_model == pytest.approx(0.3)
    click(rc, "Reset")
    assert run.value.choice.scenario.name == "withdrawn"
    assert run.value.model.params.post_exit.support_years == 0


def test_picking_a_broken_scenario_shows_its_problems_and_the_defaults(page):
    rc, run = page
    rc.find(v.Select, label="Scenario").widget.v_model = "broken"
    errors = [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "error"]
    assert any("p_ilness" in e for e in errors)
    assert slider(rc, "Health reimbursement").label == "Health reimbursement rate: 0.75"
    click(rc, "Reset")
    assert run.value.model is None
    assert "p_ilness" in run.value.error


def reference_shown(rc) -> str:
    return rc.find(ipyvue.Html, class_="povsim-reference").widget.children[0]


def test_a_kept_run_is_drawn_for_comparison(page):
    rc, _ = page
    click(rc, "Step")
    before = images(rc)
    click(rc, "Keep for comparison")
    assert reference_shown(rc) == "Dashed: small, seed 0"
    changed = [a != b for a, b in zip(before, images(rc), strict=True)]
    assert sum(changed) == 1  # the poverty panel, now with the dashed lines
    click(rc, "Clear")
    assert reference_shown(rc) == ""


def test_the_village_list_changes_the_network_view(page):
    rc, _ = page
    select = rc.find(v.Select, label="Village").widget
    before, network = images(rc), network_picture(rc).src
    select.v_model = next(item for item in select.items if item != select.v_model)
    assert images(rc) == before
    assert network_picture(rc).src != network


def test_the_spending_legend_gives_each_intervention_its_own_colour(page):
    import re

    rc, _ = page
    legend = rc.find(attributes={"class": "povsim-spending-legend"}).widget.unsafe_innerHTML
    colours = re.findall(r"background: (#[0-9a-f]{6})", legend)
    assert len(colours) == len(set(colours)) == len(INTERVENTION_NAMES)
    for name in INTERVENTION_NAMES:
        assert f"</span>{name.replace('_', ' ')}</span>" in legend


def test_a_budget_between_slider_steps_is_shown_and_not_moved(page):
    rc, run = page
    budget = slider(rc, "Central poverty funds")
    assert budget.label == "Central poverty funds (billion yuan a year): 39.49"
    assert budget.v_model == 40.0  # on a step: the browser has nothing to round and send
    click(rc, "Reset")
    assert run.value.model.params.budget.national_billion == 39.4871


def test_a_lever_that_changes_by_year_shows_the_scenarios_value_of_the_year(page):
    rc, run = page
    by_year = "by year as in the scenario (until moved)"
    assert slider(rc, "Health reimbursement").label == \
        f"Health reimbursement rate: 0.75 in 2013, {by_year}"
    slider(rc, "Years per Step").v_model = 4  # one redraw, not four
    click(rc, "Step")
    reimbursement = slider(rc, "Health reimbursement")
    assert reimbursement.label == f"Health reimbursement rate: 0.90 in 2016, {by_year}"
    assert reimbursement.v_model == pytest.approx(0.9)
    monitoring = rc.find(v.Checkbox, label=f"Return-prevention monitoring off in 2016, "
                         f"{by_year}").widget
    assert monitoring.v_model is False
    slider(rc, "Years per Step").v_model = 2
    click(rc, "Step")
    assert rc.find(v.Checkbox, label=f"Return-prevention monitoring on in 2018, {by_year}") \
        .widget.v_model is True
    assert not warnings_shown(rc)
    slider(rc, "Health reimbursement").v_model = 0.5
    assert slider(rc, "Health reimbursement").label == \
        "Health reimbursement rate: 0.50 (every year)"
    assert warnings_shown(rc)
    click(rc, "Reset")
    assert run.value.model.params.interventions.health.reimbursement_rate == 0.5


def test_the_years_per_step_and_the_pause_can_be_set(page):
    rc, run = page
    pause = slider(rc, "Pause between years when playing")
    assert pause.label == "Pause between years when playing: 300 ms"
    pause.v_model = 0
    assert slider(rc, "Pause between years").label == "Pause between years when playing: 0 ms"
    slider(rc, "Years per Step").v_model = 3
    click(rc, "Step")
    assert run.value.model.year == 2015
    assert year_shown(rc) == "Year 2015"


def test_run_until_lets_a_finished_run_play_on(page):
    rc, run = page
    slider(rc, "Years per Step").v_model = 8
    click(rc, "Step")
    slider(rc, "Years per Step").v_model = 1
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    slider(rc, "Run until").v_model = 2022
    assert not rc.find(v.Btn, children=["Step"]).widget.disabled
    assert not warnings_shown(rc)  # applied to this run: nothing to Reset
    click(rc, "Step")
    click(rc, "Step")
    assert year_shown(rc) == "Year 2022"
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    click(rc, "Reset")
    assert run.value.last_year == 2022


def test_a_click_on_a_household_opens_its_story(page):
    rc, run = page
    for _ in range(3):
        click(rc, "Step")
    root = network_svg(rc)
    use = svg_pictures.drawn(svg_pictures.group(root, "households-others"), "use")[0]
    x, y = svg_pictures.fraction(root, float(use.get("x")), float(use.get("y")))
    assert story_title(rc) == []
    network_picture(rc).vue_pick({"x": x, "y": y})
    (title,) = story_title(rc)
    row = int(title.split()[1].rstrip(","))
    village = int(run.value.model.households.village[row])
    assert title.startswith(f"Household {row}, village {village}: ")
    assert title.endswith(" in 2015")
    table = story_table_shown(rc)
    assert table.count("<tr>") == 1 + 4  # the head, 2012 to 2015
    assert svg_pictures.group(network_svg(rc), "inspected") is not None
    click(rc, "Step")
    table = story_table_shown(rc)
    assert "<td>2016</td>" in table
    network_picture(rc).vue_pick({"x": 0.99, "y": 0.01})  # nobody there: the story stays
    assert len(story_title(rc)) == 1
    click(rc, "Close")
    assert story_title(rc) == []


# --------------------------------------------------------------------- povsim app
def test_povsim_app_starts_solara_with_the_scenarios(monkeypatch, tmp_path):
    from povsim import cli
    from povsim.app import serve

    started = {}

    class FakeServer:
        def __init__(self, command, env):
            started.update(command=command, env=env)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", FakeServer)
    assert cli.main(["app", "--port", "8800", "--scenarios", str(tmp_path)]) == 0
    command = started["command"]
    assert command[1:5] == ["-m", "solara", "run", "povsim.app"]
    assert command[command.index("--port") + 1] == "8800"
    assert command[command.index("--host") + 1] == "localhost"
    assert "--production" in command
    assert started["env"][SCENARIOS_ENV] == str(tmp_path.resolve())


SERVE_WITH_A_SLEEPER = """
import sys
from povsim.app import serve
serve.missing_modules = lambda: []
serve.server_command = lambda *args, **kwargs: [sys.executable, "-c",
    "import os, time; print(os.getpid(), flush=True); time.sleep(120)"]
sys.exit(serve.serve(port=8799))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stopped_povsim_app_stops_its_server(signum):
    app = subprocess.Popen([sys.executable, "-c", SERVE_WITH_A_SLEEPER],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        server = int(app.stdout.readline())             # the server runs
        os.kill(app.pid, signum)                        # systemctl stop, a closed terminal
        assert app.wait(timeout=30) == 128 + signum
        assert "Traceback" not in app.stderr.read()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process_exists(server):
            time.sleep(0.05)
        assert not process_exists(server)               # nothing left on the port
    finally:
        app.kill()
        app.wait()


def process_exists(pid: int) -> bool:
    """Whether a process runs (a zombie, waiting for its parent to collect it, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "70000"], "--port 70000: allowed: a whole number from 1 to 65535"),
    (["--port", "65536"], "--port 65536: allowed: a whole number from 1 to 65535"),
    (["--port", "0"], "--port 0: allowed: a whole number from 1 to 65535"),
    (["--scenarios", "no/such/folder"], "--scenarios no/such/folder: not a folder"),
])
def test_povsim_app_reports_bad_options(args, message, capsys):
    from povsim import cli

    assert cli.main(["app", *args]) == 2
    assert message in capsys.readouterr().err


def test_povsim_app_says_what_to_install(monkeypatch, capsys):
    from povsim import cli
    from povsim.app import serve

    monkeypatch.setattr(serve, "missing_modules", lambda: ["solara"])
    assert cli.main(["app"]) == 2
    assert "pip install 'povsim[app]'" in capsys.readouterr().err
