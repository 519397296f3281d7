"""Packages that import their public attributes on first use (povsim.util.lazy)."""

import subprocess
import sys

import pytest


def fresh(code: str, cwd=None) -> str:
    """Run ``code`` in a new interpreter (nothing of povsim imported yet); its output."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=cwd).stdout.strip()


def test_public_names_import_on_first_use():
    out = fresh("import sys, povsim\nprint('povsim.model' in sys.modules)\n"
                "print(povsim.PovertyModel.__module__, 'povsim.model' in sys.modules)\n"
                "from povsim import run, load_results\n"
                "print(run.__module__, load_results.__module__)")
    assert out.splitlines() == ["False", "povsim.model True",
                                "povsim.study.api povsim.study.store"]


def test_an_exported_function_wins_over_its_module_of_the_same_name(tmp_path):
    # Importing the module pkg.validate binds it to the package; the package's validate
    # stays the function, as an eager import left it.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from povsim.util.lazy import import_on_first_use\n"
        "import_on_first_use(__name__, {'validate': 'pkg.validate', "
        "'calibrate': 'pkg.calibrate'})\n")
    for name in ("validate", "calibrate"):
        (package / f"{name}.py").write_text(f"def {name}():\n    pass\n")
    out = fresh("import sys\nsys.path.insert(0, '.')\n"
                "import pkg.validate\nimport pkg.calibrate\n"
                "from pkg import validate, calibrate\n"
                "print(type(validate).__name__, type(calibrate).__name__)", cwd=tmp_path)
    assert out == "function function"


def test_the_face_hands_on_functions_not_their_modules():
    # povsim.validate is the function of povsim.study.calibration.validate, whatever
    # was imported first.
    out = fresh("import povsim.study.calibration.validate\n"
                "import povsim.study.calibration.calibrate\n"
                "from povsim import validate, calibrate\n"
                "print(type(validate).__name__, type(calibrate).__name__)")
    assert out == "function function"


def test_an_unknown_name_is_an_attribute_error():
    import povsim

    with pytest.raises(AttributeError, match="has no attribute 'nonexistent'"):
        povsim.nonexistent  # noqa: B018
    assert "validate" in dir(povsim)
