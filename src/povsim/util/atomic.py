"""Writing files atomically: a reader sees the old file or the new one, never half of one.

Each file is written to a temporary file in the same folder and then renamed over
the target (``Path.replace``, atomic on POSIX and Windows).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Give a temporary path to write to; it replaces ``path`` if the block succeeds.

    Args:
        path: The file to (re)write.

    Yields:
        A temporary path in the same folder, with the same suffix.
    """
    target = Path(path)
    # A fresh hidden name beside the target (same file system, so the rename is atomic);
    # unlike tempfile.mkstemp it gets the usual permissions.
    tmp = target.with_name(f".{target.stem}.{os.getpid()}-{secrets.token_hex(4)}{target.suffix}")
    try:
        yield tmp
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> Path:
    """Write text (UTF-8, Unix line ends) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)
