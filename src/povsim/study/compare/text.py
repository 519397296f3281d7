"""Numbers as a report writes them: thousands separated, a few significant decimals.

One definition for every report of the study layer (comparisons, validations), so the
numbers in a sentence, a table and a summary line read alike.
"""

from __future__ import annotations

import math

NO_DECIMALS_FROM = 100
"""Numbers at least this large are shown without decimals."""


def fmt(x: float | None, *, sign: bool = False) -> str:
    """A number for a report: thousands separated, two or three significant decimals.

    Args:
        x: The number (``None`` or NaN gives ``"n/a"``).
        sign: Show ``+`` before positive numbers.

    Returns:
        ``1,234``, ``12.35``, ``0.0123``; with ``sign``, ``+1,234``.
    """
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    plus = "+" if sign else ""
    size = abs(x)
    if size >= NO_DECIMALS_FROM:
        return f"{x:{plus},.0f}"
    if size >= 1 or x == 0:
        return f"{x:{plus}.2f}"
    return f"{x:{plus}.3g}"


def format_interval(low: float, high: float, *, sign: bool = False) -> str:
    """`` [low, high]`` formatted like :func:`fmt`, or "" when either end is missing."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f" [{fmt(low, sign=sign)}, {fmt(high, sign=sign)}]"


def with_interval(mean: float, low: float, high: float, *, sign: bool = False) -> str:
    """A mean and its interval: ``3.45 [3.28, 3.62]`` (the mean alone without one)."""
    return fmt(mean, sign=sign) + format_interval(low, high, sign=sign)
