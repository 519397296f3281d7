"""Generated documentation: the parameter and output tables of docs/ODD.md.

The tables are generated from the parameter declarations and the output registry,
so they cannot drift from the code; ``python -m povsim.docs`` rewrites them and a
test fails when the committed file is stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from povsim.metrics import OUTPUTS
from povsim.params import Parameters
from povsim.params.spec import iter_params, iter_sections

MARKERS = {
    "parameters": ("<!-- BEGIN PARAMETER TABLE (generated: python -m povsim.docs) -->",
                   "<!-- END PARAMETER TABLE -->"),
    "outputs": ("<!-- BEGIN OUTPUT TABLE (generated: python -m povsim.docs) -->",
                "<!-- END OUTPUT TABLE -->"),
}


def _cell(text: object) -> str:
    """One table cell: pipes escaped, line breaks and docstring indentation as one space."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "(none)"
    return str(value)


def parameter_table() -> str:
    """Markdown tables of every parameter, one table per section."""
    params = Parameters()
    docs = {path: doc for path, doc, _ in iter_sections(params)}
    lines: list[str] = []
    current = None
    for path, info, value in iter_params(params):
        section = path.rsplit(".", 1)[0]
        if section != current:
            current = section
            lines += ["", f"**`[{section}]`** {docs.get(section, '')}", "",
                      "| parameter | default | unit | allowed | description | source |",
                      "|---|---|---|---|---|---|"]
        name = path.rsplit(".", 1)[1]
        yearly = " (event)" if info.event else "" if info.yearly else " (fixed)"
        lines.append(
            f"| `{name}` | {_cell(_value(value))} | {_cell(info.unit)} | "
            f"{_cell(info.allowed())}{yearly} | {_cell(info.doc)} | {_cell(info.source)} |"
        )
    return "\n".join(lines).strip() + "\n"


def output_table() -> str:
    """Markdown table of every yearly output."""
    lines = ["| output | unit | meaning |", "|---|---|---|"]
    for name, (reporter, unit) in OUTPUTS.items():
        lines.append(f"| `{name}` | {_cell(unit)} | {_cell((reporter.__doc__ or '').strip())} |")
    return "\n".join(lines) + "\n"


GENERATORS = {"parameters": parameter_table, "outputs": output_table}


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for key, (begin, end) in MARKERS.items():
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"marker {begin!r} not found")
        block = f"{begin}\n{GENERATORS[key]()}{end}"
        text = pattern.sub(lambda _m, b=block: b, text)
    return text


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
    """Rewrite the generated tables of docs/ODD.md (another path may be given)."""
    return rewrite_page(argv, prog="python -m povsim.docs", default=Path("docs/ODD.md"),
                        render_page=render, what="the parameter and output tables of the ODD")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
