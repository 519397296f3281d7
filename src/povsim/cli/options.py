"""Options several commands share: ``--set``, the seeds, where runs execute, progress bars.

Every check here raises :class:`~povsim.errors.PovsimError` naming the option and its
allowed values; ``povsim`` prints it without a traceback (exit status 2).

Progress bars redraw themselves with carriage returns; written into a log file or a CI
job's output they leave hundreds of lines of noise. So the commands show them only when
standard error is a terminal, unless ``--progress`` or ``--no-progress`` says otherwise
(:func:`add_progress_option`, :func:`show_progress`).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Iterable
from typing import Any

from povsim.errors import PovsimError
from povsim.study.executors import DEFAULT_EXECUTOR, EXECUTORS
from povsim.study.seeds import DEFAULT_SEEDS, check_seed, consecutive_seeds

INTERRUPTED_STATUS = 130
"""Exit status after Ctrl-C (128 + SIGINT, the shell convention)."""

FAILED_STATUS = 1
"""Exit status when some runs failed (the others are kept)."""


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``path=value`` (the value in TOML syntax; bare words are text).

    Args:
        text: The assignment, e.g. ``health.p_illness=0.1`` or
            ``shocks.migrant_job_loss={2020=0.25}``.

    Returns:
        ``(path, value)``.

    Raises:
        PovsimError: If there is no ``=``.
    """
    if "=" not in text:
        raise PovsimError(f"--set expects PATH=VALUE (for example health.p_illness=0.1), "
                          f"got {text!r}")
    path, raw = text.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return path.strip(), value


def overrides_of(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--set`` assignments of a command, as ``{path: value}``."""
    return dict(parse_assignment(a) for a in args.set or [])


def add_seed_options(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--seeds`` and ``--seed-start`` to a command.

    Args:
        parser: The command's parser.
        what: What each seed is run for, for the help text ("seeds per scenario").
    """
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS,
                        help=f"{what} (default {DEFAULT_SEEDS})")
    parser.add_argument("--seed-start", type=int, default=0,
                        help="first seed; seeds are consecutive from it (default 0)")


def add_executor_options(parser: argparse.ArgumentParser, *, workers_default: int | None = 1,
                         resume: str = "") -> None:
    """Add ``--workers``, ``--executor``, ``--scheduler`` (and ``--resume``) to a command.

    Args:
        parser: The command's parser.
        workers_default: Default of ``--workers`` (``None``: the CPUs available).
        resume: Help text of ``--resume``; no ``--resume`` option if empty.
    """
    shown = "the CPUs available" if workers_default is None else str(workers_default)
    parser.add_argument("--workers", type=int, default=workers_default,
                        help=f"worker processes (default {shown}); results do not depend "
                        "on it")
    parser.add_argument("--executor", choices=EXECUTORS, default=None,
                        help=f"where runs execute (default {DEFAULT_EXECUTOR}, or serial "
                        "with one worker: in this process; dask with --scheduler; dask "
                        "needs the 'dask' extra)")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="run on the Dask cluster of this scheduler (implies --executor "
                        "dask) instead of starting a local cluster")
    if resume:
        parser.add_argument("--resume", action="store_true", help=resume)


def executor_of(args: argparse.Namespace) -> str:
    """The executor a command asked for.

    Returns:
        ``--executor``, else dask with ``--scheduler``, else serial for one worker and
        the local pool for more.
    """
    if args.executor:
        return args.executor
    if args.scheduler:
        return "dask"
    return "serial" if args.workers == 1 else DEFAULT_EXECUTOR


def check_seed_options(args: argparse.Namespace) -> None:
    """Check the ``--seeds``, ``--seed-start`` and ``--workers`` options of a command.

    Raises:
        PovsimError: Naming the first option out of range and its allowed values.
    """
    from povsim.study.resources import check_workers

    if args.seeds < 1:
        raise PovsimError(f"--seeds {args.seeds}: allowed: a whole number of at least 1")
    check_workers(args.workers)
    check_seed(args.seed_start, "--seed-start")


def seeds_of(args: argparse.Namespace) -> list[int]:
    """The seeds ``--seeds`` and ``--seed-start`` give, after checking them."""
    check_seed_options(args)
    return consecutive_seeds(args.seeds, args.seed_start)


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--progress`` / ``--no-progress`` to a command (default: decided by the terminal).

    Args:
        parser: The command's parser.
    """
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show progress bars, or not (default: only when standard error is a terminal)")


def show_progress(args: argparse.Namespace, default: bool = True) -> bool:
    """Whether a command shows progress bars.

    Args:
        args: The parsed arguments: ``progress`` (``True``, ``False`` or ``None`` when
            not given) and, if the command has it, ``quiet``.
        default: Whether the command would show one on a terminal (``povsim run``
            shows one only for large runs).

    Returns:
        ``False`` with ``--quiet`` or ``--no-progress``; ``True`` with ``--progress``;
        otherwise ``default`` when standard error is a terminal.
    """
    if getattr(args, "quiet", False) or args.progress is False:
        return False
    if args.progress:
        return True
    return default and sys.stderr.isatty()


def print_notes(scenarios: Iterable[Any]) -> None:
    """Print the notes of scenarios (year tables that replace inherited ones) to stderr.

    Each note once, however many of the scenarios inherit it.

    Args:
        scenarios: Loaded :class:`~povsim.study.scenarios.Scenario` objects.
    """
    for note in dict.fromkeys(n for scenario in scenarios for n in scenario.notes):
        print(f"povsim: note: {note}", file=sys.stderr)
