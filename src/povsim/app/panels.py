"""The panels of the browser app: matplotlib figures of a model and its outputs.

Each panel draws its :class:`matplotlib.figure.Figure` once (never with pyplot, so
that sessions and threads share no state) and its ``update`` brings it up to date in
place each year; the page shows the figures with Solara. Panels take plain outputs and
arrays (the network panel, the model), so tests and scripts can draw the same pictures.
"""

from __future__ import annotations

import io
from collections import deque
from dataclasses import dataclass

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from povsim.model import PovertyModel
from povsim.params.policy import INTERVENTION_NAMES
from povsim.status import CAUSE_NAMES, RegStatus, registered_as_poor

FIG_DPI = 80
"""Resolution of the panels (dots per inch): sharp enough on screen, quick to encode."""

FIG_SIZE = (6.4, 4.0)
"""Width and height of a panel in inches (512 x 320 pixels at :data:`FIG_DPI`)."""

NETWORK_FIG_SIZE = (6.4, 4.0)
"""Width and height of the network panel in inches."""

NETWORK_AXES = (0.0, 0.0, 0.64, 0.88)
"""Where the network sits in its figure (left, bottom, width, height as fractions); the
legend takes the right of the figure."""

PER_THOUSAND = 1000
"""Flows are shown per this many households, so runs of different sizes compare."""

MILLION = 1e6
"""Yuan per million yuan."""

INCOME_RANGE_LINES = 6
"""The income histogram spans 0 to this many poverty lines (higher incomes in the last bin)."""

INCOME_BINS = 48
"""Bins of the income histogram (8 per poverty line)."""

BELOW_LINE_COLOUR, ABOVE_LINE_COLOUR = "#d62728", "#7f7f7f"
"""Colours of the income bins below and above the poverty line."""

LAYOUT_SEED = 7
"""Seed of the network layout (its own generator: drawing never touches the model's)."""

MAX_LAYOUT_NODES = 200
"""Most households the network panel draws; of a larger village it draws a sample (see
:func:`shown_households`). networkx's spring layout grows faster than the households:
on a 2-core machine 200 take about 0.08 s, 400 about 0.6 s, and the busiest village of
50,000 households (881) took 6.4 s on every Reset. 200 keeps a step well under half a
second and is as many as the panel shows legibly."""

SAMPLE_SEED = 11
"""Seed of the order in which a large village's households start the sample (its own
generator: drawing never touches the model's)."""

HEADROOM = 1.08
"""Room above the highest bar of a panel (a multiple of its height)."""

REFERENCE_STYLE = {"linestyle": "--", "alpha": 0.7}
"""How the reference run is drawn beside the current one."""

TIE_COLOUR, KIN_COLOUR = "#c7c7c7", "#8c6d31"
"""Colours of neighbour ties and kinship ties in the network view."""

NODE_SIZE, ROLE_NODE_SIZE, ENTERPRISE_SIZE = 45, 70, 260
"""Marker areas (points squared) of a household, a household with a role, an enterprise."""

HELPER_RING, PLAIN_RING = 1.6, 0.4
"""Edge widths (points) of a household with a pairing helper (black) and without (white)."""

INSPECTED_SIZE, INSPECTED_RING, INSPECTED_COLOUR = 260, 2.0, "#0b5394"
"""Marker area, ring width and colour of the ring around the household being inspected."""

PICK_RADIUS = 12
"""Farthest a click may land from a household (pixels of the figure) to pick it."""

TIE_WIDTH, KIN_WIDTH, WORKER_TIE_WIDTH = 0.6, 0.9, 0.6
"""Line widths (points) of neighbour ties, kinship ties and enterprise-worker lines."""

TIE_LAYER, WORKER_TIE_LAYER, HOUSEHOLD_LAYER, ENTERPRISE_LAYER = 1, 2, 3, 4
"""Drawing order (matplotlib zorder) of the network view's ties, enterprise-worker lines,
households and enterprises."""


@dataclass(frozen=True, slots=True)
class Status:
    """A household status shown in the network view.

    Attributes:
        label: Legend text.
        colour: Fill colour.
    """

    label: str
    colour: str


STATUSES: tuple[Status, ...] = (
    Status("never poor", "#d9d9d9"),
    Status("poor, registered", "#d62728"),
    Status("poor, unregistered", "#ff7f0e"),
    Status("registered, not poor", "#e7ba52"),
    Status("left poverty uncertified", "#98df8a"),
    Status("exited (certified)", "#2ca02c"),
    Status("returned after exit", "#9467bd"),
    Status("relocated", "#1f77b4"),
)
"""Statuses, in the order of their codes (see :func:`household_status`)."""

(NEVER_POOR, POOR_REGISTERED, POOR_UNREGISTERED, REGISTERED_NOT_POOR, LEFT_UNCERTIFIED,
 EXITED, RETURNED, RELOCATED) = range(len(STATUSES))


def household_status(model: PovertyModel, rows: np.ndarray) -> np.ndarray:
    """Status code of each household in ``rows`` (an index into :data:`STATUSES`).

    Relocated comes first, then returned (re-registered, or below the line again since
    a certified exit), exited, and the four combinations of true and registered status.
    """
    hh = model.households
    reg = hh.reg_status[rows]
    poor = hh.poor[rows]
    registered = registered_as_poor(reg)
    status = np.select(
        [
            hh.relocated[rows],
            (reg == RegStatus.RETURNED) | model.registry.fell_back[rows],
            reg == RegStatus.EXITED,
            poor & registered,
            poor,
            registered,
            hh.ever_exited[rows],
        ],
        [RELOCATED, RETURNED, EXITED, POOR_REGISTERED, POOR_UNREGISTERED, REGISTERED_NOT_POOR,
         LEFT_UNCERTIFIED],
        default=NEVER_POOR,
    )
    return status.astype(np.int8)


def to_svg(figure: Figure) -> bytes:
    """The figure as SVG with text left as text (the browser draws it: faster than PNG)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def _years_axis(ax, start: int, end: int) -> None:
    ax.set_xlim(start - 0.3, end + 0.3)
    ax.set_xticks(range(start, end + 1))
    ax.grid(alpha=0.3)


# ------------------------------------------------------------------ time series
FLOWS = (
    ("exits_registered", "certified exits", "#2ca02c"),
    ("returns_registered", "returned to the registry", "#9467bd"),
    ("returns_after_exit", "poor again after exit", "#8c564b"),
)
"""Flows in the lower half of the poverty panel: output, label, colour."""

LEVELS = (
    ("headcount_rate", "poor (% of persons)", "#d62728"),
    ("registered_rate", "registered (% of households)", "#1f77b4"),
)
"""Levels in the upper half of the poverty panel: output, label, colour."""

INTERVENTION_COLOURS = (*(f"C{i}" for i in range(10)), "#393b79", "#dbdb8d", "#ff9896")
"""One colour per intervention, no two alike: matplotlib's ten, then an indigo, a khaki
and a salmon (of its tab20 palettes, the three furthest from the ten and each other). A
new intervention needs one here, or the spending panel raises (it never drops one)."""


class Panel:
    """A figure drawn once and brought up to date in place every year.

    Updating the data of existing artists is much cheaper than building axes, ticks
    and legends again, which keeps a step of the page quick.

    Attributes:
        figure: The figure.
    """

    figure: Figure


def fit_y(ax) -> None:
    """Set the y-axis of ``ax`` from 0 to a little above the highest point of its lines.

    Set every time the data change: matplotlib's autoscaling stops for good once a
    limit is set by hand (``set_ylim(bottom=0)`` froze the flows chart at its first
    range, and the curves of a first run left the chart).
    """
    values = [np.asarray(line.get_ydata(), float) for line in ax.get_lines()]
    finite = [v[np.isfinite(v)] for v in values]
    top = max((v.max() for v in finite if len(v)), default=0.0)
    ax.set_ylim(0, HEADROOM * top if top > 0 else 1)


def year_legend(ax, now, start, year: int, start_year: int, loc: str):
    """A legend of "now" and "the start year", naming the years: one entry at the start.

    Args:
        ax: The axes.
        now: Artist of the current year.
        start: Artist of the start year.
        year: The current year.
        start_year: The start year.
        loc: Where the legend goes.

    Returns:
        The legend.
    """
    if year == start_year:
        handles, labels = [now], [f"{year} (start)"]
    else:
        handles, labels = [now, start], [str(year), f"{start_year} (start)"]
    legend = ax.legend(handles, labels, loc=loc, fontsize="small")
    legend.set_gid("year-legend")
    return legend


class PovertyPanel(Panel):
    """Headcount and registered poor (top); certified exits and returns a year (bottom).

    Flows are per 1,000 households, so runs of different sizes compare; a run kept
    for comparison is drawn dashed.
    """

    def __init__(self, years: tuple[int, int]):
        """Draw the empty axes for the years from ``years[0]`` to ``years[1]``."""
        self.figure = Figure(figsize=FIG_SIZE, dpi=FIG_DPI)
        self.top, self.bottom = self.figure.subplots(2, 1, sharex=True)
        self.figure.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.08, hspace=0.12)
        self.lines = {}
        for style in ({}, REFERENCE_STYLE):
            for ax, series in ((self.top, LEVELS), (self.bottom, FLOWS)):
                for name, label, colour in series:
                    (line,) = ax.plot([], [], color=colour, marker=".", **style,
                                      label=None if style else label,
                                      gid=f"{'reference' if style else 'line'}-{name}")
                    self.lines[name, bool(style)] = line
        # Named in the SVG, so that a browser test can check the axes hold the lines.
        self.top.patch.set_gid("levels-area")
        self.bottom.patch.set_gid("flows-area")
        self.top.set_ylabel("percent")
        self.top.legend(loc="upper right", fontsize="small")
        self.bottom.set_ylabel(f"per {PER_THOUSAND:,} households")
        self.bottom.legend(loc="upper left", fontsize="small")
        for ax in (self.top, self.bottom):
            _years_axis(ax, *years)
        self.note = self.figure.suptitle("", fontsize="small", y=0.995)

    def update(self, outputs: pd.DataFrame, households: int,
               reference: tuple[pd.DataFrame, int, str] | None = None) -> Figure:
        """Show the run's outputs, and a reference run's.

        Args:
            outputs: The run's yearly outputs (``PovertyModel.outputs()``).
            households: Households in the run.
            reference: A run kept for comparison: its outputs, households and label.

        Returns:
            The figure.
        """
        empty = outputs.iloc[:0]
        for is_reference, (table, n) in enumerate(
                [(outputs, households), (reference[0], reference[1]) if reference else
                 (empty, 1)]):
            scales = dict.fromkeys((name for name, _, _ in LEVELS), 1.0)
            scales.update(dict.fromkeys((name for name, _, _ in FLOWS), PER_THOUSAND / n))
            for name, scale in scales.items():
                self.lines[name, bool(is_reference)].set_data(table["year"], table[name] * scale)
        self.note.set_text(f"dashed: {reference[2]}" if reference else "")
        fit_y(self.top)
        fit_y(self.bottom)
        return self.figure


class CausesPanel(Panel):
    """Share of poor households with each cause: now (filled) and at the start (outline)."""

    def __init__(self) -> None:
        """Draw the empty bars."""
        self.figure = Figure(figsize=FIG_SIZE, dpi=FIG_DPI)
        ax = self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.22, right=0.97, top=0.97, bottom=0.13)
        y = np.arange(len(CAUSE_NAMES))
        self.columns = [f"share_poor_{name}" for name in CAUSE_NAMES]
        self.now = ax.barh(y, np.zeros(len(y)), color="#d62728", alpha=0.8, label="now")
        self.start = ax.barh(y, np.zeros(len(y)), fill=False, edgecolor="black",
                             linewidth=1, label="start")
        ax.set_yticks(y, [name.replace("_", " ") for name in CAUSE_NAMES])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("percent of poor households (several causes a household)")
        self.legend = None
        ax.grid(axis="x", alpha=0.3)

    def update(self, outputs: pd.DataFrame) -> Figure:
        """Show the shares of the last year of ``outputs`` against its first."""
        for bars, row in ((self.now, -1), (self.start, 0)):
            shares = np.nan_to_num(outputs[self.columns].iloc[row].to_numpy(float))
            for bar, share in zip(bars, shares, strict=True):
                bar.set_width(share)
        years = outputs["year"]
        self.legend = year_legend(self.ax, self.now, self.start, int(years.iloc[-1]),
                                  int(years.iloc[0]), "lower right")
        return self.figure


class IncomePanel(Panel):
    """Histogram of per-capita income with the poverty line; the start year as an outline.

    The share of households below the line is the model's own (its poor flags), and
    the line is the year's, so the panel agrees with the model when the line changes
    by year; the histogram's range stays that of the start year's line.
    """

    def __init__(self, start_income_pc: np.ndarray, line: float, start_year: int):
        """Draw the line, the start year's distribution and empty bars.

        Args:
            start_income_pc: Per-capita net income of every household in the start year.
            line: The start year's poverty line (yuan per person per year).
            start_year: The start year.
        """
        self.figure = Figure(figsize=FIG_SIZE, dpi=FIG_DPI)
        ax = self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.12, right=0.97, top=0.97, bottom=0.13)
        self.top = INCOME_RANGE_LINES * line
        self.edges = np.linspace(0, self.top, INCOME_BINS + 1)
        self.bars = ax.bar(self.edges[:-1], np.zeros(INCOME_BINS), width=np.diff(self.edges),
                           align="edge", color=self._colours(line), alpha=0.8)
        self.start_counts = self._counts(start_income_pc)
        self.start_year = start_year
        self.start = ax.stairs(self.start_counts, self.edges, color="black", linewidth=1)
        self.line_mark = ax.axvline(line, color="black", linestyle="--", linewidth=1.2)
        self.below = ax.annotate("", (line, 0.97), xycoords=("data", "axes fraction"),
                                 xytext=(6, 0), textcoords="offset points", va="top",
                                 fontsize="small")
        self.above = ax.annotate("", (0.98, 0.8), xycoords="axes fraction", ha="right",
                                 va="top", fontsize="small")
        ax.set_xlim(0, self.top)
        ax.set_xlabel("per-capita net income (yuan a year, 2010 prices; below 0 counts as 0)")
        ax.set_ylabel("households")
        self.legend = year_legend(ax, self.bars, self.start, start_year, start_year,
                                  "upper right")

    def _counts(self, income_pc: np.ndarray) -> np.ndarray:
        return np.histogram(np.maximum(income_pc, 0), self.edges)[0]

    def _colours(self, line: float) -> np.ndarray:
        """Bar colours: red for the bins starting below ``line``."""
        return np.where(self.edges[:-1] < line, BELOW_LINE_COLOUR, ABOVE_LINE_COLOUR)

    def update(self, income_pc: np.ndarray, poor: np.ndarray, line: float,
               year: int) -> Figure:
        """Show the distribution of ``income_pc`` in ``year``.

        Args:
            income_pc: Per-capita net income of every household.
            poor: The model's poor flag of every household (``households.poor``).
            line: The year's poverty line (``model.p.run.poverty_line``).
            year: The year.

        Returns:
            The figure.
        """
        counts = self._counts(income_pc)
        for bar, count, colour in zip(self.bars, counts, self._colours(line), strict=True):
            bar.set_height(count)
            bar.set_color(colour)
        self.line_mark.set_xdata([line, line])
        self.below.xy = (line, self.below.xy[1])
        below = 100 * float(np.mean(poor))
        above = 100 * float(np.mean(income_pc >= self.top))
        self.below.set_text(f"poverty line {line:,.0f}\n{below:.1f}% of households below")
        self.above.set_text(f"{above:.0f}% of households\nabove {self.top:,.0f}: not shown")
        self.legend = year_legend(self.ax, self.bars, self.start, year, self.start_year,
                                  "upper right")
        self.ax.set_ylim(0, HEADROOM * max(counts.max(), self.start_counts.max(), 1))
        return self.figure


def intervention_colours() -> dict[str, str]:
    """Each intervention's name (as the page writes it) and colour (``#rrggbb``)."""
    return {name.replace("_", " "): matplotlib.colors.to_hex(colour)
            for name, colour in zip(INTERVENTION_NAMES, INTERVENTION_COLOURS, strict=True)}


class SpendingPanel(Panel):
    """Spending a year by intervention, stacked (million yuan, simulated population).

    Its legend is the page's (:func:`intervention_colours`), in HTML: thirteen entries
    laid out again in every picture would take a third of the time to draw it.
    """

    def __init__(self, years: tuple[int, int]):
        """Draw empty stacks for the years from ``years[0]`` to ``years[1]``."""
        self.figure = Figure(figsize=FIG_SIZE, dpi=FIG_DPI)
        ax = self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.1, right=0.98, top=0.97, bottom=0.08)
        self.years = np.arange(years[0], years[1] + 1)
        zeros = np.zeros(len(self.years))
        self.stacks = [
            ax.bar(self.years, zeros, color=colour, label=name.replace("_", " "), width=0.7)
            for name, colour in zip(INTERVENTION_NAMES, INTERVENTION_COLOURS, strict=True)
        ]
        _years_axis(ax, *years)
        ax.set_ylabel("million yuan a year (simulated population)")

    def update(self, outputs: pd.DataFrame) -> Figure:
        """Show the spending of every year in ``outputs``."""
        at = np.searchsorted(self.years, outputs["year"].to_numpy())
        base = np.zeros(len(self.years))
        for name, stack in zip(INTERVENTION_NAMES, self.stacks, strict=True):
            values = np.zeros(len(self.years))
            values[at] = outputs[f"spending_{name}"].to_numpy(float) / MILLION
            for bar, bottom, height in zip(stack, base, values, strict=True):
                bar.set_y(bottom)
                bar.set_height(height)
            base += values
        self.ax.set_ylim(0, HEADROOM * max(base.max(), 1e-9))
        return self.figure


# ---------------------------------------------------------------------- network
def village_households(model: PovertyModel, village: int) -> np.ndarray:
    """Rows of the households living in ``village`` (or resettlement site)."""
    return np.flatnonzero(model.households.village == village)


def village_label(model: PovertyModel, village: int) -> str:
    """How the village list names a village: number, kind and households."""
    v = model.villages
    n = int(np.count_nonzero(model.households.village == village))
    if v.is_site[village]:
        kind = f"resettlement site, county {int(v.county[village]) + 1}"
    else:
        kind = "registered poor village" if v.poor_village[village] else "village"
    return f"{village}: {kind}, {n} households"


def shown_households(model: PovertyModel, rows: np.ndarray, limit: int) -> np.ndarray:
    """The households of ``rows`` the network panel draws: all, or ``limit`` of them.

    A larger village is sampled along its ties, so that the picture keeps them: breadth
    first from the village's cadre households, then, when those are reached, from the
    next household in an order fixed by :data:`SAMPLE_SEED`. The same households and
    ties give the same sample on every Reset.

    Args:
        model: The model.
        rows: Rows of the village's households, in increasing order.
        limit: Most households to draw (the panel draws :data:`MAX_LAYOUT_NODES`).

    Returns:
        The rows to draw, in increasing order.
    """
    if len(rows) <= limit:
        return rows
    ties = model.network.adjacency[rows][:, rows]
    ties = (ties + ties.T).tocsr()  # relocation rewires one side of a tie
    order = np.argsort(np.random.default_rng(SAMPLE_SEED).random(model.households.n)[rows],
                       kind="stable")
    cadre = np.flatnonzero(np.isin(rows, model.cadre_households))
    return np.sort(rows[_breadth_first(ties, cadre, order, limit)])


def _breadth_first(ties, sources: np.ndarray, order: np.ndarray, limit: int) -> np.ndarray:
    """``limit`` nodes of a graph, breadth first from ``sources``, then from ``order``.

    Args:
        ties: Symmetric CSR adjacency of the graph (more than ``limit`` nodes).
        sources: Nodes to start from.
        order: Every node, in the order further starts are taken when the search ends.
        limit: Nodes to return.
    """
    seen = np.zeros(ties.shape[0], bool)
    queue: deque[int] = deque()

    def visit(nodes: np.ndarray) -> None:
        new = nodes[~seen[nodes]]
        seen[new] = True
        queue.extend(new.tolist())

    visit(sources)
    starts = iter(order)
    picked: list[int] = []
    while len(picked) < limit:
        if not queue:
            visit(np.array([next(s for s in starts if not seen[s])]))
        node = queue.popleft()
        picked.append(node)
        visit(ties.indices[ties.indptr[node]:ties.indptr[node + 1]])
    return np.array(picked, dtype=np.int64)


def layout_village(graph: nx.Graph, known: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """Positions of a village's households, keeping those already placed.

    Households that moved in since (to a resettlement site) are placed around the
    others, so the picture does not jump from year to year.

    Args:
        graph: The village's ties (nodes are household rows).
        known: Positions already given, by row; updated in place.

    Returns:
        Positions of every node of ``graph``.
    """
    fixed = [node for node in graph if node in known]
    if len(fixed) < graph.number_of_nodes():
        pos = nx.spring_layout(graph, pos={n: known[n] for n in fixed} or None,
                               fixed=fixed or None, seed=LAYOUT_SEED)
        known.update(pos)
    return {node: known[node] for node in graph}


class NetworkPanel(Panel):
    """One village's households on their ties, coloured by status, with roles marked.

    Squares are cadre households, triangles households with a member working for an
    enterprise, a black ring a household with a pairing helper, and stars the
    enterprises located in the village (dotted lines to their workers here). The
    layout is kept from year to year; ties are redrawn only when households move in.
    A village of more than :data:`MAX_LAYOUT_NODES` households is drawn as a sample
    (:func:`shown_households`), and the title says so. A click on the picture picks
    the household under it (:meth:`household_at`), which is ringed.
    """

    def __init__(self, village: int):
        """Draw the legend of the view of ``village`` (or resettlement site)."""
        self.village = village
        self.figure = Figure(figsize=NETWORK_FIG_SIZE, dpi=FIG_DPI)
        self.ax = self.figure.add_axes(NETWORK_AXES)
        self.ax.set_axis_off()
        _network_legend(self.figure)
        self.positions: dict[int, np.ndarray] = {}
        self.everyone = np.zeros(0, np.int64)
        self.rows = np.zeros(0, np.int64)
        self.xy = np.zeros((0, 2))
        self.ties: list = []
        self.nodes: list = []

    def _draw_ties(self, model: PovertyModel, rows: np.ndarray) -> None:
        for artist in self.ties:
            artist.remove()
        self.rows, self.ties = rows, []
        if len(rows) == 0:
            self.xy = np.zeros((0, 2))
            return
        graph = model.network.to_networkx(rows)
        pos = layout_village(graph, self.positions)
        self.xy = np.array([pos[int(r)] for r in rows])
        index = {int(r): i for i, r in enumerate(rows)}
        for kin, colour, width in ((False, TIE_COLOUR, TIE_WIDTH), (True, KIN_COLOUR, KIN_WIDTH)):
            ends = np.array([(index[a], index[b]) for a, b, is_kin in graph.edges(data="kin")
                             if is_kin == kin], dtype=np.int64).reshape(-1, 2)
            (line,) = self.ax.plot(*_segments(self.xy[ends[:, 0]], self.xy[ends[:, 1]]),
                                   color=colour, linewidth=width, zorder=TIE_LAYER)
            self.ties.append(line)
        self.ax.update_datalim(self.xy)
        self.ax.autoscale_view()

    def household_at(self, x: float, y: float) -> int | None:
        """The household drawn nearest a point of the picture, if one is close enough.

        Args:
            x: Horizontal position as a fraction of the picture's width (0 at the left).
            y: Vertical position as a fraction of its height (0 at the top, as a
                browser measures it).

        Returns:
            Its row, or ``None`` when no household is drawn within :data:`PICK_RADIUS`
            pixels.
        """
        if len(self.rows) == 0:
            return None
        box = self.figure.bbox
        point = np.array([x * box.width, (1 - y) * box.height])
        drawn = self.ax.transData.transform(self.xy)
        distance = np.hypot(*(drawn - point).T)
        nearest = int(np.argmin(distance))
        return int(self.rows[nearest]) if distance[nearest] <= PICK_RADIUS else None

    def position_of(self, row: int) -> tuple[float, float] | None:
        """Where household ``row`` is drawn, as fractions of the picture (see :meth:`household_at`).

        Returns:
            ``(x, y)``, or ``None`` if the household is not drawn.
        """
        found = np.flatnonzero(self.rows == row)
        if not len(found):
            return None
        box = self.figure.bbox
        px, py = self.ax.transData.transform(self.xy[found[0]])
        return float(px / box.width), float(1 - py / box.height)

    def update(self, model: PovertyModel, inspected: int | None = None) -> Figure:
        """Show the village's households as they are now, ``inspected`` ringed."""
        everyone = village_households(model, self.village)
        if not np.array_equal(everyone, self.everyone):
            self.everyone = everyone
            self._draw_ties(model, shown_households(model, everyone, MAX_LAYOUT_NODES))
        rows = self.rows
        for artist in self.nodes:
            artist.remove()
        self.nodes = []
        if len(rows) == 0:
            self.ax.set_title("nobody lives here yet", fontsize="medium")
            return self.figure
        xy, ax = self.xy, self.ax
        colours = np.array([s.colour for s in STATUSES])[household_status(model, rows)]
        cadre = np.isin(rows, model.cadre_households)
        employer = model.jobs.employer[rows]
        worker = (employer >= 0) & ~cadre
        helped = model.helper_of[rows] >= 0
        for mask, marker, size, name in ((cadre, "s", ROLE_NODE_SIZE, "cadre"),
                                         (worker, "^", ROLE_NODE_SIZE, "workers"),
                                         (~cadre & ~worker, "o", NODE_SIZE, "others")):
            if mask.any():
                self.nodes.append(ax.scatter(
                    xy[mask, 0], xy[mask, 1], c=colours[mask], marker=marker, s=size,
                    edgecolors=np.where(helped[mask], "black", "white"),
                    linewidths=np.where(helped[mask], HELPER_RING, PLAIN_RING),
                    zorder=HOUSEHOLD_LAYER, gid=f"households-{name}"))
        picked = np.flatnonzero(rows == inspected)
        if len(picked):
            self.nodes.append(ax.scatter(
                xy[picked, 0], xy[picked, 1], marker="o", s=INSPECTED_SIZE,
                facecolors="none", edgecolors=INSPECTED_COLOUR, linewidths=INSPECTED_RING,
                zorder=ENTERPRISE_LAYER + 1, gid="inspected"))
        firms = model.enterprises
        for firm in np.flatnonzero((firms.village == self.village) & firms.alive):
            workers = np.flatnonzero(employer == firm)
            centre = xy[workers].mean(axis=0) if len(workers) else xy.mean(axis=0)
            (lines,) = ax.plot(*_segments(np.broadcast_to(centre, xy[workers].shape),
                                          xy[workers]),
                               color="black", linewidth=WORKER_TIE_WIDTH, linestyle=":",
                               zorder=WORKER_TIE_LAYER)
            self.nodes.append(lines)
            self.nodes.append(ax.scatter(*centre, marker="*", s=ENTERPRISE_SIZE, c="gold",
                                         edgecolors="black", linewidths=1,
                                         zorder=ENTERPRISE_LAYER))
        ax.set_title(network_title(model, everyone, len(rows)), fontsize="medium")
        return self.figure


HOUSEHOLD_FIG_SIZE = (6.4, 2.6)
"""Width and height of a household's income chart in inches."""

SHOCK_COLOUR, HELP_COLOUR = "#ff7f0e", "#2ca02c"
"""Colours of the marks of a year with a shock and a year in which new help began."""


class HouseholdPanel(Panel):
    """One household's per-capita income by year against the poverty line.

    Years below the line are red; a year with a shock is marked at the top (orange),
    a year in which new help began at the bottom (green).
    """

    def __init__(self, years: tuple[int, int]):
        """Draw the empty axes for the years from ``years[0]`` to ``years[1]``."""
        self.figure = Figure(figsize=HOUSEHOLD_FIG_SIZE, dpi=FIG_DPI)
        ax = self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.12)
        (self.income,) = ax.plot([], [], color="black", linewidth=1.2, zorder=2,
                                 label="income per person", gid="household-income")
        self.poor = ax.scatter([], [], color=BELOW_LINE_COLOUR, s=30, zorder=3,
                               label="below the line")
        (self.line,) = ax.plot([], [], color="black", linestyle="--", linewidth=1,
                               drawstyle="steps-mid", label="poverty line")
        (self.shocks,) = ax.plot([], [], "v", color=SHOCK_COLOUR, label="shock",
                                 transform=ax.get_xaxis_transform(), clip_on=False)
        (self.help,) = ax.plot([], [], "^", color=HELP_COLOUR, label="new help",
                               transform=ax.get_xaxis_transform(), clip_on=False)
        _years_axis(ax, *years)
        ax.set_ylabel("yuan a year")
        ax.legend(loc="upper left", fontsize="x-small", ncols=5, bbox_to_anchor=(0, 1.16),
                  frameon=False)

    def update(self, story: pd.DataFrame) -> Figure:
        """Show a household's story (:meth:`povsim.app.history.HouseholdHistory.story`)."""
        years = story["year"].to_numpy()
        income = story["income_pc"].to_numpy(float)
        self.income.set_data(years, income)
        self.line.set_data(years, story["line"].to_numpy(float))
        poor = story["poor"].to_numpy(bool)
        self.poor.set_offsets(np.column_stack([years[poor], income[poor]]))
        shocked = story["shocks"].map(bool).to_numpy(bool)
        helped = story["new_help"].map(bool).to_numpy(bool)
        self.shocks.set_data(years[shocked], np.full(shocked.sum(), 0.97))
        self.help.set_data(years[helped], np.full(helped.sum(), 0.03))
        low = min(0.0, float(np.min(income)) if len(income) else 0.0)
        top = max(float(np.max(income)), float(story["line"].max())) if len(income) else 1.0
        self.ax.set_ylim(low, HEADROOM * top)
        return self.figure


def network_title(model: PovertyModel, everyone: np.ndarray, shown: int) -> str:
    """Title of the network view: the village's poor, and how many households are shown.

    Args:
        model: The model.
        everyone: Rows of every household of the village.
        shown: How many of them are drawn.
    """
    total = len(everyone)
    poor = int(model.households.poor[everyone].sum())
    title = f"{poor:,} of {total:,} households poor in {model.year}"
    if shown < total:
        title += f"\n(showing {shown:,} of {total:,} households)"
    return title


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line segments as one line broken by NaNs (x, then y): one path to draw, not many."""
    gaps = np.full((len(starts), 1), np.nan)
    x = np.hstack([starts[:, :1], ends[:, :1], gaps]).ravel()
    y = np.hstack([starts[:, 1:], ends[:, 1:], gaps]).ravel()
    return x, y


def _network_legend(fig: Figure) -> None:
    """Legend of the network view: statuses, roles and enterprises."""
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=s.colour,
                      markeredgecolor="white", label=s.label) for s in STATUSES]
    grey = "#bdbdbd"
    handles += [
        Line2D([], [], marker="s", linestyle="", markersize=8, markerfacecolor=grey,
               markeredgecolor="white", label="cadre household"),
        Line2D([], [], marker="^", linestyle="", markersize=8, markerfacecolor=grey,
               markeredgecolor="white", label="works for an enterprise"),
        Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=grey,
               markeredgecolor="black", markeredgewidth=HELPER_RING,
               label="has a pairing helper"),
        Line2D([], [], marker="*", linestyle="", markersize=12, markerfacecolor="gold",
               markeredgecolor="black", label="enterprise"),
        Line2D([], [], color="black", linewidth=WORKER_TIE_WIDTH, linestyle=":",
               label="enterprise to its workers"),
        Line2D([], [], color=TIE_COLOUR, label="neighbour tie"),
        Line2D([], [], color=KIN_COLOUR, label="kinship tie"),
    ]
    fig.legend(handles=handles, loc="center right", fontsize="small",
               frameon=False).set_gid("network-legend")
