"""Sweeps: the same table on every executor and number of workers; each run stored as it
finishes; failed runs recorded with parameters and traceback; a sweep killed midway
resumes to the same table; resuming another spec is refused."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from povsim import PovsimError, load_results
from povsim.study.executors import LocalPoolExecutor, SerialExecutor, make_executor
from povsim.study.store import ResultStore, run_name
from povsim.study.sweeps.checks import load_spec
from povsim.study.sweeps.engine import run_sweep

SPEC = """
[experiment]
name = "small"
seed = 7
replications = {replications}
years = {years}
design = "lhs"
samples = {samples}
outputs = ["headcount_rate", "exits", "returns_after_exit", "exits_registered"]

[constants]
"population.n_households" = {households}

[uncertainties]
"health.p_illness" = {{low = 0.04, high = 0.12}}
"identification.mode" = ["quota", "need_based"]
"""
KILL_AFTER = 10
"""Runs the killed sweep must have stored before it is killed."""
KILL_SAMPLES = 100
"""Design points of the sweeps that are stopped (two replications each)."""
KILL_HOUSEHOLDS = 1500
"""Households of each run of the stopped sweeps: enough work that a loaded machine still
stops them mid-way (at 500 the sweep could finish before the signal)."""
POLL_SECONDS = 0.01
KILL_TIMEOUT = 120
WORKERS_EXIT_SECONDS = 10


def write_spec(folder: Path, samples: int = 6, replications: int = 2, years: int = 2,
               households: int = 1000) -> Path:
    path = folder / "small.toml"
    path.write_text(SPEC.format(samples=samples, replications=replications, years=years,
                                households=households), encoding="utf-8")
    return path


def write_stopped_spec(folder: Path) -> Path:
    """The spec of the sweeps that are killed or interrupted: many short runs."""
    return write_spec(folder, samples=KILL_SAMPLES, years=1, households=KILL_HOUSEHOLDS)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uninterrupted")
    run_sweep(load_spec(write_stopped_spec(folder)), folder / "out", executor="serial")
    return load_results(folder / "out")


@pytest.fixture(scope="module")
def serial_table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serial")
    report = run_sweep(load_spec(write_spec(folder)), folder / "out", executor="serial")
    assert report.complete
    assert not report.failures
    return load_results(folder / "out")


def test_serial_local_pool_and_dask_give_the_same_table(serial_table, tmp_path):
    pytest.importorskip("distributed")
    spec = load_spec(write_spec(tmp_path))
    assert len(serial_table) == 6 * 2 * 3
    for executor, workers in (("local", 2), ("local", 1), ("dask", 2)):
        out = tmp_path / f"{executor}-{workers}"
        report = run_sweep(spec, out, executor=executor, workers=workers)
        assert report.complete, executor
        pd.testing.assert_frame_equal(load_results(out), serial_table)


def test_a_local_pool_is_persistent_and_reusable_across_sweeps(serial_table, tmp_path):
    spec = load_spec(write_spec(tmp_path))
    with LocalPoolExecutor(2) as pool:
        run_sweep(spec, tmp_path / "a", executor=pool)
        first = set(pool._pool._processes)      # the worker processes
        run_sweep(spec, tmp_path / "b", executor=pool)
        assert set(pool._pool._processes) == first
    pd.testing.assert_frame_equal(load_results(tmp_path / "b"), serial_table)


def test_each_run_is_a_parquet_file_and_the_manifest_has_the_plan(serial_table, tmp_path):
    spec = load_spec(write_spec(tmp_path))
    run_sweep(spec, tmp_path / "out", executor="serial")
    store = ResultStore(tmp_path / "out")
    assert store.finished() == set(range(12))
    one = pd.read_parquet(tmp_path / "out" / "runs" / f"{run_name(5)}.parquet")
    assert one["run_id"].unique().tolist() == [5]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["spec_sha256"] == spec.sha256
    assert manifest["spec_text"] == (tmp_path / "small.toml").read_text()
    assert manifest["master_seed"] == 7
    assert manifest["versions"]["povsim"]
    plan = pd.DataFrame(manifest["plan"]["rows"], columns=manifest["plan"]["columns"])
    seeds = serial_table.drop_duplicates("run_id")["seed"].tolist()
    assert plan["seed"].tolist() == seeds
    assert manifest["sessions"][-1]["status"] == "finished"


def test_a_failed_run_is_recorded_and_the_others_go_on(tmp_path, monkeypatch, capsys):
    import povsim.study.runs
    from povsim.cli import main

    real = povsim.study.runs.simulate

    def flaky(params, seed, **kwargs):
        if params.identification.mode == "need_based":
            raise RuntimeError("boom in the model")
        return real(params, seed, **kwargs)

    monkeypatch.setattr(povsim.study.runs, "simulate", flaky)
    spec = write_spec(tmp_path)
    status = main(["sweep", str(spec), "--executor", "serial", "--out", str(tmp_path / "o"),
                   "--quiet"])
    assert status == 1
    err = capsys.readouterr().err
    store = ResultStore(tmp_path / "o")
    failed = store.failures()
    assert failed
    assert len(failed) + len(store.finished()) == 12
    assert f"{len(failed)} of 12 runs failed" in err
    assert "RuntimeError: boom in the model" in err
    assert "--resume" in err
    record = failed[0]
    assert record["parameters"]["identification.mode"] == "need_based"
    assert record["parameters"]["population.n_households"] == 1000
    assert "Traceback" in record["traceback"]
    assert "flaky" in record["traceback"]
    # fixed, a resumed sweep reruns only the failed runs
    monkeypatch.setattr(povsim.study.runs, "simulate", real)
    report = run_sweep(load_spec(spec), tmp_path / "o", executor="serial", resume=True)
    assert report.finished == len(failed)
    assert report.complete
    assert not report.failures


def test_resume_skips_stored_runs_and_completes_the_same_table(serial_table, tmp_path):
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "out"
    run_sweep(spec, out, executor="serial")
    for run_id in (1, 4, 9):                              # as if they had not finished
        (out / "runs" / f"{run_name(run_id)}.parquet").unlink()
    (out / "runs" / ".run-000001.1234-abcd.parquet").write_bytes(b"half a file")
    assert len(load_results(out)) == 9 * 3                # readable, partial
    report = run_sweep(spec, out, executor="serial", resume=True)
    assert (report.skipped, report.finished) == (9, 3)
    assert not (out / "runs" / ".run-000001.1234-abcd.parquet").exists()
    pd.testing.assert_frame_equal(load_results(out), serial_table)


def children_of(pid: int) -> list[int]:
    """Ids of the processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text()
                                            .rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_sweep_killed_midway_resumes_to_the_same_table(tmp_path, uninterrupted,
                                                         kill_when_stored):
    spec_path = write_stopped_spec(tmp_path)
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "povsim", "sweep", str(spec_path), "--out", str(out),
               "--workers", "2", "--quiet", "--no-figures"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: list[int] = []

    def follow_workers() -> None:
        workers[:] = children_of(process.pid) or workers

    kill_when_stored(process, out / "runs", KILL_AFTER, follow_workers)
    try:                                                   # the orphaned workers exit
        deadline = time.monotonic() + WORKERS_EXIT_SECONDS
        while time.monotonic() < deadline and any(running(p) for p in workers):
            time.sleep(POLL_SECONDS)
        assert workers
        assert not [p for p in workers if running(p)]
    finally:
        for pid in workers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
    stored = ResultStore(out).finished()
    assert KILL_AFTER <= len(stored) < 2 * KILL_SAMPLES
    spec = load_spec(spec_path)
    report = run_sweep(spec, out, executor="serial", resume=True)
    assert report.skipped == len(stored)
    assert report.complete
    pd.testing.assert_frame_equal(load_results(out), uninterrupted)


def test_ctrl_c_stops_a_sweep_that_resumes_to_the_same_table(tmp_path, uninterrupted,
                                                            wait_for_runs):
    spec_path = write_stopped_spec(tmp_path)
    out = tmp_path / "interrupted"
    command = [sys.executable, "-m", "povsim", "sweep", str(spec_path), "--out", str(out),
               "--workers", "2", "--quiet", "--no-figures"]
    # As started from a terminal: a test run launched in the background by a
    # non-interactive shell ignores SIGINT, and its children would inherit that.
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    wait_for_runs(process, out / "runs", KILL_AFTER)
    running_table = load_results(out)                      # readable while it runs
    assert len(running_table) >= KILL_AFTER * 2
    assert running_table.groupby("run_id")["year"].count().eq(2).all()   # whole runs only
    os.killpg(process.pid, signal.SIGINT)                  # Ctrl-C in a terminal
    _, err = process.communicate(timeout=KILL_TIMEOUT)
    assert process.returncode == 130, err
    assert "interrupted;" in err
    assert "--resume" in err
    assert "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions"][-1]["status"] == "interrupted"
    report = run_sweep(load_spec(spec_path), out, executor="serial", resume=True)
    assert report.complete
    pd.testing.assert_frame_equal(load_results(out), uninterrupted)


def test_a_sweep_folder_is_not_reused_by_mistake(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    run_sweep(spec, tmp_path / "out", executor="serial")
    with pytest.raises(PovsimError, match="add --resume"):
        run_sweep(spec, tmp_path / "out", executor="serial")
    other = load_spec(write_spec(tmp_path, replications=3))
    with pytest.raises(PovsimError, match=r"cannot resume: the spec differs.*replications "
                                          r"\(was 2, now 3\)"):
        run_sweep(other, tmp_path / "out", executor="serial", resume=True)


HOLD_FOLDER = """
import sys, time
from povsim.study.store import ResultStore
with ResultStore(sys.argv[1]).lock():
    print("holding", flush=True)
    time.sleep(30)
"""


def test_a_live_sweep_holds_its_folder(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "out"
    run_sweep(spec, out, executor="serial")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_FOLDER, str(out)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(PovsimError, match=f"another sweep \\(process {holder.pid}\\)"):
            run_sweep(spec, out, executor="serial", resume=True)
    finally:
        holder.kill()
        holder.wait()
    report = run_sweep(spec, out, executor="serial", resume=True)   # a dead holder: taken over
    assert report.complete


def test_a_stale_lock_whose_process_id_was_reused_does_not_block_resume(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "out"
    run_sweep(spec, out, executor="serial")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:   # a killed sweep's lock file, its process id now another (live) program's
        (out / "sweep.lock").write_text(json.dumps({"pid": other.pid,
                                                    "host": os.uname().nodename}))
        report = run_sweep(spec, out, executor="serial", resume=True)
    finally:
        other.kill()
        other.wait()
    assert report.complete
    assert not (out / "sweep.lock").exists()


def test_executors_are_chosen_by_name_with_clear_errors():
    assert isinstance(make_executor("serial"), SerialExecutor)
    with pytest.raises(PovsimError, match="unknown executor 'cluster'; allowed: serial, "
                                          "local, dask"):
        make_executor("cluster")
    with pytest.raises(PovsimError, match="--scheduler applies to the dask executor only"):
        make_executor("local", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(PovsimError, match="--workers 0"):
        make_executor("local", workers=0)


def test_sweep_runs_on_a_running_dask_cluster_given_by_address(serial_table, tmp_path,
                                                               capsys, dask_cluster):
    from povsim.cli import main

    spec = write_spec(tmp_path)
    status = main(["sweep", str(spec), "--scheduler", dask_cluster.scheduler_address,
                   "--out", str(tmp_path / "remote"), "--quiet"])
    assert status == 0, capsys.readouterr().err
    pd.testing.assert_frame_equal(load_results(tmp_path / "remote"), serial_table)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    import povsim.study.executors as executors
    from povsim.cli import main

    monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", "1s")
    status = main(["sweep", str(write_spec(tmp_path)), "--scheduler", "tcp://127.0.0.1:9",
                   "--out", str(tmp_path / "o"), "--quiet"])
    assert status == 2
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in \
        capsys.readouterr().err


def test_a_sweep_into_a_folder_of_other_files_removes_only_its_own(serial_table, tmp_path):
    out = tmp_path / "clone"                     # povsim sweep SPEC --out . in a clone
    (out / "runs").mkdir(parents=True)
    keep = {".gitignore": "results/\n", ".python-version": "3.12.1\n", "README.md": "#\n",
            "runs/.gitkeep": "", ".manifest.json.swp": "x"}
    for name, text in keep.items():
        (out / name).write_text(text)
    leftover = out / "runs" / ".run-000001.1234-0a1b2c3d.parquet"   # a killed sweep's
    leftover.write_bytes(b"half a file")
    report = run_sweep(load_spec(write_spec(tmp_path)), out, executor="serial")
    assert report.complete
    assert {name: (out / name).read_text() for name in keep} == keep
    assert not leftover.exists()
    pd.testing.assert_frame_equal(load_results(out), serial_table)


def test_two_sweeps_of_different_specs_started_together_never_mix(tmp_path):
    out = tmp_path / "shared"
    commands = []
    for replications in (2, 3):
        folder = tmp_path / f"spec{replications}"
        folder.mkdir()
        spec = write_spec(folder, samples=4, replications=replications, years=1,
                          households=300)
        commands.append([sys.executable, "-m", "povsim", "sweep", str(spec), "--out",
                         str(out), "--executor", "serial", "--quiet", "--no-figures"])
    processes = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True) for c in commands]
    results = [(p.wait(timeout=KILL_TIMEOUT), p.stderr.read()) for p in processes]
    statuses = sorted(status for status, _ in results)
    assert statuses == [0, 2], results
    refused = next(err for status, err in results if status == 2)
    assert "another sweep" in refused or "already holds a sweep" in refused
    store = ResultStore(out)
    manifest = store.read_sweep_manifest()
    good, bad = store.verify(store.planned_labels())
    assert not bad
    assert good == set(range(manifest["planned_runs"])) == store.finished()


def test_a_run_file_of_another_spec_is_run_again_not_skipped(serial_table, tmp_path):
    spec = load_spec(write_spec(tmp_path))
    out, other = tmp_path / "out", tmp_path / "other"
    run_sweep(spec, out, executor="serial")
    (tmp_path / "b").mkdir()
    run_sweep(load_spec(write_spec(tmp_path / "b", replications=3)), other, executor="serial")
    foreign = (other / "runs" / f"{run_name(3)}.parquet").read_bytes()   # another seed
    (out / "runs" / f"{run_name(3)}.parquet").write_bytes(foreign)
    (out / "runs.sha256").unlink()                   # nothing to tell it by but its labels
    report = run_sweep(spec, out, executor="serial", resume=True)
    assert (report.skipped, report.finished) == (11, 1)
    assert "of another batch" in report.rejected[3]
    assert (out / "rejected" / f"{run_name(3)}.parquet").read_bytes() == foreign   # kept
    pd.testing.assert_frame_equal(load_results(out), serial_table)


@pytest.mark.parametrize("ledger", [True, False], ids=["checksum", "no-checksum"])
def test_a_truncated_run_file_is_reported_and_run_again(serial_table, tmp_path, capsys,
                                                        ledger):
    from povsim.cli import main

    spec_path = write_spec(tmp_path)
    out = tmp_path / "out"
    run_sweep(load_spec(spec_path), out, executor="serial")
    if not ledger:                  # killed between writing the file and its checksum
        (out / "runs.sha256").unlink()
    path = out / "runs" / f"{run_name(5)}.parquet"
    path.write_bytes(path.read_bytes()[:100])
    assert main(["results", str(out), "--csv", str(tmp_path / "all.csv")]) == 0
    said = capsys.readouterr().out
    assert "11 of 12 runs stored, 0 failed, 1 damaged, 0 to do" in said
    assert f"damaged: run 5 ({path})" in said
    assert len(pd.read_csv(tmp_path / "all.csv")) == 11 * 3       # the good runs, no crash
    with pytest.raises(PovsimError, match=f"the run file {path} is damaged"):
        load_results(out)
    status = main(["sweep", str(spec_path), "--out", str(out), "--executor", "serial",
                   "--resume"])
    err = capsys.readouterr().err
    assert status == 0, err
    assert "1 stored run file(s) were damaged" in err
    assert "run 5: damaged" in err
    pd.testing.assert_frame_equal(load_results(out), serial_table)
