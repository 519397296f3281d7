"""What kind of value a value is: numbers and booleans, numpy's included.

Every check of user input asks here, so that anything that accepts a number accepts
numpy's numbers too (``np.int64(5)``, ``np.float32(0.1)``, as exploratory-modelling
tools and numpy-driven loops pass them), and ``True`` and ``False`` are never numbers.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def is_bool(value: Any) -> bool:
    """Whether a value is ``True`` or ``False`` (numpy's ``np.True_`` included)."""
    return isinstance(value, bool | np.bool_)


def is_number(value: Any) -> bool:
    """Whether a value is a real number (not a boolean)."""
    return isinstance(value, numbers.Real) and not is_bool(value)


def is_whole(value: Any) -> bool:
    """Whether a value is a whole number of an integral type (not a boolean)."""
    return isinstance(value, numbers.Integral) and not is_bool(value)
