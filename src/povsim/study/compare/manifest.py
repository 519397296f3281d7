"""The manifest of a comparison: everything needed to reproduce it exactly.

The package versions, each scenario file with its SHA-256 hash and the files it extends,
the seeds, the years (each scenario's end year), the overrides, the command line and the
time of every run; and the full traceback of every run that failed (errors.log).
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from povsim.study.compare.comparison import ComparisonResult
from povsim.study.intervals import CONFIDENCE
from povsim.study.scenarios import Scenario
from povsim.util.jsonable import jsonable
from povsim.util.versions import MODEL_PACKAGES, git_revision, installed_version, povsim_version

SECONDS_DIGITS = 3
"""Decimals of run durations in the manifest (milliseconds)."""


def scenario_record(scenario: Scenario) -> dict[str, Any]:
    """A scenario's identity for a manifest: name, files with hashes, what it sets.

    Args:
        scenario: The scenario.

    Returns:
        Plain data: name, description, question, file, sha256, the ``extends`` chain
        (each file with its hash) and the parameters that differ from the defaults.
    """
    return {
        "name": scenario.name,
        "description": scenario.description,
        "question": scenario.question,
        "file": str(scenario.path) if scenario.path else None,
        "sha256": scenario.sha256,
        "extends": [{"file": str(f.path), "sha256": f.sha256} for f in scenario.chain[1:]],
        "outputs": list(scenario.outputs),
        "differs_from_defaults": dict(scenario.overrides),
    }


def build_manifest(result: ComparisonResult, *, command: str = "",
                   reproduce: str = "") -> dict[str, Any]:
    """Everything needed to reproduce a comparison, as plain data.

    Args:
        result: The runs.
        command: The command line as typed.
        reproduce: A command line that reproduces the comparison.

    Returns:
        A JSON-serialisable dict.
    """
    comparison = result.comparison
    return {
        "povsim_version": povsim_version(),
        "povsim_commit": git_revision(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {name: installed_version(name) for name in MODEL_PACKAGES},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "reproduce": reproduce,
        "reference": comparison.reference.name,
        "scenarios": [scenario_record(s) for s in comparison.scenarios],
        "seeds": list(comparison.seeds),
        "years": comparison.years,
        "start_year": comparison.start_year,
        "end_year": comparison.end_year,
        "end_years": comparison.end_years,
        "overrides": dict(comparison.overrides),
        "confidence": CONFIDENCE,
        "workers": result.workers,
        "total_seconds": round(result.seconds, SECONDS_DIGITS),
        "runs": [
            {"scenario": r.scenario, "seed": r.seed,
             "seconds": round(r.seconds, SECONDS_DIGITS), "ok": r.ok,
             **({"error": r.error_summary} if not r.ok else {})}
            for r in result.outcomes
        ],
    }


def to_json(data: Mapping[str, Any]) -> str:
    """Indented JSON text of plain data (NaN as null), ending with a newline."""
    return json.dumps(jsonable(data), indent=2, ensure_ascii=False) + "\n"


def errors_log(result: ComparisonResult) -> str:
    """Text of the full traceback of every failed run."""
    return "\n".join(f"=== scenario {r.scenario}, seed {r.seed} ===\n{r.error}\n"
                     for r in result.failures)
