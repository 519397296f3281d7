"""Experiment specs, designs and seeds: the shipped specs load; every mistake is reported
at once with file, field and what is allowed; designs have the right size, stay in
their ranges and are deterministic; seeds are spawned from the master seed."""

import sys
from pathlib import Path

import numpy as np
import pytest

from povsim import PovsimError
from povsim.study.seeds import SEED_BITS, seed_of, seed_recipe, spawn_seeds
from povsim.study.sweeps.checks import load_spec, parse_spec
from povsim.study.sweeps.designs import make_design
from povsim.study.sweeps.plan import plan_runs

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {  # spec -> design points x policies x replications
    "budget-identification": (25, 1, 3),
    "intervention-cause": (1, 14, 3),
    "post-exit-support": (7, 1, 5),
    "global-sensitivity": (1280, 1, 1),
}


def spec_file(folder: Path, text: str, name: str = "spec.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "size"), SHIPPED.items())
def test_shipped_specs_load_and_have_their_documented_size(name, size):
    spec = load_spec(ROOT / "experiments" / f"{name}.toml")
    points, policies, replications = size
    assert (len(make_design(spec)), len(spec.policies), spec.replications) == size
    assert spec.constants["population.n_households"] <= 5000     # minutes on a laptop
    assert len(plan_runs(spec, make_design(spec))) == points * policies * replications
    assert spec.figures or spec.analyses


def test_every_mistake_is_reported_at_once_with_file_field_and_allowed(tmp_path):
    path = spec_file(tmp_path, """
[experiment]
design = "latin"
outputs = ["headcount"]
replications = 0

[uncertainties]
"health.p_ilness" = {low = 0.0, high = 0.1}
"health.p_illness_chronic" = {low = 0.5, high = 1.5}
"exit.criteria" = {low = 0, high = 1}
"budget.scale" = 0.3
""")
    with pytest.raises(PovsimError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert message.startswith("7 problems with the experiment spec")
    assert f"{path}: experiment.design: 'latin': unknown design" in message
    assert "allowed: grid, lhs, sobol, morris" in message
    assert "'headcount': unknown output (did you mean 'headcount_rate'?)" in message
    assert "experiment.replications: 0: allowed: a whole number of at least 1" in message
    assert "[uncertainties] health.p_ilness: unknown parameter (did you mean " \
           "'health.p_illness'?)" in message
    assert "[uncertainties] health.p_illness_chronic: high = 1.5: too large; allowed: a " \
           "number from 0 to 1" in message
    assert "a str parameter has no range; list its values" in message
    assert "a single value is a constant (put it in [constants])" in message


@pytest.mark.parametrize(("tables", "message"), [
    ({"parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}},
     "a range on a grid needs steps = N"),
    ({"experiment": {"design": "sobol", "samples": 100},
      "parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}},
     "a sobol design needs a power of 2"),
    ({"experiment": {"design": "lhs"}, "parameters": {"health.p_illness": [0.1, 0.2]}},
     "a lhs design needs samples = N"),
    ({"experiment": {"design": "grid", "samples": 4}}, "a grid has no samples"),
    ({"experiment": {"design": "sobol", "samples": 8}}, "a sobol design needs factors"),
    ({"experiment": {"desing": "grid"}}, "unknown field (did you mean 'design'?)"),
    ({"paramaters": {}}, "unknown table (did you mean 'parameters'?)"),
    ({"parameters": {"health.p_illness": [0.1, 0.1]}}, "values repeat"),
    ({"parameters": {"health.p_illness": {"low": 0.2, "high": 0.1, "steps": 2}}},
     "low must be below high"),
    ({"constants": {"health.p_illness": 0.1}, "parameters": {"health.p_illness": [0.2]}},
     "a parameter is either constant or varied"),
    ({"experiment": {"design": "morris", "samples": 4, "design_options": {"levels": 4}},
      "parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}},
     "unknown option for a morris design (did you mean 'num_levels'?)"),
    *[({"experiment": {"design": "morris", "samples": 4,
                       "design_options": {"num_levels": levels}},
        "parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}},
       f"experiment.design_options.num_levels: {levels}: allowed: an even whole number of "
       "at least 2") for levels in (0, 1, 3)],
    ({"experiment": {"design": "morris", "samples": 4,
                     "design_options": {"optimal_trajectories": 10}},
      "parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}},
     "experiment.design_options.optimal_trajectories: 10: allowed: a whole number from 2 "
     "to 3 (below samples = 4)"),
    ({"experiment": {"years": 30}}, "allowed: a whole number from 1 to 8"),
    ({"figures": [{"kind": "heatmap", "x": "health.p_illness", "y": "budget.scale",
                   "output": "headcount_rate"}],
      "parameters": {"health.p_illness": [0.1, 0.2]}},
     "figures[0].y: 'budget.scale': must be a factor of this experiment"),
    *[({"figures": [{"kind": "lines", "x": "health.p_illness", "output": "headcount_rate",
                     "name": name}],
        "parameters": {"health.p_illness": [0.1, 0.2]}},
       f"figures[0].name: {name!r}: allowed: letters, digits, '-', '_' and '.', starting "
       "with a letter or digit") for name in ("sub/dir", "../x", ".hidden", 7)],
    ({"policies": {"a/b": {"health.p_illness": 0.1}}},
     "[policies.a/b]: 'a/b': allowed: letters, digits"),
    ({"analyses": [{"output": "headcount_rate"}]}, "sensitivity analysis needs a sobol or "
                                                    "morris design"),
    *[({"experiment": {"name": name}},
       f"experiment.name: {name!r}: allowed: letters, digits, '-', '_' and '.', starting "
       "with a letter or digit") for name in ("", "x\n", "a\nb", "x" * 101)],
    ({"figures": [{"kind": "heatmap", "x": "health.p_illness", "y": "health.p_illness",
                   "output": "headcount_rate"}],
      "parameters": {"health.p_illness": [0.1, 0.2]}},
     "figures[0].y: 'health.p_illness': the same as x"),
    ({"figures": [{"kind": "lines", "x": "health.p_illness", "by": "health.p_illness",
                   "output": "headcount_rate"}],
      "parameters": {"health.p_illness": [0.1, 0.2]}},
     "figures[0].by: 'health.p_illness': the same as x"),
    ({"figures": [{"kind": "lines", "x": ["health.p_illness"], "output": "headcount_rate"}],
      "parameters": {"health.p_illness": [0.1, 0.2]}},
     "figures[0].x: ['health.p_illness']: must be a factor"),
])
def test_spec_mistakes_have_clear_messages(tables, message):
    with pytest.raises(PovsimError, match="nothing was run") as caught:
        parse_spec(tables, source="test.toml")
    assert message in str(caught.value)


def test_options_the_sampler_rejects_are_an_error_naming_the_file_and_field():
    spec = parse_spec({"experiment": {"design": "lhs", "samples": 5,
                                      "design_options": {"strength": 2}},
                       "parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}},
                      source="test.toml")
    with pytest.raises(PovsimError) as caught:
        make_design(spec)
    message = str(caught.value)
    assert message.startswith("test.toml: experiment.design_options: the lhs sampler "
                              "rejects samples = 5 with options strength = 2: ")
    assert "square of a prime" in message


def test_morris_options_within_salib_limits_make_the_design():
    spec = parse_spec({"experiment": {"design": "morris", "samples": 4, "design_options": {
        "num_levels": 6, "optimal_trajectories": 3}},
        "parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}})
    assert len(make_design(spec)) == 3 * (1 + 1)


def test_missing_salib_names_the_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "SALib", None)       # import SALib raises ImportError
    with pytest.raises(PovsimError, match=r"pip install 'povsim\[sa\]'"):
        parse_spec({"experiment": {"design": "sobol", "samples": 8},
                    "parameters": {"health.p_illness": {"low": 0.05, "high": 0.1}}})


def test_double_underscore_and_dotted_spellings_make_the_same_spec():
    def tables(path: str) -> dict:
        return {"constants": {path: 0.1, "population.n_households": 1000},
                "policies": {"more": {path.replace("p_illness", "p_illness_chronic"): 0.6}},
                "parameters": {"budget.scale": [0.0, 0.05]}}

    dotted = parse_spec(tables("health.p_illness"))
    underscored = parse_spec(tables("health__p_illness"))
    assert underscored.constants == dotted.constants
    assert underscored.policies == dotted.policies
    assert underscored.sha256 == dotted.sha256


def test_a_parameter_in_both_spellings_is_reported():
    with pytest.raises(PovsimError, match=r"\[constants\] health__p_illness: "
                                          r"health.p_illness is already set"):
        parse_spec({"constants": {"health": {"p_illness": 0.1}, "health__p_illness": 0.2}})


def test_scenario_paths_are_relative_to_the_spec_and_checked(tmp_path):
    (tmp_path / "sc").mkdir()
    spec_file(tmp_path / "sc", "[scenario]\nname = \"small\"\n[population]\nn_households = "
              "1000\n", "small.toml")
    spec = load_spec(spec_file(tmp_path, '[experiment]\nscenarios = ["sc/small.toml"]\n'))
    assert spec.scenarios[0].name == "small"
    assert spec.scenarios[0].params.population.n_households == 1000
    with pytest.raises(PovsimError, match="scenario file not found"):
        load_spec(spec_file(tmp_path, '[experiment]\nscenario = "sc/nope.toml"\n', "b.toml"))


def test_hash_covers_what_changes_runs_and_not_figures_or_descriptions():
    base = {"experiment": {"seed": 1}, "parameters": {"health.p_illness": [0.1, 0.2]}}
    described = {**base, "experiment": {"seed": 1, "description": "other words"},
                 "figures": [{"kind": "lines", "x": "health.p_illness",
                              "output": "headcount_rate"}]}
    reseeded = {**base, "experiment": {"seed": 2}}
    assert parse_spec(base).sha256 == parse_spec(described).sha256
    assert parse_spec(base).sha256 != parse_spec(reseeded).sha256


# ------------------------------------------------------------------ designs
def test_grid_crosses_values_with_the_first_factor_slowest():
    spec = parse_spec({"parameters": {
        "health.p_illness": [0.05, 0.1],
        "post_exit.support_years": {"low": 0, "high": 6, "steps": 3},
        "identification.mode": ["quota", "need_based"]}})
    points = make_design(spec).points
    assert len(points) == 2 * 3 * 2
    assert points[0] == {"health.p_illness": 0.05, "post_exit.support_years": 0,
                         "identification.mode": "quota"}
    assert [p["post_exit.support_years"] for p in points[:6:2]] == [0, 3, 6]
    assert points[-1]["health.p_illness"] == 0.1


LHS = {"experiment": {"design": "lhs", "samples": 40, "seed": 5}, "parameters": {
    "health.p_illness": {"low": 0.04, "high": 0.12},
    "post_exit.support_years": {"low": 0, "high": 6},
    "identification.mode": ["quota", "need_based"]}}


def test_lhs_is_stratified_in_range_and_deterministic():
    design = make_design(parse_spec(LHS))
    illness = np.array([p["health.p_illness"] for p in design.points])
    years = [p["post_exit.support_years"] for p in design.points]
    assert illness.min() >= 0.04
    assert illness.max() <= 0.12
    # one point in each of the 40 strata of the range
    strata = np.floor((illness - 0.04) / 0.08 * 40).astype(int)
    assert sorted(strata) == list(range(40))
    assert set(years) == set(range(7))                   # whole numbers 0..6, all reached
    assert {p["identification.mode"] for p in design.points} == {"quota", "need_based"}
    again = make_design(parse_spec(LHS))
    assert again.points == design.points
    other = make_design(parse_spec({**LHS, "experiment": {**LHS["experiment"], "seed": 6}}))
    assert other.points != design.points


def test_sobol_and_morris_designs_have_salib_sizes():
    factors = {"health.p_illness": {"low": 0.04, "high": 0.12},
               "economy.wage_growth": {"low": 0.03, "high": 0.1},
               "identification.noise_sd": {"low": 0.1, "high": 0.8}}
    sobol = make_design(parse_spec({"experiment": {"design": "sobol", "samples": 16},
                                    "uncertainties": factors}))
    assert len(sobol) == 16 * (3 + 2)
    second = make_design(parse_spec({"experiment": {
        "design": "sobol", "samples": 16, "design_options": {"calc_second_order": True}},
        "uncertainties": factors}))
    assert len(second) == 16 * (2 * 3 + 2)
    morris = make_design(parse_spec({"experiment": {"design": "morris", "samples": 5},
                                     "uncertainties": factors}))
    assert len(morris) == 5 * (3 + 1)
    assert morris.raw.shape == (20, 3)
    assert morris.problem["names"] == list(factors)


# ------------------------------------------------------------------ seeds
def test_seeds_come_from_the_master_seed_and_do_not_depend_on_the_count():
    seeds = spawn_seeds(42, 100)
    assert len(set(seeds)) == 100
    assert all(0 <= s < 2**SEED_BITS for s in seeds)
    assert spawn_seeds(42, 10) == seeds[:10]
    assert seed_of(42, 57) == seeds[57]
    assert spawn_seeds(43, 10) != seeds[:10]


def test_the_recorded_seeding_recipe_computes_the_seeds():
    recipe = seed_recipe("planned_runs", "run_id")     # Python text, as in manifest.json
    computed = [int(eval(recipe, {"numpy": np, "master_seed": 42, "planned_runs": 6,
                                  "run_id": i})) for i in range(6)]
    assert computed == spawn_seeds(42, 6)


def test_common_seeds_pair_replications_across_points_and_policies():
    tables = {"experiment": {"replications": 3, "seed": 9},
              "parameters": {"health.p_illness": [0.05, 0.1]},
              "policies": {"a": {}, "b": {"monitoring.enabled": True}}}
    spec = parse_spec(tables)
    independent = plan_runs(spec, make_design(spec))
    assert len({r.seed for r in independent}) == 12
    common = parse_spec({**tables, "experiment": {**tables["experiment"], "common_seeds": True}})
    runs = plan_runs(common, make_design(common))
    assert len(runs) == 12
    for r in runs:
        assert r.seed == spawn_seeds(9, 3)[r.replication]
    assert [(r.policy, r.point, r.replication) for r in runs[:4]] == [
        ("a", 0, 0), ("a", 0, 1), ("a", 0, 2), ("a", 1, 0)]


@pytest.mark.parametrize("text", [
    "[" + ".".join(["constants"] + ["a"] * 3000) + "]\nx = 1\n",
    "[uncertainties]\n" + '"health.p_illness" = ' + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
])
def test_a_spec_nested_absurdly_deep_is_a_clear_error(tmp_path, text):
    path = spec_file(tmp_path, text)
    with pytest.raises(PovsimError, match=f"{path}: .*nested .*allowed: at most 16"):
        load_spec(path)


def test_a_spec_path_the_system_refuses_is_a_clear_error(tmp_path):
    with pytest.raises(PovsimError, match=r"not a usable file path \(contains a NUL byte\)"):
        load_spec("a\x00b.toml")
    with pytest.raises(PovsimError, match="experiment spec not found"):
        load_spec(tmp_path / ("z" * 3000))
