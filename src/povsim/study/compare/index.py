"""An index of several comparisons: their summaries in words, with links to each report.

A study whose questions need different horizons or references (the campaign to 2020
against its counterfactuals; the transition to 2030 against support kept) is run as
several comparisons, each in a subfolder. :func:`write_index` writes ``report.md`` and
``report.html`` in the parent folder: each comparison's summary in words, rebuilt from
its ``summary.csv`` and ``manifest.json``, with links to its full report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from povsim.errors import PovsimError
from povsim.study.compare.comparison import FILES
from povsim.study.compare.document import Block, Heading, Paragraph, to_markdown
from povsim.study.compare.html import to_html
from povsim.study.compare.report import summary_blocks
from povsim.util.atomic import write_text

INDEX_FILES = {"report": FILES["report"], "html": FILES["html"]}
"""Files an index writes in its folder."""


def part_blocks(folder: Path, name: str, *, html: bool) -> list[Block]:
    """One comparison in an index: its heading, what it compared, links, its summary.

    Args:
        folder: The index's folder.
        name: The comparison's subfolder.
        html: Whether the links are for the HTML index (to report.html).

    Returns:
        The comparison's blocks, its summary's heading one level down.

    Raises:
        PovsimError: If the subfolder has no finished comparison.
    """
    part = folder / name
    try:
        manifest = json.loads((part / FILES["manifest"]).read_text(encoding="utf-8"))
        summary = pd.read_csv(part / FILES["summary"])
    except (OSError, ValueError) as exc:
        raise PovsimError(f"{part}: no finished comparison to index ({exc})") from exc
    names = [s["name"] for s in manifest["scenarios"]]
    end_years = manifest.get("end_years") or dict.fromkeys(names, manifest["end_year"])
    seeds = manifest["seeds"]
    report = FILES["html"] if html else FILES["report"]
    years = sorted(set(end_years.values()))
    summary_part = summary_blocks(summary, names, start=manifest["start_year"],
                                  end_years=end_years)
    return [
        Heading(f"{name}: {', '.join(names)}", 2),
        Paragraph(f"{len(names)} scenarios, {len(seeds)} seeds each, {manifest['start_year']} "
                  f"to {' and '.join(map(str, years))}; {len(manifest['runs'])} runs in "
                  f"{manifest['total_seconds']:.0f} s on {manifest['workers']} workers. Full "
                  f"report: [{name}/{report}]({name}/{report}) (tables, figures, how to "
                  f"reproduce); data in `{name}/`."),
        *(Heading(b.text, b.level + 1) if isinstance(b, Heading) else b
          for b in summary_part),
    ]


def write_index(folder: str | Path, parts: Sequence[str], *, title: str = "",
                intro: str = "") -> dict[str, Path]:
    """Write ``report.md`` and ``report.html`` in ``folder``, indexing its comparisons.

    Args:
        folder: The folder holding the comparisons' subfolders.
        parts: The subfolders, in order.
        title: The index's title.
        intro: A paragraph saying what the comparisons are for.

    Returns:
        The files written, by kind.

    Raises:
        PovsimError: If a subfolder has no finished comparison.
    """
    folder = Path(folder)
    head: list[Block] = [Heading(title or f"Comparisons in {folder}", 1)]
    if intro:
        head.append(Paragraph(intro))
    written = {}
    for kind, html in (("report", False), ("html", True)):
        blocks = [*head, *(b for name in parts for b in part_blocks(folder, name, html=html))]
        written[kind] = folder / INDEX_FILES[kind]
        text = to_html(blocks, folder) if html else to_markdown(blocks)
        write_text(written[kind], text)
    for kind, name in FILES.items():  # files of a comparison once written here
        if kind not in INDEX_FILES:
            (folder / name).unlink(missing_ok=True)
    return written
