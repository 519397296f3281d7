"""Sweep throughput on 1 and 2 workers, Dask = local pool, kill and resume, flat memory.

    python benchmarks/sweep_throughput.py                # 1,000 runs: throughput, kill/resume
    python benchmarks/sweep_throughput.py --memory       # also a 10,000-run sweep's memory

Runs of 1,000 households x 3 years. Measures, on the same 1,000-run sweep:

1. throughput: serial, local pool with 1 and 2 workers, Dask LocalCluster with 2
   workers (wall time of the whole sweep, worker start-up included): runs/s,
   household-years/s, and CPU time per run (all processes: less sensitive than wall
   time to other work on the machine); the tables must be identical;
2. kill and resume: ``povsim sweep`` in a subprocess, SIGKILLed (the parent process
   only, as ``kill -9 PID`` would) once half the runs are stored; checks its workers
   exit by themselves; ``povsim sweep --resume`` finishes it; the final table must equal
   the uninterrupted one;
3. (``--memory``) the parent's resident memory over a 10,000-run sweep.

Writes results/benchmarks/sweep-throughput.json. Run it when the machine is quiet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

from povsim import load_results
from povsim.study.store import ResultStore
from povsim.study.sweeps.checks import load_spec
from povsim.study.sweeps.engine import run_sweep

HOUSEHOLDS = 1000
YEARS = 3
RUNS = 1000
MEMORY_RUNS = 10_000
OUT = Path("results/benchmarks")
SPEC = """
[experiment]
name = "throughput"
seed = 1
replications = {replications}
years = {years}
design = "lhs"
samples = 100
outputs = ["headcount_rate", "exits", "returns_after_exit", "exits_registered"]

[constants]
"population.n_households" = {households}

[uncertainties]
"health.p_illness" = {{low = 0.04, high = 0.12}}
"budget.national_billion" = {{low = 55.0, high = 165.0}}
"""
POLL_SECONDS = 0.05
WORKER_EXIT_SECONDS = 10.0
RSS_SAMPLE_SECONDS = 0.5
KIB = 1024


def write_spec(folder: Path, runs: int, years: int = YEARS) -> Path:
    path = folder / f"throughput-{runs}.toml"
    path.write_text(SPEC.format(replications=runs // 100, years=years, households=HOUSEHOLDS))
    return path


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (workers, once reaped)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def parent_cpu_seconds() -> float:
    """CPU time of this process alone (the one that stores the results)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def timed_sweep(spec_path: Path, out: Path, executor: str, workers: int) -> dict:
    spec = load_spec(spec_path)
    cpu, parent = cpu_seconds(), parent_cpu_seconds()
    started = time.perf_counter()
    report = run_sweep(spec, out, executor=executor, workers=workers)
    wall = time.perf_counter() - started
    cpu, parent = cpu_seconds() - cpu, parent_cpu_seconds() - parent
    if not report.complete:
        errors = {f["error"] for f in report.failures}
        sys.exit(f"{executor}: {len(report.failures)} runs failed: {sorted(errors)[:3]}")
    years = spec.years or YEARS
    return {"executor": executor, "workers": workers, "runs": report.finished,
            "wall_seconds": round(wall, 2), "runs_per_second": round(report.finished / wall, 1),
            "household_years_per_second": round(report.finished * HOUSEHOLDS * years / wall),
            "cpu_ms_per_run": round(1000 * cpu / report.finished, 1),
            "parent_cpu_ms_per_run": round(1000 * parent / report.finished, 1)}


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def kill_and_resume(spec_path: Path, out: Path, reference: pd.DataFrame) -> dict:
    command = [sys.executable, "-m", "povsim", "sweep", str(spec_path), "--out", str(out),
               "--workers", "2", "--quiet", "--no-figures"]
    process = subprocess.Popen(command)
    store = ResultStore(out)
    workers: list[int] = []
    while process.poll() is None:
        workers = children_of(process.pid) or workers
        if store.runs_dir.is_dir() and len(store.finished()) >= RUNS // 2:
            break
        time.sleep(POLL_SECONDS)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    stored_at_kill = len(store.finished())
    deadline = time.monotonic() + WORKER_EXIT_SECONDS
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(POLL_SECONDS)
    lingering = [p for p in workers if alive(p)]
    for pid in lingering:                                  # ours: clean up
        os.kill(pid, signal.SIGKILL)
    started = time.perf_counter()
    status = subprocess.call([*command, "--resume"])
    resumed = load_results(out)
    same = resumed.equals(reference)
    return {"stored_at_kill": stored_at_kill, "planned": RUNS, "workers_seen": len(workers),
            "workers_lingering_after_kill": len(lingering), "resume_exit_status": status,
            "resume_seconds": round(time.perf_counter() - started, 2),
            "final_rows": len(resumed), "identical_to_uninterrupted": bool(same)}


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory(folder: Path) -> dict:
    spec = load_spec(write_spec(folder, MEMORY_RUNS, years=1))
    samples: list[tuple[float, int, int]] = []
    stop = threading.Event()
    store = ResultStore(folder / "memory")

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), len(store.finished()), rss_kib()))
            time.sleep(RSS_SAMPLE_SECONDS)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    started = time.perf_counter()
    report = run_sweep(spec, folder / "memory", executor="local", workers=2)
    stop.set()
    thread.join()
    tenth = [rss for _, done, rss in samples if done >= MEMORY_RUNS // 10]
    return {"runs": report.finished, "years": 1, "wall_seconds":
            round(time.perf_counter() - started, 1),
            "rss_mib_after_10pct": round(tenth[0] / KIB, 1),
            "rss_mib_max_after_10pct": round(max(tenth) / KIB, 1),
            "rss_mib_at_end": round(tenth[-1] / KIB, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", action="store_true", help="also the 10,000-run sweep")
    parser.add_argument("--out", default=str(OUT), help="folder for the sweeps and the report")
    args = parser.parse_args()
    folder = Path(args.out) / "sweep-throughput"
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    spec = write_spec(folder, RUNS)
    load = os.getloadavg()
    rows = [timed_sweep(spec, folder / f"{ex}-{w}", ex, w)
            for ex, w in (("serial", 1), ("local", 1), ("local", 2), ("dask", 2))]
    reference = load_results(folder / "serial-1")
    same = {f"{r['executor']}-{r['workers']}": bool(load_results(
        folder / f"{r['executor']}-{r['workers']}").equals(reference)) for r in rows}
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"tables identical to serial: {same}")
    killed = kill_and_resume(spec, folder / "killed", reference)
    print(f"kill/resume: {killed}")
    result = {"households": HOUSEHOLDS, "years": YEARS, "cpus": os.cpu_count(),
              "load_average_before": [round(x, 2) for x in load], "throughput": rows,
              "identical_to_serial": same, "kill_resume": killed}
    if args.memory:
        result["memory"] = memory(folder)
        print(f"memory: {result['memory']}")
    report = Path(args.out) / "sweep-throughput.json"
    report.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {report}")
    ok = all(same.values()) and killed["identical_to_uninterrupted"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
