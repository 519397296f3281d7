"""The ``povsim`` command line: it parses arguments and calls the library.

Each module holds some commands: it parses their arguments and calls :mod:`povsim.study`
or :mod:`povsim.app`; nothing in the library imports the command line.

Mistakes in input (a missing file, an unknown parameter, a value out of range) are
reported in one clear message, without a traceback, with exit status 2.

Heavy modules (numpy, pandas, matplotlib, Mesa, the model) are imported inside the
command that uses them, so that ``povsim --help`` answers at once (a test checks that it
imports none of them).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from typing import Any

from povsim.cli import app, calibration, compare, run, sweeps
from povsim.cli.options import INTERRUPTED_STATUS, parse_assignment
from povsim.errors import PovsimError

__all__ = ["build_parser", "main", "parse_assignment"]


class _VersionAction(argparse.Action):
    """``--version``: print povsim's version and exit (read only when asked for)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 **kwargs: Any):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        from povsim.util.versions import povsim_version

        print(f"povsim {povsim_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``povsim`` command."""
    parser = argparse.ArgumentParser(
        prog="povsim",
        description="Agent-based simulation of targeted poverty alleviation.",
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="print the version of povsim and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run.add_subcommands(sub)            # run, check, params, outputs
    compare.add_subcommand(sub)
    calibration.add_subcommands(sub)    # validate, calibrate
    app.add_subcommand(sub)
    sweeps.add_subcommands(sub)         # sweep, results, analyze
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``povsim`` command.

    Args:
        argv: Arguments (``sys.argv[1:]`` if omitted).

    Returns:
        Exit status: 0 on success, 2 on a user error.
    """
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.command_line = shlex.join(["povsim", *argv])
    try:
        check_paths(args)
        return args.func(args)
    except PovsimError as exc:
        print(f"povsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("povsim: interrupted", file=sys.stderr)
        return INTERRUPTED_STATUS
    except BrokenPipeError:
        # the reader left (povsim params | head): nothing more to say, and no traceback
        # when Python flushes standard output on exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE_STATUS


PATH_OPTIONS = ("out", "store", "csv", "parquet", "scenarios")
"""Options naming a folder or file to write (``--scenarios`` of the app: to read)."""

BROKEN_PIPE_STATUS = 128 + 13
"""Exit status when standard output's reader left (128 + SIGPIPE, the shell convention)."""


def check_paths(args: argparse.Namespace) -> None:
    """Refuse a path option given as empty text (``--out ""`` would mean this folder).

    Raises:
        PovsimError: Naming the option.
    """
    for name in PATH_OPTIONS:
        value = getattr(args, name, None)
        if isinstance(value, str) and not value.strip():
            raise PovsimError(f"--{name} {value!r}: allowed: a path (not empty text)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
