"""Reading and checking an experiment spec: every problem at once, file, field, allowed.

:func:`check_spec` walks the tables of a spec (see :mod:`povsim.study.sweeps.spec`),
collects a message for every mistake (unknown tables, fields, parameters, outputs and
designs with a "did you mean"; values and ranges checked against the parameter
declarations; scenario files loaded and checked; figures and analyses checked against
the factors and outputs) and builds the fields of an
:class:`~povsim.study.sweeps.spec.ExperimentSpec` when there is none.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from povsim.errors import ParameterError, PovsimError
from povsim.params import Parameters
from povsim.params.spec import param_infos
from povsim.study.resources import MAX_RUNS
from povsim.study.scenarios import Scenario, flatten_tables, load_scenario
from povsim.study.seeds import SEED_HELP, check_seed, check_seeds
from povsim.study.sweeps.designs import MORRIS_LEVELS, planned_points
from povsim.study.sweeps.spec import (
    ANALYSIS_FIELDS,
    DEFAULT_POLICY,
    DESIGN_COLUMNS,
    DESIGN_OPTIONS,
    DESIGNS,
    EXPERIMENT_FIELDS,
    FACTOR_TABLES,
    FIGURE_FIELDS,
    FIGURE_KINDS,
    NAME_PATTERN,
    RANGE_KEYS,
    SA_DESIGNS,
    TABLES,
    VALUES_KEY,
    ExperimentSpec,
    Factor,
    Policy,
    jsonable_spec,
    params_sha256,
    salib_missing_message,
)
from povsim.util.hints import did_you_mean
from povsim.util.tomlfile import read_toml
from povsim.util.values import is_number, is_whole


def plain_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """Tables with scenario objects replaced by their names (for the spec text)."""
    out = dict(tables)
    experiment = dict(out.get("experiment", {}))
    for key in ("scenario", "scenarios"):
        if key in experiment:
            items = experiment[key] if isinstance(experiment[key], list) else [experiment[key]]
            experiment[key] = [_scenario_label(s) for s in items]
    out["experiment"] = experiment
    return out


def _scenario_label(item: Any) -> str:
    if isinstance(item, Scenario):
        return f"scenario {item.name} ({item.path or 'built in Python'})"
    if isinstance(item, Parameters):
        return f"parameters (sha256 {params_sha256(item)})"
    return str(item)


class _SpecChecker:
    """Collects every problem of a spec while building it."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    # -------------------------------------------------------------- the whole spec
    def build(self, tables: Mapping[str, Any], base_dir: Path,
              default_name: str) -> dict[str, Any] | None:
        for key in tables:
            if key not in TABLES:
                self.problem(key, f"unknown table{did_you_mean(key, TABLES)}; allowed: "
                             + ", ".join(f"[{t}]" for t in TABLES))
        experiment = self.table(tables, "experiment")
        for key in experiment:
            if key not in EXPERIMENT_FIELDS:
                self.problem(f"experiment.{key}", "unknown field"
                             f"{did_you_mean(key, EXPERIMENT_FIELDS)}; allowed: "
                             f"{', '.join(EXPERIMENT_FIELDS)}")
        name = self.text(experiment, "name", default_name)
        self.name("experiment.name", name, "the output folder results/<name>")
        scenarios = self.scenarios(experiment, base_dir)
        base = scenarios[0].params if scenarios else Parameters()
        seed = self.master_seed(experiment)
        replications = self.integer(experiment, "replications", 1, low=1)
        common_seeds = self.flag(experiment, "common_seeds", False)
        seeds = self.seeds(experiment)
        if seeds:
            replications, common_seeds = len(seeds), True
        years = self.years(experiment, scenarios)
        outputs = self.outputs(experiment)
        design, samples, options = self.design(experiment)
        constants = self.overrides(tables, "constants", base)
        factors = self.factors(tables, base, design)
        policies = self.policies(tables, base, constants)
        self.overlaps(constants, factors, policies)
        if design == "grid" and factors:
            for f in factors:
                if f.is_range and f.steps is None:
                    self.problem(f.name, "a range on a grid needs steps = N (the number of "
                                 "values), or give a list of values")
        if design in SA_DESIGNS and not factors:
            self.problem("experiment.design", f"a {design} design needs factors: add "
                         "[uncertainties], [levers] or [parameters]")
        factor_names = [f.name for f in factors]
        kept = outputs or None
        end_year = (scenarios[0].params.run.start_year + years) if (scenarios and years) \
            else (scenarios[0].params.run.end_year if scenarios else None)
        start_year = scenarios[0].params.run.start_year if scenarios else None
        figures = self.figures(tables, factor_names, kept, (start_year, end_year))
        analyses = self.analyses(tables, design, kept, (start_year, end_year))
        if self.problems:
            return None
        self.size(design, samples, options, factors, len(scenarios), len(policies),
                  replications, bool(seeds))
        if self.problems:
            return None
        return {
            "name": name, "description": self.text(experiment, "description", ""),
            "question": self.text(experiment, "question", ""),
            "scenarios": tuple(scenarios), "factors": tuple(factors),
            "constants": constants, "policies": tuple(policies), "design": design,
            "samples": samples, "design_options": options, "replications": replications,
            "seed": seed, "common_seeds": common_seeds, "seeds": seeds, "years": years,
            "outputs": tuple(outputs), "figures": tuple(figures),
            "analyses": tuple(analyses),
        }

    def size(self, design: str, samples: int | None, options: Mapping[str, Any],
             factors: list[Factor], scenarios: int, policies: int, replications: int,
             given_seeds: bool) -> None:
        """Refuse a spec of more runs than a batch may have, before anything is made."""
        points = planned_points(design, factors, samples, options)
        runs = points * scenarios * policies * replications
        if runs > MAX_RUNS:
            reps = "seeds" if given_seeds else "replications"
            field = f"experiment.{reps}" if replications >= points else (
                "the factors' values and steps" if design == "grid"
                else "experiment.samples")
            self.problem(field, f"{runs:,} runs = {points:,} design points x "
                         f"{scenarios} scenario(s) x {policies} polic"
                         f"{'y' if policies == 1 else 'ies'} x {replications:,} {reps}; "
                         f"allowed: at most {MAX_RUNS:,} runs a sweep (planning a million "
                         "takes a minute and 1.3 GB): fewer replications, steps or samples, "
                         "or several sweeps")

    # -------------------------------------------------------------- simple fields
    def table(self, tables: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = tables.get(key, {})
        if not isinstance(value, Mapping):
            self.problem(key, f"must be a table: write [{key}] on its own line")
            return {}
        return value

    def name(self, where: str, value: Any, names: str) -> None:
        """Check a name that becomes a file or folder name (no paths, no dots first)."""
        if not isinstance(value, str) or not NAME_PATTERN.fullmatch(value):
            self.problem(where, f"{value!r}: allowed: letters, digits, '-', '_' and '.', "
                         f"starting with a letter or digit (it names {names})")

    def text(self, table: Mapping[str, Any], key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.problem(f"experiment.{key}", f"{value!r}: must be text (in quotes)")
            return default
        return value

    def integer(self, table: Mapping[str, Any], key: str, default: int, *,
                low: int) -> int:
        value = table.get(key, default)
        if not is_whole(value) or value < low:
            self.problem(f"experiment.{key}", f"{value!r}: allowed: a whole number of at "
                         f"least {low}")
            return default
        return int(value)

    def master_seed(self, experiment: Mapping[str, Any]) -> int:
        value = experiment.get("seed", 0)
        try:
            return check_seed(value, "")
        except PovsimError:
            self.problem("experiment.seed", f"{value!r}: allowed: {SEED_HELP}")
            return 0

    def seeds(self, experiment: Mapping[str, Any]) -> tuple[int, ...]:
        """Given seeds (``seeds = [0, 1, 2]``): they replace seed, replications, common_seeds."""
        if "seeds" not in experiment:
            return ()
        value = experiment["seeds"]
        try:
            check_seeds(value if isinstance(value, list) else [])
        except PovsimError as exc:
            self.problem("experiment.seeds", f"{value!r}: {exc}; allowed: a list of distinct "
                         "whole numbers of at least 0")
            return ()
        for key in ("seed", "replications", "common_seeds"):
            if key in experiment:
                self.problem(f"experiment.{key}", "give seeds = [...] or "
                             f"{key} = ..., not both (seeds set the replications and their "
                             "seeds)")
        return tuple(int(s) for s in value)

    def flag(self, table: Mapping[str, Any], key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"experiment.{key}", f"{value!r}: allowed: true or false")
            return default
        return value

    def scenarios(self, experiment: Mapping[str, Any], base_dir: Path) -> list[Scenario]:
        if "scenario" in experiment and "scenarios" in experiment:
            self.problem("experiment.scenarios", "give scenario = ... or scenarios = [...], "
                         "not both")
        raw = experiment.get("scenarios", experiment.get("scenario"))
        if raw is None:
            return [Scenario(name="defaults", params=Parameters())]
        items = raw if isinstance(raw, list | tuple) else [raw]
        if not items:
            self.problem("experiment.scenarios", "empty list; give at least one scenario "
                         "file, or leave the field out to use the defaults")
        scenarios: list[Scenario] = []
        for item in items:
            if isinstance(item, Scenario):
                scenarios.append(item)
            elif isinstance(item, Parameters):
                scenarios.append(Scenario(name="parameters", params=item))
            elif isinstance(item, str | Path):
                path = Path(item) if Path(item).is_absolute() else base_dir / item
                try:
                    scenarios.append(load_scenario(path))
                except ParameterError as exc:
                    self.problems.extend(f"{self.source}: experiment.scenarios: {p}"
                                         for p in exc.problems)
                except PovsimError as exc:
                    self.problem("experiment.scenarios", f"{item!r}: {exc} (paths are "
                                 f"relative to {base_dir})")
            else:
                self.problem("experiment.scenarios", f"{item!r}: must be a scenario file "
                             "path (in quotes)")
        names = [s.name for s in scenarios]
        clashes = sorted({n for n in names if names.count(n) > 1})
        if clashes:
            self.problem("experiment.scenarios", f"scenario names must differ; repeated: "
                         f"{', '.join(clashes)} (set name = ... in each file's [scenario])")
        spans = {(s.params.run.start_year, s.params.run.end_year) for s in scenarios}
        if len(spans) > 1:
            self.problem("experiment.scenarios", "the scenarios must cover the same years; "
                         f"they cover {sorted(spans)}")
        return scenarios

    def years(self, experiment: Mapping[str, Any], scenarios: list[Scenario]) -> int | None:
        if "years" not in experiment:
            return None
        value = experiment["years"]
        span = min((s.params.run.end_year - s.params.run.start_year for s in scenarios),
                   default=1)
        if not is_whole(value) or not 1 <= value <= span:
            self.problem("experiment.years", f"{value!r}: allowed: a whole number from 1 to "
                         f"{span} (the years the scenarios cover)")
            return None
        return int(value)

    def outputs(self, experiment: Mapping[str, Any]) -> list[str]:
        from povsim.study.outcomes import output_units

        value = experiment.get("outputs", [])
        allowed = list(output_units())
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem("experiment.outputs", f"{value!r}: must be a list of output names "
                         'in quotes, e.g. ["headcount_rate", "exits"]')
            return []
        for name in value:
            if name not in allowed:
                self.problem("experiment.outputs", f"{name!r}: unknown output"
                             f"{did_you_mean(name, allowed)}; allowed: the names listed by "
                             "`povsim outputs`")
        return list(dict.fromkeys(v for v in value if v in allowed))

    def design(self, experiment: Mapping[str, Any]) -> tuple[str, int | None, dict[str, Any]]:
        design = experiment.get("design", "grid")
        if design not in DESIGNS:
            self.problem("experiment.design", f"{design!r}: unknown design"
                         f"{did_you_mean(str(design), DESIGNS)}; allowed: {', '.join(DESIGNS)}")
            return "grid", None, {}
        samples = experiment.get("samples")
        if design == "grid" and samples is not None:
            self.problem("experiment.samples", "a grid has no samples: its size is the "
                         "product of the numbers of values (remove samples)")
            samples = None
        elif design != "grid":
            if samples is None or not is_whole(samples) or samples < 1:
                self.problem("experiment.samples", f"{samples!r}: a {design} design needs "
                             "samples = N, a whole number of at least 1")
                samples = None
            elif design == "sobol" and int(samples) & (int(samples) - 1):
                lower = 1 << (int(samples).bit_length() - 1)
                self.problem("experiment.samples", f"{samples}: a sobol design needs a power "
                             f"of 2 (Sobol sequences converge only then), e.g. {lower} or "
                             f"{lower * 2}")
        samples = int(samples) if samples is not None else None
        options = experiment.get("design_options", {})
        if not isinstance(options, Mapping):
            self.problem("experiment.design_options", "must be a table of option = value")
            return design, samples, {}
        allowed = DESIGN_OPTIONS[design]
        for key, value in options.items():
            if key not in allowed:
                names = ", ".join(allowed) or "none"
                self.problem(f"experiment.design_options.{key}", f"unknown option for a "
                             f"{design} design{did_you_mean(key, list(allowed))}; allowed: {names}")
            elif not isinstance(value, allowed[key]) or (
                    isinstance(value, bool) and bool not in allowed[key]):
                kinds = " or ".join(t.__name__ for t in allowed[key])
                self.problem(f"experiment.design_options.{key}", f"{value!r}: must be {kinds}")
        if design == "morris":
            self.morris_options(options, samples)
        if design in SA_DESIGNS:
            _require_salib(self, design)
        return design, samples, dict(options)

    def morris_options(self, options: Mapping[str, Any], samples: int | None) -> None:
        """Check the options SALib's Morris sampler would reject (or sample biased with).

        ``num_levels`` must be even (SALib's grid has ``num_levels / 2`` starting
        levels; an odd number biases the sample) and at least 2. ``optimal_trajectories``
        picks that many of the ``samples`` trajectories: SALib needs 2 or more and fewer
        than ``samples``.
        """
        where = "experiment.design_options"
        levels = options.get("num_levels")
        if is_whole(levels) and (levels < 2 or levels % 2):
            self.problem(f"{where}.num_levels", f"{levels!r}: allowed: an even whole number "
                         f"of at least 2 (the default is {MORRIS_LEVELS})")
        chosen = options.get("optimal_trajectories")
        if is_whole(chosen) and samples is not None and not 2 <= chosen <= samples - 1:
            allowed = (f"a whole number from 2 to {samples - 1} (below samples = {samples})"
                       if samples >= 3 else "none: it needs samples = 3 or more")
            self.problem(f"{where}.optimal_trajectories", f"{chosen!r}: allowed: {allowed}")

    # -------------------------------------------------------------- parameters
    def check_values(self, where: str, base: Parameters, overrides: Mapping[str, Any],
                     label: str | None = None) -> bool:
        """Check overrides against the parameter declarations; report problems at ``where``.

        A problem with the factor itself is shown as ``label = value`` (``high = 1.5``)
        when ``label`` is given, else as ``path = value``.
        """
        try:
            base.with_overrides(overrides)
        except ParameterError as exc:
            for p in exc.problems:
                name = label if label and p.path in overrides else p.path
                shown = "" if p.value is None else f" = {p.value!r}"
                self.problem(where, f"{name}{shown}: {p.message}")
            return False
        return True

    def overrides(self, tables: Mapping[str, Any], key: str,
                  base: Parameters) -> dict[str, Any]:
        table = self.table(tables, key)
        values = self.dotted(f"[{key}]", flatten_tables(table))
        if values:
            self.check_values(f"[{key}]", base, values)
        return values

    def dotted(self, where: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Overrides with ``__`` written as dots, so both spellings make the same spec.

        A parameter given in both spellings is reported (its values would compete).
        """
        out: dict[str, Any] = {}
        for key, value in values.items():
            path = key.replace("__", ".")
            if path in out:
                self.problem(f"{where} {key}", f"{path} is already set; write each "
                             "parameter once, with dots or with '__'")
            out[path] = value
        return out

    def factors(self, tables: Mapping[str, Any], base: Parameters,
                design: str) -> list[Factor]:
        infos = param_infos(base)
        factors: list[Factor] = []
        seen: dict[str, str] = {}
        for table_name, role in FACTOR_TABLES.items():
            for name, value in self.factor_entries(self.table(tables, table_name), infos,
                                                   table_name):
                if name in seen:
                    self.problem(f"[{table_name}] {name}", f"already a factor in "
                                 f"[{seen[name]}]; declare each parameter once")
                    continue
                seen[name] = table_name
                factor = self.factor(f"[{table_name}] {name}", name, role, value,
                                     infos[name].kind, base, design)
                if factor is not None:
                    factors.append(factor)
        return factors

    def factor_entries(self, table: Mapping[str, Any], infos: Mapping[str, Any],
                       table_name: str) -> list[tuple[str, Any]]:
        """``(dotted path, spec)`` of each factor in a table (nested tables allowed)."""
        found: list[tuple[str, Any]] = []

        def walk(node: Mapping[str, Any], prefix: str) -> None:
            for key, value in node.items():
                path = f"{prefix}{key}"
                if path in infos:
                    found.append((path, value))
                elif isinstance(value, Mapping) and not (set(value) & (RANGE_KEYS
                                                                      | {VALUES_KEY})):
                    walk(value, path + ".")
                else:
                    self.problem(f"[{table_name}] {path}",
                                 f"unknown parameter{did_you_mean(path, infos)}; "
                                 "`povsim params WORD` lists them")

        walk(table, "")
        return found

    def factor(self, where: str, name: str, role: str, value: Any, kind: type,
               base: Parameters, design: str) -> Factor | None:
        if isinstance(value, list):
            value = {VALUES_KEY: value}
        if not isinstance(value, Mapping):
            self.problem(where, f"{value!r}: a single value is a constant (put it in "
                         "[constants]); a factor takes a list of values [a, b, ...] or a "
                         "range {low = a, high = b}")
            return None
        keys = set(value)
        if VALUES_KEY in keys:
            if keys != {VALUES_KEY}:
                self.problem(where, "give either values = [...] or low/high, not both")
                return None
            values = value[VALUES_KEY]
            if not isinstance(values, list) or not values:
                self.problem(where, f"{values!r}: values must be a non-empty list")
                return None
            checked = [self.check_values(where, base, {name: v}, "value") for v in values]
            ok = all(checked)                             # every value checked, all reported
            if len({json.dumps(v, sort_keys=True, default=str) for v in values}) < len(values):
                self.problem(where, f"{values!r}: values repeat; list each value once")
                ok = False
            return Factor(name, role, kind, values=tuple(values)) if ok else None
        unknown = keys - RANGE_KEYS
        if unknown or not {"low", "high"} <= keys:
            self.problem(where, f"{dict(value)!r}: a range is {{low = a, high = b}} (with "
                         "steps = N on a grid); a list is [a, b, ...] or {values = [...]}")
            return None
        if kind not in (int, float):
            self.problem(where, f"a {kind.__name__} parameter has no range; list its values: "
                         "values = [...]")
            return None
        low, high, steps = value["low"], value["high"], value.get("steps")
        ok = True
        for label, end in (("low", low), ("high", high)):
            if not is_number(end) or not math.isfinite(end):
                self.problem(where, f"{label} = {end!r}: must be a number")
                ok = False
            elif kind is int and not float(end).is_integer():
                self.problem(where, f"{label} = {end!r}: {name} takes whole numbers")
                ok = False
            else:
                ok = self.check_values(where, base, {name: int(end) if kind is int
                                                     else float(end)}, label) and ok
        if ok and not low < high:
            self.problem(where, f"low = {low!r}, high = {high!r}: low must be below high")
            ok = False
        if steps is not None:
            if design != "grid":
                self.problem(where, f"steps applies to grid designs only; a {design} design "
                             "samples the range itself (remove steps)")
                ok = False
            elif not is_whole(steps) or steps < 2:
                self.problem(where, f"steps = {steps!r}: allowed: a whole number of at least 2")
                ok = False
            elif kind is int and ok and steps > int(high) - int(low) + 1:
                self.problem(where, f"steps = {steps}: at most {int(high) - int(low) + 1} "
                             f"whole numbers lie from {low} to {high}")
                ok = False
        if not ok:
            return None
        cast = int if kind is int else float
        return Factor(name, role, kind, low=cast(low), high=cast(high), steps=steps)

    def policies(self, tables: Mapping[str, Any], base: Parameters,
                 constants: Mapping[str, Any]) -> list[Policy]:
        table = self.table(tables, "policies")
        policies: list[Policy] = []
        for name, entries in table.items():
            where = f"[policies.{name}]"
            self.name(where, name, "the policy in the results")
            if not isinstance(entries, Mapping):
                self.problem(where, "must be a table of parameter = value lines")
                continue
            overrides = self.dotted(where, flatten_tables(entries))
            if self.check_values(where, base, {**constants, **overrides}):
                policies.append(Policy(name, overrides))
        return policies or [Policy(DEFAULT_POLICY)]

    def overlaps(self, constants: Mapping[str, Any], factors: list[Factor],
                 policies: list[Policy]) -> None:
        names = {f.name for f in factors}
        for key in constants:
            if key in names:
                self.problem(f"[constants] {key}", "also a factor; a parameter is either "
                             "constant or varied")
        for policy in policies:
            for key in policy.overrides:
                if key in names:
                    self.problem(f"[policies.{policy.name}] {key}", "also a factor; a policy "
                                 "may not set a parameter the design varies")

    # -------------------------------------------------------------- figures, analyses
    def outcome(self, where: str, name: Any, kept: list[str] | None) -> None:
        from povsim.study.outcomes import check_outcome, output_units

        if not isinstance(name, str):
            self.problem(where, f"{name!r}: must be an outcome name in quotes")
            return
        try:
            check_outcome(name, kept if kept is not None else list(output_units()))
        except PovsimError as exc:
            self.problem(where, str(exc))

    def year(self, where: str, value: Any, span: tuple[int | None, int | None]) -> None:
        first, last = span
        if value is None or first is None or last is None:
            return
        if not is_whole(value) or not first <= value <= last:
            self.problem(where, f"year = {value!r}: allowed: a year from {first} to {last}")

    def entries(self, tables: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = tables.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.problem(key, f"write each entry as a [[{key}]] table")
            return []
        return value

    def figures(self, tables: Mapping[str, Any], factors: list[str], kept: list[str] | None,
                span: tuple[int | None, int | None]) -> list[dict[str, Any]]:
        axes = [*factors, *DESIGN_COLUMNS]
        figures = []
        for i, figure in enumerate(self.entries(tables, "figures")):
            where = f"figures[{i}]"
            for key in figure:
                if key not in FIGURE_FIELDS:
                    self.problem(f"{where}.{key}", "unknown field"
                                 f"{did_you_mean(key, FIGURE_FIELDS)}; allowed: "
                                 f"{', '.join(FIGURE_FIELDS)}")
            kind = figure.get("kind")
            if kind not in FIGURE_KINDS:
                self.problem(f"{where}.kind", f"{kind!r}: allowed: {', '.join(FIGURE_KINDS)}")
                continue
            needed = ("x", "y") if kind == "heatmap" else ("x",)
            for axis in (*needed, *(("by",) if "by" in figure else ())):
                value = figure.get(axis)
                if not isinstance(value, str) or value not in axes:
                    self.problem(f"{where}.{axis}", f"{value!r}: must be a factor of this "
                                 f"experiment or {' or '.join(DESIGN_COLUMNS)}; allowed: "
                                 f"{', '.join(axes)}")
            for axis in ("y", "by"):
                if axis in figure and figure.get(axis) == figure.get("x") \
                        and (axis == "y" or kind != "heatmap"):
                    self.problem(f"{where}.{axis}", f"{figure[axis]!r}: the same as x; "
                                 f"allowed: another of {', '.join(axes)}")
            outputs = figure.get("outputs", [figure["output"]] if "output" in figure else [])
            if not isinstance(outputs, list) or not outputs:
                self.problem(where, "needs output = \"name\" (or outputs = [...] for lines)")
                continue
            for name in outputs:
                self.outcome(f"{where}.output", name, kept)
            self.year(f"{where}.year", figure.get("year"), span)
            name = figure.get("name", f"{kind}-{outputs[0]}")
            if "name" in figure:
                self.name(f"{where}.name", name, "the figure's .png and .csv files")
            figures.append({**figure, "name": name, "outputs": outputs})
        names = [f["name"] for f in figures]
        for repeated in sorted({n for n in names if names.count(n) > 1}):
            self.problem("figures", f"two figures are named {repeated!r}; set name = ...")
        return figures

    def analyses(self, tables: Mapping[str, Any], design: str, kept: list[str] | None,
                 span: tuple[int | None, int | None]) -> list[dict[str, Any]]:
        analyses = []
        for i, analysis in enumerate(self.entries(tables, "analyses")):
            where = f"analyses[{i}]"
            if design not in SA_DESIGNS:
                self.problem(where, f"sensitivity analysis needs a {' or '.join(SA_DESIGNS)} "
                             f"design; this spec uses {design}")
                continue
            for key in analysis:
                if key not in ANALYSIS_FIELDS:
                    self.problem(f"{where}.{key}", f"unknown field; allowed: "
                                 f"{', '.join(ANALYSIS_FIELDS)}")
            self.outcome(f"{where}.output", analysis.get("output"), kept)
            self.year(f"{where}.year", analysis.get("year"), span)
            analyses.append(dict(analysis))
        return analyses


def _require_salib(checker: _SpecChecker, design: str) -> None:
    try:
        import SALib  # noqa: F401
    except ImportError:
        checker.problem("experiment.design", salib_missing_message(design))


def check_spec(tables: Mapping[str, Any], source: str, base_dir: Path,
               default_name: str) -> tuple[dict[str, Any] | None, list[str]]:
    """Check the tables of a spec.

    Args:
        tables: The parsed tables.
        source: Where they come from (the file), for messages.
        base_dir: Folder that scenario paths are relative to.
        default_name: Name when ``[experiment] name`` is not set.

    Returns:
        The fields of the :class:`~povsim.study.sweeps.spec.ExperimentSpec` (``None`` if
        there are problems), and one message per problem.
    """
    checker = _SpecChecker(source)
    fields = checker.build(tables, base_dir, default_name)
    return (None if checker.problems else fields), checker.problems


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read and check an experiment spec file.

    Args:
        path: The TOML file.

    Returns:
        The checked spec (scenario paths are relative to the spec's folder).

    Raises:
        PovsimError: For a missing or malformed file, or listing every problem in it.
    """
    tables = read_toml(path, "experiment spec")
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    return parse_spec(tables, source=str(p), base_dir=p.parent, default_name=p.stem,
                      text=text)


def parse_spec(tables: Mapping[str, Any], *, source: str = "sweep()",
               base_dir: str | Path = ".", default_name: str = "sweep",
               text: str | None = None) -> ExperimentSpec:
    """Check the tables of a spec and build it.

    Args:
        tables: The parsed tables (as in a TOML file). Entries of ``scenarios`` may be
            paths, :class:`~povsim.study.scenarios.Scenario` or
            :class:`~povsim.params.Parameters` objects.
        source: Where the tables come from, for messages.
        base_dir: Folder that scenario paths are relative to.
        default_name: Name when ``[experiment] name`` is not set.
        text: The spec as written (canonical JSON of ``tables`` if omitted).

    Returns:
        The checked spec.

    Raises:
        PovsimError: Listing every problem found; nothing is run on an invalid spec.
    """
    spec, problems = check_spec(tables, source, Path(base_dir), default_name)
    if problems or spec is None:
        n = len(problems)
        head = f"{n} problem{'s' if n != 1 else ''} with the experiment spec {source}; " \
               "nothing was run:"
        raise PovsimError("\n".join([head, *(f"  - {m}" for m in problems)]))
    if text is None:
        text = json.dumps(jsonable_spec(plain_tables(tables)), indent=2, sort_keys=True)
    return ExperimentSpec(**{**spec, "source": source, "text": text})
