"""povsim: agent-based simulation of targeted poverty alleviation.

Quick start::

    from povsim import PovertyModel
    model = PovertyModel(rng=42)
    model.run()
    model.outputs()

Batches of runs (:mod:`povsim.study`): :func:`run` (one run, outcomes by name),
:func:`sweep`, :func:`compare`, :func:`validate`, :func:`calibrate`,
:func:`load_results`, :func:`sensitivity`.

Every public name but the errors is imported on first use (:mod:`povsim.util.lazy`):
``import povsim`` and ``povsim --help`` do not wait for numpy, pandas, Mesa and the
model, and a worker process never imports scipy's optimisers and samplers.
"""

from povsim.errors import ParameterError, PovsimError
from povsim.util.lazy import import_on_first_use

__all__ = [
    "ParameterError", "Parameters", "PovertyModel", "PovsimError", "__version__", "calibrate",
    "compare", "load_results", "run", "sensitivity", "sweep", "validate",
]

import_on_first_use(__name__, {
    "PovertyModel": "povsim.model",
    "Parameters": "povsim.params",
    "run": "povsim.study.api",
    "sweep": "povsim.study.api",
    "compare": "povsim.study.api",
    "calibrate": "povsim.study.calibration.calibrate",
    "validate": "povsim.study.calibration.validate",
    "load_results": "povsim.study.store",
    "sensitivity": "povsim.study.sweeps.analysis",
    "__version__": "povsim.util.versions",
})
