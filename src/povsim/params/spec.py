"""Parameters as data: declared once with unit, bounds, documentation and source.

Every number in the model is a *parameter*: a field of a frozen :class:`Section`
dataclass declared with :func:`param`, which records its default, unit, allowed
range or choices, a one-line description and the source of the default (in the
spirit of OpenFisca's parameter files). Sections nest; a parameter is addressed by
its dotted path, e.g. ``health.reimbursement_rate``.

A value may change by year: a :class:`YearSchedule` holds the value in force
before its first change (``base``) and the years at which it changes. The model
resolves all schedules once per simulated year with :meth:`Section.at`.

Overrides (from a scenario file, the Python API or the command line) go through
:func:`apply_overrides`, which checks names, types, ranges and years and reports
*every* problem at once as a :class:`~povsim.errors.ParameterError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Self

from povsim.errors import ParameterError, Problem
from povsim.util.hints import did_you_mean
from povsim.util.values import is_bool, is_number, is_whole

Kind = type  # bool, int, float, str or tuple

SCHEDULE_HELP = "a value, or a table of year = value (for example {2016 = 0.8})"

YEAR_LIMITS = (1990, 2100)
"""Years a year table may name: those a run can reach (``run.start_year`` and
``run.end_year`` take values in this range). A year after the run's end is allowed: it
applies when the run is extended (``povsim check`` notes it)."""


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """What is known about a parameter besides its default.

    Attributes:
        kind: Python type of the value: ``bool``, ``int``, ``float``, ``str`` or ``tuple``
            (a tuple of strings drawn from ``choices``).
        unit: Unit of the value, e.g. ``"yuan/person/year"`` or ``"probability"``.
        doc: One-line description.
        source: Where the default comes from (statistic, policy document, or an
            explicit "assumption" to be calibrated).
        low: Smallest allowed value (numbers only).
        high: Largest allowed value (numbers only).
        choices: Allowed strings (for ``str`` and ``tuple`` parameters).
        yearly: Whether the value may change by year.
        event: Whether a year table of this parameter names one-off events: its
            values apply only in the years it lists, and the other years keep the
            value underneath (a shock in 2020 does not repeat in 2021). Other
            parameters hold each value until the table's next entry.
    """

    kind: Kind
    unit: str
    doc: str
    source: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    yearly: bool = True
    event: bool = False

    def allowed(self) -> str:
        """Describe the allowed values in words."""
        if self.kind is bool:
            return "true or false"
        if self.kind is str:
            return "one of " + ", ".join(repr(c) for c in self.choices or ())
        if self.kind is tuple:
            return "a list drawn from " + ", ".join(repr(c) for c in self.choices or ())
        what = "a whole number" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            return f"{what} from {_fmt(self.low)} to {_fmt(self.high)}"
        if self.low is not None:
            return f"{what} of at least {_fmt(self.low)}"
        if self.high is not None:
            return f"{what} of at most {_fmt(self.high)}"
        return what


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    source: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] | None = None,
    yearly: bool = True,
    event: bool = False,
    by_year: Mapping[int, Any] | None = None,
) -> Any:
    """Declare a parameter field of a :class:`Section`.

    Args:
        default: Default value; its type fixes the parameter's kind. With ``by_year``,
            the value before the first year listed there.
        unit: Unit of the value.
        doc: One-line description.
        source: Source of the default value.
        low: Smallest allowed value.
        high: Largest allowed value.
        choices: Allowed strings for text (or list-of-text) parameters.
        yearly: Whether the value may change by year.
        event: Whether year tables of the parameter list one-off events (see
            :class:`ParamInfo`).
        by_year: A default that changes by year (``{year: value}``, each value
            holding until the next year listed), for defaults that follow data.

    Returns:
        A dataclass field carrying a :class:`ParamInfo` in its metadata.
    """
    kind: Kind = type(default)
    if kind not in (bool, int, float, str, tuple):
        raise TypeError(f"unsupported parameter type {kind.__name__}")
    info = ParamInfo(kind, unit, doc, source, low, high, choices, yearly, event)
    value = default
    if by_year:
        changes = tuple(sorted((int(y), kind(v)) for y, v in by_year.items()))
        value = YearSchedule(default, changes, event)
    return field(default=value, metadata={"param": info})


def subsection(cls: type[Section], doc: str) -> Any:
    """Declare a nested section field.

    Args:
        cls: The section class.
        doc: What the section holds.

    Returns:
        A dataclass field whose default is a fresh ``cls()``.
    """
    return field(default_factory=cls, metadata={"section": doc})


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """A value that changes in given years.

    Attributes:
        base: Value in force before the first change (may itself be a schedule,
            e.g. a parent scenario's schedule that a child scenario amends).
        changes: ``(year, value)`` pairs sorted by year; each value holds from its
            year until the next change.
        event: The changes are one-off events: each value applies in its own year
            only, and every other year takes the value of ``base``.
    """

    base: Any
    changes: tuple[tuple[int, Any], ...]
    event: bool = False

    def at(self, year: int) -> Any:
        """Value in force in ``year``."""
        value = None
        for y, v in self.changes:
            if y == year or (y < year and not self.event):
                value = v
            if y >= year:
                break
        if value is not None:
            return value
        return self.base.at(year) if isinstance(self.base, YearSchedule) else self.base

    def own_years(self) -> list[int]:
        """The years of this table's own changes (not those of the schedule under it)."""
        return [y for y, _ in self.changes]

    def years(self) -> list[int]:
        """All years at which the value may change, including those of the base."""
        own = [y for y, _ in self.changes]
        inner = self.base.years() if isinstance(self.base, YearSchedule) else []
        return sorted(set(own) | set(inner))

    def table(self, first_year: int) -> dict[int, Any]:
        """Fully explicit ``{year: value}`` table starting at ``first_year``."""
        years = [first_year, *(y for y in self.years() if y > first_year)]
        return {y: self.at(y) for y in years}


@dataclass(frozen=True, slots=True)
class Section:
    """Base class of parameter sections (frozen dataclasses of parameters)."""

    def at(self, year: int) -> Self:
        """This section with every year schedule resolved to its value in ``year``."""
        changes: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, YearSchedule):
                changes[f.name] = value.at(year)
            elif isinstance(value, Section):
                resolved = value.at(year)
                if resolved is not value:
                    changes[f.name] = resolved
        return replace(self, **changes) if changes else self

    def get(self, path: str) -> Any:
        """Value at a dotted path below this section."""
        node: Any = self
        for part in path.split("."):
            node = getattr(node, part)
        return node


def iter_params(section: Section, prefix: str = "") -> Iterator[tuple[str, ParamInfo, Any]]:
    """Yield ``(path, info, value)`` for every parameter below ``section``, in declaration order."""
    for f in fields(section):
        path = f"{prefix}{f.name}"
        if "section" in f.metadata:
            yield from iter_params(getattr(section, f.name), path + ".")
        elif "param" in f.metadata:
            yield path, f.metadata["param"], getattr(section, f.name)


def iter_sections(section: Section, prefix: str = "") -> Iterator[tuple[str, str, Section]]:
    """Yield ``(path, doc, section)`` for every nested section below ``section``."""
    for f in fields(section):
        if "section" in f.metadata:
            path = f"{prefix}{f.name}"
            sub = getattr(section, f.name)
            yield path, f.metadata["section"], sub
            yield from iter_sections(sub, path + ".")


def param_infos(section: Section) -> dict[str, ParamInfo]:
    """Map every parameter path below ``section`` to its :class:`ParamInfo`."""
    return {path: info for path, info, _ in iter_params(section)}


def check_value(path: str, info: ParamInfo, value: Any, file: str | None = None) -> list[Problem]:
    """Check one (non-schedule) value against a parameter's declaration.

    Args:
        path: Dotted path of the parameter (for messages).
        info: The parameter's declaration.
        value: The value to check.
        file: File the value came from (for messages).

    Returns:
        The problems found (empty when the value is valid).
    """

    def problem(msg: str) -> list[Problem]:
        return [Problem(path, value, f"{msg}; allowed: {info.allowed()}", file)]

    kind = info.kind
    if kind is bool:
        return [] if is_bool(value) else problem("must be true or false")
    if kind is str:
        if not isinstance(value, str):
            return problem("must be text")
        if info.choices and value not in info.choices:
            return problem(f"unknown choice{did_you_mean(value, info.choices)}")
        return []
    if kind is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return problem("must be a list of text values")
        bad = [v for v in value if info.choices and v not in info.choices]
        return problem(f"unknown entries {bad}") if bad else []
    reason = number_problem(info, value)
    return problem(reason) if reason else []


TOO_SMALL, TOO_LARGE = "too small", "too large"
"""What :func:`number_problem` says of a number below or above the allowed range."""


def number_problem(info: ParamInfo, value: Any) -> str | None:
    """Why a value is not an allowed number for a numeric (int or float) declaration.

    Args:
        info: The declaration (its kind, low and high).
        value: The value to check.

    Any real number is a number, numpy's included (``np.float32(0.1)``,
    ``np.int64(5)``); a whole number is any integral one. ``True`` and ``False`` are
    not numbers.

    Returns:
        ``None`` if allowed, else the reason: "must be a number", "must be a whole
        number", "must be finite", :data:`TOO_SMALL` or :data:`TOO_LARGE`.
    """
    if not is_number(value):
        return "must be a number"
    if info.kind is int and not is_whole(value):
        return "must be a whole number"
    if not math.isfinite(value):
        return "must be finite"
    if info.low is not None and value < info.low:
        return TOO_SMALL
    if info.high is not None and value > info.high:
        return TOO_LARGE
    return None


def coerce(info: ParamInfo, value: Any) -> Any:
    """Convert a checked value to the parameter's kind as a plain Python value.

    Whole numbers become ``int`` and numbers ``float`` (numpy scalars included), numpy
    booleans ``bool``, lists tuples.
    """
    if info.kind is float:
        return float(value)
    if info.kind is int:
        return int(value)
    if info.kind is bool:
        return bool(value)
    if info.kind is tuple:
        return tuple(value)
    return value


def _parse_year(key: Any) -> int | None:
    """The year a year table's key names, or ``None``.

    Only the digits 0-9 make a year: ``"²"`` is a digit to ``str.isdigit`` but not a
    number to ``int``.
    """
    if is_whole(key):
        return int(key)
    if isinstance(key, str) and key.strip().isascii() and key.strip().isdigit():
        return int(key)
    return None


def _set_path(section: Section, parts: list[str], value: Any) -> Section:
    head, *rest = parts
    if not rest:
        return replace(section, **{head: value})
    return replace(section, **{head: _set_path(getattr(section, head), rest, value)})


def apply_overrides[S: Section](
    base: S,
    overrides: Mapping[str, Any],
    *,
    file: str | None = None,
    year_range: tuple[int, int] | None = None,
) -> S:
    """Return ``base`` with dotted-path overrides applied, after checking every one.

    A value may be a plain value or a mapping ``{year: value}``, which becomes a
    :class:`YearSchedule` whose base is the value being overridden.

    Args:
        base: The parameters to start from.
        overrides: Dotted path (``"health.reimbursement_rate"``; ``__`` also accepted
            in place of dots) mapped to a new value.
        file: Scenario file the overrides come from (for messages).
        year_range: Unused (kept for callers): tables may name any year a run can reach
            (:data:`YEAR_LIMITS`), including years after this run's end.

    Returns:
        A new parameter tree.

    Raises:
        ParameterError: Listing every unknown name, wrong type, out-of-range value
            and out-of-run year.
    """
    infos = param_infos(base)
    known = list(infos)
    problems: list[Problem] = []
    result = base
    for raw_path, value in overrides.items():
        path = raw_path.replace("__", ".")
        info = infos.get(path)
        if info is None:
            problems.append(
                Problem(path, None, f"unknown parameter{did_you_mean(path, known)}", file)
            )
            continue
        if isinstance(value, Mapping) and info.kind is not tuple:
            new, found = _schedule(path, info, value, base.get(path), file, year_range)
            problems.extend(found)
            if found:
                continue
        else:
            found = check_value(path, info, value, file)
            problems.extend(found)
            if found:
                continue
            new = coerce(info, value)
        result = _set_path(result, path.split("."), new)
    if problems:
        raise ParameterError(problems)
    return result


def _schedule(
    path: str,
    info: ParamInfo,
    table: Mapping[Any, Any],
    current: Any,
    file: str | None,
    year_range: tuple[int, int] | None,
) -> tuple[YearSchedule | None, list[Problem]]:
    problems: list[Problem] = []
    if not info.yearly:
        return None, [Problem(path, dict(table), "cannot change by year; give one value", file)]
    if not table:
        return None, [Problem(path, {}, f"empty year table; allowed: {SCHEDULE_HELP}", file)]
    changes: list[tuple[int, Any]] = []
    for key, value in table.items():
        year = _parse_year(key)
        where = f"{path}[{key}]"
        if year is None:
            problems.append(Problem(where, None, "year keys must be whole years like 2016", file))
            continue
        if not YEAR_LIMITS[0] <= year <= YEAR_LIMITS[1]:
            problems.append(
                Problem(where, value,
                        f"year {year} is not a year a run can reach ({YEAR_LIMITS[0]} to "
                        f"{YEAR_LIMITS[1]})", file)
            )
            continue
        found = check_value(where, info, value, file)
        problems.extend(found)
        if not found:
            changes.append((year, coerce(info, value)))
    if problems:
        return None, problems
    return YearSchedule(current, tuple(sorted(changes)), info.event), []


def schedule_years(section: Section, *, own: bool = False) -> dict[str, list[int]]:
    """Map each parameter path holding a year schedule to the years it names.

    Args:
        section: The parameter tree.
        own: Only the years each schedule sets itself (not those of the schedule it
            amends, such as a default that follows data), and no schedule that is
            the parameter's declared default.
    """
    defaults = {path: value for path, _, value in iter_params(type(section)())} if own else {}
    return {
        path: value.own_years() if own else value.years()
        for path, _, value in iter_params(section)
        if isinstance(value, YearSchedule) and not (own and value is defaults.get(path))
    }


def to_plain(section: Section, first_year: int | None = None) -> dict[str, Any]:
    """Nested plain-data dict of a parameter tree (schedules as ``{year: value}`` tables).

    Args:
        section: The tree to convert.
        first_year: Year to start schedule tables at; defaults to the first change year.

    Returns:
        A dict of dicts suitable for TOML or JSON.
    """
    out: dict[str, Any] = {}
    for f in fields(section):
        value = getattr(section, f.name)
        if isinstance(value, Section):
            out[f.name] = to_plain(value, first_year)
        elif isinstance(value, YearSchedule):
            start = first_year if first_year is not None else value.years()[0]
            out[f.name] = {str(y): v for y, v in value.table(start).items()}
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out


def flatten(section: Section, first_year: int | None = None) -> dict[str, Any]:
    """Flat ``{dotted path: value}`` dict of every parameter (schedules as tables)."""
    out: dict[str, Any] = {}
    for path, _, value in iter_params(section):
        if isinstance(value, YearSchedule):
            start = first_year if first_year is not None else value.years()[0]
            out[path] = {str(y): v for y, v in value.table(start).items()}
        elif isinstance(value, tuple):
            out[path] = list(value)
        else:
            out[path] = value
    return out
