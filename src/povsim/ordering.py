"""Stable orderings of household arrays, faster than ``np.argsort(kind="stable")``.

Many decisions go "poorest first" or "lowest first within each village": a stable
sort of float32 incomes, or of village labels. numpy's stable argsort of floats is
a merge sort; here a float32 and its position are packed into one 64-bit integer
whose plain sort gives the same order (ties in position order), and small integer
labels use numpy's radix sort. The results are identical to ``np.argsort(...,
kind="stable")`` and ``np.lexsort``.
"""

from __future__ import annotations

import numpy as np

_SIGN = np.uint32(0x80000000)
_LOW32 = np.uint64(0xFFFFFFFF)


def float_keys(values: np.ndarray) -> np.ndarray:
    """Unsigned integers that sort like the float32 ``values`` (-0.0 as 0.0; no NaN)."""
    v = np.asarray(values, np.float32) + np.float32(0.0)  # -0.0 becomes 0.0
    bits = v.view(np.uint32)
    negative = bits >= _SIGN
    return np.where(negative, ~bits, bits | _SIGN)


def stable_order(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` for float32 values without NaN."""
    n = len(values)
    if n < 2**32:
        key = float_keys(values).astype(np.uint64) << np.uint64(32)
        key |= np.arange(n, dtype=np.uint64)
        key.sort()
        return (key & _LOW32).astype(np.intp)
    return np.argsort(values, kind="stable")  # pragma: no cover - beyond 4 billion rows


def stable_order_by(labels: np.ndarray, values: np.ndarray, label_bits: int) -> np.ndarray:
    """``np.lexsort((values, labels))``: by small label, then float32 value, then position.

    One sort of packed 64-bit keys (label, value, position) instead of a sort by value
    and a stable sort by label.

    Args:
        labels: Non-negative integer labels below ``2 ** label_bits``.
        values: Float32 values without NaN.
        label_bits: Bits the labels need (at most 8).
    """
    n = len(values)
    position_bits = 32 - label_bits
    if n >= 2**position_bits:  # pragma: no cover - beyond hundreds of millions of rows
        by_value = stable_order(values)
        return by_value[stable_order_of_labels(np.asarray(labels)[by_value])]
    key = np.asarray(labels).astype(np.uint64) << np.uint64(64 - label_bits)
    key |= float_keys(values).astype(np.uint64) << np.uint64(position_bits)
    key |= np.arange(n, dtype=np.uint64)
    key.sort()
    return (key & np.uint64(2**position_bits - 1)).astype(np.intp)


def stable_order_of_labels(labels: np.ndarray) -> np.ndarray:
    """``np.argsort(labels, kind="stable")`` for non-negative integer labels (radix if small)."""
    labels = np.asarray(labels)
    if len(labels) and labels.max() < 2**16 and labels.min() >= 0:
        return np.argsort(labels.astype(np.uint16), kind="stable")
    return np.argsort(labels, kind="stable")


def order_within_groups(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.lexsort((values, groups))``: by group, then value, then position."""
    by_value = stable_order(values)
    return by_value[stable_order_of_labels(groups[by_value])]


def ranks_in_groups(groups_sorted: np.ndarray) -> np.ndarray:
    """Position of each element among the elements of its group, for labels already sorted."""
    if len(groups_sorted) == 0:
        return np.zeros(0, np.intp)
    new = np.empty(len(groups_sorted), bool)
    new[0] = True
    np.not_equal(groups_sorted[1:], groups_sorted[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    first = np.repeat(starts, np.diff(np.append(starts, len(groups_sorted))))
    return np.arange(len(groups_sorted)) - first
