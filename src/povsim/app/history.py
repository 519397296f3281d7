"""Each household's story in a run of the page: its state recorded after every year.

The page lets a student click a household and read its history, as NetLogo's
"inspect" does: income against the poverty line, changes of its registered status,
the help it received and the shocks it suffered. The model keeps only the present, so
:class:`HouseholdHistory` reads its public state after every step and keeps a few
small columns for every household (about 16 bytes a household a year: 1.4 MB for a
run of 10,000 households to 2020), so that any household clicked at any time has its
whole story.

Help is read from the interventions' public state (:data:`HELP`); a test checks that
every attribute it reads exists, so that a change of the model shows there first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from povsim.model import PovertyModel
from povsim.status import RegStatus

HELP_ONGOING, HELP_ONCE = "ongoing", "once"
"""Kinds of help: ongoing (listed every year it lasts) or once (listed the year it starts)."""


@dataclass(frozen=True, slots=True)
class Help:
    """One kind of help a household can receive.

    Attributes:
        label: How the story names it.
        kind: :data:`HELP_ONGOING` or :data:`HELP_ONCE`.
        holds: Which households have it after the year (one flag per household).
    """

    label: str
    kind: str
    holds: Callable[[PovertyModel], np.ndarray]


def _iv(model: PovertyModel, name: str):
    return model.interventions[name]


def _village_project(model: PovertyModel) -> np.ndarray:
    started = _iv(model, "infrastructure").started  # (item, village): year started
    return (started == model.year).any(axis=0)[model.households.village]


HELP: tuple[Help, ...] = (
    Help("pairing helper", HELP_ONGOING, lambda m: m.helper_of >= 0),
    Help("dibao allowance", HELP_ONGOING, lambda m: _iv(m, "dibao").enrolled),
    Help("health cover", HELP_ONGOING, lambda m: _iv(m, "health").covered),
    Help("school costs covered", HELP_ONGOING, lambda m: _iv(m, "education").covered),
    Help("job at an enterprise", HELP_ONGOING, lambda m: m.jobs.employer >= 0),
    Help("public welfare post", HELP_ONGOING, lambda m: _iv(m, "public_posts").since >= 0),
    Help("microloan", HELP_ONGOING, lambda m: _iv(m, "microloans").principal > 0),
    Help("industry support", HELP_ONGOING,
         lambda m: (_iv(m, "industry").year >= 0) & ~_iv(m, "industry").failed),
    Help("skills training", HELP_ONCE, lambda m: _iv(m, "training").trained >= 0),
    Help("house renovated", HELP_ONCE, lambda m: _iv(m, "housing").renovated),
    Help("relocated", HELP_ONCE, lambda m: _iv(m, "relocation").year >= 0),
    Help("motivation session", HELP_ONCE,
         lambda m: _iv(m, "motivation").last == m.year),
    Help("consumption-aid sale", HELP_ONCE, lambda m: _iv(m, "consumption_aid").premium > 0),
    Help("village infrastructure project", HELP_ONCE, _village_project),
)
"""Every kind of help the story shows, read from the model after each year."""

SHOCKS = (
    ("illness_episode", "serious illness"),
    ("disaster_hit", "disaster in the village"),
)
"""Shocks of the year read from household flags: column and how the story names it."""

LASTING = (
    ("chronic", "a member fell chronically ill"),
    ("disabled", "a member became disabled"),
)
"""Lasting conditions: column and how the story names their onset."""

STATUS_WORDS = {
    RegStatus.NEVER: "not registered",
    RegStatus.REGISTERED: "registered poor",
    RegStatus.EXITED: "exited (certified)",
    RegStatus.RETURNED: "returned to the registry",
    RegStatus.MONITORED: "monitored (at risk)",
}
"""How the story names each registered status."""


class HouseholdHistory:
    """A few columns of every household's state, recorded after every year of a run.

    Attributes:
        years: The years recorded, from the start state on.
        lines: The poverty line of each year (yuan per person).
    """

    def __init__(self, model: PovertyModel):
        """Record the start state of ``model`` (then call :meth:`record` after each step)."""
        self.years: list[int] = []
        self.lines: list[float] = []
        self._formation_age = model.params.demography.formation_head_age
        self._columns: dict[str, list[np.ndarray]] = {}
        self.record(model)

    def record(self, model: PovertyModel) -> None:
        """Add the model's current year."""
        hh = model.households
        help_bits = np.zeros(hh.n, np.uint16)
        for bit, item in enumerate(HELP):
            help_bits |= item.holds(model).astype(np.uint16) << bit
        columns = {
            "income_pc": hh.income_pc.copy(),
            "poor": hh.poor.copy(),
            "reg_status": hh.reg_status.copy(),
            "head_age": hh.head_age.copy(),
            "size": hh.size().astype(np.int8),
            "help": help_bits,
            **{name: getattr(hh, name).copy() for name, _ in (*SHOCKS, *LASTING)},
        }
        for name, values in columns.items():
            self._columns.setdefault(name, []).append(values)
        self.years.append(model.year)
        self.lines.append(float(model.p.run.poverty_line))

    def _of(self, name: str, row: int) -> np.ndarray:
        return np.array([values[row] for values in self._columns[name]])

    def first_year_of(self, row: int) -> int:
        """The first recorded year of the household now in ``row``.

        A row is taken by a newly formed household when the old one dies out; the new
        head is the formation age, without having aged into it.
        """
        age = self._of("head_age", row)
        formed = [i for i in range(1, len(age))
                  if age[i] == self._formation_age and age[i - 1] != self._formation_age - 1]
        return self.years[formed[-1]] if formed else self.years[0]

    def story(self, row: int) -> pd.DataFrame:
        """The recorded years of the household in ``row``, one line a year.

        Returns:
            Columns ``year``, ``income_pc``, ``line``, ``poor``, ``members``,
            ``status`` (in words), ``status_changed``, ``help`` (ongoing help, and help
            given once in that year), ``new_help`` (help that began that year) and
            ``shocks``; from the year the household was formed if it took the row
            of another.
        """
        first = self.years.index(self.first_year_of(row))
        bits = self._of("help", row)
        status = self._of("reg_status", row)
        lines = []
        for i in range(first, len(self.years)):
            held = [h for b, h in enumerate(HELP) if bits[i] >> b & 1]
            before = [h for b, h in enumerate(HELP) if i > first and bits[i - 1] >> b & 1]
            new = [h.label for h in held if h not in before]
            shown = [h.label for h in held if h.kind == HELP_ONGOING or h.label in new]
            shocks = [words for name, words in SHOCKS if self._columns[name][i][row]]
            shocks += [words for name, words in LASTING if i > first
                       and self._columns[name][i][row] and not self._columns[name][i - 1][row]]
            lines.append({
                "year": self.years[i],
                "income_pc": float(self._columns["income_pc"][i][row]),
                "line": self.lines[i],
                "poor": bool(self._columns["poor"][i][row]),
                "members": int(self._columns["size"][i][row]),
                "status": STATUS_WORDS[RegStatus(status[i])],
                "status_changed": i > first and status[i] != status[i - 1],
                "help": shown,
                "new_help": new if i > first else [],
                "shocks": shocks,
            })
        return pd.DataFrame(lines)
