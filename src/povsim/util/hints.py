""""Did you mean ...?": the one way povsim suggests a known name for a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

HINT_CUTOFF = 0.6
"""Least similarity (difflib ratio, 0-1) for a name to be offered as "did you mean"."""


def suggest(name: str, known: Iterable[str]) -> str | None:
    """The known name a mistyped ``name`` most likely meant, or ``None``.

    For dotted names (``health.p_illness``) it prefers a close match of the last part
    within the same section, then the same last part in another section, then the
    closest full name; plain names get the closest known name.

    Args:
        name: The unknown name.
        known: Every valid name.

    Returns:
        The best suggestion, or ``None`` when nothing is close.
    """
    known = [str(k) for k in known]
    section, _, leaf = name.rpartition(".")
    siblings = [k.rpartition(".")[2] for k in known if k.rpartition(".")[0] == section]
    close = difflib.get_close_matches(leaf, siblings, n=1, cutoff=HINT_CUTOFF)
    if close:
        return f"{section}.{close[0]}" if section else close[0]
    same_leaf = [k for k in known if k.rpartition(".")[2] == leaf]
    if same_leaf:
        return difflib.get_close_matches(name, same_leaf, n=1, cutoff=0.0)[0]
    close = difflib.get_close_matches(name, known, n=1, cutoff=HINT_CUTOFF)
    return close[0] if close else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for an unknown ``name`` among ``known`` ones, or ""."""
    guess = suggest(str(name), known)
    return f" (did you mean {guess!r}?)" if guess else ""


def missing_file_hint(path: Path) -> str:
    """`` (did you mean x.toml?)`` for a missing file named without a suffix, or ""."""
    return f" (did you mean {path.with_suffix('.toml')}?)" if path.name and not path.suffix \
        else ""
