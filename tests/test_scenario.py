"""Scenario files: inheritance with extends, year tables, every kind of validation error,
and the generated reference page docs/scenarios.md."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from povsim import ParameterError, Parameters, PovsimError
from povsim.docs import render
from povsim.params import describe
from povsim.params.spec import iter_params
from povsim.study.scenarios import describe_chain, load_scenario, load_scenarios

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
PAGE = ROOT / "docs" / "scenarios.md"
INFOS = {path: info for path, info, _ in iter_params(Parameters())}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> str:
    with pytest.raises(ParameterError) as err:
        load_scenario(path)
    return str(err.value)


def toml_assignment(path: str, value: str) -> str:
    """A file setting one dotted parameter path: [section] then leaf = value."""
    section, leaf = path.rsplit(".", 1)
    return f"[{section}]\n{leaf} = {value}\n"


# ------------------------------------------------------------------ inheritance
@pytest.fixture
def family(tmp_path):
    write(tmp_path, "parent.toml", """
[scenario]
name = "parent"
description = "The parent."
question = "What does the parent say?"
outputs = ["headcount_rate", "exits"]

[health]
p_illness = 0.08

[economy]
wage_growth = 0.05

[shocks]
migrant_job_loss = {2016 = 0.1}
""")
    child = write(tmp_path, "child.toml", """
[scenario]
extends = "parent.toml"

[health]
p_illness = {2017 = 0.12}

[economy]
wage_growth = 0.02

[shocks]
migrant_job_loss = {2018 = 0.2}
""")
    return tmp_path, child


def test_child_values_replace_the_parents_and_the_rest_is_inherited(family):
    folder, child = family
    s = load_scenario(child)
    assert s.params.economy.wage_growth == 0.02
    assert s.params.health.p_illness.base == 0.08  # the parent's value amended by a table
    assert s.name == "child"  # the name is not inherited
    assert s.description == "The parent."
    assert s.question == "What does the parent say?"
    assert s.outputs == ("headcount_rate", "exits")
    assert s.extends == folder / "parent.toml"
    assert describe_chain(s) == f"{child} -> {folder / 'parent.toml'}"


def test_year_table_amends_the_parents_value_and_schedule(family):
    _, child = family
    p = load_scenario(child).params
    assert [p.at(y).health.p_illness for y in (2015, 2016, 2017, 2020)] == \
        [0.08, 0.08, 0.12, 0.12]
    # a shock table lists one-off events: the parent's 2016 event does not hold in 2017
    assert [p.at(y).shocks.migrant_job_loss for y in (2015, 2016, 2017, 2018)] == \
        [0.0, 0.1, 0.0, 0.2]


def test_a_plain_value_replaces_the_parents_schedule(family):
    folder, _ = family
    flat = write(folder, "flat.toml", '[scenario]\nextends = "parent.toml"\n'
                                      "[shocks]\nmigrant_job_loss = 0.05\n")
    p = load_scenario(flat).params
    assert {p.at(y).shocks.migrant_job_loss for y in range(2012, 2021)} == {0.05}


def test_a_table_that_only_extends_the_parents_has_no_note(family):
    folder, child = family  # the parent's only change (2016) comes before the child's (2018)
    assert load_scenario(child).notes == ()
    repeated = write(folder, "repeated.toml", '[scenario]\nextends = "parent.toml"\n'
                     "[shocks]\nmigrant_job_loss = {2015 = 0.05, 2016 = 0.1}\n")
    assert load_scenario(repeated).notes == ()  # the parent's change repeated: none lost


def test_a_year_table_replaces_the_parents_from_its_first_year_and_says_so(tmp_path):
    parent = write(tmp_path, "parent.toml", "[health]\np_illness = {2014 = 0.1, 2017 = 0.3}\n"
                                            "[interventions.health]\n"
                                            "reimbursement_rate = {2015 = 0.8}\n")
    child = write(tmp_path, "child.toml", '[scenario]\nextends = "parent.toml"\n'
                  "[health]\np_illness = {2016 = 0.2}\n"
                  "[interventions.health]\nreimbursement_rate = {2013 = 0.9}\n")
    s = load_scenario(child)
    assert [s.params.at(y).health.p_illness for y in (2014, 2016, 2017, 2020)] \
        == [0.1, 0.2, 0.2, 0.2]  # the parent's 2017 change no longer applies
    default = Parameters()
    assert s.notes == (  # in the order of the file
        f"{child}: health.p_illness: this file's year table replaces the one of {parent} "
        "({2014 = 0.1, 2017 = 0.3}) from 2016 on (its changes in 2017 no longer apply); "
        f"in force: {{2012 = {default.health.p_illness:g}, 2014 = 0.1, 2016 = 0.2}}",
        f"{child}: interventions.health.reimbursement_rate: this file's year table replaces "
        f"the one of {parent} ({{2015 = 0.8}}) entirely; in force: "
        f"{{2012 = {default.interventions.health.reimbursement_rate:g}, 2013 = 0.9}}",
    )


def test_the_note_names_the_file_that_set_the_table_and_is_inherited(tmp_path):
    # farm_productivity_growth: a parameter whose default is one number
    root = write(tmp_path, "root.toml",
                 "[economy]\nfarm_productivity_growth = {2014 = 0.1, 2017 = 0.03}"
                 "\n[health]\np_illness = {2014 = 0.1}\n")
    write(tmp_path, "middle.toml", '[scenario]\nextends = "root.toml"\n'
                                   "[health]\np_illness = 0.08\n")
    child = write(tmp_path, "child.toml", '[scenario]\nextends = "middle.toml"\n'
                  "[economy]\nfarm_productivity_growth = {2015 = 0.2}\n"
                  "[health]\np_illness = {2013 = 0.09}\n")  # over a plain value: no note
    grandchild = write(tmp_path, "grandchild.toml", '[scenario]\nextends = "child.toml"\n')
    (note,) = load_scenario(child).notes
    assert note.startswith(f"{child}: economy.farm_productivity_growth: this file's year table "
                           f"replaces the one of {root} ({{2014 = 0.1, 2017 = 0.03}}) from "
                           "2015 on")
    assert load_scenario(grandchild).notes == (note,)


def test_a_year_table_over_a_default_that_follows_data_says_so(tmp_path):
    default = Parameters().budget.national_billion  # central funds by year, from data
    years = default.years()
    cut = years[len(years) // 2]
    later = [y for y in years if y >= cut]
    funds = write(tmp_path, "funds.toml", f"[budget]\nnational_billion = {{{cut} = 90}}\n")
    (note,) = load_scenario(funds).notes
    assert note.startswith(f"{funds}: budget.national_billion: this file's year table "
                           "replaces the default one ({")
    assert f"from {cut} on (its changes in {', '.join(map(str, later[:-1]))} and " \
           f"{later[-1]} no longer apply); in force: {{" in note
    assert note.endswith(f"{cut} = 90}}")
    extended = write(tmp_path, "extended.toml",
                     f"[budget]\nnational_billion = {{{years[-1] + 1} = 170}}\n")
    plain = write(tmp_path, "plain.toml", "[budget]\nnational_billion = 90\n")
    assert load_scenario(extended).notes == ()  # the data kept, then 170
    assert load_scenario(plain).notes == ()  # one value for every year, as written


def test_an_event_table_replaces_only_the_events_of_its_years(tmp_path):
    assert describe("shocks.migrant_job_loss").event
    write(tmp_path, "parent.toml", "[shocks]\nmigrant_job_loss = {2016 = 0.1, 2020 = 0.05}\n")
    same_year = write(tmp_path, "same.toml", '[scenario]\nextends = "parent.toml"\n'
                      "[shocks]\nmigrant_job_loss = {2020 = 0.25}\n")
    other_year = write(tmp_path, "other.toml", '[scenario]\nextends = "parent.toml"\n'
                       "[shocks]\nmigrant_job_loss = {2018 = 0.2}\n")
    before = Parameters().shocks.migrant_job_loss
    assert load_scenario(same_year).notes == (
        f"{same_year}: shocks.migrant_job_loss: this file's year table replaces the one of "
        f"{tmp_path / 'parent.toml'} ({{2016 = 0.1, 2020 = 0.05}}) in 2020; in force: "
        f"{{2012 = {before:g}, 2016 = 0.1, 2017 = {before:g}, 2020 = 0.25, "
        f"2021 = {before:g}}}",  # one-off: each event ends the year after it
    )
    assert load_scenario(other_year).notes == ()  # events of other years add up


def test_chain_of_three_with_relative_paths_and_hashes(family):
    folder, _ = family
    grandchild = write(folder / "sub", "grandchild.toml", """
[scenario]
name = "grandchild"
description = "Its own description."
extends = "../child.toml"

[population]
n_households = 3000
""")
    s = load_scenario(grandchild)
    assert [f.path.name for f in s.chain] == ["grandchild.toml", "child.toml", "parent.toml"]
    for f in s.chain:
        assert f.sha256 == hashlib.sha256(f.path.read_bytes()).hexdigest()
    assert s.sha256 == s.chain[0].sha256
    assert s.chain[0].extends == "../child.toml"
    assert s.description == "Its own description."
    assert s.params.population.n_households == 3000
    assert s.params.economy.wage_growth == 0.02  # from the child
    assert s.params.at(2020).health.p_illness == 0.12


def test_overrides_hold_every_difference_from_the_defaults(family):
    _, child = family
    s = load_scenario(child)
    assert set(s.overrides) == {"health.p_illness", "economy.wage_growth",
                                "shocks.migrant_job_loss"}
    rebuilt = Parameters().with_overrides(s.overrides)
    for year in range(2012, 2021):
        assert rebuilt.at(year) == s.params.at(year)


def test_load_scenarios_applies_overrides_to_every_file(family):
    folder, child = family
    scenarios = load_scenarios([folder / "parent.toml", child],
                               {"population.n_households": 2500})
    assert [s.params.population.n_households for s in scenarios] == [2500, 2500]
    assert scenarios[1].params.economy.wage_growth == 0.02


# ------------------------------------------------------------------ extends problems
def test_missing_parent_names_the_child_and_the_missing_path(tmp_path):
    child = write(tmp_path, "child.toml", '[scenario]\nextends = "gone/base.toml"\n')
    text = problems_of(child)
    assert f"{child}: scenario.extends = 'gone/base.toml': parent file not found: " \
           f"{tmp_path / 'gone' / 'base.toml'}" in text


def test_extends_cycle_is_reported(tmp_path):
    write(tmp_path, "a.toml", '[scenario]\nextends = "b.toml"\n')
    write(tmp_path, "b.toml", '[scenario]\nextends = "a.toml"\n')
    text = problems_of(tmp_path / "a.toml")
    assert "the extends chain loops back: " in text
    assert f"{tmp_path / 'a.toml'} -> {tmp_path / 'b.toml'} -> {tmp_path / 'a.toml'}" in text
    itself = write(tmp_path, "self.toml", '[scenario]\nextends = "self.toml"\n')
    assert "loops back" in problems_of(itself)


@pytest.mark.parametrize(("extends", "why"), [
    ("x" * 5000 + ".toml", "longer than 4096 characters"),
    ("a\x00b.toml", "contains a NUL byte"),
    ("d" * 300 + ".toml", "parent file not found"),       # a name the system finds too long
])
def test_an_extends_path_the_system_refuses_is_a_problem_of_the_file(tmp_path, extends, why):
    written = extends.replace("\x00", "\\u0000")             # TOML's escape of a NUL
    child = write(tmp_path, "child.toml", f'[scenario]\nextends = "{written}"\n')
    text = problems_of(child)
    assert f"{child}: scenario.extends = " in text
    assert why in text
    assert len(text) < 1000                                  # the path is cut in the message


def test_an_extends_chain_longer_than_allowed_is_refused_quickly(tmp_path):
    from povsim.study.scenarios import MAX_EXTENDS

    for i in range(MAX_EXTENDS + 1):
        write(tmp_path, f"c{i}.toml", f'[scenario]\nextends = "c{i + 1}.toml"\n'
              if i < MAX_EXTENDS else "[health]\np_illness = 0.05\n")
    assert len(load_scenario(tmp_path / "c1.toml").chain) == MAX_EXTENDS
    text = problems_of(tmp_path / "c0.toml")
    assert f"{tmp_path / f'c{MAX_EXTENDS - 1}.toml'}: scenario.extends = 'c{MAX_EXTENDS}.toml': " \
           f"the extends chain is longer than {MAX_EXTENDS} files" in text


@pytest.mark.parametrize("text", [
    "[health]\np_illness = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
    "[health]\np_illness = " + "[" * 5000 + "]" * 5000 + "\n",
    "[" + ".".join(["interventions"] + ["a"] * 5000) + "]\nx = 1\n",
    "[health]\np_illness = " + "{a = " * 20 + "1" + "}" * 20 + "\n",
])
def test_tables_nested_absurdly_deep_are_a_clear_error(tmp_path, text):
    path = write(tmp_path, "deep.toml", text)
    with pytest.raises(PovsimError, match=f"{path}: .*nested .*allowed: at most 16"):
        load_scenario(path)


def test_a_year_key_that_only_looks_like_digits_is_a_problem(tmp_path):
    path = write(tmp_path, "a.toml", '[health]\np_illness = {"²" = 0.1, "٢٠١٦" = 0.1}\n')
    text = problems_of(path)
    assert f"{path}: health.p_illness[²]: year keys must be whole years like 2016" in text
    assert f"{path}: health.p_illness[٢٠١٦]: year keys must be whole years" in text


def test_a_scenario_path_the_system_refuses_is_a_clear_error(tmp_path):
    with pytest.raises(PovsimError, match="not a usable file path \\(contains a NUL byte\\)"):
        load_scenario("a\x00b.toml")
    with pytest.raises(PovsimError, match="not a usable file path \\(empty\\)"):
        load_scenario("")
    with pytest.raises(PovsimError, match="scenario file not found"):
        load_scenario(tmp_path / ("y" * 3000))


def test_problems_in_parent_and_child_are_reported_together(tmp_path):
    parent = write(tmp_path, "parent.toml", "[health]\np_illness = 2\n")
    child = write(tmp_path, "child.toml",
                  '[scenario]\nextends = "parent.toml"\n[economy]\nwage_growth = "x"\n')
    text = problems_of(child)
    assert "2 problems" in text
    assert f"{parent}: health.p_illness = 2: too large" in text
    assert f"{child}: economy.wage_growth = 'x': must be a number" in text


def test_invalid_toml_in_a_parent_names_the_parent(tmp_path):
    write(tmp_path, "parent.toml", "[health\n")
    child = write(tmp_path, "child.toml", '[scenario]\nextends = "parent.toml"\n')
    text = problems_of(child)
    assert f"{tmp_path / 'parent.toml'}: not valid TOML" in text


# ------------------------------------------------------------------ every error kind
CHOICE_PATH = next(p for p, i in INFOS.items() if i.kind is str and i.choices)
FIXED_PATH = "population.n_households"
RANGE_PATH = "health.p_illness"

ERROR_KINDS = [
    ("unknown section", "[healt]\np_illness = 0.1\n",
     "healt: unknown section (did you mean 'health'?); sections: run, population"),
    ("unknown parameter", "[health]\np_ilness = 0.1\n",
     "health.p_ilness = 0.1: unknown parameter (did you mean 'health.p_illness'?)"),
    ("unknown scenario field", '[scenario]\ndescripton = "x"\n',
     "scenario.descripton = 'x': unknown scenario field (did you mean 'description'?); "
     "allowed: name, description, question, extends, outputs"),
    ("unknown output", '[scenario]\noutputs = ["headcount", "exits"]\n',
     "scenario.outputs = 'headcount': unknown output (did you mean 'headcount_rate'?); "
     "allowed: the output names listed by `povsim outputs`"),
    ("outputs not a list", '[scenario]\noutputs = "exits"\n',
     "scenario.outputs = 'exits': must be a list of output names"),
    ("wrong type", '[economy]\nwage_growth = "fast"\n',
     "economy.wage_growth = 'fast': must be a number; allowed: a number"),
    ("wrong type of a scenario field", "[scenario]\nname = 3\n",
     "scenario.name = 3: must be text (in quotes)"),
    ("whole number", "[population]\nn_households = 2000.5\n",
     "population.n_households = 2000.5: must be a whole number"),
    ("out of range", toml_assignment(RANGE_PATH, "1.5"),
     f"{RANGE_PATH} = 1.5: too large; allowed: a number from 0 to 1"),
    ("unknown choice", toml_assignment(CHOICE_PATH, '"nonsense"'),
     f"{CHOICE_PATH} = 'nonsense': unknown choice; allowed: one of"),
    ("year no run can reach", "[shocks]\nmigrant_job_loss = {2205 = 0.3}\n",
     "shocks.migrant_job_loss[2205] = 0.3: year 2205 is not a year a run can reach "
     "(1990 to 2100)"),
    ("not a year", '[shocks]\nmigrant_job_loss = {soon = 0.3}\n',
     "shocks.migrant_job_loss[soon]: year keys must be whole years like 2016"),
    ("fixed parameter given by year", toml_assignment(FIXED_PATH, "{2016 = 3000}"),
     f"{FIXED_PATH} = {{'2016': 3000}}: cannot change by year; give one value"),
    ("inconsistent values", "[run]\nend_year = 2012\n",
     "run.end_year = 2012: must be after run.start_year (2012)"),
    ("extends outside the scenario table", 'extends = "baseline.toml"\n',
     "extends = 'baseline.toml': belongs in the [scenario] table"),
    ("parameter outside its section", "p_illness = 0.1\n",
     "p_illness = 0.1: a parameter outside its section; write it under a [health] line"),
    ("section given a value", "health = 0.1\n",
     "health = 0.1: must be a table of parameters"),
    ("empty extends", '[scenario]\nextends = ""\n', "scenario.extends = '': must not be empty"),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in ERROR_KINDS],
                         ids=[k for k, _, _ in ERROR_KINDS])
def test_each_kind_of_problem_names_file_field_value_and_what_is_allowed(tmp_path, text,
                                                                         message):
    bad = write(tmp_path, "bad.toml", text)
    assert f"{bad}: {message}" in problems_of(bad)


def test_unknown_nested_section_suggests_the_right_one(tmp_path):
    nested = next((p for p in INFOS if p.count(".") >= 2), None)  # e.g. a.b.c
    if nested is None:
        pytest.skip("no nested sections yet")
    section, leaf = nested.rsplit(".", 1)
    bad = write(tmp_path, "bad.toml", f"[{section[:-1]}]\n{leaf} = 1\n")
    assert f"{section[:-1]}: unknown section (did you mean '{section}'?)" in problems_of(bad)


def test_keys_that_are_not_bare_are_named_as_the_file_quotes_them(tmp_path):
    # found by the property suite: an empty section name gave a problem with no field
    bad = write(tmp_path, "odd.toml", '[""]\n"" = 0\n[health]\n"a b" = 1\n')
    found = problems_of(bad)
    assert '"": unknown section' in found
    assert 'health."a b" = 1: unknown parameter' in found


def test_budget_shares_over_one_are_refused(tmp_path):
    shares = [p for p in INFOS if p.endswith(".budget_share")]
    if len(shares) < 2:
        pytest.skip("no interventions with budget shares yet")
    text = "".join(toml_assignment(p, "0.9") for p in shares[:2])
    text = "\n".join(dict.fromkeys(text.splitlines()))  # one header per section
    bad = write(tmp_path, "greedy.toml", text)
    assert "budget_share" in problems_of(bad)
    assert "allowed: at most 1" in problems_of(bad)


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    bad = write(tmp_path, "bad.toml", """
[scenario]
nme = "x"
extends = "nowhere.toml"

[run]
end_year = "2019"

[health]
p_ilness = 0.1
p_illness = {2230 = 0.1}

[population]
n_households = -4
""")
    text = problems_of(bad)
    assert text.startswith("6 problems")
    for field in ("scenario.nme", "scenario.extends", "run.end_year", "health.p_ilness",
                  "health.p_illness[2230]", "population.n_households"):
        assert f"{bad}: {field}" in text


def test_missing_or_malformed_file_is_a_clear_error(tmp_path):
    with pytest.raises(PovsimError, match=r"scenario file not found: .*nope\.toml"):
        load_scenario(tmp_path / "nope.toml")
    with pytest.raises(PovsimError, match=r"did you mean .*nope\.toml"):
        load_scenario(tmp_path / "nope")
    broken = write(tmp_path, "broken.toml", "[health\n")
    with pytest.raises(PovsimError, match="not valid TOML"):
        load_scenario(broken)


def test_load_scenarios_lists_the_problems_of_every_file(tmp_path):
    a = write(tmp_path, "a.toml", "[health]\np_illness = 2\n")
    b = write(tmp_path, "b.toml", "[healt]\n")
    with pytest.raises(PovsimError) as err:
        load_scenarios([a, b, tmp_path / "c.toml"])
    text = str(err.value)
    assert text.startswith("3 problems with the scenarios; nothing was run:")
    assert f"{a}: health.p_illness = 2" in text
    assert f"{b}: healt: unknown section" in text
    assert "scenario file not found" in text


# ------------------------------------------------------------------ the reference page
def test_scenario_reference_is_up_to_date():
    text = PAGE.read_text(encoding="utf-8")
    assert render(text) == text, "docs/scenarios.md is stale: run `python -m povsim.docs`"


def test_reference_documents_every_section_and_parameter():
    text = PAGE.read_text(encoding="utf-8")
    for path, info in INFOS.items():
        section, leaf = path.rsplit(".", 1)
        assert f"#### `[{section}]`" in text, section
        assert f"| `{leaf}` |" in text, path
        assert info.doc.split()[0] in text, path


README = ROOT / "README.md"


def _toml_examples() -> list[tuple[Path, str]]:
    return [(page, block) for page in (PAGE, README)
            for block in re.findall(r"```toml\n(.*?)```", page.read_text(encoding="utf-8"), re.S)]


@pytest.mark.parametrize(("page", "example"), _toml_examples())
def test_examples_in_the_docs_are_right(tmp_path, page, example):
    for name in ("baseline.toml", "campaign.toml"):  # the baseline extends the campaign
        shutil.copy(BASELINE.parent / name, tmp_path / name)
    path = write(tmp_path, "mistakes.toml", example)
    if "mistakes on purpose" not in example:
        load_scenario(path)
        return
    shown = page.read_text(encoding="utf-8").split(example, 1)[1]
    expected = re.search(r"```text\n(.*?)```", shown, re.S).group(1)
    actual = problems_of(path)
    lines = [line[4:] for line in expected.splitlines() if line.startswith("  - ")]
    assert lines
    assert f"{len(lines)} problems" in actual
    for line in lines:
        assert line.replace("mistakes.toml", str(path), 1) in actual
