"""Row chunks: long chains of elementwise operations run a block of rows at a time.

A chain of twenty numpy operations over a million float32 households makes twenty
passes through memory with four-megabyte temporaries; the same chain over blocks of
:data:`CHUNK_ROWS` rows keeps its temporaries in the processor's cache and runs
several times faster. Each row's result is computed by the same operations either
way, so chunking never changes a number.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

CHUNK_ROWS = 1 << 16
"""Rows per block (an engineering constant: 65,536 float32 values are 256 KB, which
fits a core's cache with room for the temporaries)."""


def row_chunks(n: int) -> Iterator[slice]:
    """Slices covering rows ``0 .. n-1`` in blocks of :data:`CHUNK_ROWS`."""
    for start in range(0, n, CHUNK_ROWS):
        yield slice(start, min(start + CHUNK_ROWS, n))


def index_chunks(rows: np.ndarray) -> Iterator[np.ndarray]:
    """An array of row indices in blocks of :data:`CHUNK_ROWS`."""
    for start in range(0, len(rows), CHUNK_ROWS):
        yield rows[start:start + CHUNK_ROWS]
