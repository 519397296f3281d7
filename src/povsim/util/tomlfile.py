"""Reading a TOML file given by a user: every way it can fail is a clear error.

Scenario files, experiment specs and calibration specs are read here, so that a path
that cannot name a file (empty, too long, with a NUL byte), a missing or unreadable
file, text that is not UTF-8 or not TOML, and tables nested absurdly deep all give a
:class:`~povsim.errors.PovsimError` naming the file, never a traceback.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from povsim.errors import PovsimError

MAX_NESTING = 16
"""Deepest nesting of tables and lists a file may have. The deepest a povsim file needs
is 5 (an intervention's year table in a policy of a spec); a file nested thousands deep
would exhaust Python's recursion in the parser or in the checks."""

PATH_SHOWN = 120
"""Characters of a path shown in a message (a path of thousands is cut)."""

MAX_PATH = 4096
"""Longest path accepted (Linux's PATH_MAX)."""


def shown(path: str | Path) -> str:
    """A path for a message: at most :data:`PATH_SHOWN` characters, control ones escaped."""
    text = str(path)
    text = text if len(text) <= PATH_SHOWN else f"{text[:PATH_SHOWN]}... ({len(text)} characters)"
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


def path_problem(path: str | Path) -> str | None:
    """Why a path cannot name a file, or ``None`` when it can.

    Args:
        path: The path as given.

    Returns:
        "empty", "contains a NUL byte" or "longer than 4096 characters", or ``None``.
    """
    text = str(path)
    if not text.strip():
        return "empty"
    if "\x00" in text:
        return "contains a NUL byte"
    if len(text) > MAX_PATH:
        return f"longer than {MAX_PATH} characters"
    return None


def is_file(path: Path) -> bool:
    """Whether ``path`` is an existing file; ``False`` for any path the system refuses."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def nesting(value: Any) -> tuple[int, str]:
    """How deep tables and lists nest in ``value``, and the path of the deepest.

    Iterative, so it measures any depth without recursion.

    Returns:
        ``(depth, dotted path)``; a plain value has depth 0, a table of plain values 1.
    """
    deepest, where = 0, ""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, Mapping):
            items: Any = ((str(k), v) for k, v in node.items())
        elif isinstance(node, list | tuple):
            items = ((f"[{i}]", v) for i, v in enumerate(node))
        else:
            continue
        if depth + 1 > deepest:
            deepest, where = depth + 1, path
        for key, child in items:
            stack.append((child, depth + 1, f"{path}.{key}" if path and not
                          key.startswith("[") else f"{path}{key}"))
    return deepest, where


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """Read and parse a TOML file a user named.

    Args:
        path: The file.
        what: What the file is, for messages ("scenario file", "experiment spec").

    Returns:
        The parsed tables.

    Raises:
        PovsimError: For a path that cannot name a file, a missing or unreadable file,
            text that is not UTF-8 or not TOML, or tables nested deeper than
            :data:`MAX_NESTING`.
    """
    from povsim.util.hints import missing_file_hint

    p = Path(path)
    bad = path_problem(path)
    if bad:
        raise PovsimError(f"{what} {shown(path)!r}: not a usable file path ({bad})")
    if not is_file(p):
        raise PovsimError(f"{what} not found: {shown(p)}{missing_file_hint(p)}")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PovsimError(f"{shown(p)}: not UTF-8 text (byte {exc.start}: {exc.reason}); "
                          "save it as UTF-8") from exc
    except OSError as exc:
        raise PovsimError(f"{shown(p)}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PovsimError(f"{shown(p)}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise PovsimError(f"{shown(p)}: tables or lists nested too deep to read; allowed: at "
                          f"most {MAX_NESTING} levels") from exc
    depth, where = nesting(tables)
    if depth > MAX_NESTING:
        raise PovsimError(f"{shown(p)}: {shown(where)}: tables or lists nested {depth} levels "
                          f"deep; allowed: at most {MAX_NESTING}")
    return tables
