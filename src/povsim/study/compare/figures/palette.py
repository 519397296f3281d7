"""The look of each scenario in every figure: a colour, a line style and a marker of its own.

Up to :data:`MAX_DISTINCT` scenarios each get a colour, a dash pattern and a marker that no
other scenario has, so lines that overlap (two scenarios with nearly the same path) stay
distinguishable, in colour and in grey print alike. The reference, drawn first, is
black and solid. Beyond :data:`MAX_DISTINCT` scenarios the looks repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
           "#8C564B", "#9467BD", "#A6A21C", "#7F7F7F", "#A50026", "#393B79")
"""Scenario colours: black for the reference, then the Okabe-Ito colours (safe for the
common colour-vision deficiencies), then five more."""

DASHES: tuple[tuple[float, ...], ...] = (
    (), (6, 2), (1, 1.5), (6, 2, 1, 2), (3, 1.5), (8, 2, 1, 2, 1, 2), (1, 3), (10, 3),
    (4, 2, 4, 2, 1, 2), (2, 2, 6, 2), (12, 2, 2, 2), (3, 3, 1, 3, 1, 3), (5, 1, 1, 1))
"""Dash patterns (on, off, ... in line widths); ``()`` is a solid line."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d")
"""Marker of each scenario."""

MAX_DISTINCT = min(len(COLOURS), len(DASHES), len(MARKERS))
"""Scenarios that get a look of their own (13: the thirteen single measures)."""


@dataclass(frozen=True)
class Look:
    """How one scenario is drawn.

    Attributes:
        colour: Line, marker and band colour (hex).
        dashes: Dash pattern (empty for a solid line).
        marker: Matplotlib marker.
    """

    colour: str
    dashes: tuple[float, ...]
    marker: str

    @property
    def linestyle(self) -> str | tuple[int, tuple[float, ...]]:
        """The dash pattern as matplotlib's ``linestyle``."""
        return "solid" if not self.dashes else (0, self.dashes)

    def line_kwargs(self) -> dict[str, object]:
        """Keyword arguments of ``Axes.plot`` for this look."""
        return {"color": self.colour, "linestyle": self.linestyle, "marker": self.marker,
                "markersize": 4.5, "linewidth": 1.7}


def looks(scenarios: Sequence[str]) -> dict[str, Look]:
    """A look per scenario, in the order given (the reference first).

    Args:
        scenarios: Scenario names.

    Returns:
        Each scenario's look; distinct in colour, dashes and marker for up to
        :data:`MAX_DISTINCT` scenarios.
    """
    return {name: Look(COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)],
                       MARKERS[i % len(MARKERS)])
            for i, name in enumerate(scenarios)}
