"""The page: Solara components around Mesa's ``ModelController`` (Reset, Play, Step).

The sidebar holds the run controls and the levers; the main area the panels. The
run is an :class:`~povsim.app.levers.Exploration` in a reactive variable: Mesa's
controller replaces it on Reset (``Exploration(**lever values)``) and steps it; every
step bumps Mesa's ``update_counter``, which redraws the panels. A panel is made once
per run (and village) and redrawn in place when the year changes; moving a lever
redraws nothing until Reset.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import reacton.ipywidgets as rw
import solara
import solara.lab
from matplotlib.figure import Figure
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from povsim.app import panels
from povsim.app.levers import (
    DEFAULTS,
    LEVERS,
    Exploration,
    Lever,
    ScenarioLibrary,
    is_scheduled,
    parse_seed,
    scenario_value,
    scenario_values,
    shared_library,
)
from povsim.errors import PovsimError
from povsim.model import PovertyModel
from povsim.study.scenarios import Scenario

TITLE = "povsim: targeted poverty alleviation explorer"

PLAY_INTERVAL_MS = 300
"""Pause between years while playing (ms): slow enough to watch each year change."""

HOW_TO = """Pick a scenario and set the levers, then press **Reset** to start a run with
them; **Step** simulates one year, **▶** plays to the end. **Keep for comparison** draws
the current run dashed beside the next one: play with 5 years of support after exit,
keep it, set 0 years, Reset and play, and compare the returns."""


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
def to_svg(figure: Figure) -> bytes:
    """The figure as SVG with text left as text (the browser draws it: faster than PNG)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


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
    image = solara.use_memo(lambda: to_svg(draw(panel)), [*keys, *dependencies])
    rw.Image(value=image, format="svg+xml", layout={"width": "100%"})


@solara.component
def NetworkView(exploration: Exploration, step: int) -> None:
    """The village network: a village list and the picture of the chosen village."""
    model = exploration.model
    busiest = solara.use_memo(lambda: busiest_village(model), [exploration])
    chosen = solara.use_reactive(busiest)  # back to the busiest village when that changes
    village = chosen.value if 0 <= chosen.value < model.villages.n else busiest
    labels = {panels.village_label(model, v): v for v in range(model.villages.n)}

    def pick(label: str) -> None:
        if label in labels:
            chosen.set(labels[label])

    solara.Select("Village", values=list(labels), value=panels.village_label(model, village),
                  on_value=pick, dense=True)
    PanelView(lambda: panels.NetworkPanel(village), lambda panel: panel.update(model),
              [exploration, village], [step])


def busiest_village(model: PovertyModel) -> int:
    """The village (not a resettlement site) with the most poor households now."""
    hh, villages = model.households, model.villages
    poor = np.bincount(hh.village[hh.poor], minlength=villages.n)
    poor[villages.is_site] = -1
    return int(np.argmax(poor))


@solara.component
def Dashboard(exploration: Exploration, reference: Reference | None) -> None:
    """The panels of the current run, or the problems that stopped it from being built."""
    update_counter.get()  # redraw after every step (Mesa's controller bumps it)
    if exploration.model is None:
        solara.Error(f"The run could not start. {exploration.error}",
                     style={"white-space": "pre-wrap"})
        return
    model = exploration.model
    outputs = model.outputs()
    step = model.steps
    years = (model.params.run.start_year, model.params.run.end_year)
    compared = (reference.outputs, reference.households, reference.label) if reference \
        else None
    with solara.GridFixed(columns=2):
        with solara.Card("Poverty over time", margin=0):
            PanelView(lambda: panels.PovertyPanel(years),
                      lambda panel: panel.update(outputs, model.households.n, compared),
                      [exploration], [step, reference])
        with solara.Card("Village network", margin=0):
            NetworkView(exploration, step)
        with solara.Card("Income distribution", margin=0):
            PanelView(lambda: panels.IncomePanel(exploration.start_income_pc,
                                                 model.p.run.poverty_line, years[0]),
                      lambda panel: panel.update(model.households.income_pc,
                                                 model.households.poor,
                                                 model.p.run.poverty_line, model.year),
                      [exploration], [step])
        with solara.Card(margin=0), solara.lab.Tabs(lazy=True):
            # In tabs: only the one shown is drawn, which keeps a step quick.
            with solara.lab.Tab("Causes of poverty"):
                PanelView(panels.CausesPanel, lambda panel: panel.update(outputs),
                          [exploration], [step])
            with solara.lab.Tab("Spending"):
                PanelView(lambda: panels.SpendingPanel(years),
                          lambda panel: panel.update(outputs), [exploration], [step])


# ---------------------------------------------------------------------- sidebar
@solara.component
def RunStatus(exploration: Exploration, values: solara.Reactive) -> None:
    """Year, size and timings of the run; a hint when the levers differ from it."""
    update_counter.get()
    model = exploration.model
    if model is None:
        solara.Error("No run: see the message on the right, fix the levers and press Reset.")
    else:
        run = model.params.run
        timing = f"built in {1000 * exploration.build_seconds:.0f} ms"
        if exploration.step_seconds is not None:
            timing += f", last year took {1000 * exploration.step_seconds:.0f} ms"
        with solara.Div():
            solara.Text(f"Year {model.year}", classes=["povsim-year"],
                        style={"font-weight": "bold"})
            solara.Text(f" ({model.year - run.start_year} of {run.end_year - run.start_year} "
                        "years simulated)")
        solara.Div(children=[f"{model.households.n:,} households, seed "
                             f"{exploration.choice.seed}"], classes=["povsim-run"])
        solara.Div(children=[timing], classes=["povsim-timing"])
        if not exploration.running:
            solara.Info(f"The run has reached {run.end_year}. Press Reset for a new one.",
                        dense=True)
    if values.value != exploration.values:
        solara.Warning("The levers have changed: press Reset to run with them.", dense=True)


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
def LeverInput(lever: Lever, scenario: Scenario | None, value: Any,
               on_value: Callable[[Any], None]) -> None:
    """One lever's control, its range widened to take the scenario's own value."""
    label = lever.label
    if lever.kind in ("float", "int"):
        label += f": {show_value(lever, value)}"
    if scenario is not None and lever.paths and is_scheduled(scenario.params, lever):
        label += " (by year in the scenario until moved)"
    if lever.kind in ("float", "int"):
        own = scenario_value(scenario.params, lever) if scenario is not None else value
        low, high = min(lever.low, own), max(lever.high, own)
        slider = solara.SliderFloat if lever.kind == "float" else solara.SliderInt
        slider(label, value=value, min=low, max=high, step=lever.step, on_value=on_value)
    elif lever.kind == "choice":
        solara.Select(label, values=list(lever.choices), value=value, on_value=on_value,
                      dense=True)
    elif lever.kind == "flag":
        solara.Checkbox(label=label, value=value, on_value=on_value)
    else:
        try:
            parse_seed(value)
            problem: str | bool = False
        except PovsimError as exc:
            problem = f"Not used: {exc}"
        solara.InputText(label, value=str(value), on_value=on_value, error=problem,
                         dense=True)


def show_value(lever: Lever, value: Any) -> str:
    """A slider's value as its label shows it (as many decimals as its step has)."""
    if lever.kind == "int":
        return f"{int(value):,}"
    decimals = max(0, -int(np.floor(np.log10(lever.step)))) if lever.step < 1 else 0
    return f"{float(value):,.{decimals}f}"


@solara.component
def LeverPanel(values: solara.Reactive, library: ScenarioLibrary) -> None:
    """The scenario picker and every lever; picking a scenario resets the levers to it."""
    current = values.value
    try:
        scenario: Scenario | None = library.load(current["scenario"])
        problem = None
    except PovsimError as exc:
        scenario, problem = None, str(exc)

    def pick(name: str) -> None:
        try:
            values.set(scenario_values(library, name, seed=values.value["seed"]))
        except PovsimError:
            values.set({**values.value, "scenario": name})

    def setter(name: str) -> Callable[[Any], None]:
        return lambda value: values.set({**values.value, name: value})

    solara.Select("Scenario", values=library.names(), value=current["scenario"],
                  on_value=pick)
    if problem:
        solara.Error(problem, dense=True, style={"white-space": "pre-wrap"})
    elif scenario is not None and scenario.description:
        solara.Text(scenario.description, style={"font-size": "0.85em"})
    for lever in LEVERS:
        LeverInput(lever, scenario, current[lever.name], setter(lever.name))


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
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)

    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            ModelController(exploration, model_parameters=values, play_interval=play_interval,
                            render_interval=render_interval, use_threads=use_threads)
            RunStatus(exploration.value, values)
            ReferenceControls(exploration.value, reference)
        with solara.Card("Scenario and levers", margin=0):
            solara.Markdown(HOW_TO, style={"font-size": "0.85em"})
            LeverPanel(values, library)
    Dashboard(exploration.value, reference.value)
