"""Shared fixtures: small populations that still give stable statistics."""

from __future__ import annotations

import pytest

from povsim import Parameters

SMALL = {
    "population.n_households": 4000,
    "population.n_counties": 2,
    "population.townships_per_county": 2,
    "population.villages_per_township": 5,
}


@pytest.fixture
def small_params() -> Parameters:
    """Parameters for a 4,000-household, 20-village population."""
    return Parameters().with_overrides(SMALL)


KILL_TIMEOUT = 120
"""Seconds a test waits for a batch of runs to store enough runs to be killed."""

POLL_SECONDS = 0.01


def wait_until_stored(process, runs, count: int, on_poll=None) -> None:
    """Wait until ``count`` run files are in ``runs`` (or ``process`` has ended).

    Args:
        process: The ``subprocess.Popen`` running the batch.
        runs: Its store's ``runs`` folder.
        count: Run files to wait for.
        on_poll: Called at every poll (to follow the process's workers).
    """
    import time

    deadline = time.monotonic() + KILL_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if on_poll is not None:
            on_poll()
        if runs.is_dir() and len(list(runs.glob("run-*.parquet"))) >= count:
            return
        time.sleep(POLL_SECONDS)


@pytest.fixture
def wait_for_runs():
    """``wait(process, runs, count)``: wait until a batch has stored ``count`` runs."""
    return wait_until_stored


@pytest.fixture
def kill_when_stored():
    """``kill(process, runs, count)``: wait for ``count`` stored runs, then kill -9."""
    import os
    import signal

    def kill(process, runs, count: int, on_poll=None) -> None:
        wait_until_stored(process, runs, count, on_poll)
        os.kill(process.pid, signal.SIGKILL)           # kill -9: no clean-up at all
        process.wait()
        assert process.returncode == -signal.SIGKILL, process.stderr.read()

    return kill


@pytest.fixture(scope="session")
def dask_cluster():
    """A running Dask LocalCluster of one worker process (skipped without Dask)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:  # any free port
        yield cluster
