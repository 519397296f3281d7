from pathlib import Path

from povsim.docs import render
from povsim.params import Parameters, iter_params

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def test_odd_tables_are_up_to_date():
    text = ODD.read_text(encoding="utf-8")
    assert render(text) == text, "docs/ODD.md is stale: run `python -m povsim.docs`"


def test_odd_lists_every_parameter():
    text = ODD.read_text(encoding="utf-8")
    for path, _, _ in iter_params(Parameters()):
        assert f"`{path.rsplit('.', 1)[1]}`" in text, path
