"""When the command line shows progress bars: on a terminal, or when asked.

A progress bar redraws itself with carriage returns; written into a log file or a CI
job's output it leaves hundreds of lines of noise. So the commands show one only when
standard error is a terminal, unless ``--progress`` or ``--no-progress`` says otherwise.
"""

from __future__ import annotations

import argparse
import sys


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
