"""The levers of the browser app, the scenario library, and the model factory behind Reset.

A lever is one control on the page (a slider, a select, a check box or a text box)
mapped to one or more parameter paths. The page holds the raw lever values in a
dict; :class:`Exploration` turns them into a :class:`~povsim.model.PovertyModel`,
or into a message listing every problem, so that a bad value never breaks the page.

Levers start at the chosen scenario's values, and a lever left at its scenario's
value is not applied. A lever whose parameter the scenario changes by year (say
monitoring from 2020) starts at :data:`AS_IN_SCENARIO`: the run keeps the scenario's
changes, and the page shows the value in force in the run's year; moving the lever
sets one value for every year.

The run is built to :func:`horizon` (at least :data:`LAST_YEAR_MAX`) and stops at the
"Run until" lever's year, the scenario's end year unless moved; moving that lever
applies at once, so a run that has reached 2020 can play on. Years before the end
year do not depend on it: the model's end year only says when it stops.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from povsim.app.history import HouseholdHistory
from povsim.errors import ParameterError, PovsimError, Problem
from povsim.model import PovertyModel
from povsim.params import Parameters, ParamInfo, describe, is_schedule
from povsim.params.interventions import TARGETING_MODES
from povsim.params.policy import INTERVENTION_NAMES
from povsim.params.spec import TOO_LARGE, TOO_SMALL, number_problem
from povsim.study.scenarios import Scenario, load_scenario

SCENARIOS_ENV = "POVSIM_SCENARIOS"
"""Environment variable naming the folder of scenario files offered by the page."""

DEFAULTS = "defaults"
"""Name of the built-in choice "every parameter at its documented default" (no file)."""

PREFERRED_SCENARIO = "baseline"
"""Scenario selected when the page opens, if the library has it."""

APP_HOUSEHOLDS = 10_000
"""Households in a run unless the scenario has fewer. On a 2-core machine the model is
built in about 20 ms and a year takes about 10 ms, and a step of the page (the year and
its redrawn panels) about 0.25 s of CPU; the yearly exits and returns are large enough
to tell two runs apart by eye (measured for issue 6; see the README)."""

MIN_HOUSEHOLDS = 500
"""Fewest households the page allows (about 8 per village of the default 60)."""

MAX_HOUSEHOLDS = 50_000
"""Most households the page allows: keeps a step well under half a second (the network
panel draws at most :data:`povsim.app.panels.MAX_LAYOUT_NODES` households of a village);
larger runs belong to ``povsim run``."""

HOUSEHOLD_STEP = 500
"""Slider step of the household count."""

DEFAULT_SEED = "0"
"""Seed in the seed box when the page opens (as text: the box holds text)."""

MAX_SEED = 2**64 - 1
"""Largest seed accepted (numpy takes any non-negative whole number; 64 bits is plenty)."""

AS_IN_SCENARIO = "as in scenario"
"""Value of a lever that leaves the scenario's setting alone: the targeting lever's
first choice, and the start value of a lever the scenario changes by year."""

NO_KEPT_THROUGH = 1990
"""``post_exit.kept_through`` meaning "no year to which all support is kept"."""

LAST_YEAR_MAX = 2035
"""Latest year a run on the page can be played to (unless its scenario ends later)."""

TARGETING_CHOICES: tuple[str, ...] = (AS_IN_SCENARIO, *TARGETING_MODES)
"""Choices of the targeting lever."""

FLOAT_DIGITS = 6
"""Slider floats are rounded to this many decimals (a browser slider may send
0.35000000000000003)."""


@dataclass(frozen=True, slots=True)
class Lever:
    """One control of the page.

    Attributes:
        name: Key of the lever in the values dict (and keyword of :class:`Exploration`).
        label: Text shown beside the control.
        kind: ``"float"`` or ``"int"`` (sliders), ``"choice"`` (a select), ``"flag"``
            (a check box) or ``"seed"`` (a text box holding a whole number).
        paths: Parameter paths the lever sets (empty for the scenario and the seed).
        low: Smallest value (sliders).
        high: Largest value (sliders).
        step: Slider step.
        choices: Allowed values (selects).
        help: One line on what the lever does.
        live: Whether moving the lever changes the current run at once (no Reset).
        implies: Other settings that come with moving the lever from its scenario's
            value (path, value).
    """

    name: str
    label: str
    kind: str
    paths: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""
    live: bool = False
    implies: tuple[tuple[str, Any], ...] = ()


def param_range(path: str) -> tuple[float | None, float | None]:
    """A parameter's allowed range (low, high), for a lever that offers all of it."""
    info = describe(path)
    return info.low, info.high


LEVERS: tuple[Lever, ...] = (
    Lever("budget", "Central poverty funds (billion yuan a year)", "float",
          ("budget.national_billion",), 0.0, 400.0, 5.0,
          help="Central special poverty funds of each year; the scenarios follow the data "
          "(39.4 billion yuan in 2013 to 146.1 in 2020). Moved, one value for every year."),
    Lever("targeting", "Targeting of every intervention", "choice",
          tuple(f"interventions.{name}.targeting" for name in INTERVENTION_NAMES),
          choices=TARGETING_CHOICES,
          help="by_cause: registered households whose cause calls for it; package: every "
          "registered household; untargeted: anyone."),
    Lever("noise_sd", "Identification error (log sd)", "float", ("identification.noise_sd",),
          *param_range("identification.noise_sd"), 0.05,
          help="How wrongly cadres observe incomes when registering the poor."),
    Lever("favouritism", "Favouritism", "float", ("identification.favouritism",),
          *param_range("identification.favouritism"), 0.05,
          help="Chance a cadre registers non-poor kin."),
    Lever("support_years", "Years of support after exit", "int", ("post_exit.support_years",),
          0, 10, 1, help="0 withdraws support at exit; 5 keeps it five years. Moved, it "
          "replaces the scenario's rule keeping all support to a fixed year (2025 in the "
          "baseline's transition period).",
          implies=(("post_exit.kept_through", NO_KEPT_THROUGH),)),
    Lever("monitoring", "Return-prevention monitoring", "flag", ("monitoring.enabled",),
          help="Watch exited and marginal households for income drops."),
    Lever("reimbursement", "Health reimbursement rate", "float",
          ("interventions.health.reimbursement_rate",),
          *param_range("interventions.health.reimbursement_rate"), 0.05,
          help="Share of medical costs reimbursed for covered households."),
    Lever("follow_up", "Jobs for relocated households", "flag",
          ("interventions.relocation.follow_up_jobs",),
          help="Follow-up support: site workshop jobs after relocation."),
    Lever("households", "Households", "int", ("population.n_households",), MIN_HOUSEHOLDS,
          MAX_HOUSEHOLDS, HOUSEHOLD_STEP, help="More households: smoother curves, slower "
          "steps."),
    Lever("seed", "Seed", "seed", help="A whole number; the same seed gives the same run."),
    Lever("last_year", "Run until", "int", step=1, live=True,
          help="The run stops after this year: the scenario's end year, or later to see "
          "what happens after the campaign."),
)
"""Every lever except the scenario picker, in the order the page shows them.

Sliders over a parameter's whole range take it from the parameter's declaration; the
budget (unbounded above), the years of support (up to 50 allowed) and the households
are narrowed to what a student can explore on the page; "Run until" goes from the
first simulated year to the run's :func:`horizon` (see :func:`lever_range`)."""

LEVER_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}


# ------------------------------------------------------------------ scenarios
def default_scenario_folder() -> Path | None:
    """The folder of scenario files: ``$POVSIM_SCENARIOS``, ``./scenarios`` or the repo's.

    Returns:
        The first of these that is a folder, or ``None`` (the page then offers the
        defaults only).
    """
    candidates = []
    if os.environ.get(SCENARIOS_ENV):
        candidates.append(Path(os.environ[SCENARIOS_ENV]))
    candidates.append(Path.cwd() / "scenarios")
    # An editable install (src layout): src/povsim/app/levers.py -> repository root.
    candidates.append(Path(__file__).resolve().parents[3] / "scenarios")
    return next((c for c in candidates if c.is_dir()), None)


class ScenarioLibrary:
    """The scenario files the page offers, by name (file name without ``.toml``).

    Attributes:
        folder: Where the files are (``None``: only the defaults).
    """

    def __init__(self, folder: Path | None):
        """Offer the ``*.toml`` files of ``folder`` (and the defaults)."""
        self.folder = folder
        self._cache: dict[str, tuple[float, Scenario]] = {}

    @classmethod
    def from_environment(cls) -> ScenarioLibrary:
        """A new library of :func:`default_scenario_folder` (see also :func:`shared_library`)."""
        return cls(default_scenario_folder())

    def names(self) -> list[str]:
        """Scenario names: the preferred one first, then the others sorted, then defaults."""
        files = sorted(p.stem for p in self.folder.glob("*.toml")) if self.folder else []
        if PREFERRED_SCENARIO in files:
            files.remove(PREFERRED_SCENARIO)
            files.insert(0, PREFERRED_SCENARIO)
        return [*files, DEFAULTS]

    def load(self, name: str) -> Scenario:
        """The scenario called ``name`` (re-read when its file changes).

        Raises:
            PovsimError: If there is no such scenario or its file has problems.
        """
        if name == DEFAULTS:
            return Scenario(name=DEFAULTS, description="Every parameter at its documented "
                            "default.")
        if name not in self.names():
            offered = ", ".join(self.names())
            raise PovsimError(f"scenario {name!r} is not in the library "
                              f"({self.folder}); choose one of: {offered}")
        path = self.folder / f"{name}.toml"
        mtime = path.stat().st_mtime
        cached = self._cache.get(name)
        if cached is None or cached[0] != mtime:
            cached = (mtime, load_scenario(path))
            self._cache[name] = cached
        return cached[1]


def shared_library() -> ScenarioLibrary:
    """The one library of :func:`default_scenario_folder`, shared by the page's sessions.

    Mesa's Reset builds an :class:`Exploration` without a library; sharing one keeps
    its cache of loaded scenario files, so a Reset re-reads only a changed file.
    """
    return _library_of(default_scenario_folder())


@functools.cache
def _library_of(folder: Path | None) -> ScenarioLibrary:
    return ScenarioLibrary(folder)


# ---------------------------------------------------------------------- values
def first_year(params: Parameters) -> int:
    """The first simulated year (the year after the start state)."""
    return params.run.start_year + 1


def horizon(params: Parameters) -> int:
    """The year a run of the page is built to: the scenario's end, or :data:`LAST_YEAR_MAX`."""
    return max(params.run.end_year, LAST_YEAR_MAX)


def value_in(params: Parameters, lever: Lever, year: int) -> Any:
    """The scenario's value of a parameter lever in force in ``year``."""
    value = params.get(lever.paths[0])
    return value.at(year) if is_schedule(value) else value


def scenario_value(params: Parameters, lever: Lever) -> Any:
    """A lever's value in a scenario (in the first simulated year), as the lever shows it.

    The targeting lever's is "as in scenario"; the household count is the scenario's
    count or :data:`APP_HOUSEHOLDS`, whichever is smaller; "Run until" is the
    scenario's end year.
    """
    if lever.name == "targeting":
        return AS_IN_SCENARIO
    if lever.name == "last_year":
        return params.run.end_year
    value = value_in(params, lever, first_year(params))
    if lever.name == "households":
        return min(int(value), APP_HOUSEHOLDS)
    return value


def is_scheduled(params: Parameters, lever: Lever) -> bool:
    """Whether the scenario changes a lever's parameter by year."""
    return any(is_schedule(params.get(path)) for path in lever.paths)


def start_value(params: Parameters, lever: Lever) -> Any:
    """The value a lever takes when its scenario is picked.

    :data:`AS_IN_SCENARIO` for a lever the scenario changes by year (and targeting),
    otherwise :func:`scenario_value`.
    """
    if lever.paths and is_scheduled(params, lever):
        return AS_IN_SCENARIO
    return scenario_value(params, lever)


def lever_range(params: Parameters, lever: Lever) -> tuple[float, float]:
    """A slider's range for a scenario: the lever's, widened to take the scenario's value.

    "Run until" goes from the first simulated year to :func:`horizon`.
    """
    if lever.name == "last_year":
        return first_year(params), horizon(params)
    own = scenario_value(params, lever)
    return min(lever.low, own), max(lever.high, own)


def scenario_values(library: ScenarioLibrary, name: str,
                    seed: str = DEFAULT_SEED) -> dict[str, Any]:
    """Lever values of a freshly picked scenario: its own values, and ``seed``.

    Raises:
        PovsimError: If there is no such scenario or its file has problems.
    """
    params = library.load(name).params
    values: dict[str, Any] = {"scenario": name}
    for lever in LEVERS:
        values[lever.name] = seed if lever.kind == "seed" else start_value(params, lever)
    return values


def changes_scenario(params: Parameters, lever: Lever, value: Any) -> bool:
    """Whether a lever value changes the scenario's parameters.

    The seed and "Run until" are not parameters of the scenario; "as in scenario"
    changes nothing; a value equal to the scenario's own (for every parameter of the
    lever) changes nothing, except for a parameter the scenario changes by year, which
    a moved lever sets for every year.
    """
    if not lever.paths or value == AS_IN_SCENARIO:
        return False
    return any(is_schedule(current) or value != current
               for current in map(params.get, lever.paths))


def parse_seed(text: Any) -> int:
    """The seed box's text as a whole number (spaces around it are ignored).

    Raises:
        PovsimError: If the text is not a whole number from 0 to :data:`MAX_SEED`.
    """
    allowed = f"allowed: a whole number from 0 to {MAX_SEED}"
    if isinstance(text, int) and not isinstance(text, bool):
        seed = text
    else:
        try:
            seed = int(str(text).strip())
        except ValueError:
            raise PovsimError(f"not a whole number; {allowed}") from None
    if not 0 <= seed <= MAX_SEED:
        raise PovsimError(f"out of range; {allowed}")
    return seed


def _check(lever: Lever, value: Any, params: Parameters) -> tuple[Any, str | None]:
    """A lever value converted to its type, or the reason it is not allowed."""
    if lever.kind == "seed":
        try:
            return parse_seed(value), None
        except PovsimError as exc:
            return None, str(exc)
    if lever.kind == "choice":
        if value in lever.choices:
            return value, None
        return None, f"not one of the choices; allowed: {', '.join(lever.choices)}"
    if lever.kind == "flag":
        if isinstance(value, bool):
            return value, None
        return None, "allowed: on or off (true or false)"
    low, high = (lever.low, lever.high) if lever.name != "last_year" else \
        lever_range(params, lever)
    info = ParamInfo(int if lever.kind == "int" else float, unit="", doc=lever.help,
                     source="a lever of the page", low=low, high=high)
    if lever.kind == "int" and isinstance(value, float) and value.is_integer():
        value = int(value)  # a slider may send 1000.0
    reason = number_problem(info, value)
    if reason in (TOO_SMALL, TOO_LARGE):
        reason = "out of range"
    if reason:
        return None, f"{reason}; allowed: {info.allowed()}"
    return (value if lever.kind == "int" else round(float(value), FLOAT_DIGITS)), None


@dataclass(frozen=True, slots=True)
class Choice:
    """Validated lever values, ready to build a model.

    Attributes:
        scenario: The scenario the levers apply to.
        values: Every lever value, converted to its type.
        seed: The seed.
        overrides: Parameter overrides: the levers whose value differs from the scenario's,
            and the run's end year (:func:`horizon`).
        last_year: The year the run stops after ("Run until").
    """

    scenario: Scenario
    values: Mapping[str, Any]
    seed: int
    overrides: Mapping[str, Any]
    last_year: int

    def describe(self) -> str:
        """Short description: the scenario, the levers moved from where they start, the seed."""
        moved = []
        for lever in LEVERS:
            value = self.values[lever.name]
            if lever.kind == "seed" or value == start_value(self.scenario.params, lever):
                continue
            if lever.kind == "flag":
                shown = "on" if value else "off"
            else:
                shown = f"{value:g}" if isinstance(value, float) else str(value)
            moved.append(f"{lever.label.lower()} {shown}")
        return ", ".join([self.scenario.name, *moved, f"seed {self.seed}"])


def choose(values: Mapping[str, Any], library: ScenarioLibrary) -> Choice:
    """Check every lever value and work out the parameter overrides.

    Args:
        values: Raw lever values by name, with ``"scenario"`` naming a library entry.
        library: Where scenarios come from.

    Returns:
        The validated choice.

    Raises:
        PovsimError: Listing every problem found (a :class:`ParameterError`, or the
            scenario file's own problems).
    """
    scenario = library.load(values.get("scenario") or library.names()[0])
    problems: list[Problem] = []
    typed: dict[str, Any] = {}
    unknown = sorted(set(values) - set(LEVER_BY_NAME) - {"scenario"})
    problems += [Problem(key, values[key], "not a lever of the page; levers: "
                         + ", ".join(LEVER_BY_NAME)) for key in unknown]
    params = scenario.params
    for lever in LEVERS:
        own = DEFAULT_SEED if lever.kind == "seed" else scenario_value(params, lever)
        raw = values.get(lever.name, start_value(params, lever) if lever.kind != "seed"
                         else own)
        if lever.paths and raw == AS_IN_SCENARIO:
            value, problem = raw, None
        elif lever.kind != "seed" and type(raw) is type(own) and raw == own:
            value, problem = raw, None  # the scenario's own value, even outside a slider
        else:
            value, problem = _check(lever, raw, params)
        if problem:
            problems.append(Problem(lever.label.lower(), raw, problem))
        typed[lever.name] = value
    if problems:
        raise ParameterError(problems)
    overrides: dict[str, Any] = {}
    for lever in LEVERS:
        if changes_scenario(params, lever, typed[lever.name]):
            overrides.update(dict.fromkeys(lever.paths, typed[lever.name]))
            overrides.update(dict(lever.implies))
    if horizon(params) != params.run.end_year:
        overrides["run.end_year"] = horizon(params)
    return Choice(scenario, typed, typed["seed"], overrides, typed["last_year"])


def build_model(choice: Choice) -> PovertyModel:
    """Build the model a choice describes.

    Raises:
        ParameterError: If the overrides do not fit the scenario (listing every problem).
    """
    return PovertyModel(choice.scenario.params, rng=choice.seed, **choice.overrides)


# ------------------------------------------------------------------ the run
class Exploration:
    """One run on the page: a model built from the lever values, or why it could not be.

    Mesa's ``ModelController`` builds one on Reset with ``Exploration(**values)``, calls
    :meth:`step` and reads :attr:`running`; the constructor never raises, so a bad
    value shows as :attr:`error` on the page instead of breaking it. (It has no
    ``scenario`` attribute on purpose: Mesa would then pass a Mesa ``Scenario`` on Reset.)

    Attributes:
        values: The raw lever values it was built from.
        choice: The validated levers (``None`` if invalid).
        model: The model (``None`` if it could not be built).
        error: Every problem with the values, or ``None``.
        build_seconds: Time to validate and build the model.
        step_seconds: Time of the last step (``None`` before the first).
        start_income_pc: Per-capita incomes in the start state (for the income panel).
        history: Every household's state in each year so far (``None`` without a model).
        last_year: The year the run stops after (see :meth:`play_until`).
        running: Whether another year can be simulated.
    """

    def __init__(self, library: ScenarioLibrary | None = None, **values: Any):
        """Validate ``values`` and build the model (see :func:`choose`).

        Args:
            library: Where scenarios come from (default: :func:`shared_library`).
            **values: Raw lever values by name, and ``scenario``.
        """
        self.values = dict(values)
        self.choice: Choice | None = None
        self.model: PovertyModel | None = None
        self.error: str | None = None
        self.step_seconds: float | None = None
        started = time.perf_counter()
        try:
            self.choice = choose(values, library or shared_library())
            self.model = build_model(self.choice)
        except PovsimError as exc:
            self.error = str(exc)
        self.build_seconds = time.perf_counter() - started
        model = self.model
        self.start_income_pc = None if model is None else model.households.income_pc.copy()
        self.history = None if model is None else HouseholdHistory(model)
        self.last_year = 0 if self.choice is None else self.choice.last_year
        self.running = model is not None and model.year < self.last_year

    def step(self) -> None:
        """Simulate one year (nothing once the last year is reached or without a model)."""
        model = self.model
        if model is None or model.year >= self.last_year or not model.running:
            self.running = False
            return
        started = time.perf_counter()
        model.step()
        self.step_seconds = time.perf_counter() - started
        self.history.record(model)
        self.running = model.running and model.year < self.last_year

    def play_until(self, year: int) -> None:
        """Let the run go on to ``year`` (or stop earlier), without starting it again.

        Args:
            year: The new last year, from the first simulated year to the model's end.

        Raises:
            PovsimError: If ``year`` is outside that range (or there is no run).
        """
        if self.model is None:
            raise PovsimError("no run to play on: fix the levers and press Reset")
        low, high = first_year(self.model.params), self.model.params.run.end_year
        if not low <= year <= high:
            raise PovsimError(f"run until {year}: allowed: a year from {low} to {high}")
        self.last_year = year
        self.running = self.model.running and self.model.year < year

    @property
    def year(self) -> int | None:
        """The model's current year (``None`` without a model)."""
        return None if self.model is None else self.model.year
