"""Writing files atomically: a reader sees the old file or the new one, never half of one.

Each file is written to a temporary file in the same folder and then renamed over
the target (``Path.replace``, atomic on POSIX and Windows). A file that cannot be
written (a read-only or full disk) is a :class:`~povsim.errors.PovsimError` naming it;
:func:`check_writable` tries a folder before a long job writes to it at the end.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from povsim.errors import PovsimError

TEMPORARY_NAME = re.compile(r"^\.(?P<stem>.+)\.(?P<pid>\d+)-[0-9a-f]+(?P<suffix>\.[^.]*)?$")
"""The name :func:`atomic_path` gives a temporary file: ``.stem.PID-HEX.suffix``."""


def temporary_of(name: str) -> str | None:
    """The file a temporary name of :func:`atomic_path` stands for, or ``None``.

    Args:
        name: A file name (``.run-000042.1234-0a1b2c3d.parquet``).

    Returns:
        The target's name (``run-000042.parquet``), or ``None`` when ``name`` is not a
        temporary name.
    """
    match = TEMPORARY_NAME.match(name)
    if match is None:
        return None
    return f"{match['stem']}{match['suffix'] or ''}"


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Give a temporary path to write to; it replaces ``path`` if the block succeeds.

    Args:
        path: The file to (re)write.

    Yields:
        A temporary path in the same folder, with the same suffix.

    Raises:
        PovsimError: If the file cannot be written (naming it and why).
    """
    target = Path(path)
    # A fresh hidden name beside the target (same file system, so the rename is atomic);
    # unlike tempfile.mkstemp it gets the usual permissions.
    tmp = target.with_name(f".{target.stem}.{os.getpid()}-{secrets.token_hex(4)}{target.suffix}")
    try:
        yield tmp
        tmp.replace(target)
    except OSError as exc:  # a read-only or full disk, a folder that is gone: say which file
        raise PovsimError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        with suppress(OSError):     # a read-only folder: nothing was written there either
            tmp.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> Path:
    """Write text (UTF-8, Unix line ends) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def check_writable(folder: str | Path, what: str = "--out") -> Path:
    """Create a folder if needed and check that files can be written in it.

    Jobs that run for a while and write their files at the end call this first, so a
    read-only, full or special folder (``/proc``) is refused before anything runs.

    Args:
        folder: The output folder.
        what: The option or argument that named it, for the message.

    Returns:
        The folder, as a path.

    Raises:
        PovsimError: If the folder is given as empty text, cannot be created, or a file
            cannot be written in it.
    """
    if not str(folder).strip():
        raise PovsimError(f"{what} {str(folder)!r}: allowed: a folder path (not empty text)")
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PovsimError(f"cannot create the output folder {out} ({what}): "
                          f"{exc.strerror or exc}") from exc
    except ValueError as exc:       # an embedded NUL byte
        raise PovsimError(f"{what} {str(folder)!r}: not a usable folder path: {exc}") from exc
    probe = out / f".povsim-write-check.{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with probe.open("wb") as handle:
            handle.write(b"povsim")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise PovsimError(f"cannot write in the output folder {out} ({what}): "
                          f"{exc.strerror or exc}") from exc
    finally:
        with suppress(OSError):
            probe.unlink(missing_ok=True)
    return out
