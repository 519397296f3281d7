"""Executors: where runs execute: in this process, in a local pool, or on a Dask cluster.

Every executor has one method that matters, :meth:`Executor.map_unordered`: it
applies a picklable function to items and yields ``(item, result)`` pairs as each
finishes. Results depend only on the items, never on the executor or the number of
workers. Only a bounded window of items is in flight at any time (a few per
worker), so memory stays flat however many runs a sweep has, and an interruption
loses at most the runs in flight.

* :class:`SerialExecutor`: one item after another in this process.
* :class:`LocalPoolExecutor` (the default): a pool of worker processes that stay
  alive across runs (and across sweeps, if the executor is reused). It uses its own
  ``multiprocessing`` context ("spawn" by default) and never changes the global start
  method; workers ignore Ctrl-C, which the parent handles, and exit if the parent is
  killed.
* :class:`DaskExecutor`: Dask distributed (the ``dask`` extra), on a
  ``LocalCluster`` it starts, on a running cluster (``scheduler="tcp://host:8786"``),
  or through a ``distributed.Client`` of your own.
* :class:`FuturesExecutor`: any ``concurrent.futures.Executor`` of your own.

:func:`open_executor` turns whatever a caller passes as ``executor=`` (a name, one of
these, a ``concurrent.futures.Executor`` or a Dask ``Client``) into an executor for
one batch, and closes it afterwards only if it made it.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self

from povsim.errors import PovsimError
from povsim.study.resources import check_workers

EXECUTORS = ("serial", "local", "dask")
"""Executor names accepted by :func:`make_executor` and ``povsim sweep --executor``."""

DEFAULT_EXECUTOR = "local"

START_METHOD = "spawn"
"""Start method of local workers: "spawn" works on every platform and inherits no
state (threads, open files, random generators) from the parent."""

IN_FLIGHT_PER_WORKER = 2
"""Items submitted ahead per worker: enough to keep workers busy, few enough that an
interruption loses little and memory stays flat."""

PARENT_GONE_STATUS = 1
"""Exit status of a local worker whose parent process died."""

DASK_EXTRA = "dask"
"""The optional extra that installs Dask distributed."""

DASK_CONNECT_TIMEOUT = "30s"
"""How long to wait for a Dask scheduler given by address."""


@dataclass(frozen=True, slots=True)
class ExecutionFailure:
    """An item that could not be executed (for example its worker process died).

    Attributes:
        error: What happened, as text.
    """

    error: str


def default_workers() -> int:
    """Workers to use when not told: the CPUs this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not on Linux
        return max(os.cpu_count() or 1, 1)


class Executor(ABC):
    """Runs a function over items and yields results as they finish."""

    name: str = ""
    workers: int = 1
    remote: bool = False
    """Whether the runs execute on other machines (whose memory povsim does not know)."""

    @abstractmethod
    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Apply ``fn`` to every item, yielding ``(item, result)`` in finishing order.

        Args:
            fn: A picklable, module-level function of one item.
            items: The items (consumed lazily, a window at a time).

        Yields:
            Each item with ``fn(item)``, or with an :class:`ExecutionFailure` if the
            item could not be executed.
        """

    def close(self) -> None:  # noqa: B027 - executors without workers have nothing to close
        """Release the workers (idempotent)."""

    def describe(self) -> str:
        """``"local, 2 workers"``: for messages and manifests."""
        return f"{self.name}, {self.workers} worker{'s' if self.workers != 1 else ''}"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Everything in this process, one item after another."""

    name = "serial"

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Apply ``fn`` to each item in order (see :meth:`Executor.map_unordered`)."""
        for item in items:
            yield item, fn(item)


def _noop() -> None:
    """A task that does nothing (used to start a pool's workers)."""


def start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start all of a pool's worker processes now, each born ignoring Ctrl-C.

    A Ctrl-C in a terminal signals the whole process group. Workers must leave it to
    the parent, which shuts them down; a worker still starting (importing povsim) would
    otherwise print a ``KeyboardInterrupt`` traceback. Ignoring SIGINT in the parent
    while the workers are created gives each that disposition from birth (it survives
    the exec of a new interpreter); the parent's handler is then restored.

    Args:
        pool: A new pool (workers are created on demand, one per submitted task while
            none is idle).
        workers: The pool's ``max_workers``.
    """
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        futures = [pool.submit(_noop) for _ in range(workers)]
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    for future in futures:
        future.result()


def _init_worker() -> None:
    """Worker initializer: leave Ctrl-C to the parent; exit when the parent dies.

    The parent shuts the pool down after Ctrl-C. A parent that is killed cannot, and
    the workers of a ``ProcessPoolExecutor`` would wait for work forever: a watcher
    thread ends the worker as soon as the parent process is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True,
                         name="povsim-parent-watch").start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(PARENT_GONE_STATUS)


class FuturesExecutor(Executor):
    """Any ``concurrent.futures.Executor`` (a process or thread pool of your own).

    The pool is used as it is and left open (its owner shuts it down).

    Args:
        pool: The pool.
        workers: Runs it executes at a time (its ``max_workers`` if ``None``).
    """

    name = "futures"

    def __init__(self, pool: concurrent.futures.Executor, workers: int | None = None):
        self._pool: concurrent.futures.Executor | None = pool
        self.workers = workers or getattr(pool, "_max_workers", None) or default_workers()

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Apply ``fn`` in the pool, a window at a time (see :meth:`Executor.map_unordered`)."""
        if self._pool is None:
            raise RuntimeError("the executor is closed")
        queue = iter(items)
        window = self.workers * IN_FLIGHT_PER_WORKER
        pending: dict[Future, Any] = {}
        try:
            for item in queue:
                pending[self._submit(fn, item)] = item
                if len(pending) >= window:
                    break
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    item = pending.pop(future)
                    yield item, _result(future)
                    nxt = next(queue, _END)
                    if nxt is not _END:
                        pending[self._submit(fn, nxt)] = nxt
        finally:  # interrupted or stopped early: drop what has not started
            for future in pending:
                future.cancel()

    def _submit(self, fn: Callable[[Any], Any], item: Any) -> Future:
        assert self._pool is not None
        return self._pool.submit(fn, item)

    def describe(self) -> str:
        """``"futures, 4 workers (ThreadPoolExecutor)"``."""
        return f"{super().describe()} ({type(self._pool).__name__})"


class LocalPoolExecutor(FuturesExecutor):
    """A pool of persistent worker processes on this machine.

    Args:
        workers: Worker processes (the CPUs available if ``None``).
        start_method: ``multiprocessing`` start method of the pool's own context.
    """

    name = "local"

    def __init__(self, workers: int | None = None, start_method: str = START_METHOD):
        workers = workers or default_workers()
        check_workers(workers, "workers =")
        context = multiprocessing.get_context(start_method)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=_init_worker)
        super().__init__(pool, workers)
        start_workers(pool, workers)

    def _submit(self, fn: Callable[[Any], Any], item: Any) -> Future:
        try:
            return super()._submit(fn, item)
        except BrokenProcessPool as exc:
            raise PovsimError(
                "the local worker processes stopped (a sweep keeps the runs it has stored). "
                "A script that runs sweeps on the local executor must guard its code with "
                "`if __name__ == \"__main__\":` (workers start by importing the main "
                f"module); otherwise look for a run that exhausts memory ({exc})") from exc

    def describe(self) -> str:
        """``"local, 2 workers"``."""
        return Executor.describe(self)

    def close(self) -> None:
        """Stop the workers, cancelling runs not started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


_END = object()


def _result(future: Future) -> Any:
    try:
        return future.result()
    except Exception as exc:  # e.g. a worker process died (BrokenProcessPool)
        return ExecutionFailure(f"the worker process failed: {exc!r}")


class DaskExecutor(Executor):
    """Dask distributed: a ``LocalCluster`` of worker processes, or a running cluster.

    Args:
        workers: Worker processes of the ``LocalCluster`` (the CPUs available if
            ``None``); ignored when connecting to a scheduler, whose worker threads
            (at the time of connecting) set how many runs are in flight.
        scheduler: Address of a running scheduler (``tcp://host:8786``); a
            ``LocalCluster`` is started if ``None``.
        client: A ``distributed.Client`` to use (and leave open) instead.

    Raises:
        PovsimError: If Dask distributed is not installed or the scheduler cannot be
            reached.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 client: Any = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise PovsimError("the dask executor needs Dask distributed, which is not "
                              f"installed; install the '{DASK_EXTRA}' extra: pip install "
                              f"'povsim[{DASK_EXTRA}]'") from exc
        self.scheduler = scheduler
        self._cluster = None
        self._owns_client = client is None
        self.remote = client is not None or bool(scheduler)
        if client is not None:
            self._client = client
            self.scheduler = getattr(client.scheduler, "address", None) or "a Client"
            self.workers = _client_slots(client)
        elif scheduler:
            try:
                self._client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise PovsimError(f"cannot connect to the Dask scheduler at {scheduler}: "
                                  f"{exc}; is it running (dask scheduler) and reachable?"
                                  ) from exc
            self.workers = _client_slots(self._client)
        else:
            self.workers = workers or default_workers()
            check_workers(self.workers, "workers =")
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self._client = Client(self._cluster)

    def describe(self) -> str:
        """``"dask, 2 workers (tcp://...)"``."""
        where = self.scheduler or "LocalCluster"
        return f"{super().describe()} ({where})"

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Submit to the cluster a window at a time (see :meth:`Executor.map_unordered`)."""
        from distributed import as_completed

        client = self._client
        queue = iter(items)
        window = self.workers * IN_FLIGHT_PER_WORKER
        pending: dict[Any, Any] = {}
        for item in queue:
            pending[client.submit(fn, item, pure=False)] = item
            if len(pending) >= window:
                break
        finished = as_completed(list(pending))
        try:
            for future in finished:
                item = pending.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # a worker died, or the result did not arrive
                    result = ExecutionFailure(f"the Dask task failed: {exc!r}")
                future.release()
                yield item, result
                nxt = next(queue, _END)
                if nxt is not _END:
                    new = client.submit(fn, nxt, pure=False)
                    pending[new] = nxt
                    finished.add(new)
        finally:
            if pending:
                client.cancel(list(pending))

    def close(self) -> None:
        """Close the client and the ``LocalCluster`` if this executor made them."""
        if self._client is not None and self._owns_client:
            self._client.close()
        self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_executor(name: str = DEFAULT_EXECUTOR, workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """An executor by name.

    Args:
        name: ``serial``, ``local`` or ``dask``.
        workers: Worker processes (the CPUs available if ``None``; ignored by serial).
        scheduler: Dask scheduler address (``dask`` only).

    Returns:
        The executor (close it when done, or use it in a ``with`` block).

    Raises:
        PovsimError: For an unknown name, a bad number of workers, a scheduler given
            to another executor, or a missing extra.
    """
    if name not in EXECUTORS:
        raise PovsimError(f"unknown executor {name!r}; allowed: {', '.join(EXECUTORS)}")
    check_workers(workers)
    if scheduler and name != "dask":
        raise PovsimError(f"--scheduler applies to the dask executor only (got --executor "
                          f"{name}); add --executor dask")
    if name == "serial":
        return SerialExecutor()
    if name == "local":
        return LocalPoolExecutor(workers)
    return DaskExecutor(workers, scheduler)


def _client_slots(client: Any) -> int:
    """Runs a Dask client's cluster executes at a time: its worker threads (now)."""
    return max(sum(client.nthreads().values()), 1)


ExecutorLike = str | Executor | concurrent.futures.Executor | Any
"""What ``executor=`` accepts: a name (``serial``, ``local``, ``dask``), an
:class:`Executor`, any ``concurrent.futures.Executor``, or a Dask ``distributed.Client``."""


def _is_dask_client(obj: Any) -> bool:
    try:
        from distributed import Client
    except ImportError:
        return False
    return isinstance(obj, Client)


@contextmanager
def open_executor(executor: ExecutorLike = DEFAULT_EXECUTOR, workers: int | None = None,
                  scheduler: str | None = None) -> Iterator[Executor]:
    """The executor for a batch, closed afterwards if this call made it.

    Args:
        executor: A name (made with :func:`make_executor` and closed at the end), or an
            executor to use as it is and leave open: an :class:`Executor`, any
            ``concurrent.futures.Executor`` (a ``ProcessPoolExecutor`` of your own), or
            a Dask ``distributed.Client``.
        workers: Worker processes of an executor made by name (the CPUs if ``None``).
        scheduler: Dask scheduler address (``dask`` by name only).

    Yields:
        The executor.

    Raises:
        PovsimError: For an unknown name or type, a bad number of workers, or a missing
            extra.
    """
    if isinstance(executor, str):
        with make_executor(executor, workers, scheduler) as made:
            yield made
        return
    if isinstance(executor, Executor):
        yield executor
    elif isinstance(executor, concurrent.futures.Executor):
        yield FuturesExecutor(executor, workers)
    elif _is_dask_client(executor):
        yield DaskExecutor(client=executor)
    else:
        raise PovsimError(f"executor = {executor!r}: allowed: {', '.join(EXECUTORS)}, a "
                          "povsim Executor, a concurrent.futures.Executor or a Dask "
                          "distributed.Client")
