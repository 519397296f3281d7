import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from povsim.cli import main, parse_assignment

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
SMALL = ["--set", "population.n_households=2000", "--set", "population.villages_per_township=3"]


def test_run_writes_table_summary_and_plot(tmp_path):
    out = tmp_path / "run"
    code = main(["run", BASELINE, "--seed", "3", "--out", str(out), "--quiet",
                 *SMALL])
    assert code == 0
    table = pd.read_csv(out / "timeseries.csv")
    assert table["year"].tolist() == list(range(2012, 2021))
    assert {"headcount_rate", "entries", "exits", "returns", "gini"} <= set(table.columns)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3
    assert summary["households"] == 2000
    assert summary["scenario"] == "baseline"
    assert len(summary["scenario_sha256"]) == 64
    assert summary["headcount_path"]["2012"] == pytest.approx(table.headcount_rate[0], abs=1e-3)
    png = (out / "headcount.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_same_seed_same_table(tmp_path):
    for name in ("a", "b"):
        main(["run", BASELINE, "--seed", "8", "--out", str(tmp_path / name),
              "--quiet", *SMALL])
    assert (tmp_path / "a" / "timeseries.csv").read_bytes() == \
        (tmp_path / "b" / "timeseries.csv").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing.toml"], "scenario file not found: missing.toml"),
        (["run", BASELINE, "--set", "health.p_ilness=0.1"],
         "did you mean 'health.p_illness'"),
        (["run", BASELINE, "--set", "population.n_households=-5"],
         "population.n_households = -5: too small; allowed: a whole number from 10"),
        (["run", BASELINE, "--set", "health.p_illness=2"],
         "health.p_illness = 2: too large; allowed: a number from 0 to 1"),
        (["run", BASELINE, "--set", "oops"], "--set expects PATH=VALUE"),
    ],
)
def test_user_errors_exit_2_with_a_clear_message(args, message, capsys, tmp_path):
    code = main([*args, "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_bad_scenario_file_names_file_and_fields(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[healt]\np_illness = 0.1\n[economy]\nwage_growth = "fast"\n')
    code = main(["run", str(bad), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}: healt: unknown section (did you mean 'health'?)" in err
    syntax = tmp_path / "syntax.toml"
    syntax.write_text("[health\n")
    assert main(["run", str(syntax)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_parse_assignment_reads_toml_values():
    assert parse_assignment("a.b=0.5") == ("a.b", 0.5)
    assert parse_assignment("a.b=true") == ("a.b", True)
    assert parse_assignment("a.b={2020=0.25}") == ("a.b", {"2020": 0.25})
    assert parse_assignment("a.b=need_based") == ("a.b", "need_based")


def test_console_script_runs_as_a_module(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "povsim", "run", BASELINE, "--out",
         str(tmp_path / "m"), *SMALL],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    # aligned to 10.2% in 2012, to within one household of 2,000 (about 0.1 point)
    start = re.search(r"headcount: 2012: (\d+\.\d)%", result.stdout)
    assert start is not None, result.stdout
    assert abs(float(start.group(1)) - 10.2) <= 0.15


def test_check_validates_without_running(tmp_path, capsys):
    child = tmp_path / "child.toml"
    child.write_text(f'[scenario]\nname = "child"\nextends = "{Path(BASELINE).as_posix()}"\n'
                     "[health]\np_illness = {2016 = 0.1}\n")
    assert main(["check", BASELINE, str(child)]) == 0
    out = capsys.readouterr().out
    campaign = Path(BASELINE).with_name("campaign.toml")
    assert f"ok: {BASELINE} (scenario baseline, extends {campaign})" in out
    assert f"ok: {child} (scenario child, extends {BASELINE} -> {campaign})" in out


def test_check_notes_a_year_table_that_replaces_the_parents(tmp_path, capsys):
    parent = tmp_path / "parent.toml"
    parent.write_text(f'[scenario]\nextends = "{Path(BASELINE).as_posix()}"\n'
                      "[health]\np_illness = {2014 = 0.08, 2018 = 0.06}\n")
    child = tmp_path / "child.toml"
    child.write_text('[scenario]\nextends = "parent.toml"\n[health]\np_illness = {2016 = 0.1}\n')
    assert main(["check", str(child)]) == 0
    out = capsys.readouterr().out
    assert f"  note: {child}: health.p_illness: this file's year table replaces the one of " \
           f"{parent} ({{2014 = 0.08, 2018 = 0.06}}) from 2016 on (its changes in 2018 no " \
           "longer apply); in force: {" in out
    assert out.rstrip().endswith("2014 = 0.08, 2016 = 0.1}")
    assert main(["run", str(child), "--years", "1", "--out", str(tmp_path / "o"), *SMALL]) == 0
    assert f"povsim: note: {child}: health.p_illness" in capsys.readouterr().err


def test_check_lists_the_years_of_a_table_after_the_runs_end(tmp_path, capsys):
    later = tmp_path / "later.toml"
    later.write_text("[run]\nend_year = 2020\n"
                     "[shocks]\nmigrant_job_loss = {2018 = 0.1, 2031 = 0.2, 2033 = 0.1}\n")
    assert main(["check", str(later)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"  note: {later}: shocks.migrant_job_loss: 2031, 2033 after the run's end year "
        "(2020): nothing in this run; applies when the run is extended"]
    assert main(["check", BASELINE]) == 0
    assert "note" not in capsys.readouterr().out


def test_check_lists_every_problem_of_every_file_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[health]\np_ilness = 0.1\np_illness = 3\n")
    code = main(["check", BASELINE, str(bad), str(tmp_path / "none.toml")])
    captured = capsys.readouterr()
    assert code == 2
    assert f"ok: {BASELINE}" in captured.out
    assert f"invalid: {bad} (2 problems):" in captured.err
    assert f"{bad}: health.p_ilness = 0.1: unknown parameter (did you mean 'health.p_illness'?)" \
        in captured.err
    assert f"{bad}: health.p_illness = 3: too large" in captured.err
    assert "scenario file not found" in captured.err
    assert "2 of 3 files invalid" in captured.err
    assert "Traceback" not in captured.err


def test_outputs_lists_names_and_units(capsys):
    assert main(["outputs", "headcount"]) == 0
    assert "headcount_rate  [percent of persons]" in capsys.readouterr().out


def test_run_accepts_a_scenario_that_extends_another(tmp_path):
    child = tmp_path / "child.toml"
    child.write_text(f'[scenario]\nextends = "{Path(BASELINE).as_posix()}"\n')
    code = main(["run", str(child), "--out", str(tmp_path / "o"), "--quiet", "--years", "1",
                 *SMALL])
    assert code == 0
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["scenario"] == "child"


def test_summaries_are_strict_json_whatever_the_numbers():
    from povsim.util.jsonable import jsonable

    value = {"nan": np.float64("nan"), "inf": float("inf"), 3: np.int8(4),
             "rows": (np.float32(0.5), Path("a/b"))}
    plain = jsonable(value)
    assert json.loads(json.dumps(plain, allow_nan=False)) == {
        "nan": None, "inf": None, "3": 4, "rows": [0.5, "a/b"]}


# ------------------------------------------------------------------ conventions
HEAVY_MODULES = ("numpy", "pandas", "matplotlib", "mesa", "scipy", "povsim.model")
"""Modules ``povsim --help`` must not import (they take seconds together)."""


def subcommands() -> dict:
    from povsim.cli import build_parser

    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


def test_help_imports_no_heavy_module():
    code = ("import sys\nfrom povsim.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit as exit:\n    assert exit.code == 0\n"
            f"print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert "usage: povsim" in result.stdout
    assert result.stdout.strip().endswith("[]")


def test_version_prints_the_installed_version(capsys):
    import povsim

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"povsim {povsim.__version__}\n"


def test_every_subcommand_has_a_description_and_a_help_line():
    commands = subcommands()
    assert {"run", "check", "compare", "params", "outputs", "validate", "calibrate", "app",
            "sweep", "results", "analyze"} <= set(commands)
    from povsim.cli import build_parser

    listing = build_parser().format_help()
    for name, parser in commands.items():
        assert parser.description, name
        assert len(parser.description) > 40, name
        assert parser.description in " ".join(parser.format_help().split()), name
        assert f"\n    {name}" in listing, name  # listed with its help line


@pytest.mark.parametrize("command", ["run", "compare", "validate", "calibrate", "sweep"])
def test_commands_with_progress_bars_take_progress_and_no_progress(command):
    parser = subcommands()[command]
    assert "--progress, --no-progress" in parser.format_help()


@pytest.mark.parametrize(("argv", "terminal", "default", "shown"), [
    ([], True, True, True),
    ([], False, True, False),  # a log file or a CI job: no bar
    ([], True, False, False),  # povsim run of a small population
    (["--progress"], False, True, True),
    (["--progress"], False, False, True),
    (["--no-progress"], True, True, False),
    (["--progress", "--quiet"], True, True, False),
])
def test_progress_bars_only_on_a_terminal_unless_asked(argv, terminal, default, shown,
                                                       monkeypatch):
    import argparse

    from povsim.cli.options import add_progress_option, show_progress

    parser = argparse.ArgumentParser()
    add_progress_option(parser)
    parser.add_argument("--quiet", action="store_true")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    assert show_progress(parser.parse_args(argv), default=default) is shown


def test_run_writes_a_progress_bar_only_when_asked(tmp_path, capsys):
    args = ["run", BASELINE, "--out", str(tmp_path / "o"), "--years", "2", *SMALL]
    assert main(args) == 0
    assert "years" not in capsys.readouterr().err  # not a terminal: no bar
    assert main([*args, "--progress"]) == 0
    assert "years:" in capsys.readouterr().err
