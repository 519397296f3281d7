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
    runs.sha256               the SHA-256 of each run file as written, one line a run
                              (``sha256sum -c runs.sha256`` checks them)
    rejected/                 run files a resumed batch found damaged or of another
                              batch: moved here (not deleted) and run again
    sweep.lock                while a batch runs: who runs it (one batch per folder)

Every file is written to a hidden temporary name and renamed into place, so a reader
sees whole files only: :func:`load_results` can read a sweep while it runs, and a
sweep killed at any moment loses nothing that had finished. A rerun with
``resume=True`` skips the runs whose file is verified (:meth:`ResultStore.verify`):
its bytes match the checksum recorded when it was written (or, for a file written
just before a kill and not yet recorded, it reads whole), and its labels are those of
the planned run; any other run file is set aside in ``rejected/`` and run again.

One batch at a time writes to a folder: :meth:`ResultStore.lock` holds an exclusive
lock on ``sweep.lock`` (``flock``, released by the system when the process ends, so a
killed batch never blocks the next one, whatever process later takes its id), and the
checks that a batch may start in a folder are made while holding it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from povsim.errors import PovsimError
from povsim.util.atomic import atomic_path, temporary_of, write_text

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.json"
RUNS = "runs"
FAILURES = "failures"
REJECTED = "rejected"
CHECKSUMS = "runs.sha256"
LOCK = "sweep.lock"
COMPARISON_STORE = "store"
"""The folder of a comparison's (and a validation's) store inside its output folder."""
RUN_FILE = re.compile(r"^run-(\d+)\.parquet$")
FAILURE_FILE = re.compile(r"^run-(\d+)\.json$")
CHECKSUM_LINE = re.compile(r"^([0-9a-f]{64})  runs/run-(\d+)\.parquet$")
"""A line of the checksum ledger, as ``sha256sum`` writes it."""
TEMPORARIES = {RUNS: RUN_FILE, FAILURES: FAILURE_FILE,
               ".": re.compile(rf"^{re.escape(MANIFEST)}$")}
"""Files a batch writes, by folder of the store: only their leftover temporaries are removed."""

LABEL_COLUMNS = ("run_id", "scenario", "policy", "point", "replication", "seed")
"""Columns of a run file that say which run it is (checked before the run is skipped)."""
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
                              f"a sweep wrote (povsim sweep SPEC --out FOLDER){self._hint()}")
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PovsimError(f"cannot read {self.manifest_path}: {exc}") from exc
        if not isinstance(manifest, dict):
            raise PovsimError(f"{self.manifest_path}: not a manifest of povsim (a JSON "
                              f"object), but {type(manifest).__name__}")
        return manifest

    def read_sweep_manifest(self) -> dict[str, Any]:
        """The manifest of a sweep (a comparison's and a validation's store hold one too).

        Raises:
            PovsimError: If the folder holds no sweep: no manifest, or the manifest of
                something else (a comparison's output folder, a calibration's store),
                saying where the sweep's runs are when it knows.
        """
        manifest = self.read_manifest()
        design = manifest.get("design")
        plan = manifest.get("plan")
        if not (isinstance(design, dict) and {"kind", "points"} <= set(design)
                and isinstance(plan, dict) and {"columns", "rows"} <= set(plan)
                and isinstance(manifest.get("planned_runs"), int)):
            what = "a calibration's store" if manifest.get("kind") == "calibration" \
                else "not a sweep's"
            raise PovsimError(f"{self.root} holds no sweep: its {MANIFEST} is {what}"
                              f"{self._hint()}")
        return manifest

    def _hint(self) -> str:
        """Where the runs are when the folder is a comparison's or a validation's output."""
        inner = self.root / COMPARISON_STORE
        if (inner / MANIFEST).is_file():
            return (f"; {self.root} is the output folder of a comparison or a validation, "
                    f"whose runs are stored in {inner}: give that folder "
                    f"(povsim results {inner})")
        return ""

    def planned_labels(self) -> dict[int, dict[str, Any]]:
        """The labels of each planned run of a sweep, by run id (from its manifest)."""
        plan = self.read_sweep_manifest()["plan"]
        columns = list(plan["columns"])
        try:
            rows = [dict(zip(columns, row, strict=True)) for row in plan["rows"]]
            return {int(row["run_id"]): {k: row[k] for k in LABEL_COLUMNS if k in row}
                    for row in rows}
        except (KeyError, TypeError, ValueError) as exc:
            raise PovsimError(f"{self.manifest_path}: its plan is not readable ({exc})") \
                from exc

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
        path = self.run_path(run_id)
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        self._record_checksum(run_id, hashlib.sha256(data).hexdigest())
        failure = self.failures_dir / f"{run_name(run_id)}.json"
        if failure.exists():
            failure.unlink(missing_ok=True)
        return path

    def run_path(self, run_id: int) -> Path:
        """The file of a run's results."""
        return self.runs_dir / f"{run_name(run_id)}.parquet"

    # -------------------------------------------------------------- checking run files
    @property
    def checksums_path(self) -> Path:
        """The ledger of run-file checksums."""
        return self.root / CHECKSUMS

    def _record_checksum(self, run_id: int, digest: str) -> None:
        line = f"{digest}  {RUNS}/{run_name(run_id)}.parquet\n"
        try:
            with self.checksums_path.open("a", encoding="utf-8") as ledger:
                ledger.write(line)
        except OSError as exc:
            raise PovsimError(f"cannot write {self.checksums_path}: "
                              f"{exc.strerror or exc}") from exc

    def checksums(self) -> dict[int, str]:
        """The checksum recorded for each run file (the last one, if a run has several).

        A line cut short (a batch killed while writing it) is ignored: its run is then
        checked by reading it whole.
        """
        try:
            text = self.checksums_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise PovsimError(f"cannot read {self.checksums_path}: {exc}") from exc
        return {int(m.group(2)): m.group(1) for line in text.splitlines()
                if (m := CHECKSUM_LINE.match(line))}

    def verify(self, expected: Mapping[int, Mapping[str, Any]] | None = None, *,
               set_aside: bool = False) -> tuple[set[int], dict[int, str]]:
        """Check the stored run files: whole, as written, and of the runs planned.

        A file is good when its bytes match the checksum recorded when it was written,
        or (no checksum recorded: a batch killed between writing the file and its
        checksum, or a store of an older povsim) when it reads as a whole Parquet file;
        and when its labels (run id, scenario, policy, point, replication, seed) are
        those of the planned run. A good file without a checksum gets one when
        ``set_aside`` (the batch that holds the store checks it).

        Args:
            expected: The labels of each planned run, by run id; files of runs not in
                it are neither checked nor counted. Every stored run if ``None`` (only
                their integrity is checked then).
            set_aside: Move every bad file to ``rejected/`` (it is then run again), and
                record the checksum of good files that have none (only the batch that
                holds the store may: see :meth:`lock`).

        Returns:
            The ids of the good files, and what is wrong with each bad one by id.
        """
        stored = self.finished()
        ids = sorted(stored if expected is None else stored & set(expected))
        recorded = self.checksums()

        def check(run_id: int) -> str | None:
            path = self.run_path(run_id)
            try:
                data = path.read_bytes()
            except OSError as exc:
                return f"unreadable ({exc.strerror or exc})"
            digest = hashlib.sha256(data).hexdigest()
            if run_id in recorded and recorded[run_id] != digest:
                return "damaged (its bytes differ from those written: truncated or changed)"
            try:
                labels = _labels(data)
            except Exception as exc:  # any reader error means a damaged file
                return f"damaged (not a whole Parquet file: {_first_line(exc)})"
            want = None if expected is None else expected[run_id]
            if want is not None:
                differ = [k for k in LABEL_COLUMNS
                          if k in want and str(labels.get(k)) != str(want[k])]
                if differ:
                    shown = ", ".join(f"{k} {labels.get(k)!r} (planned {want[k]!r})"
                                      for k in differ)
                    return f"of another batch ({shown})"
            if run_id not in recorded and set_aside:      # the writer adopts it
                self._record_checksum(run_id, digest)
            return None

        with ThreadPoolExecutor(READ_THREADS) as pool:
            found = dict(zip(ids, pool.map(check, ids), strict=True))
        bad = {run_id: reason for run_id, reason in found.items() if reason is not None}
        if set_aside:
            for run_id in bad:
                self._set_aside(run_id)
        return set(ids) - set(bad), bad

    def _set_aside(self, run_id: int) -> Path:
        """Move a bad run file to ``rejected/`` (never over an earlier one)."""
        folder = self.root / REJECTED
        try:
            folder.mkdir(exist_ok=True)
            target = folder / f"{run_name(run_id)}.parquet"
            n = 1
            while target.exists():
                target = folder / f"{run_name(run_id)}.{n}.parquet"
                n += 1
            self.run_path(run_id).replace(target)
        except OSError as exc:
            raise PovsimError(f"cannot move the bad run file {self.run_path(run_id)} to "
                              f"{folder}: {exc.strerror or exc}") from exc
        return target

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
        """Delete the temporary files a killed batch left behind; return how many.

        Only the temporaries of the files a batch writes are removed (a run file, a
        failure record, the manifest, each under its hidden temporary name); every
        other file, hidden or not, stays: a store may be a folder that holds other files.
        """
        removed = 0
        for sub, pattern in TEMPORARIES.items():
            folder = self.root / sub
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                target = temporary_of(entry.name)
                if target is not None and pattern.match(target) and entry.is_file():
                    Path(entry.path).unlink(missing_ok=True)
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
        paths = [self.run_path(i) for i in ids]

        def read(path: Path) -> pa.Table:
            try:
                return pq.read_table(path, columns=columns)
            except (OSError, pa.ArrowException) as exc:
                raise PovsimError(
                    f"the run file {path} is damaged ({_first_line(exc)}); the same command "
                    "with --resume (resume=True) moves it to rejected/ and runs it "
                    "again") from exc

        with ThreadPoolExecutor(READ_THREADS) as pool:   # reading releases the GIL
            tables = list(pool.map(read, paths))
        table = pa.concat_tables(tables, promote_options="permissive")
        return table.to_pandas().sort_values(["run_id", "year"], kind="stable") \
            .reset_index(drop=True)

    def seconds(self) -> dict[int, float]:
        """Wall time of each finished run (as recorded in its file), by run id."""
        import pyarrow.parquet as pq

        from povsim.study.runs import SECONDS_KEY

        times = {}
        for run_id in sorted(self.finished()):
            try:
                metadata = pq.read_schema(self.run_path(run_id)).metadata or {}
            except Exception:  # a damaged file has no recorded time
                metadata = {}
            times[run_id] = float(metadata.get(SECONDS_KEY, b"nan"))
        return times

    def clear(self) -> None:
        """Delete the stored runs, failures and manifest (to start the batch afresh)."""
        for folder in (self.runs_dir, self.failures_dir):
            if folder.is_dir():
                shutil.rmtree(folder)
        self.manifest_path.unlink(missing_ok=True)
        self.checksums_path.unlink(missing_ok=True)

    # -------------------------------------------------------------- one batch at a time
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder for one batch; refuse if another live batch holds it.

        The lock is the system's (``flock`` on ``sweep.lock``): taking it is one step,
        so two batches started together cannot both get it, and it ends with the
        process that held it, so a killed batch never blocks the next one (whatever
        process later takes its id). The same process may take it again inside (a
        sweep holds its folder while it checks it and while it runs).

        Raises:
            PovsimError: If another running batch holds the folder, or the folder
                cannot be created.
        """
        key = os.path.realpath(self.root)
        if key in _HELD:
            _HELD[key] += 1
            try:
                yield
            finally:
                _HELD[key] -= 1
            return
        created = [p for p in (self.root, *self.root.parents) if not p.exists()]
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PovsimError(f"cannot create the output folder {self.root}: "
                              f"{exc.strerror or exc}") from exc
        fd = _acquire(self.root / LOCK)
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
            _release(self.root / LOCK, fd)
            for folder in created:      # a batch refused before it wrote anything leaves none
                try:
                    folder.rmdir()
                except OSError:
                    break               # not empty: it holds what the batch wrote


_HELD: dict[str, int] = {}
"""Folders this process holds (real path -> depth), so that a holder may lock again."""


def _holder_text(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"(process {int(holder['pid'])}) on {holder['host']}"
    except (ValueError, KeyError, TypeError):
        return "(another process)"


def _acquire(path: Path) -> int:
    """Take the lock file's exclusive lock without waiting; return its descriptor.

    Raises:
        PovsimError: If another process holds it.
    """
    me = json.dumps({"pid": os.getpid(), "host": socket.gethostname()}) + "\n"
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PovsimError(f"cannot create {path}: {exc.strerror or exc}") from exc
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                text = os.pread(fd, 4096, 0).decode("utf-8", "replace")
            finally:
                os.close(fd)
            raise PovsimError(f"another sweep {_holder_text(text)} is writing to "
                              f"{path.parent}; wait for it, or stop it first") from None
        try:
            same = path.stat().st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:            # the holder released and removed it meanwhile: take the new one
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, me.encode(), 0)
        return fd


def _release(path: Path, fd: int) -> None:
    try:
        path.unlink(missing_ok=True)      # removed while still held, then let go
    finally:
        os.close(fd)


def _labels(data: bytes) -> dict[str, Any]:
    """The labels of the run a run file's bytes hold (reading the whole file)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(data))
    if table.num_rows == 0:
        raise ValueError("no rows")
    names = [c for c in LABEL_COLUMNS if c in table.column_names]
    first = table.select(names).slice(0, 1).to_pylist()[0]
    for name in names:
        if len(set(table.column(name).to_pylist())) != 1:
            raise ValueError(f"its rows name several values of {name}")
    return first


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


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
    store.read_sweep_manifest()
    return store.load(columns)
