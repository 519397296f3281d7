"""The page: Solara components around Mesa's ``ModelController`` (Reset, Play, Step).

The sidebar holds the run controls and the levers; the main area the panels. The
run is an :class:`~povsim.app.levers.Exploration` in a reactive variable: Mesa's
controller replaces it on Reset (``Exploration(**lever values)``) and steps it; every
step bumps Mesa's ``update_counter``, which redraws the panels. A panel is made once
per run (and village) and redrawn in place when the year changes; moving a lever
redraws nothing until Reset, except "Run until", which applies to the current run.
As in Mesa's ``SolaraViz``, the pause between years while playing and the years per
Step (and redraw) can be set.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import reacton.ipywidgets as rw
import solara
from matplotlib.figure import Figure
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from povsim.app import panels
from povsim.app.inspection import NetworkView
from povsim.app.levers import (
    AS_IN_SCENARIO,
    DEFAULTS,
    LEVERS,
    Exploration,
    Lever,
    ScenarioLibrary,
    first_year,
    is_scheduled,
    lever_range,
    parse_seed,
    scenario_values,
    shared_library,
    value_in,
)
from povsim.errors import PovsimError
from povsim.params import Parameters
from povsim.study.scenarios import Scenario

TITLE = "povsim: targeted poverty alleviation explorer"

PLAY_INTERVAL_MS = 300
"""Pause between years while playing (ms) when the page opens: slow enough to watch
each year change."""

PLAY_INTERVAL_RANGE = (0, 2000, 50)
"""The pause slider: least, most and step (ms)."""

RENDER_INTERVAL_RANGE = (1, 10, 1)
"""The years-per-redraw slider: least, most and step."""

HOW_TO = """Pick a scenario and set the levers, then press <b>Reset</b> to start a run with
them; <b>Step</b> simulates one year, <b>▶</b> plays to the end. <b>Keep for comparison</b>
draws the current run dashed beside the next one: play with 5 years of support after
exit, keep it, set 0 years, Reset and play, and compare the returns. Click a household
in the village network to read its story."""
"""The sidebar's instructions (fixed HTML: Solara's Markdown would fetch KaTeX, which
its offline assets do not have)."""

CSS = """
.povsim-controls .v-input__slider .v-input__slot { flex-wrap: wrap; }
.povsim-controls .v-input__slider .v-input__slot > .v-label {
    flex: 0 0 100%; max-width: 100%; white-space: normal; margin: 0 0 2px 0;
    height: auto; line-height: 1.3;
}
.povsim-story-table td, .povsim-story-table th {
    border-bottom: 1px solid #e0e0e0; padding: 1px 6px 1px 0; text-align: left;
    vertical-align: top; line-height: 1.35;
}
.povsim-story-table td:nth-child(-n+4) { white-space: nowrap; }
"""
"""Sliders take their label on a line of its own above them, so that a long label
never squashes the slider; the household story's table has light rules."""

SPENDING_LEGEND = "".join(
    f"<span style='display: inline-block; margin: 0 10px 2px 0; font-size: 0.8em'>"
    f"<span class='povsim-swatch' style='display: inline-block; width: 10px; height: 10px; "
    f"margin-right: 4px; background: {colour}'></span>{name}</span>"
    for name, colour in panels.intervention_colours().items())
"""The spending panel's legend: a coloured square and the name of each intervention."""


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """A run kept for comparison.

    Attributes:
        label: What the run was (scenario, levers moved, seed).
        outputs: Its yearly outputs.
        households: Its number of households.
    """

    label: str
    outputs: pd.DataFrame
    households: int


def initial_values(library: ScenarioLibrary) -> dict[str, Any]:
    """Lever values when the page opens: the first scenario of the library, as it is.

    If that scenario's file has problems, the levers take the defaults' values and
    keep the scenario's name, so that the first run shows the file's problems.
    """
    name = library.names()[0]
    try:
        return scenario_values(library, name)
    except PovsimError:
        return {**scenario_values(library, DEFAULTS), "scenario": name}


# ----------------------------------------------------------------------- panels
@solara.component
def PanelView(make: Callable[[], panels.Panel], draw: Callable[[Any], Figure],
              keys: list[Any], dependencies: list[Any]) -> None:
    """A panel made once for ``keys`` and redrawn in place when ``dependencies`` change.

    Args:
        make: Makes the panel (when a key changes: a new run, another village).
        draw: Brings the panel up to date and returns its figure.
        keys: What the panel is of.
        dependencies: What its picture depends on (the year, a reference run).
    """
    panel = solara.use_memo(make, keys)
    image = solara.use_memo(lambda: panels.to_svg(draw(panel)), [*keys, *dependencies])
    rw.Image(value=image, format="svg+xml", layout={"width": "100%"})


@solara.component
def Dashboard(exploration: Exploration, reference: Reference | None,
              inspected: solara.Reactive) -> None:
    """The panels of the current run, or the problems that stopped it from being built."""
    update_counter.get()  # redraw after every step (Mesa's controller bumps it)
    if exploration.model is None:
        solara.Error(f"The run could not start. {exploration.error}",
                     style={"white-space": "pre-wrap"})
        return
    model = exploration.model
    outputs = model.outputs()
    step = model.steps
    years = (model.params.run.start_year, exploration.last_year)
    compared = (reference.outputs, reference.households, reference.label) if reference \
        else None
    # Two columns of their own height: the household story lengthens the right one only.
    with solara.Columns([1, 1], gutters_dense=True):
        with solara.Column(gap="12px"):
            with solara.Card("Poverty over time", margin=0):
                PanelView(lambda: panels.PovertyPanel(years),
                          lambda panel: panel.update(outputs, model.households.n, compared),
                          [exploration, years], [step, reference])
            with solara.Card("Income distribution", margin=0):
                PanelView(lambda: panels.IncomePanel(exploration.start_income_pc,
                                                     model.p.run.poverty_line, years[0]),
                          lambda panel: panel.update(model.households.income_pc,
                                                     model.households.poor,
                                                     model.p.run.poverty_line, model.year),
                          [exploration], [step])
            with solara.Card("Spending by intervention", margin=0):
                PanelView(lambda: panels.SpendingPanel(years),
                          lambda panel: panel.update(outputs), [exploration, years], [step])
                solara.HTML(tag="div", unsafe_innerHTML=SPENDING_LEGEND,
                            classes=["povsim-spending-legend"])
        with solara.Column(gap="12px"):
            with solara.Card("Village network", margin=0):
                NetworkView(exploration, step, inspected)
            with solara.Card("Causes of poverty", margin=0):
                PanelView(panels.CausesPanel, lambda panel: panel.update(outputs),
                          [exploration], [step])


# ---------------------------------------------------------------------- sidebar
@solara.component
def RunController(exploration: solara.Reactive, values: solara.Reactive,
                  play_interval: solara.Reactive, render_interval: solara.Reactive,
                  use_threads: solara.Reactive, generation: int) -> None:
    """Mesa's Reset, Play and Step, made anew for each ``generation``.

    Mesa's controller keeps to itself that the run has ended (and then disables Step and
    Play); a new one (the page counts a new generation) lets a run that reached its last
    year play on when "Run until" moves past it.
    """
    ModelController(exploration, model_parameters=values, play_interval=play_interval,
                    render_interval=render_interval, use_threads=use_threads)


def levers_moved(values: dict[str, Any], exploration: Exploration) -> bool:
    """Whether a lever that needs Reset differs from the run's ("Run until" does not)."""
    live = {lever.name for lever in LEVERS if lever.live}
    return any(values.get(name) != exploration.values.get(name)
               for name in {*values, *exploration.values} - live)


@solara.component
def RunStatus(exploration: Exploration, values: solara.Reactive) -> None:
    """Year, size and timings of the run; a hint when the levers differ from it."""
    update_counter.get()
    model = exploration.model
    if model is None:
        solara.Error("No run: see the message on the right, fix the levers and press Reset.")
    else:
        start, last = model.params.run.start_year, exploration.last_year
        timing = f"built in {1000 * exploration.build_seconds:.0f} ms"
        if exploration.step_seconds is not None:
            timing += f", last year took {1000 * exploration.step_seconds:.0f} ms"
        with solara.Div():
            solara.Text(f"Year {model.year}", classes=["povsim-year"],
                        style={"font-weight": "bold"})
            solara.Text(f" ({model.year - start} of {last - start} years simulated)")
        solara.Div(children=[f"{model.households.n:,} households, seed "
                             f"{exploration.choice.seed}"], classes=["povsim-run"])
        solara.Div(children=[timing], classes=["povsim-timing"])
        if not exploration.running:
            solara.Info(f"The run has reached {model.year}. Move \"Run until\" to play on, "
                        "or press Reset for a new run.", dense=True)
    if levers_moved(values.value, exploration):
        solara.Warning("The levers have changed: press Reset to run with them.", dense=True)


@solara.component
def SpeedControls(play_interval: solara.Reactive, render_interval: solara.Reactive) -> None:
    """The pause between years while playing, and the years per Step and redraw."""
    low, high, step = PLAY_INTERVAL_RANGE
    solara.SliderInt(f"Pause between years when playing: {play_interval.value} ms",
                     value=play_interval, min=low, max=high, step=step)
    low, high, step = RENDER_INTERVAL_RANGE
    years = render_interval.value
    solara.SliderInt(f"Years per Step and per redraw: {years}", value=render_interval,
                     min=low, max=high, step=step)


@solara.component
def ReferenceControls(exploration: Exploration, reference: solara.Reactive) -> None:
    """Keep the current run's curves for comparison, or drop them."""
    update_counter.get()
    model = exploration.model

    def keep() -> None:
        reference.set(Reference(exploration.choice.describe(), model.outputs().copy(),
                                model.households.n))

    with solara.Row():
        solara.Button("Keep for comparison", on_click=keep, outlined=True, dense=True,
                      disabled=model is None or model.steps == 0)
        solara.Button("Clear", on_click=lambda: reference.set(None), text=True, dense=True,
                      disabled=reference.value is None)
    label = "" if reference.value is None else f"Dashed: {reference.value.label}"
    solara.Text(label, classes=["povsim-reference"], style={"font-size": "0.85em"})


@solara.component
def LeverInput(lever: Lever, params: Parameters, value: Any, year: int,
               on_value: Callable[[Any], None]) -> None:
    """One lever's control, its range widened to take the scenario's own value.

    A lever at "as in scenario" whose parameter the scenario changes by year shows the
    scenario's value in force in ``year``.

    Args:
        lever: The lever.
        params: The scenario's parameters (the defaults' if its file has problems).
        value: The lever's value.
        year: The year the run has reached (at least the first simulated year).
        on_value: Called with the new value when the student moves the lever.
    """
    following = value == AS_IN_SCENARIO and lever.kind != "choice"
    shown = value_in(params, lever, year) if following else value
    label = lever.label
    if lever.kind in ("float", "int"):
        label += f": {show_value(lever, shown)}"
    if following:
        label += f"{' on' if shown is True else ' off' if shown is False else ''} in {year}, " \
                 "by year as in the scenario (until moved)"
    elif lever.paths and is_scheduled(params, lever):
        label += " (every year)"
    if lever.kind in ("float", "int"):
        low, high = lever_range(params, lever)
        position = slider_position(shown, low, high, lever.step)
        if lever.kind == "float":
            solara.SliderFloat(label, value=position, min=low, max=high, step=lever.step,
                               on_value=on_value)
        else:
            solara.SliderInt(label, value=int(position), min=int(low), max=int(high),
                             step=int(lever.step), on_value=on_value)
    elif lever.kind == "choice":
        solara.Select(label, values=list(lever.choices), value=value, on_value=on_value,
                      dense=True)
    elif lever.kind == "flag":
        solara.Checkbox(label=label, value=bool(shown), on_value=on_value)
    else:
        try:
            parse_seed(value)
            problem: str | bool = False
        except PovsimError as exc:
            problem = f"Not used: {exc}"
        solara.InputText(label, value=str(value), on_value=on_value, error=problem,
                         dense=True)


@functools.cache
def default_parameters() -> Parameters:
    """Every parameter at its default (the levers' ranges when a scenario file is broken)."""
    return Parameters()


def slider_position(value: float, low: float, high: float, step: float) -> float:
    """Where a browser slider puts ``value``: the nearest step (as Vuetify rounds it).

    A value between steps (a calibrated budget of 39.4871 on a slider of steps of 5)
    is given to the slider already rounded, so that the browser does not round it and
    send the rounded value back as if the student had moved the slider; the label
    shows the value itself.
    """
    offset = math.fmod(low, step)
    rounded = math.floor((value - offset) / step + 0.5) * step + offset
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return round(min(max(rounded, low), high), decimals + 2)


def show_value(lever: Lever, value: Any) -> str:
    """A slider's value as its label shows it.

    As many decimals as its step has, or two more for a value between steps.
    """
    if lever.kind == "int":
        return f"{int(value):{',' if lever.name != 'last_year' else ''}}"
    decimals = max(0, -int(np.floor(np.log10(lever.step)))) if lever.step < 1 else 0
    if round(float(value), decimals) != round(float(value), decimals + 2):
        return f"{float(value):,.{decimals + 2}f}"
    return f"{float(value):,.{decimals}f}"


@solara.component
def LeverPanel(values: solara.Reactive, library: ScenarioLibrary,
               exploration: Exploration, live: bool = False,
               on_play_on: Callable[[], None] | None = None) -> None:
    """The scenario picker and every lever; picking a scenario resets the levers to it.

    Args:
        values: The lever values.
        library: The scenarios offered.
        exploration: The run (its year is the year a lever that changes by year shows).
        live: Show only the levers that change the current run at once ("Run until",
            applied to the run as it moves), instead of the scenario and the others.
        on_play_on: Called when "Run until" lets a run that had ended play on.
    """
    update_counter.get()  # the year shown by levers that change by year
    current = values.value
    try:
        scenario: Scenario | None = library.load(current["scenario"])
        problem = None
    except PovsimError as exc:
        scenario, problem = None, str(exc)
    params = scenario.params if scenario is not None else default_parameters()
    year = max(exploration.year or 0, first_year(params))

    def pick(name: str) -> None:
        seed = values.value["seed"]
        try:
            values.set(scenario_values(library, name, seed=seed))
        except PovsimError:  # the levers at the defaults; Reset shows the file's problems
            values.set({**scenario_values(library, DEFAULTS, seed=seed), "scenario": name})

    def setter(lever: Lever) -> Callable[[Any], None]:
        def set_value(value: Any) -> None:
            if lever.name == "last_year":
                ended = not exploration.running
                # Without a run, or out of its range, the next Reset checks the value.
                with contextlib.suppress(PovsimError):
                    exploration.play_until(int(value))
                if ended and exploration.running and on_play_on is not None:
                    on_play_on()
            values.set({**values.value, lever.name: value})
        return set_value

    if not live:
        solara.Select("Scenario", values=library.names(), value=current["scenario"],
                      on_value=pick)
        if problem:
            solara.Error(problem, dense=True, style={"white-space": "pre-wrap"})
        elif scenario is not None and scenario.description:
            solara.Text(scenario.description, style={"font-size": "0.85em"})
    for lever in LEVERS:
        if lever.live == live:
            LeverInput(lever, params, current[lever.name], year, setter(lever))


# ------------------------------------------------------------------------- page
@solara.component
def Page(run: solara.Reactive | None = None) -> None:
    """The whole page: controls and levers in the sidebar, panels in the main area.

    Args:
        run: Where to hold the run (an :class:`Exploration`), for tests that look inside
            it; the page makes its own from the library's first scenario if omitted.
    """
    library = solara.use_memo(shared_library, [])
    first = solara.use_memo(
        lambda: dict(run.value.values) if run is not None else initial_values(library), [])
    values = solara.use_reactive(first)
    own = solara.use_reactive(solara.use_memo(
        lambda: None if run is not None else Exploration(library, **first), []))
    exploration = run if run is not None else own
    reference = solara.use_reactive(None)
    inspected = solara.use_reactive(None)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    generation = solara.use_reactive(0)  # of the controller: see RunController

    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        with solara.Card("Run", margin=0), solara.Column(classes=["povsim-controls"], gap="0"):
            RunController(exploration, values, play_interval, render_interval, use_threads,
                          generation.value).key(f"controller-{generation.value}")
            RunStatus(exploration.value, values)
            LeverPanel(values, library, exploration.value, live=True,
                       on_play_on=lambda: generation.set(generation.value + 1))
            SpeedControls(play_interval, render_interval)
            ReferenceControls(exploration.value, reference)
        with solara.Card("Scenario and levers", margin=0), \
                solara.Column(classes=["povsim-controls"], gap="0"):
            solara.HTML(tag="div", unsafe_innerHTML=HOW_TO, style="font-size: 0.85em")
            LeverPanel(values, library, exploration.value)
    Dashboard(exploration.value, reference.value, inspected)
