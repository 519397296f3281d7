"""povsim: agent-based simulation of targeted poverty alleviation.

Quick start::

    from povsim import PovertyModel
    model = PovertyModel(rng=42)
    model.run()
    model.outputs()

Batches of runs (:mod:`povsim.study`): :func:`run` (one run, outcomes by name),
:func:`sweep`, :func:`compare`, :func:`validate`, :func:`calibrate`,
:func:`load_results`, :func:`sensitivity`. The last four are imported when first used
(they bring in scipy's optimisers and samplers, which a worker process never needs).
"""

from importlib import import_module
from typing import Any

from povsim.errors import ParameterError, PovsimError
from povsim.model import PovertyModel
from povsim.params import Parameters
from povsim.study.api import compare, run, sweep
from povsim.util.versions import povsim_version

__version__ = povsim_version()

LAZY = {
    "calibrate": "povsim.study.calibration.calibrate",
    "validate": "povsim.study.calibration.validate",
    "load_results": "povsim.study.store",
    "sensitivity": "povsim.study.sweeps.analysis",
}
"""Public names imported when first used, and the module of each."""

__all__ = [
    "ParameterError", "Parameters", "PovertyModel", "PovsimError", "__version__", "calibrate",
    "compare", "load_results", "run", "sensitivity", "sweep", "validate",
]


def __getattr__(name: str) -> Any:
    """The public names of :data:`LAZY`, imported when first used."""
    if name in LAZY:
        return getattr(import_module(LAZY[name]), name)
    raise AttributeError(f"module 'povsim' has no attribute {name!r}")
