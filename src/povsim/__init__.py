"""povsim: agent-based simulation of targeted poverty alleviation.

Quick start::

    from povsim import PovertyModel
    model = PovertyModel(rng=42)
    model.run()
    model.outputs()

Batches of runs (:mod:`povsim.study`): :func:`run` (one run, outcomes by name),
:func:`sweep`, :func:`compare`, :func:`validate`, :func:`calibrate`,
:func:`load_results`, :func:`sensitivity`.
"""

from povsim.errors import ParameterError, PovsimError
from povsim.model import PovertyModel
from povsim.params import Parameters
from povsim.study.api import compare, run, sweep
from povsim.study.calibration.calibrate import calibrate
from povsim.study.calibration.validate import validate
from povsim.study.store import load_results
from povsim.study.sweeps.analysis import sensitivity
from povsim.util.versions import povsim_version

__version__ = povsim_version()

__all__ = [
    "ParameterError", "Parameters", "PovertyModel", "PovsimError", "__version__", "calibrate",
    "compare", "load_results", "run", "sensitivity", "sweep", "validate",
]
