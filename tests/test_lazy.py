"""Packages that import their public attributes on first use (povsim.lazy)."""

import subprocess
import sys

import pytest


def fresh(code: str) -> str:
    """Run ``code`` in a new interpreter (nothing of povsim imported yet); its output."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_public_names_import_on_first_use():
    out = fresh("import sys, povsim\nprint('povsim.model' in sys.modules)\n"
                "print(povsim.PovertyModel.__module__, 'povsim.model' in sys.modules)\n"
                "from povsim.experiments import run, load_results\n"
                "print(run.__module__, load_results.__module__)")
    assert out.splitlines() == ["False", "povsim.model True",
                                "povsim.experiments.api povsim.experiments.store"]


def test_an_exported_function_wins_over_its_module_of_the_same_name():
    # Importing the module povsim.calibration.validate binds it to the package; the
    # package's validate stays the function, as an eager import left it.
    out = fresh("import povsim.calibration.validate\nimport povsim.calibration.calibrate\n"
                "from povsim.calibration import validate, calibrate\n"
                "print(type(validate).__name__, type(calibrate).__name__)")
    assert out == "function function"


def test_an_unknown_name_is_an_attribute_error():
    import povsim.calibration

    with pytest.raises(AttributeError, match="has no attribute 'nonexistent'"):
        povsim.calibration.nonexistent  # noqa: B018
    assert "validate" in dir(povsim.calibration)
