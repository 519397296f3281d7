"""Generated documentation: the parameter and output tables of docs/ODD.md.

The tables are generated from the parameter declarations and the output registry,
so they cannot drift from the code; ``python -m povsim.docs`` rewrites them and a
test fails when the committed file is stale.
"""

from __future__ import annotations

import re
import sys
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
    return str(text).replace("|", "\\|").replace("\n", " ")


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
        yearly = "" if info.yearly else " (fixed)"
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


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated tables of docs/ODD.md (path may be given)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else Path("docs/ODD.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
