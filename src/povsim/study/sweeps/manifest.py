"""The manifest of a sweep, and the checks that let a sweep start or resume in a folder.

``manifest.json`` records the spec (its text and hash), povsim and package versions,
the master seed and how run seeds derive from it, the design (for a sampled design
the sample as drawn, which the sensitivity analysis needs), every planned run with its
seed, and one entry per session that ran the sweep. A sweep resumes only into a folder
whose manifest has the same spec hash and the same plan.
"""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path
from typing import Any

from povsim.errors import PovsimError
from povsim.study.runs import PlannedRun
from povsim.study.seeds import seed_recipe
from povsim.study.store import ResultStore
from povsim.study.sweeps.designs import Design
from povsim.study.sweeps.plan import plan_table
from povsim.study.sweeps.spec import ExperimentSpec
from povsim.util.versions import MODEL_PACKAGES, package_versions

MANIFEST_VERSION = 1
"""Version of the manifest layout."""

SWEEP_PACKAGES = (*MODEL_PACKAGES, "pyarrow", "SALib", "dask", "distributed")
"""Packages whose versions the manifest records (those installed): the model's (as a
comparison's manifest records them) and the sweep's (store, samplers, executors)."""

UPDATABLE = ("spec_text", "spec_source", "description", "question", "figures", "analyses")
"""Manifest fields a resumed sweep takes from the current spec (they change no run)."""

HASH_SHOWN = 12
"""Characters of a hash shown in messages."""

VALUE_SHOWN = 80
"""Characters of a changed spec value shown in messages."""


def _plan_rows(runs: list[PlannedRun], design: Design) -> dict[str, Any]:
    table = plan_table(runs, list(design.names))
    return {"columns": list(table.columns), "rows": table.to_numpy().tolist()}


def build_manifest(spec: ExperimentSpec, design: Design, runs: list[PlannedRun]) -> dict:
    """The manifest of a sweep (see :mod:`povsim.study.store`).

    Args:
        spec: The spec.
        design: Its design.
        runs: Its plan.

    Returns:
        Plain data for ``manifest.json``.
    """
    plan = _plan_rows(runs, design)
    plan_hash = sha256(json.dumps(plan, default=str).encode()).hexdigest()
    return {
        "manifest_version": MANIFEST_VERSION,
        "experiment": spec.name,
        "description": spec.description,
        "question": spec.question,
        "spec_source": spec.source,
        "spec_text": spec.text,
        "spec_sha256": spec.sha256,
        "spec": spec.describe(),
        "figures": [dict(f) for f in spec.figures],
        "analyses": [dict(a) for a in spec.analyses],
        "scenario_files": [{"name": s.name, "chain": [{"path": str(f.path), "sha256": f.sha256}
                                                      for f in s.chain]}
                           for s in spec.scenarios],
        "versions": package_versions(SWEEP_PACKAGES),
        "master_seed": spec.seed,
        "seeding": seeding(spec),
        "design": {
            "kind": design.kind,
            "names": list(design.names),
            "options": dict(design.options or {}),
            "problem": dict(design.problem) if design.problem else None,
            "raw": design.raw.tolist() if design.raw is not None else None,
            "points": len(design),
        },
        "years": {"start": spec.start_year, "end": spec.end_year},
        "planned_runs": len(runs),
        "plan_sha256": plan_hash,
        "plan": plan,
        "sessions": [],
    }


def seeding(spec: ExperimentSpec) -> str:
    """How the runs' seeds derive from the spec, in words and Python."""
    if spec.seeds:
        return ("given seeds, one per replication, shared by every scenario, policy and "
                f"point (common random numbers): seed = seeds[replication], seeds = "
                f"{list(spec.seeds)}")
    if spec.common_seeds:
        return ("one seed per replication, shared by every scenario, policy and point "
                "(common random numbers): seed = "
                f"{seed_recipe('replications', 'replication')}")
    return f"one independent seed per run: seed = {seed_recipe('planned_runs', 'run_id')}"


def check_store(root: Path, manifest: dict[str, Any], *,
                resume: bool) -> tuple[ResultStore, dict[str, Any]]:
    """Check that a sweep may start (or resume) in a folder; write nothing yet.

    Args:
        root: The folder.
        manifest: The new manifest.
        resume: Whether to continue a sweep already in the folder.

    Returns:
        The store, and the manifest to write: the new one, or (when resuming) the
        stored one with the fields that change no run taken from the new one.

    Raises:
        PovsimError: If the folder holds a sweep and ``resume`` is false, or holds a
            different sweep (another spec, scenario or design).
    """
    store = ResultStore(root)
    if not store.exists():
        if store.finished():
            raise PovsimError(f"{root} holds run files but no manifest; choose another "
                              "--out folder")
        return store, manifest
    old = store.read_manifest()
    done = len(store.finished())
    if not resume:
        raise PovsimError(f"{root} already holds a sweep of {old.get('experiment')!r} "
                          f"({done} of {old.get('planned_runs')} runs stored); add --resume "
                          "(resume=True) to continue it, or choose another --out folder")
    if old.get("spec_sha256") != manifest["spec_sha256"]:
        changed = spec_differences(old.get("spec", {}), manifest["spec"])
        raise PovsimError(
            f"cannot resume: the spec differs from the one that started the sweep in {root} "
            f"(spec hash {manifest['spec_sha256'][:HASH_SHOWN]} now, "
            f"{str(old.get('spec_sha256'))[:HASH_SHOWN]} then); changed: {'; '.join(changed)}. "
            "Restore it, or run the spec into a new --out folder")
    if old.get("plan_sha256") != manifest["plan_sha256"]:
        raise PovsimError(
            f"cannot resume: the same spec now gives different runs than the sweep in {root} "
            "(another version of SALib or scipy may sample differently: compare 'versions' "
            "in its manifest.json); run it into a new --out folder")
    old.update({key: manifest[key] for key in UPDATABLE})
    return store, old


def spec_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two :meth:`ExperimentSpec.describe` dicts, in words."""
    changed = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if json.dumps(before, sort_keys=True, default=str) == \
                json.dumps(after, sort_keys=True, default=str):
            continue
        if key == "scenarios" and isinstance(before, list) and isinstance(after, list) \
                and [s.get("name") for s in before] == [s.get("name") for s in after]:
            names = [a["name"] for a, b in zip(after, before, strict=True)
                     if a.get("params_sha256") != b.get("params_sha256")]
            changed.append(f"the parameter values of scenario {', '.join(names)} (its file, "
                           "a file it extends, or povsim's defaults changed)")
        else:
            was = json.dumps(before, default=str)[:VALUE_SHOWN]
            now = json.dumps(after, default=str)[:VALUE_SHOWN]
            changed.append(f"{key} (was {was}, now {now})")
    return changed or ["the spec's hash (the manifest may come from another povsim version)"]
