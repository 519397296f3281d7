from pathlib import Path

from povsim.docs import BEGIN, END
from povsim.params import Parameters, iter_params

DOCS = Path(__file__).resolve().parents[1] / "docs"
ODD = DOCS / "ODD.md"
REFERENCE = DOCS / "scenarios.md"


def test_the_odd_links_to_the_one_generated_reference():
    text = ODD.read_text(encoding="utf-8")
    assert "(scenarios.md#parameter-sections)" in text
    assert "(scenarios.md#outputs)" in text
    assert "| parameter |" not in text                   # no second parameter table
    assert "| output | unit | meaning |" not in text


def test_the_reference_is_generated_once_and_lists_every_parameter():
    text = REFERENCE.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1
    assert text.count(END) == 1
    for path, _, _ in iter_params(Parameters()):
        assert f"`{path.rsplit('.', 1)[1]}`" in text, path
