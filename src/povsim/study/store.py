"""The result store: a folder where each finished run lands as soon as it finishes.

Every batch of runs writes to one: a sweep to its output folder, a comparison and a
validation to ``OUT/store``, a calibration to its store folder. Layout::

    manifest.json             what the batch is: for a sweep (and a comparison or a
                              validation, which are sweeps) the spec (text and hash),
                              povsim and package versions, seeds, design, the plan of
                              every run with its seed, and one entry per session that
                              ran it; for a calibration its evaluations
    runs/run-000042.parquet   one file per finished run: one row a year, with the
                              run's id, scenario, policy, point, replication, seed and
                              factor values, then the outputs
    failures/run-000007.json  one file per failed run: its parameters and traceback
    sweep.lock                while a batch runs: who runs it (one batch per folder)

Every file is written to a hidden temporary name and renamed into place, so a reader
sees whole files only: :func:`load_results` can read a sweep while it runs, and a
sweep killed at any moment loses nothing that had finished. A rerun with
``resume=True`` skips the runs whose file exists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from povsim.errors import PovsimError
from povsim.util.atomic import atomic_path, write_text

MANIFEST = "manifest.json"
RUNS = "runs"
FAILURES = "failures"
LOCK = "sweep.lock"
RUN_FILE = re.compile(r"^run-(\d+)\.parquet$")
FAILURE_FILE = re.compile(r"^run-(\d+)\.json$")
READ_THREADS = 8
"""Threads reading run files in :meth:`ResultStore.load`."""

RUN_ID_WIDTH = 6
"""Digits of the run number in file names (more when a sweep has more runs)."""


def run_name(run_id: int) -> str:
    """``run-000042``: the stem of a run's files."""
    return f"run-{run_id:0{RUN_ID_WIDTH}d}"


def _ids(folder: Path, pattern: re.Pattern[str]) -> set[int]:
    if not folder.is_dir():
        return set()
    return {int(m.group(1)) for entry in os.scandir(folder)
            if (m := pattern.match(entry.name))}


class ResultStore:
    """A sweep's folder (see the module docstring).

    Args:
        root: The folder.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.failures_dir = self.root / FAILURES

    # -------------------------------------------------------------- manifest
    @property
    def manifest_path(self) -> Path:
        """Where the manifest is."""
        return self.root / MANIFEST

    def exists(self) -> bool:
        """Whether the folder holds a sweep (a manifest)."""
        return self.manifest_path.is_file()

    def read_manifest(self) -> dict[str, Any]:
        """The manifest.

        Raises:
            PovsimError: If the folder holds no sweep or the manifest is unreadable.
        """
        if not self.exists():
            raise PovsimError(f"{self.root} holds no sweep (no {MANIFEST}); give the folder "
                              "a sweep wrote (povsim sweep SPEC --out FOLDER)")
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise PovsimError(f"cannot read {self.manifest_path}: {exc}") from exc

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically (creating the folders)."""
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
            self.failures_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise PovsimError(f"cannot create the output folder {self.root}: {exc}") from exc
        write_text(self.manifest_path, json.dumps(manifest, indent=1, default=str) + "\n")

    # -------------------------------------------------------------- runs
    def finished(self) -> set[int]:
        """Ids of the runs whose results are stored."""
        return _ids(self.runs_dir, RUN_FILE)

    def failed(self) -> set[int]:
        """Ids of the runs recorded as failed (and not finished since)."""
        return _ids(self.failures_dir, FAILURE_FILE) - self.finished()

    def write_run(self, run_id: int, data: bytes | pd.DataFrame) -> Path:
        """Store a finished run atomically, and forget an earlier failure of it.

        Args:
            run_id: The run.
            data: Its yearly outputs: the bytes of a Parquet file, or a table.

        Returns:
            The file written.
        """
        if isinstance(data, pd.DataFrame):
            import pyarrow as pa

            from povsim.study.runs import encode

            data = encode(pa.Table.from_pandas(data, preserve_index=False))
        path = self.runs_dir / f"{run_name(run_id)}.parquet"
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        failure = self.failures_dir / f"{run_name(run_id)}.json"
        if failure.exists():
            failure.unlink(missing_ok=True)
        return path

    def write_failure(self, run_id: int, record: dict[str, Any]) -> Path:
        """Store a failed run's parameters and traceback atomically."""
        path = self.failures_dir / f"{run_name(run_id)}.json"
        write_text(path, json.dumps(record, indent=1, default=str) + "\n")
        return path

    def failures(self) -> list[dict[str, Any]]:
        """The failed runs' records, by run id."""
        return [json.loads((self.failures_dir / f"{run_name(i)}.json").read_text("utf-8"))
                for i in sorted(self.failed())]

    def remove_temporary(self) -> int:
        """Delete temporary files left by a sweep that was killed; return how many."""
        removed = 0
        for folder in (self.runs_dir, self.failures_dir, self.root):
            if folder.is_dir():
                for entry in folder.iterdir():
                    if entry.name.startswith(".") and entry.is_file():
                        entry.unlink(missing_ok=True)
                        removed += 1
        return removed

    def load(self, columns: list[str] | None = None,
             run_ids: Iterable[int] | None = None) -> pd.DataFrame:
        """Finished runs, one row per run and year, sorted by run and year.

        Args:
            columns: Columns to read (all if ``None``).
            run_ids: The runs to read (every finished run if ``None``); those not
                finished are left out.

        Returns:
            The results (empty, with no columns, if no run has finished).
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        finished = self.finished()
        ids = sorted(finished if run_ids is None else finished & set(run_ids))
        if not ids:
            return pd.DataFrame()
        paths = [self.runs_dir / f"{run_name(i)}.parquet" for i in ids]
        with ThreadPoolExecutor(READ_THREADS) as pool:   # reading releases the GIL
            tables = list(pool.map(lambda path: pq.read_table(path, columns=columns), paths))
        table = pa.concat_tables(tables, promote_options="permissive")
        return table.to_pandas().sort_values(["run_id", "year"], kind="stable") \
            .reset_index(drop=True)

    def seconds(self) -> dict[int, float]:
        """Wall time of each finished run (as recorded in its file), by run id."""
        import pyarrow.parquet as pq

        from povsim.study.runs import SECONDS_KEY

        times = {}
        for run_id in sorted(self.finished()):
            path = self.runs_dir / f"{run_name(run_id)}.parquet"
            metadata = pq.read_schema(path).metadata or {}
            times[run_id] = float(metadata.get(SECONDS_KEY, b"nan"))
        return times

    def clear(self) -> None:
        """Delete the stored runs, failures and manifest (to start the batch afresh)."""
        for folder in (self.runs_dir, self.failures_dir):
            if folder.is_dir():
                shutil.rmtree(folder)
        self.manifest_path.unlink(missing_ok=True)

    # -------------------------------------------------------------- one batch at a time
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder for one sweep; refuse if a live sweep holds it.

        A lock left by a sweep that was killed (its process is gone) is taken over.

        Raises:
            PovsimError: If another running sweep holds the folder.
        """
        path = self.root / LOCK
        me = {"pid": os.getpid(), "host": socket.gethostname()}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PovsimError(f"cannot create the output folder {self.root}: {exc}") from exc
        if path.is_file():
            try:
                holder = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                holder = {}
            if holder.get("host") == me["host"] and _alive(holder.get("pid")) \
                    and holder.get("pid") != me["pid"]:
                raise PovsimError(f"another sweep (process {holder['pid']}) is writing to "
                                  f"{self.root}; wait for it, or stop it first")
        write_text(path, json.dumps(me) + "\n")
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def load_results(root: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Every finished run of a sweep (readable while the sweep still runs).

    Args:
        root: The sweep's folder.
        columns: Columns to read (all if ``None``).

    Returns:
        One row per run and year: run_id, scenario, policy, point, replication, seed,
        the factors, year, the outputs; sorted by run and year.

    Raises:
        PovsimError: If the folder holds no sweep.
    """
    store = ResultStore(root)
    store.read_manifest()
    return store.load(columns)
