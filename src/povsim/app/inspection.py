"""Inspecting a household: click it in the village network, read its story.

The network picture reports where it was clicked (a small Vue template,
``clickable_image.vue``); :meth:`~povsim.app.panels.NetworkPanel.household_at` finds
the household drawn there, and :class:`HouseholdStory` shows what the run recorded of
it (:class:`~povsim.app.history.HouseholdHistory`): its income against the poverty line
by year, its registered status, the help it received and the shocks it suffered.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import solara

from povsim.app import panels
from povsim.app.levers import Exploration
from povsim.model import PovertyModel


@solara.component_vue("clickable_image.vue")
def ClickableImage(src: str, css_class: str, alt: str,
                   event_pick: Callable[[dict[str, float]], None]) -> None:
    """A picture that calls ``event_pick({"x": .., "y": ..})`` where it is clicked.

    Args:
        src: The picture (a ``data:`` URL).
        css_class: CSS class of the ``img`` element.
        alt: Text for screen readers.
        event_pick: Called with the click's position as fractions of the picture's
            width and height (0, 0 at the top left).
    """


def data_url(svg: bytes) -> str:
    """An SVG picture as a ``data:`` URL (for an ``img`` element's ``src``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def busiest_village(model: PovertyModel) -> int:
    """The village (not a resettlement site) with the most poor households now."""
    hh, villages = model.households, model.villages
    poor = np.bincount(hh.village[hh.poor], minlength=villages.n)
    poor[villages.is_site] = -1
    return int(np.argmax(poor))


@solara.component
def NetworkView(exploration: Exploration, step: int, inspected: solara.Reactive) -> None:
    """The village network (a village list and its picture); a click inspects a household.

    Args:
        exploration: The run.
        step: The model's step count (the picture is redrawn when it changes).
        inspected: The household inspected, as ``(exploration, row)`` or ``None``.
    """
    model = exploration.model
    busiest = solara.use_memo(lambda: busiest_village(model), [exploration])
    chosen = solara.use_reactive(busiest)  # back to the busiest village when that changes
    village = chosen.value if 0 <= chosen.value < model.villages.n else busiest
    labels = {panels.village_label(model, v): v for v in range(model.villages.n)}
    row = inspected_row(inspected.value, exploration)

    def pick_village(label: str) -> None:
        if label in labels:
            chosen.set(labels[label])

    solara.Select("Village", values=list(labels), value=panels.village_label(model, village),
                  on_value=pick_village, dense=True)
    panel = solara.use_memo(lambda: panels.NetworkPanel(village), [exploration, village])
    svg = solara.use_memo(lambda: panels.to_svg(panel.update(model, row)),
                          [exploration, village, step, row])

    def pick(where: dict[str, Any]) -> None:
        found = panel.household_at(float(where["x"]), float(where["y"]))
        if found is not None:
            inspected.set((exploration, found))

    ClickableImage(src=data_url(svg), css_class="povsim-network", event_pick=pick,
                   alt=f"households of village {village} on their ties; click one to "
                   "read its story")
    solara.Text("Click a household to read its story.", style={"font-size": "0.8em"})
    if row is not None:
        HouseholdStory(exploration, row, step, on_close=lambda: inspected.set(None))


def inspected_row(inspected: tuple[Exploration, int] | None,
                  exploration: Exploration) -> int | None:
    """The row inspected in ``exploration`` (``None`` if none, or one of another run)."""
    if inspected is None or inspected[0] is not exploration:
        return None
    return inspected[1]


@solara.component
def HouseholdStory(exploration: Exploration, row: int, step: int,
                   on_close: Callable[[], None]) -> None:
    """A household's story: income against the line by year, and a table of the years."""
    story = exploration.history.story(row)
    model = exploration.model
    last = story.iloc[-1]
    years = (model.params.run.start_year, exploration.last_year)
    panel = solara.use_memo(lambda: panels.HouseholdPanel(years), [exploration, years])
    svg = solara.use_memo(lambda: panels.to_svg(panel.update(story)),
                          [exploration, years, step, row])
    village = int(model.households.village[row])
    with solara.Div(classes=["povsim-story"]):
        with solara.Row(justify="space-between", style={"align-items": "center"}):
            members = int(last["members"])
            solara.Text(f"Household {row}, village {village}: {members} member"
                        f"{'s' if members != 1 else ''}, {last['status']} in {last['year']}",
                        style={"font-weight": "bold"}, classes=["povsim-story-title"])
            solara.Button("Close", on_click=on_close, text=True, dense=True)
        solara.HTML(tag="img", attributes={"src": data_url(svg), "style": "width: 100%",
                                           "alt": f"income of household {row} by year"})
        solara.HTML(tag="div", unsafe_innerHTML=story_table(story),
                    classes=["povsim-story-table"])


def story_table(story: pd.DataFrame) -> str:
    """The story as an HTML table: a year a line, what changed in bold.

    Args:
        story: :meth:`~povsim.app.history.HouseholdHistory.story` of a household.

    Returns:
        The table (every text escaped).
    """
    def cell(text: str, bold: bool = False) -> str:
        text = html.escape(text)
        return f"<td><b>{text}</b></td>" if bold else f"<td>{text}</td>"

    rows = []
    for line in story.itertuples(index=False):
        helped = ", ".join(
            f"<b>{html.escape(h)}</b>" if h in line.new_help else html.escape(h)
            for h in line.help) or "none"
        rows.append(
            "<tr>" + cell(str(line.year))
            + cell(f"{line.income_pc:,.0f}", bold=line.poor) + cell(f"{line.line:,.0f}")
            + cell(line.status, bold=line.status_changed)
            + f"<td>{helped}</td>" + cell(", ".join(line.shocks))
            + "</tr>")
    head = ("<tr><th>year</th><th>income per person</th><th>poverty line</th>"
            "<th>registered status</th><th>help (new in bold)</th><th>shocks</th></tr>")
    return ("<table style='font-size: 0.8em; border-collapse: collapse; width: 100%'>"
            f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>")
