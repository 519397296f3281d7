"""The parameter reference (docs/scenarios.md), generated from the declarations.

The page's introduction is written by hand; everything between its markers (the
``[scenario]`` fields, the outputs, and every section and parameter with its type,
default, unit, allowed values, whether it can change by year, description and
source) is generated from :data:`povsim.study.scenarios.META_FIELDS`,
:data:`povsim.metrics.OUTPUTS` and the parameter declarations, so it cannot drift. It
is the one reference of the parameters and outputs: docs/ODD.md links to it.
``python -m povsim.docs`` rewrites it; a test fails when the page is stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from povsim.metrics import OUTPUTS
from povsim.params import Parameters
from povsim.params.spec import ParamInfo, YearSchedule, iter_params, iter_sections
from povsim.study.scenarios import META_FIELDS, META_TABLE

BEGIN = "<!-- BEGIN SCENARIO REFERENCE (generated: python -m povsim.docs) -->"
END = "<!-- END SCENARIO REFERENCE -->"
DEFAULT_PAGE = Path("docs/scenarios.md")

KIND_NAMES = {bool: "true/false", int: "whole number", float: "number", str: "text",
              tuple: "list of text"}
"""How each kind of parameter value is called in the reference."""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def toml_value(value: object) -> str:
    """A default value as it would be written in a scenario file."""
    if isinstance(value, YearSchedule):
        changes = ", ".join(f"{year} = {toml_value(v)}" for year, v in value.changes)
        return f"{toml_value(value.base)}, then {{{changes}}}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def anchor(section: str) -> str:
    """HTML anchor of a section's heading in the reference."""
    return "section-" + section.replace(".", "-").replace("_", "-")


def _allowed(info: ParamInfo) -> str:
    if info.kind in (str, tuple):
        return ", ".join(f"`{c}`" for c in info.choices or ())
    return info.allowed()


def meta_table() -> str:
    """Markdown table of the ``[scenario]`` fields."""
    lines = ["| field | type | default | inherited by `extends` | description |",
             "|---|---|---|---|---|"]
    for name, spec in META_FIELDS.items():
        kind = "list of text" if spec.kind is list else "text"
        lines.append(f"| `{name}` | {kind} | {_cell(spec.default)} | "
                     f"{'yes' if spec.inherited else 'no'} | {_cell(spec.doc)} |")
    return "\n".join(lines) + "\n"


def outputs_table() -> str:
    """Markdown table of the outputs a scenario may name in ``outputs``."""
    lines = ["| output | unit | meaning |", "|---|---|---|"]
    for name, (reporter, unit) in OUTPUTS.items():
        if name == "year":
            continue
        doc = " ".join((reporter.__doc__ or "").split())
        lines.append(f"| `{name}` | {_cell(unit)} | {_cell(doc)} |")
    return "\n".join(lines) + "\n"


def sections_reference() -> str:
    """Markdown reference of every section and parameter, in declaration order."""
    params = Parameters()
    sections = list(iter_sections(params))
    lines = ["Sections: " + ", ".join(f"[`[{path}]`](#{anchor(path)})"
                                      for path, _, _ in sections), ""]
    for path, doc, section in sections:
        own = [(p, info, value) for p, info, value in iter_params(section, f"{path}.")
               if "." not in p.removeprefix(f"{path}.")]
        nested = [s for s, _, _ in sections
                  if s.startswith(f"{path}.") and "." not in s.removeprefix(f"{path}.")]
        lines += [f'<a id="{anchor(path)}"></a>', "", f"#### `[{path}]`", "", doc, ""]
        if nested:
            lines += ["Holds the sections " + ", ".join(
                f"[`[{s}]`](#{anchor(s)})" for s in nested) + ".", ""]
        if not own:
            continue
        lines += ["| parameter | type | default | unit | allowed | by year | description "
                  "| source |", "|---|---|---|---|---|---|---|---|"]
        for p, info, value in own:
            name = p.rsplit(".", 1)[1]
            lines.append(
                f"| `{name}` | {KIND_NAMES[info.kind]} | `{_cell(toml_value(value))}` | "
                f"{_cell(info.unit)} | {_cell(_allowed(info))} | "
                f"{'event' if info.event else 'yes' if info.yearly else 'no'} | "
                f"{_cell(info.doc)} | "
                f"{_cell(info.source)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def reference() -> str:
    """The whole generated part of docs/scenarios.md."""
    return "\n".join([
        f"### The `[{META_TABLE}]` table", "", meta_table(),
        "### Outputs", "",
        "Names allowed in `outputs` (every output is always in `runs.csv`):", "",
        outputs_table(),
        "### Parameter sections", "",
        "Every parameter has a default; a scenario sets only what it changes. \"by year: "
        "yes\" means the value may be a year table such as `{2016 = 0.8}`, each value "
        "holding until the next; \"event\" means a year table of one-off events, each "
        "value applying in its own year only.", "",
        sections_reference(),
    ])


def render(text: str) -> str:
    """``text`` with the generated block replaced by its current content.

    Args:
        text: The page.

    Returns:
        The page with a fresh reference between the markers.

    Raises:
        ValueError: If the markers are missing.
    """
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"marker {BEGIN!r} not found")
    block = f"{BEGIN}\n\n{reference()}\n{END}"
    return pattern.sub(lambda _m: block, text)


def rewrite_page(argv: list[str] | None, *, prog: str, default: Path,
                 render_page: Callable[[str], str], what: str) -> int:
    """Command line of a generated page: rewrite its generated blocks in place.

    Args:
        argv: Arguments (``sys.argv[1:]`` if ``None``): an optional path to the page.
        prog: Program name for the usage line (``python -m ...``).
        default: The page rewritten when no path is given.
        render_page: Returns the page's text with its generated blocks renewed.
        what: What is generated, for the help text.

    Returns:
        0 when the page was rewritten, 2 when it is missing or lacks its markers.
    """
    parser = argparse.ArgumentParser(prog=prog, description=f"Rewrite {what} in place.")
    parser.add_argument("page", nargs="?", type=Path, default=default,
                        help=f"the page to rewrite (default: {default})")
    path = parser.parse_args(argv).page
    try:
        text = path.read_text(encoding="utf-8")
        path.write_text(render_page(text), encoding="utf-8")
    except OSError as exc:
        print(f"{prog}: cannot rewrite {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"{prog}: {path}: {exc}", file=sys.stderr)
        return 2
    print(f"updated {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated reference of docs/scenarios.md (another path may be given)."""
    return rewrite_page(argv, prog="python -m povsim.docs", default=DEFAULT_PAGE,
                        render_page=render, what="the parameter and output reference")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
