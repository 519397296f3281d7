"""How fast povsim is, stated as ratios measured side by side (issue 8).

Run from the repository root::

    .venv/bin/python benchmarks/speed.py            # everything (a few minutes)
    .venv/bin/python benchmarks/speed.py --quick    # smaller sweep and fewer repetitions

Four measurements, then one verdict line per target:

1. **povsim against the way Mesa models are usually written.** The same model (the
   core household year, :data:`mesa_reference.MATCHING`) run by povsim's engine and by
   :mod:`mesa_reference` (one ``mesa.Agent`` per household, ``AgentSet.shuffle_do``, a
   ``DataCollector``), from the same initial state, alternately in this process;
   household-steps per second of each and their ratio at 10^3, 10^4 and 10^5
   households (medians over pairs; model building is not timed, and each timed run
   starts after a garbage collection, so that neither pays for the other's garbage).
   In each pair povsim's run is repeated until it has been timed for half a second
   and its mean taken, so that both sides are measured over a comparable stretch of
   the machine's time (a 10^4 run takes povsim about 20 ms, the reference a second).
2. **povsim alone at 10^6 households** with every intervention on (the defaults, and
   return-prevention monitoring switched on too), in a fresh process: setup, time per
   year, time per phase, peak memory.
3. **The random-draw floor**: every random number that run drew in its years (the bulk
   draws and the smaller ones made inside the phases) is recorded and drawn again,
   alone, with the same calls; the time that takes is what no implementation of the
   model could go below.
4. **Sweeps**: the same runs (each a second or more) on a persistent pool (the executor of
   ``povsim sweep``) of one worker and of two, in alternate rounds (median of the
   rounds' speed-ups).

Times are wall-clock; numpy's BLAS is kept to one thread, so each process uses one
core. Other work on the machine slows everything: check ``uptime`` before trusting a
verdict, and repeat.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mesa_reference import ReferenceModel, povsim_start  # noqa: E402

from povsim import PovertyModel  # noqa: E402
from povsim.draws import STREAMS  # noqa: E402
from povsim.model import PHASES  # noqa: E402
from povsim.params import Parameters  # noqa: E402
from povsim.study.executors import LocalPoolExecutor  # noqa: E402
from povsim.study.runs import PlannedRun, RunSpec, execute  # noqa: E402

TARGET_RATIO = 50.0
TARGET_SECONDS = 5.0
TARGET_MEMORY_MB = 1024.0
TARGET_PHASE_SHARE = 0.25
TARGET_FLOOR_RATIO = 3.0
TARGET_SWEEP_SPEEDUP = 1.8
YEARS = 8
WINDOW_SECONDS = 0.5
"""povsim's side of a pair is timed over at least this many seconds (see
:func:`time_povsim_window`)."""
WINDOW_MAX_RUNS = 50


# ------------------------------------------------------------ 1. povsim vs Mesa
def time_povsim(n: int, seed: int) -> float:
    """Seconds povsim takes for the years of a run (building the model not timed)."""
    model = povsim_start(seed, n)
    gc.collect()  # start clean: no garbage of the previous run collected on our clock
    start = time.perf_counter()
    model.run()
    return time.perf_counter() - start


def time_povsim_window(n: int, seed: int) -> tuple[float, int]:
    """Mean seconds of povsim's run of ``seed``, repeated over :data:`WINDOW_SECONDS`.

    A povsim run of 10^4 households takes about 20 ms, the reference's about a second:
    timed once, povsim's run would see a moment of the machine's speed and the
    reference's a second of it. Repeating the same run (each on a fresh model, building
    not timed) until the timed total reaches the window puts both sides of a pair on
    the same stretch of time. The mean is used, not the fastest run.

    Returns:
        ``(mean seconds a run, runs made)``.
    """
    times: list[float] = []
    while sum(times) < WINDOW_SECONDS and len(times) < WINDOW_MAX_RUNS:
        times.append(time_povsim(n, seed))
    return statistics.fmean(times), len(times)


def time_reference(n: int, seed: int, years: int) -> float:
    """Seconds the Mesa reference takes for ``years`` years (building not timed)."""
    model = ReferenceModel(povsim_start(seed, n), rng=seed)
    gc.collect()
    start = time.perf_counter()
    model.run_for(years)
    return time.perf_counter() - start


def compare(sizes: list[int], repetitions: dict[int, int]) -> dict[int, dict[str, float]]:
    """Household-steps per second of povsim and the reference, alternately."""
    results = {}
    print("1. povsim and the idiomatic Mesa reference, the same model, alternately in one "
          "process")
    print(f"   {'households':>10}  {'povsim hh-steps/s':>18}  {'Mesa hh-steps/s':>16}  "
          f"{'ratio':>7}  (median of runs of {YEARS} years)")
    for n in sizes:
        ours, theirs, runs = [], [], []
        for rep in range(repetitions[n]):
            seconds, made = time_povsim_window(n, seed=rep)
            ours.append(n * YEARS / seconds)
            runs.append(made)
            theirs.append(n * YEARS / time_reference(n, seed=rep, years=YEARS))
        fast, slow = statistics.median(ours), statistics.median(theirs)
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        results[n] = {"povsim": fast, "reference": slow, "ratio": fast / slow,
                      "ratio_low": min(ratios), "ratio_high": max(ratios)}
        print(f"   {n:>10,}  {fast:>18,.0f}  {slow:>16,.0f}  {fast / slow:>6.1f}x  "
              f"(pairs {min(ratios):.1f}-{max(ratios):.1f}x, {repetitions[n]} pairs; "
              f"povsim's side the mean of {min(runs)}-{max(runs)} runs)")
    return results


# ------------------------------------------------- 2-3. one million, the floor
class RecordedGenerator:
    """A random generator that logs each call (method, arguments, year) before making it."""

    def __init__(self, generator: np.random.Generator, log: list, model: PovertyModel):
        self._generator = generator
        self._log = log
        self._model = model

    def __getattr__(self, name: str):
        method = getattr(self._generator, name)
        if not callable(method):  # e.g. ``bit_generator``: skipping is not drawing
            return method

        def call(*args, **kwargs):
            self._log.append((self._model.year, name, args, kwargs))
            return method(*args, **kwargs)

        return call


def replay(log: list) -> dict[int, float]:
    """Seconds to make the logged draws again, alone, by year."""
    generator = np.random.default_rng(12345)
    seconds: dict[int, float] = {}
    for year, name, args, kwargs in log:
        method = getattr(generator, name)
        start = time.perf_counter()
        method(*args, **kwargs)
        seconds[year] = seconds.get(year, 0.0) + time.perf_counter() - start
    return seconds


HOUSEHOLDS_PER_VILLAGE = 333
"""Village size of the large runs (a real administrative village has a few hundred)."""


def villages_per_township(n: int) -> int:
    """Villages per township that give ``n`` households about 333 a village (at least 3)."""
    pop = Parameters().population
    townships = pop.n_counties * pop.townships_per_county
    return max(pop.villages_per_township, n // (townships * HOUSEHOLDS_PER_VILLAGE))


def million(n: int, seed: int) -> dict:
    """povsim alone at ``n`` households, every intervention on (runs in a fresh process)."""
    import networkx

    graphs: list[int] = []  # networkx graphs made while building the model (expect none)
    make_graph = networkx.Graph.__init__

    def counted(self, *args, **kwargs):
        graphs.append(1)
        make_graph(self, *args, **kwargs)

    networkx.Graph.__init__ = counted
    overrides = {"population.n_households": n,
                 "population.villages_per_township": villages_per_township(n),
                 "monitoring.enabled": True}
    start = time.perf_counter()
    model = PovertyModel(rng=seed, **overrides)
    setup = time.perf_counter() - start
    networkx.Graph.__init__ = make_graph
    networkx_used = bool(graphs)
    log: list = []
    for name in STREAMS:
        setattr(model.streams, name, RecordedGenerator(getattr(model.streams, name), log, model))
    years, year_phases = [], []
    while model.running:
        before = dict(model.phase_seconds)
        start = time.perf_counter()
        model.step()
        years.append(time.perf_counter() - start)
        year_phases.append({k: model.phase_seconds[k] - before[k] for k in PHASES})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = replay(log)
    floor_again = replay(log)  # the faster of two replays
    floor = {y: min(floor[y], floor_again[y]) for y in floor}
    return {"n": n, "setup": setup, "years": years, "phases": dict(model.phase_seconds),
            "year_phases": year_phases,
            "peak_mb": peak_mb, "floor": floor, "draw_calls": len(log),
            "networkx_used": networkx_used,
            "headcount_2020": float(model.outputs()["headcount_rate"].iloc[-1])}


def in_fresh_process(function, *args):
    """Run ``function(*args)`` in a new process (a clean peak-memory count)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def report_million(result: dict) -> None:
    years = result["years"]
    total = result["setup"] + sum(years)
    step = sum(years)
    print(f"\n2. povsim alone, {result['n']:,} households, every intervention on (and "
          "monitoring), a fresh process")
    print(f"   setup {result['setup']:.2f} s (network built straight into scipy.sparse, "
          f"networkx {'USED' if result['networkx_used'] else 'not used'}), "
          f"{len(years)} years {step:.2f} s ({step / len(years) * 1000:.0f} ms a year: "
          + ", ".join(f"{t * 1000:.0f}" for t in years) + " ms)")
    print(f"   total {total:.2f} s; peak memory {result['peak_mb']:.0f} MB; headcount 2020 "
          f"{result['headcount_2020']:.2f}%")
    phases = result["phases"]
    print("   time per phase over the run (share of the years' time):")
    print("   " + ", ".join(f"{name} {phases[name]:.2f} s ({phases[name] / step:.0%})"
                            for name in PHASES))
    worst = {name: max(y[name] / sum(y.values()) for y in result["year_phases"])
             for name in PHASES}
    print("   largest share of a single year: " + ", ".join(
        f"{name} {worst[name]:.0%}" for name in PHASES))
    floor = sum(result["floor"].values())
    print(f"\n3. the random-draw floor: the {result['draw_calls']} draw calls of those "
          f"{len(years)} years made again alone take {floor:.2f} s "
          f"({floor / len(years) * 1000:.0f} ms a year); povsim's years take "
          f"{step / floor:.2f} times that")


# -------------------------------------------------------------------- 4. sweeps
SWEEP_HOUSEHOLDS = 100_000
"""Households of a sweep run: a population whose arrays stay near the caches, so two
runs at once do not mostly wait on the shared memory bus."""

SWEEP_END_YEAR = 2060
"""A longer horizon makes each sweep run last over a second at that size."""
SWEEP_ROUNDS = 6
"""Rounds of the sweep comparison (each times the runs on one worker, then on two)."""


def sweep(runs: int, rounds: int = SWEEP_ROUNDS, n: int = SWEEP_HOUSEHOLDS,
          end_year: int = SWEEP_END_YEAR) -> dict:
    """Wall time of the same runs on a persistent pool of one worker and of two, alternately.

    Both use the executor of ``povsim sweep`` (:class:`LocalPoolExecutor`), so the two
    timings differ only in the number of workers. Both pools are started before the
    clock (a sweep starts its pool once, however many runs follow; the start-up is
    reported beside). The ``runs`` are made in ``rounds``: each round times them on one
    worker, then on two, so that a slow stretch of the machine falls on both sides of
    a round, not on one worker count (as in section 1's pairs; the same 8 runs timed
    twice took 9.2 s and 8.0 s within a minute). Rounds are short (four runs, two a
    worker) to keep the two sides close in time. The speed-up is the median of the
    rounds' ratios.
    """
    params = Parameters().with_overrides({"population.n_households": n,
                                          "run.end_year": end_year})
    specs = [RunSpec(PlannedRun(seed, "speed", "base", 0, seed, seed), params)
             for seed in range(runs)]
    executors, startup = {}, {}
    for workers in (1, 2):
        started = time.perf_counter()
        executors[workers] = LocalPoolExecutor(workers)
        startup[workers] = time.perf_counter() - started
    times: dict[int, list[float]] = {1: [], 2: []}
    per_run: dict[int, list[float]] = {1: [], 2: []}
    try:
        for round_ in range(1, rounds + 1):
            for workers in (1, 2):
                start = time.perf_counter()
                results = [r for _, r in executors[workers].map_unordered(execute, specs)]
                times[workers].append(time.perf_counter() - start)
                assert all(r.ok for r in results), [r.error for r in results if not r.ok]
                per_run[workers].extend(r.seconds for r in results)
            print(f"   round {round_}: {runs} runs of {n:,} households to {end_year}: "
                  f"1 worker {times[1][-1]:.1f} s, 2 workers {times[2][-1]:.1f} s, "
                  f"speed-up {times[1][-1] / times[2][-1]:.2f}")
    finally:
        for executor in executors.values():
            executor.close()
    ratios = [one / two for one, two in zip(times[1], times[2], strict=True)]
    median_run = {w: statistics.median(per_run[w]) for w in (1, 2)}
    print(f"   each run {median_run[1]:.2f} s on 1 worker, {median_run[2]:.2f} s on 2 (medians); "
          f"starting the pools took {startup[1]:.1f} s and {startup[2]:.1f} s more")
    return {"n": n, "runs": runs, "rounds": rounds, "one": times[1], "two": times[2],
            "ratios": ratios, "speedup": statistics.median(ratios),
            "per_run": min(median_run.values()), "startup": startup}


# -------------------------------------------------------------------- verdicts
def verdict(name: str, ok: bool, detail: str) -> bool:
    print(f"VERDICT {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    return ok


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover - not Linux
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"numpy {np.__version__}; load average {load}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions and a shorter sweep (a rougher answer)")
    parser.add_argument("--million", type=int, default=1_000_000,
                        help="households of the large run (default 1,000,000)")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)

    print(f"povsim speed benchmark -- {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {machine()}\n")
    sizes = [1_000, 10_000, 100_000]
    repetitions = {1_000: 5, 10_000: 3, 100_000: 2} if args.quick else \
        {1_000: 9, 10_000: 9, 100_000: 3}
    comparison = compare(sizes, repetitions)
    large = in_fresh_process(million, args.million, 1)
    report_million(large)
    print("\n4. sweeps: the same runs on a persistent pool of one worker and of two")
    sweep_result = sweep(4, rounds=2) if args.quick else sweep(4)
    print(f"   speed-up {sweep_result['speedup']:.2f} (median of the rounds)")

    print(f"\nmachine: {machine()}")
    years, phases = large["years"], large["phases"]
    step = sum(years)
    total = large["setup"] + step
    floor = sum(large["floor"].values())
    worst = max((p for p in PHASES if p != "draws"), key=lambda p: phases[p])
    worst_share = phases[worst] / step
    ok = [
        verdict(f"povsim >= {TARGET_RATIO:.0f}x the Mesa reference at 10^4 households",
                comparison[10_000]["ratio"] >= TARGET_RATIO,
                f"{comparison[10_000]['ratio']:.1f}x"),
        verdict(f"povsim >= {TARGET_RATIO:.0f}x the Mesa reference at 10^5 households",
                comparison[100_000]["ratio"] >= TARGET_RATIO,
                f"{comparison[100_000]['ratio']:.1f}x"),
        verdict(f"{large['n']:,} households, {len(years)} years, setup included, one core, "
                f"<= {TARGET_SECONDS:.0f} s (network without networkx)",
                total <= TARGET_SECONDS and not large["networkx_used"],
                f"{total:.2f} s (setup {large['setup']:.2f} s + years {step:.2f} s)"),
        verdict(f"peak memory <= {TARGET_MEMORY_MB:.0f} MB", large["peak_mb"] <= TARGET_MEMORY_MB,
                f"{large['peak_mb']:.0f} MB"),
        verdict(f"no phase but the draws over {TARGET_PHASE_SHARE:.0%} of a step (over the run)",
                worst_share <= TARGET_PHASE_SHARE,
                f"largest: {worst} {worst_share:.1%}"),
        verdict(f"within {TARGET_FLOOR_RATIO:.0f}x the random-draw floor",
                step <= TARGET_FLOOR_RATIO * floor,
                f"{step / floor:.2f}x ({step / len(years) * 1000:.0f} ms a year against "
                f"{floor / len(years) * 1000:.0f} ms of draws)"),
        verdict(f"sweeps of runs of >= 1 s at least {TARGET_SWEEP_SPEEDUP}x faster on 2 workers",
                sweep_result["speedup"] >= TARGET_SWEEP_SPEEDUP and sweep_result["per_run"] >= 1,
                f"{sweep_result['speedup']:.2f}x (runs of {sweep_result['per_run']:.1f} s)"),
    ]
    if args.json:
        args.json.write_text(json.dumps({"comparison": comparison, "million": large,
                                         "sweep": sweep_result, "machine": machine()},
                                        indent=1, default=str))
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
