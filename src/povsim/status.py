"""Enumerations of household states: registered status and causes of poverty.

Arrays store these as small integers; the enums give them names.
"""

from __future__ import annotations

from enum import Enum, IntFlag

import numpy as np


class Int8Code(np.int8, Enum):
    """Base of the enums kept in ``int8`` columns (statuses, kinds of team and enterprise).

    The members are numpy ``int8`` scalars, the type of their columns, so that
    ``column == Kind.MEMBER`` compares int8 with int8. (numpy takes an ``IntEnum``
    member for a 64-bit integer and widens the whole column first: twelve times slower
    at a million households.)
    """


class RegStatus(Int8Code):
    """Registered (administrative) status of a household, kept apart from its true status."""

    NEVER = 0
    """Never registered as poor."""
    REGISTERED = 1
    """On the poverty registry (jiandang lika)."""
    EXITED = 2
    """Certified as having exited poverty."""
    RETURNED = 3
    """Re-registered after an exit (returned to poverty)."""
    MONITORED = 4
    """Watched as at risk by the return-prevention mechanism (not registered poor)."""


def registered_as_poor(status: np.ndarray) -> np.ndarray:
    """Which of the ``status`` codes stand for a household on the registry as poor.

    Registered or returned; not exited, monitored or never registered.
    """
    return (status == RegStatus.REGISTERED) | (status == RegStatus.RETURNED)


class Cause(IntFlag):
    """Causes of poverty; a household may have several (a bit mask)."""

    ILLNESS = 1
    DISABILITY = 2
    LACK_OF_LABOUR = 4
    LACK_OF_SKILLS = 8
    OLD_AGE = 16
    LACK_OF_CAPITAL = 32
    REMOTE_LOCATION = 64
    SCHOOLING_COSTS = 128
    DISASTER = 256


CAUSES: tuple[Cause, ...] = tuple(Cause)
"""All causes, in the priority order used to name a household's main cause."""

CAUSE_NAMES: tuple[str, ...] = tuple(c.name.lower() for c in CAUSES)
"""Snake-case names of the causes, used in output columns (``share_poor_<name>``)."""

