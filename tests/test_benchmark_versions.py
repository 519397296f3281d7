"""benchmarks/versions.py times two source folders alternately and reports the ratios."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "versions.py"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, check=False, cwd=ROOT)


def test_the_same_version_against_itself_gives_both_ratios():
    done = run("src", "src", "--pairs", "1", "--households", "1000",
               "--set-after", "population.villages_per_township=3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("pair 1: years ")
    assert lines[1].startswith("the years alone: median ")
    assert lines[2].startswith("setup included: median ")


def test_a_folder_without_povsim_and_a_bad_setting_are_refused():
    assert "not a source folder" in run("tests", "src").stderr
    assert "expected KEY=VALUE" in run("src", "src", "--set-before", "oops").stderr
