"""Scenario files: TOML tables of parameter values over the defaults.

A scenario file names itself in a ``[scenario]`` table and sets parameters in
tables named after the parameter sections::

    [scenario]
    name = "baseline"
    description = "The 2013-2020 campaign as it happened."

    [population]
    n_households = 20000

    [health]
    p_illness = 0.07
    baseline_reimbursement = {2012 = 0.45, 2016 = 0.5}   # changes by year

Every problem in a file (unknown names, wrong types, values out of range, years
outside the run) is reported at once with the file, the parameter path, the value
and what is allowed.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from povsim.errors import ParameterError, PovsimError, Problem
from povsim.params import Parameters
from povsim.params.spec import did_you_mean, iter_sections

META_TABLE = "scenario"
META_KEYS = {"name": str, "description": str, "question": str}


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter values.

    Attributes:
        name: Short name (used in tables and file names).
        description: What the scenario represents.
        question: The question the scenario answers.
        params: The full, validated parameter tree.
        overrides: The dotted-path values the file set (what differs from defaults).
        path: The file it was read from, if any.
        sha256: Hash of the file's bytes (for manifests), if read from a file.
    """

    name: str
    description: str = ""
    question: str = ""
    params: Parameters = field(default_factory=Parameters)
    overrides: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None
    sha256: str | None = None


def _is_year_table(value: Mapping[str, Any]) -> bool:
    return bool(value) and all(str(k).strip().isdigit() for k in value)


def flatten_tables(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested TOML tables to dotted paths; ``{year: value}`` tables stay whole."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and not _is_year_table(value):
            out.update(flatten_tables(value, path + "."))
        else:
            out[path] = value
    return out


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning a missing file or a syntax error into a clear error.

    Args:
        path: The file.

    Returns:
        The parsed tables.

    Raises:
        PovsimError: If the file is missing, unreadable or not valid TOML.
    """
    p = Path(path)
    if not p.is_file():
        hint = ""
        if not p.suffix:
            hint = f" (did you mean {p.with_suffix('.toml')}?)"
        raise PovsimError(f"scenario file not found: {p}{hint}")
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PovsimError(f"{p}: not valid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PovsimError(f"{p}: cannot read the file: {exc}") from exc


def scenario_from_tables(
    tables: Mapping[str, Any],
    *,
    file: str | None = None,
    base: Parameters | None = None,
    default_name: str = "scenario",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split parsed TOML into metadata and parameter overrides, checking both.

    Args:
        tables: Parsed TOML.
        file: File name for messages.
        base: Parameters the overrides apply to (defaults if omitted).
        default_name: Name used when the file gives none.

    Returns:
        ``(meta, overrides)``.

    Raises:
        ParameterError: Listing every problem with the metadata.
    """
    problems: list[Problem] = []
    meta_raw = tables.get(META_TABLE, {})
    meta: dict[str, Any] = {"name": default_name, "description": "", "question": ""}
    if not isinstance(meta_raw, Mapping):
        problems.append(Problem(META_TABLE, meta_raw, "must be a table", file))
        meta_raw = {}
    for key, value in meta_raw.items():
        if key not in META_KEYS:
            allowed = ", ".join(META_KEYS)
            problems.append(Problem(f"{META_TABLE}.{key}", value,
                                    f"unknown scenario field; allowed: {allowed}", file))
        elif not isinstance(value, META_KEYS[key]):
            problems.append(Problem(f"{META_TABLE}.{key}", value, "must be text", file))
        else:
            meta[key] = value
    sections = {path for path, _, _ in iter_sections(base or Parameters())}
    overrides: dict[str, Any] = {}
    for key, value in tables.items():
        if key == META_TABLE:
            continue
        if key not in sections:
            hint = did_you_mean(key, sorted(sections))
            allowed = ", ".join(sorted(s for s in sections if "." not in s))
            problems.append(Problem(key, None, f"unknown section{hint}; sections: {allowed}",
                                    file))
            continue
        if not isinstance(value, Mapping):
            problems.append(Problem(key, value, "must be a table of parameters", file))
            continue
        overrides.update(flatten_tables(value, key + "."))
    if problems:
        raise ParameterError(problems)
    return meta, overrides


def load_scenario(path: str | Path, base: Parameters | None = None) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: The TOML file.
        base: Parameters the file's values apply to (defaults if omitted).

    Returns:
        The scenario with its full, validated parameters.

    Raises:
        PovsimError: For a missing or malformed file.
        ParameterError: Listing every invalid parameter in the file.
    """
    p = Path(path)
    tables = read_toml(p)
    meta, overrides = scenario_from_tables(tables, file=str(p), base=base,
                                           default_name=p.stem)
    params = (base or Parameters()).with_overrides(overrides, file=str(p))
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    return Scenario(meta["name"], meta["description"], meta["question"], params, overrides,
                    p, digest)
