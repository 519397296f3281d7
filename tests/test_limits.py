"""Jobs too large, and seeds out of range, are refused before anything runs.

Seeds are whole numbers from 0 to 2**63 - 1 everywhere (so the same integer in every
table); a run or batch that would not fit this machine's memory, a batch of more than a
million runs, more workers than four per CPU and more years than a run can reach are
refused with what fits (the machine's memory is set here, so the tests never depend on
the machine, and never allocate what they refuse).
"""

from pathlib import Path

import pandas as pd
import pytest

import povsim
from povsim import PovertyModel, PovsimError
from povsim.cli import main
from povsim.study import resources
from povsim.study.seeds import MAX_SEED, consecutive_seeds
from povsim.study.sweeps.checks import parse_spec

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
TINY = ["--set", "population.n_households=300", "--set", "population.n_counties=1",
        "--set", "population.townships_per_county=1", "--set",
        "population.villages_per_township=3"]
MACHINE = 8 * 2**30
"""Memory available on the machine the tests pretend to run on (8 GB)."""


@pytest.fixture
def eight_gigabytes(monkeypatch):
    monkeypatch.setattr(resources, "available_bytes", lambda: MACHINE)


def refused(argv: list[str], capsys) -> str:
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    return err


# ------------------------------------------------------------------ seeds
@pytest.mark.parametrize(("argv", "message"), [
    (["--seeds", "2", "--seed-start", str(MAX_SEED)],
     f"--seed-start {MAX_SEED} with --seeds 2: the last seed would be {MAX_SEED + 1}"),
    (["--seeds", "2", "--seed-start", str(2**64 - 1)],
     f"--seed-start {2**64 - 1}: allowed: a whole number from 0 to {MAX_SEED} (2**63 - 1)"),
    (["--seeds", "2", "--seed-start", "-1"], "--seed-start -1: allowed: a whole number from 0"),
])
def test_seeds_out_of_range_are_refused_before_anything_is_written(argv, message, capsys,
                                                                    tmp_path):
    out = tmp_path / "cmp"
    err = refused(["compare", BASELINE, *argv, "--out", str(out), *TINY], capsys)
    assert message in err
    assert not out.exists()


def test_the_largest_seeds_are_the_same_integers_in_every_table(tmp_path, capsys):
    out = tmp_path / "cmp"
    status = main(["compare", BASELINE, "--seeds", "2", "--seed-start", str(MAX_SEED - 1),
                   "--years", "1", "--out", str(out), "--quiet", *TINY])
    assert status == 0, capsys.readouterr().err
    runs = pd.read_csv(out / "runs.csv", dtype={"seed": "int64"})
    assert sorted(runs["seed"].unique()) == [MAX_SEED - 1, MAX_SEED]
    assert runs.groupby("seed")["year"].count().tolist() == [2, 2]
    summary = pd.read_csv(out / "summary.csv")
    assert summary["n"].max() == 2


@pytest.mark.parametrize("seed", [-1, 2**63, 2**64 - 1, 1.5, True])
def test_a_run_seed_out_of_range_is_refused(seed, capsys, tmp_path):
    with pytest.raises(PovsimError, match=r"seed = .*allowed: a whole number from 0 to"):
        povsim.run(seed=seed, years=1, population__n_households=300)
    if isinstance(seed, int) and not isinstance(seed, bool):
        err = refused(["run", BASELINE, "--seed", str(seed), "--out", str(tmp_path / "r")],
                      capsys)
        assert f"--seed {seed}: allowed: a whole number from 0 to {MAX_SEED}" in err


@pytest.mark.parametrize(("experiment", "message"), [
    ({"seed": 2**63}, f"experiment.seed: {2**63}: allowed: a whole number from 0 to"),
    ({"seeds": [0, 2**63]}, f"experiment.seeds: [0, {2**63}]: seed {2**63}: allowed"),
    ({"seeds": [-1]}, "experiment.seeds: [-1]: seed -1: allowed"),
])
def test_spec_seeds_out_of_range_are_refused(experiment, message):
    with pytest.raises(PovsimError, match="nothing was run") as caught:
        parse_spec({"experiment": experiment}, source="spec.toml")
    assert message in str(caught.value)


# ------------------------------------------------------------------ memory
def test_a_run_too_large_for_the_machine_is_refused_with_what_fits(eight_gigabytes, capsys,
                                                                    tmp_path):
    out = tmp_path / "big"
    err = refused(["run", BASELINE, "--set", "population.n_households=100000000", "--out",
                   str(out)], capsys)
    fit = resources.households_that_fit(MACHINE)
    assert "a run of 100,000,000 households would need about 46.7 GB of memory" in err
    assert f"this machine has 8.0 GB available: up to about {fit:,} households a run fit" \
        in err
    assert 14_000_000 < fit < 16_000_000                 # 0.9 x 8 GB at 500 bytes each
    assert not out.exists()
    with pytest.raises(PovsimError, match="100,000,000 households would need"):
        povsim.run(population__n_households=100_000_000)


def test_a_batch_too_large_for_the_machine_names_fewer_workers_and_a_cluster(
        eight_gigabytes, capsys, tmp_path):
    out = tmp_path / "cmp"
    err = refused(["compare", BASELINE, "--seeds", "4", "--workers", "4", "--set",
                   "population.n_households=5000000", "--out", str(out)], capsys)
    assert "4 runs at once (one per worker) of 5,000,000 households would need about" in err
    assert f"with --workers 1, {resources.households_that_fit(MACHINE):,}" in err
    assert "--executor dask --scheduler tcp://HOST:PORT" in err
    assert not out.exists()                          # refused before writing anything


def test_the_memory_estimate_matches_a_measured_run():
    # measured: 630 MB peak at 1,000,000 households (docs in povsim.study.resources)
    assert 600 * 2**20 < resources.run_bytes(1_000_000) < 700 * 2**20


# ------------------------------------------------------------------ runs, workers, years
@pytest.mark.parametrize(("tables", "message"), [
    ({"experiment": {"replications": 2**40}},
     "experiment.replications: 1,099,511,627,776 runs = 1 design points"),
    ({"parameters": {"health.p_illness": {"low": 0.01, "high": 0.1, "steps": 10**7}}},
     "the factors' values and steps: 10,000,000 runs = 10,000,000 design points"),
    ({"experiment": {"design": "lhs", "samples": 2**30},
      "parameters": {"health.p_illness": {"low": 0.01, "high": 0.1}}},
     "experiment.samples: 1,073,741,824 runs"),
])
def test_a_sweep_of_too_many_runs_is_refused_at_load(tables, message):
    with pytest.raises(PovsimError, match="allowed: at most 1,000,000 runs a sweep") as caught:
        parse_spec(tables, source="spec.toml")
    assert message in str(caught.value)


def test_too_many_seeds_are_refused_before_a_list_is_made(capsys, tmp_path):
    err = refused(["compare", BASELINE, "--seeds", "1000000000", "--out",
                   str(tmp_path / "c")], capsys)
    assert "--seeds 1000000000 makes 1,000,000,000 runs; allowed: at most 1,000,000" in err
    with pytest.raises(PovsimError, match="at most 1,000,000 runs"):
        consecutive_seeds(10**9)


@pytest.mark.parametrize("command", ["compare", "sweep", "validate"])
def test_workers_are_capped_at_four_per_cpu(command, capsys, tmp_path):
    target = str(ROOT / "experiments" / "post-exit-support.toml") if command == "sweep" \
        else BASELINE
    err = refused([command, target, "--workers", "100000", "--out", str(tmp_path / "o")],
                  capsys)
    assert f"--workers 100000: allowed: a whole number from 1 to {resources.max_workers()}" \
        in err
    assert "--executor dask" in err


@pytest.mark.parametrize("years", ["100000000", "0", "-3"])
def test_run_years_beyond_what_a_run_reaches_are_refused(years, capsys, tmp_path):
    out = tmp_path / "r"
    err = refused(["run", BASELINE, "--years", years, "--out", str(out)], capsys)
    assert f"--years {years}: allowed: a whole number from 1 to 88 (from the start year " \
           "2012; a run reaches 2100 at the latest)" in err
    assert not out.exists()
    model = PovertyModel(population__n_households=300, population__n_counties=1,
                         population__townships_per_county=1,
                         population__villages_per_township=3)
    with pytest.raises(PovsimError, match="years = 100000000: allowed"):
        model.run(years=100_000_000)
