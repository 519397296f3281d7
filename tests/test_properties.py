"""Properties over generated input (hypothesis): bad input is refused clearly, allowed
values keep the model finite.

* The three loaders of user files (scenario files, experiment specs, target files):
  every input either loads or raises :class:`~povsim.PovsimError` naming the file (and,
  for problems with values, the field), never another exception, within a time bound.
  Inputs are drawn as raw bytes and text, and as tables built from the names povsim
  knows (sections, parameters, fields, outputs, target names) mixed with others, with
  values of every TOML type (huge integers, infinities, dates, nested tables, year
  tables with odd keys), chains of files extending each other.
* Any allowed parameter values (drawn at and between each parameter's bounds, several at
  once): a short run finishes, every output is a finite number or, for shares and
  means of a group that can be empty, undefined (never infinite), and the documented
  identities hold: the stocks of poor and registered households equal last year's plus
  this year's inflows minus outflows, every percent lies from 0 to 100, FGT1 and FGT2
  from 0 up.

Examples are derandomised (the same ones in every run of the suite, as CI needs) and
their number is set so the whole file takes well under a minute; raise them locally with
``--hypothesis-profile=thorough`` (at least ten times as many, random).
"""

from __future__ import annotations

import csv
import io
import math
import string
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from povsim import ParameterError, Parameters, PovertyModel, PovsimError
from povsim.metrics import OUTPUTS
from povsim.params.spec import iter_params, iter_sections, param_infos
from povsim.study.calibration.targets import MEASURES, TARGET_COLUMNS, load_targets
from povsim.study.scenarios import META_FIELDS, Scenario, load_scenario
from povsim.study.sweeps.checks import load_spec
from povsim.study.sweeps.designs import make_design, planned_points
from povsim.study.sweeps.spec import EXPERIMENT_FIELDS, FIGURE_FIELDS, TABLES, ExperimentSpec

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"

settings.register_profile("povsim", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much])
settings.register_profile("thorough", derandomize=False, database=None, deadline=None,
                          max_examples=2000,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much])
settings.load_profile("povsim")

LOAD_SECONDS = 5.0
"""Longest a loader may take on one generated input (most take milliseconds)."""

INFOS = param_infos(Parameters())
SECTIONS = [path for path, _, _ in iter_sections(Parameters())]


# ------------------------------------------------------------------ writing TOML
def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly."""
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """A value in TOML (inline tables for tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(str(k))} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(tables: dict[str, Any]) -> str:
    """A TOML document: each top-level key on its own line (tables inline)."""
    return "".join(f"{toml_string(str(k))} = {toml_value(v)}\n" for k, v in tables.items())


# ------------------------------------------------------------------ values of every kind
EDGE_NUMBERS = [0, 1, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]

scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(EDGE_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-10, max_value=10),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "quota", "need_based", "headcount_rate", "baseline.toml",
                     "../x.toml", "²", "a\nb"]),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
year_keys = st.one_of(st.integers(min_value=1980, max_value=2110).map(str),
                      st.sampled_from(["²", "٢٠١٦", " 2016", "2016.5", "-3", "99999999999",
                                       "", "x"]))
year_tables = st.dictionaries(year_keys, scalars, min_size=0, max_size=3)
any_values = st.recursive(
    st.one_of(scalars, year_tables),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


def names(known: list[str]) -> st.SearchStrategy[str]:
    """Mostly known names, sometimes a typo or anything."""
    return st.one_of(st.sampled_from(known), st.sampled_from(known).map(lambda s: s[:-1]),
                     st.text(alphabet=string.ascii_lowercase + "._", min_size=1, max_size=12))


def parameter_values(info_path: str) -> st.SearchStrategy[Any]:
    """Values for a parameter: near its bounds and choices, or anything."""
    info = INFOS.get(info_path)
    near: list[Any] = []
    if info is not None:
        for end in (info.low, info.high):
            if end is not None:
                near += [end, end - 1, end + 1, end * 10 if end else 1e9]
        near += list(info.choices or ())
    return st.one_of(st.sampled_from(near) if near else scalars, scalars, year_tables,
                     any_values)


@st.composite
def section_tables(draw: st.DrawFn) -> dict[str, Any]:
    """Parameter sections as a scenario file writes them (nested, mostly known names)."""
    tables: dict[str, Any] = {}
    for path in draw(st.lists(names(list(INFOS)), max_size=6)):
        node = tables
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = draw(parameter_values(path))
    for key in draw(st.lists(names([*SECTIONS, *META_FIELDS]), max_size=2)):
        tables[key] = draw(any_values)
    return tables


def meta_tables(extends: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        "name": st.one_of(st.text(max_size=10), scalars),
        "description": st.one_of(st.text(max_size=20), scalars),
        "question": st.text(max_size=10),
        "extends": st.one_of(st.sampled_from(extends), scalars,
                             st.just("x" * 5000), st.just("a\x00b.toml")),
        "outputs": st.one_of(st.lists(names(list(OUTPUTS)), max_size=3), scalars),
        "nme": scalars,
    }
    return st.fixed_dictionaries({}, optional=fields)


def assert_clear(error: PovsimError, files: list[Path]) -> None:
    """A refusal names one of the files (and each problem with a value, its field)."""
    text = str(error)
    assert "Traceback" not in text
    assert any(str(f) in text or str(f)[:100] in text for f in files), text[:500]
    if isinstance(error, ParameterError):
        assert error.problems
        for problem in error.problems:
            assert problem.file, problem
            assert problem.path, problem


def timed(load, *args):
    started = time.perf_counter()
    try:
        return load(*args)
    finally:
        assert time.perf_counter() - started < LOAD_SECONDS


# ------------------------------------------------------------------ scenario files
@settings(max_examples=150)
@given(data=st.data())
def test_a_scenario_file_loads_or_is_refused_naming_the_file(data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [folder / f"s{i}.toml" for i in range(data.draw(st.integers(1, 3)))]
        targets = [f.name for f in files] + [str(BASELINE), "missing.toml", "."]
        for path in files:
            kind = data.draw(st.sampled_from(["tables", "tables", "tables", "text", "bytes"]))
            if kind == "text":
                path.write_text(data.draw(st.text(max_size=200)), encoding="utf-8")
            elif kind == "bytes":
                path.write_bytes(data.draw(st.binary(max_size=200)))
            else:
                tables = data.draw(section_tables())
                meta = data.draw(meta_tables(targets))
                if meta:
                    tables["scenario"] = meta
                path.write_text(toml_document(tables), encoding="utf-8")
        try:
            scenario = timed(load_scenario, files[0])
        except PovsimError as error:
            assert_clear(error, [*files, BASELINE])
        else:
            assert isinstance(scenario, Scenario)
            assert Parameters().with_overrides(scenario.overrides) == scenario.params


# ------------------------------------------------------------------ experiment specs
def factor_specs(path: str) -> st.SearchStrategy[Any]:
    values = parameter_values(path)
    return st.one_of(
        st.lists(values, min_size=0, max_size=4),
        st.fixed_dictionaries({"low": values, "high": values},
                              optional={"steps": st.one_of(st.integers(-2, 40), scalars)}),
        st.fixed_dictionaries({"values": st.lists(values, max_size=3)}),
        values)


@st.composite
def spec_tables(draw: st.DrawFn, scenario_paths: list[str]) -> dict[str, Any]:
    experiment_fields = {
        "name": st.one_of(st.text(max_size=8), st.sampled_from(["ok", "", "x\n", "a/b"])),
        "seed": st.one_of(st.integers(-1, 2**64), scalars),
        "replications": st.one_of(st.integers(-1, 4), st.sampled_from([2**40]), scalars),
        "design": st.one_of(st.sampled_from(["grid", "lhs", "sobol", "morris", "latin"]),
                            scalars),
        "samples": st.one_of(st.integers(-1, 16), st.sampled_from([2**40]), scalars),
        "years": st.one_of(st.integers(-1, 12), scalars),
        "outputs": st.one_of(st.lists(names(list(OUTPUTS)), max_size=3), scalars),
        "common_seeds": st.one_of(st.booleans(), scalars),
        "seeds": st.one_of(st.lists(st.integers(-1, 2**64), max_size=3), scalars),
        "scenarios": st.one_of(st.lists(st.sampled_from(scenario_paths), max_size=2),
                               scalars),
        "design_options": st.one_of(st.dictionaries(
            st.sampled_from(["scramble", "strength", "calc_second_order", "num_levels",
                             "optimal_trajectories", "local_optimization", "x"]),
            scalars, max_size=2), scalars),
        "description": scalars,
    }
    tables: dict[str, Any] = {"experiment": draw(st.fixed_dictionaries({},
                                                                       optional=experiment_fields))}
    factor_names = draw(st.lists(names(list(INFOS)), max_size=3, unique=True))
    table = draw(st.sampled_from(["parameters", "uncertainties", "levers"]))
    tables[table] = {name: draw(factor_specs(name)) for name in factor_names}
    if draw(st.booleans()):
        tables["constants"] = {name: draw(parameter_values(name))
                               for name in draw(st.lists(names(list(INFOS)), max_size=2))}
    if draw(st.booleans()):
        tables["policies"] = draw(st.dictionaries(
            st.text(max_size=5), st.dictionaries(names(list(INFOS)), scalars, max_size=2),
            max_size=2))
    if draw(st.booleans()):
        axes = [*factor_names, "scenario", "policy", "x"]
        figure = draw(st.fixed_dictionaries({}, optional={
            "kind": st.sampled_from(["heatmap", "lines", "bars", "pie"]),
            "x": st.sampled_from(axes), "y": st.sampled_from(axes),
            "by": st.sampled_from(axes), "output": names(list(OUTPUTS)),
            "year": st.one_of(st.integers(2000, 2030), scalars), "name": scalars,
            "title": scalars}))
        tables["figures"] = [figure]
    if draw(st.booleans()):
        tables["analyses"] = [{"output": draw(names(list(OUTPUTS))),
                               "year": draw(st.integers(2010, 2022))}]
    for key in draw(st.lists(names([*TABLES, *EXPERIMENT_FIELDS, *FIGURE_FIELDS]),
                             max_size=1)):
        tables.setdefault(key, draw(any_values))
    return tables


@settings(max_examples=120)
@given(data=st.data())
def test_an_experiment_spec_loads_or_is_refused_naming_the_file(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.toml"
        kind = data.draw(st.sampled_from(["tables"] * 4 + ["text"]))
        if kind == "text":
            path.write_text(data.draw(st.text(max_size=200)), encoding="utf-8")
        else:
            tables = data.draw(spec_tables([str(BASELINE), "missing.toml"]))
            path.write_text(toml_document(tables), encoding="utf-8")
        try:
            spec = timed(load_spec, path)
        except PovsimError as error:
            assert_clear(error, [path])
            return
        assert isinstance(spec, ExperimentSpec)
        points = planned_points(spec.design, spec.factors, spec.samples,
                                spec.design_options)
        if points <= 2000:              # the size counted at load is the design's size
            try:
                design = timed(make_design, spec)
            except PovsimError as error:     # a sampler refusing its options, named
                assert_clear(error, [path])
            else:
                assert len(design) == points


# ------------------------------------------------------------------ target files
cells = st.one_of(st.sampled_from(sorted(MEASURES)), st.integers(1900, 2200).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.text(max_size=10), st.sampled_from(["", "0", "-1", "nan", "1e400",
                                                         "2013.5", "²", "percent (at least)"]))


@st.composite
def target_files(draw: st.DrawFn) -> bytes:
    header = list(TARGET_COLUMNS)
    if draw(st.integers(0, 4)) == 0:
        header = draw(st.permutations(header))
    if draw(st.integers(0, 6)) == 0:
        header = header[:draw(st.integers(0, len(header)))]
    if draw(st.integers(0, 6)) == 0:
        header = [*header, draw(st.text(max_size=5))]
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), max_size=6))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    raw = text.getvalue().encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    if draw(st.integers(0, 8)) == 0:
        raw += draw(st.binary(max_size=20))
    return raw


@settings(max_examples=200)
@given(content=st.one_of(target_files(), target_files(), st.binary(max_size=120),
                         st.text(max_size=200).map(lambda t: t.encode("utf-8"))))
def test_a_target_file_loads_or_is_refused_naming_the_file(content):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "targets.csv"
        path.write_bytes(content)
        try:
            targets = timed(load_targets, path)
        except PovsimError as error:
            assert_clear(error, [path])
        else:
            assert targets
            assert all(t.where.startswith(f"{path}, line ") for t in targets)
            assert len({t.key for t in targets}) == len(targets)


# ------------------------------------------------------------------ allowed values
SIZE = {"population.n_households": 300, "population.n_counties": 1,
        "population.townships_per_county": 1, "population.villages_per_township": 3}
"""A small population: the properties hold at any size, and this one runs in 20 ms."""

FIXED = ("population.n_households", "population.n_counties",
         "population.townships_per_county", "population.villages_per_township",
         "run.start_year", "run.end_year")
"""Parameters not drawn: the size of the population and the years (fixed above)."""

NUMERIC = sorted(path for path, info, _ in iter_params(Parameters())
                 if info.kind in (int, float) and path not in FIXED
                 and info.low is not None and info.high is not None)
"""Every bounded numeric parameter: the ones a value can drive out of range."""

YEARS = 3

PERCENTS = [name for name, (_, unit) in OUTPUTS.items() if unit.startswith("percent")]
MAY_BE_UNDEFINED = {name for name, (_, unit) in OUTPUTS.items()
                    if unit.startswith(("percent", "years"))} | {
    "mean_income_poor_villages", "exited_income_current", "income_designated_counties_current",
    "cost_per_exit", "cost_per_sustained_exit", "cost_per_lasting_exit"}
"""Shares, spell lengths and means of groups that can be empty in a year (no registered
household, no poor village or designated county, no exit yet): undefined (NaN) then."""


@st.composite
def allowed_value(draw: st.DrawFn, path: str) -> Any:
    """A value within a parameter's bounds: an end, or between them (log-spread when wide)."""
    info = INFOS[path]
    low, high = float(info.low), float(info.high)
    where = draw(st.sampled_from(["low", "high", "between", "between"]))
    if where == "low":
        value = low
    elif where == "high":
        value = high
    elif low > 0 and high / low > 1e3:
        value = math.exp(draw(st.floats(math.log(low), math.log(high))))
    else:
        value = draw(st.floats(low, high))
    value = min(max(value, low), high)
    return round(value) if info.kind is int else value


@st.composite
def allowed_overrides(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(NUMERIC), min_size=1, max_size=6, unique=True))
    return {path: draw(allowed_value(path)) for path in chosen}


def check_outputs(out) -> None:
    values = out.drop(columns=["year"]).astype(float)
    assert not np.isinf(values.to_numpy()).any(), \
        values.columns[np.isinf(values.to_numpy()).any(axis=0)].tolist()
    undefined = [c for c in values.columns if values[c].isna().any()]
    assert set(undefined) <= MAY_BE_UNDEFINED, set(undefined) - MAY_BE_UNDEFINED
    shares = values[PERCENTS]
    assert ((shares >= -1e-9) & (shares <= 100 + 1e-9) | shares.isna()).all().all(), \
        shares.columns[((shares < -1e-9) | (shares > 100 + 1e-9)).any()].tolist()
    assert (values[["poverty_gap", "poverty_severity"]] >= 0).all().all()
    previous, current = out.iloc[:-1].reset_index(drop=True), out.iloc[1:].reset_index(drop=True)
    poor = previous.poor_households + current.entries + current.returns - current.exits \
        - current.dissolved
    assert (current.poor_households == poor).all()
    registered = previous.registered_households + current.new_registrations \
        + current.returns_registered - current.exits_registered - current.removals \
        - current.registered_dissolved
    assert (current.registered_households == registered).all()


@settings(max_examples=100)
@given(overrides=allowed_overrides(), seed=st.integers(0, 2**32))
def test_allowed_parameter_values_keep_a_short_run_finite_and_its_identities(overrides,
                                                                             seed):
    try:
        params = Parameters().with_overrides({**SIZE, **overrides})
    except ParameterError:
        assume(False)               # values allowed one by one that are inconsistent together
        return
    model = PovertyModel(params, rng=seed)
    model.run(years=YEARS)
    check_outputs(model.outputs())


@pytest.mark.parametrize("scenario", ["baseline", "transition", "fake-exits"])
def test_the_identities_hold_in_the_library_scenarios(scenario):
    params = load_scenario(ROOT / "scenarios" / f"{scenario}.toml").params
    model = PovertyModel(params.with_overrides({"population.n_households": 3000}), rng=1)
    model.run()
    check_outputs(model.outputs())


def test_the_ends_of_every_bound_keep_a_run_finite():
    """Every bounded parameter at its low and at its high end, one at a time.

    population.land_mean = 0 (then allowed) made every income NaN (land / land_mean).
    """
    failed = []
    for path in NUMERIC:
        info = INFOS[path]
        for end in (info.low, info.high):
            value = end if info.kind is float else int(end)
            try:
                params = Parameters().with_overrides({**SIZE, path: value})
            except ParameterError:
                continue
            try:
                model = PovertyModel(params, rng=1)
                model.run(years=YEARS)
                check_outputs(model.outputs())
            except (PovsimError, AssertionError) as exc:
                failed.append(f"{path} = {value}: {str(exc)[:200]}")
    assert not failed, "\n".join(failed)
