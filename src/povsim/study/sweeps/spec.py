"""Experiment specs: what to vary, how to sample it, how often to repeat it, what to keep.

An experiment spec is a TOML file (see ``experiments/*.toml``) in the vocabulary of
the EMA Workbench: *uncertainties* (what we don't control), *levers* (what policy
sets), *policies* (named sets of lever values), *constants*, *replications* (seeds)
and *outcomes*::

    [experiment]
    name = "budget-identification"
    scenarios = ["../scenarios/baseline.toml"]  # relative to this file; default: defaults
    seed = 1                  # master seed: every run's seed is spawned from it
    replications = 2          # runs per design point (different seeds)
    design = "grid"           # grid | lhs | sobol | morris
    samples = 64              # lhs: points; sobol: base samples N (a power of 2);
                              # morris: trajectories
    years = 8                 # optional: fewer years than the scenario's
    outputs = ["headcount_rate", "exits"]       # yearly outputs kept (default: all)
    common_seeds = false      # true: replication r has the same seed at every point
    # seeds = [0, 1, 2]       # or given seeds: replication r runs seeds[r] at every point
                              # (instead of seed, replications and common_seeds)

    [experiment.design_options]   # sobol: calc_second_order, scramble;
    calc_second_order = false     # morris: num_levels, optimal_trajectories,
                                  # local_optimization; lhs: scramble, strength,
                                  # optimization

    [constants]               # set in every run
    "population.n_households" = 5000

    [uncertainties]           # or [levers], or [parameters]: the factors
    "health.p_illness" = {low = 0.04, high = 0.12}           # a range
    "identification.noise_sd" = [0.1, 0.35, 0.7]             # values (grid) or categories
    "budget.national_billion" = {low = 55, high = 165, steps = 3}   # a range on a grid

    [policies.no-loans]       # optional: each design point is run under every policy
    "interventions.microloans.enabled" = false

    [[figures]]               # drawn after the sweep (see povsim.study.sweeps.figures)
    kind = "heatmap"
    x = "budget.national_billion"
    y = "identification.noise_sd"
    output = "headcount_rate"

    [[analyses]]              # sobol / morris designs: run ``povsim analyze`` after the sweep
    output = "headcount_rate"
    year = 2020

:func:`povsim.study.sweeps.checks.load_spec` reads and checks a file and reports every
problem at once with the file, the field and what is allowed;
:func:`~povsim.study.sweeps.checks.parse_spec` does the same for tables built in Python
(``povsim.sweep``).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from povsim.errors import PovsimError
from povsim.params import Parameters
from povsim.params.spec import flatten
from povsim.study.scenarios import Scenario

DESIGNS = ("grid", "lhs", "sobol", "morris")
"""Designs: full factorial grid, Latin hypercube, Sobol (Saltelli) and Morris samples."""

SA_DESIGNS = ("sobol", "morris")
"""Designs made for global sensitivity analysis (``povsim analyze``)."""

FACTOR_TABLES = {"parameters": "parameter", "uncertainties": "uncertainty", "levers": "lever"}
"""Tables that declare factors, and the role each gives them."""

TABLES = ("experiment", "constants", *FACTOR_TABLES, "policies", "figures", "analyses")
"""Top-level tables of a spec."""

EXPERIMENT_FIELDS = ("name", "description", "question", "scenario", "scenarios", "seed",
                     "replications", "design", "samples", "design_options", "years",
                     "outputs", "common_seeds", "seeds")
"""Fields of the ``[experiment]`` table."""

DESIGN_OPTIONS: dict[str, dict[str, tuple[type, ...]]] = {
    "grid": {},
    "lhs": {"scramble": (bool,), "strength": (int,), "optimization": (str,)},
    "sobol": {"calc_second_order": (bool,), "scramble": (bool,)},
    "morris": {"num_levels": (int,), "optimal_trajectories": (int,),
               "local_optimization": (bool,)},
}
"""Options each design accepts, with their types."""

FIGURE_KINDS = ("heatmap", "lines", "bars")
"""Kinds of figure a spec may ask for."""

FIGURE_FIELDS = ("name", "kind", "x", "y", "by", "output", "outputs", "year", "title")
ANALYSIS_FIELDS = ("output", "year")
RANGE_KEYS = frozenset({"low", "high", "steps"})
VALUES_KEY = "values"
DESIGN_COLUMNS = ("scenario", "policy")
"""Columns of the results table besides the factors that a figure may use as an axis."""

DEFAULT_POLICY = "base"
"""Name of the only policy when a spec declares none (the scenario as it is)."""

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
"""A name that becomes a file or folder name (use ``fullmatch``: ``$`` would let a final
newline through): at most 100 characters, no path separators, no leading dot."""


# ------------------------------------------------------------------ the spec
@dataclass(frozen=True)
class Factor:
    """A parameter that the design varies.

    Attributes:
        name: Dotted parameter path.
        role: ``"uncertainty"``, ``"lever"`` or ``"parameter"``.
        kind: The parameter's type (``bool``, ``int``, ``float``, ``str``, ``tuple``).
        values: Explicit values (a grid's values, or categories), or ``None`` for a range.
        low: Lower end of a range.
        high: Upper end of a range.
        steps: Number of evenly spaced values of a range on a grid.
    """

    name: str
    role: str
    kind: type
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    steps: int | None = None

    @property
    def is_range(self) -> bool:
        """Whether the factor is a numeric range (not a list of values)."""
        return self.values is None

    def describe(self) -> dict[str, Any]:
        """Plain data for manifests and hashes."""
        data: dict[str, Any] = {"name": self.name, "role": self.role,
                                "kind": self.kind.__name__}
        if self.values is not None:
            data["values"] = list(self.values)
        else:
            data.update(low=self.low, high=self.high)
            if self.steps is not None:
                data["steps"] = self.steps
        return data


@dataclass(frozen=True)
class Policy:
    """A named set of lever values; every design point is run under every policy.

    Attributes:
        name: Short name (the ``policy`` column of the results).
        overrides: Dotted parameter path mapped to its value.
    """

    name: str
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExperimentSpec:
    """A checked experiment: scenarios x policies x design points x replications.

    Attributes:
        name: Short name (the default output folder is ``results/<name>``).
        description: What the experiment does.
        question: The question it answers.
        scenarios: Base scenarios (loaded and checked).
        constants: Overrides applied to every run.
        factors: The parameters the design varies.
        policies: Named lever sets (one ``base`` policy if none is declared).
        design: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        samples: Size parameter of the design (``None`` for a grid).
        design_options: Options of the design.
        replications: Runs per design point.
        seed: Master seed.
        common_seeds: Whether replication ``r`` has the same seed at every point.
        seeds: Given seeds, one per replication, shared by every point (the master
            seed is then unused); empty to spawn seeds from the master seed.
        years: Years to simulate (to the end year if ``None``).
        outputs: Yearly outputs kept (every output if empty).
        figures: Figures to draw after the sweep.
        analyses: Sensitivity analyses to run after the sweep.
        source: The spec file, or a label for specs built in Python.
        text: The spec as written (TOML text, or JSON for specs built in Python).
    """

    name: str
    scenarios: tuple[Scenario, ...]
    factors: tuple[Factor, ...] = ()
    constants: Mapping[str, Any] = field(default_factory=dict)
    policies: tuple[Policy, ...] = (Policy(DEFAULT_POLICY),)
    design: str = "grid"
    samples: int | None = None
    design_options: Mapping[str, Any] = field(default_factory=dict)
    replications: int = 1
    seed: int = 0
    common_seeds: bool = False
    seeds: tuple[int, ...] = ()
    years: int | None = None
    outputs: tuple[str, ...] = ()
    figures: tuple[Mapping[str, Any], ...] = ()
    analyses: tuple[Mapping[str, Any], ...] = ()
    description: str = ""
    question: str = ""
    source: str = ""
    text: str = ""

    @property
    def factor_names(self) -> list[str]:
        """Dotted paths of the factors, in declaration order."""
        return [f.name for f in self.factors]

    @property
    def start_year(self) -> int:
        """Year of the initial state."""
        return self.scenarios[0].params.run.start_year

    @property
    def end_year(self) -> int:
        """Last simulated year."""
        run = self.scenarios[0].params.run
        return run.end_year if self.years is None else run.start_year + self.years

    def describe(self) -> dict[str, Any]:
        """Everything that determines the runs, as plain data (what the hash covers).

        Descriptions, figures and analyses are left out: changing them does not change
        any run, so a sweep can be resumed after editing them.
        """
        return {
            "scenarios": [{"name": s.name, "path": str(s.path) if s.path else None,
                           "params_sha256": params_sha256(s.params)} for s in self.scenarios],
            "constants": jsonable_spec(dict(self.constants)),
            "factors": [f.describe() for f in self.factors],
            "policies": [{"name": p.name, "overrides": jsonable_spec(dict(p.overrides))}
                         for p in self.policies],
            "design": self.design,
            "samples": self.samples,
            "design_options": jsonable_spec(dict(self.design_options)),
            "replications": self.replications,
            "seed": self.seed,
            "common_seeds": self.common_seeds,
            "years": self.years,
            "outputs": list(self.outputs),
            **({"seeds": list(self.seeds)} if self.seeds else {}),
        }

    @property
    def sha256(self) -> str:
        """Hash of :meth:`describe` (canonical JSON): equal hashes give equal runs."""
        text = json.dumps(self.describe(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def params_sha256(params: Parameters) -> str:
    """Hash of every parameter value of a parameter tree."""
    values = flatten(params, params.run.start_year)
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def jsonable_spec(value: Any) -> Any:
    """Plain JSON data of a spec's value (what its hash covers)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


SA_EXTRA = "sa"
"""The optional extra that installs SALib."""


def salib_missing_message(design: str) -> str:
    """What to say when SALib is needed but not installed."""
    return (f"the {design} design needs SALib, which is not installed; install the "
            f"'{SA_EXTRA}' extra: pip install 'povsim[{SA_EXTRA}]' (or pip install SALib)")


def salib_module(part: str, design: str) -> Any:
    """SALib's module for a design (``SALib.sample.sobol``, ``SALib.analyze.morris``...).

    Args:
        part: ``"sample"`` or ``"analyze"``.
        design: ``"sobol"`` or ``"morris"``.

    Raises:
        PovsimError: If SALib is not installed, naming the extra that installs it.
    """
    try:
        return importlib.import_module(f"SALib.{part}.{design}")
    except ImportError as exc:
        raise PovsimError(salib_missing_message(design)) from exc
