"""A report as a list of blocks, written as Markdown (the HTML is in :mod:`.html`).

A report is built once, as blocks (headings, paragraphs, lists, tables, figures, code),
and written in each format from them, so report.md and report.html say the same. Text
in blocks may use Markdown's inline marks: ``**bold**``, ```code```, ``[text](link)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is the title."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A list of items, each a short paragraph."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table: a header row and rows of cells (text)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    """A figure: an image file beside the report, and its caption."""

    file: str
    caption: str


@dataclass(frozen=True)
class Code:
    """A block of code (a command line)."""

    text: str
    language: str = ""


Block = Heading | Paragraph | Bullets | Table | Figure | Code
"""Anything a report is made of."""


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    """A :class:`Table` from any cells (each written with ``str``)."""
    return Table(tuple(header), tuple(tuple(str(c) for c in row) for row in rows))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Lines of a Markdown table (cells with ``|`` or newlines are escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(str(c)) for c in row) + " |" for row in rows]
    return lines


def _markdown_block(block: Block) -> list[str]:
    match block:
        case Heading(text, level):
            return ["#" * level + " " + text]
        case Paragraph(text):
            return [text]
        case Bullets(items):
            return [f"- {item}" for item in items]
        case Table(header, rows):
            return markdown_table(header, rows)
        case Figure(file, caption):
            return [f"![{caption}]({file})"]
        case Code(text, language):
            return [f"```{language}", text, "```"]
    raise TypeError(f"not a report block: {block!r}")


def to_markdown(blocks: Sequence[Block]) -> str:
    """The report as Markdown: blocks separated by blank lines, ending with a newline."""
    return "\n\n".join("\n".join(_markdown_block(b)) for b in blocks).rstrip() + "\n"
