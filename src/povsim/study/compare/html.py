"""A report's blocks as one self-contained HTML page: figures inline, nothing fetched.

Each figure is embedded as a base64 ``data:`` URI, so report.html can be mailed or
opened anywhere on its own; the page has its style inline and loads no script, font or
stylesheet from anywhere.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path

from povsim.study.compare.document import (
    Block,
    Bullets,
    Code,
    Figure,
    Heading,
    Paragraph,
    Table,
)

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 1150px; margin: 2em auto; padding: 0 1em; line-height: 1.5;
       color: #1a1a1a; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
h3 { margin-top: 1.4em; }
.table { overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td { font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
code { background: #f3f3f3; padding: 0 0.2em; border-radius: 3px; font-size: 0.92em; }
pre { background: #f3f3f3; padding: 0.8em; overflow-x: auto; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9em; }
li { margin: 0.4em 0; }
"""
"""The page's style, inline."""

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def inline(text: str) -> str:
    """Markdown's inline marks as HTML, the rest escaped.

    ``**bold**``, ```code``` and ``[text](link)`` become ``<strong>``, ``<code>``, ``<a>``.
    """
    parts = _CODE.split(text)  # odd parts are code
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{html.escape(part)}</code>")
            continue
        escaped = html.escape(part, quote=False)
        escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
        escaped = _LINK.sub(lambda m: f'<a href="{html.escape(m[2])}">{m[1]}</a>', escaped)
        out.append(escaped)
    return "".join(out)


def anchor(text: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, marks dropped, spaces as ``-``."""
    plain = re.sub(r"[^\w\- ]", "", re.sub(r"[*`]", "", text).lower())
    return plain.replace(" ", "-")


def image_source(folder: Path, file: str) -> str:
    """A figure's ``src``: the PNG as a base64 data URI, or its file name if it is missing."""
    path = folder / file
    if not path.is_file():
        return html.escape(file)
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _html_block(block: Block, folder: Path) -> str:
    match block:
        case Heading(text, level):
            return f'<h{level} id="{anchor(text)}">{inline(text)}</h{level}>'
        case Paragraph(text):
            return f"<p>{inline(text)}</p>"
        case Bullets(items):
            return "<ul>\n" + "\n".join(f"<li>{inline(i)}</li>" for i in items) + "\n</ul>"
        case Table(header, rows):
            head = "".join(f"<th>{inline(h)}</th>" for h in header)
            body = "\n".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>"
                             for row in rows)
            return (f'<div class="table"><table>\n<thead><tr>{head}</tr></thead>\n'
                    f"<tbody>\n{body}\n</tbody></table></div>")
        case Figure(file, caption):
            return (f'<figure><img src="{image_source(folder, file)}" '
                    f'alt="{html.escape(caption)}">'
                    f"<figcaption>{inline(caption)}</figcaption></figure>")
        case Code(text, _):
            return f"<pre><code>{html.escape(text)}</code></pre>"
    raise TypeError(f"not a report block: {block!r}")


def to_html(blocks: Sequence[Block], folder: str | Path) -> str:
    """The report as a self-contained HTML page.

    Args:
        blocks: The report.
        folder: Folder of the figures' files (read and embedded).

    Returns:
        The page's HTML text; its title is the first level-1 heading.
    """
    folder = Path(folder)
    titles = [b.text for b in blocks if isinstance(b, Heading) and b.level == 1]
    page_title = html.escape(re.sub(r"[*`]", "", titles[0])) if titles else "povsim report"
    body = "\n".join(_html_block(b, folder) for b in blocks)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{page_title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")
