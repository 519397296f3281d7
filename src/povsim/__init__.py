"""povsim: agent-based simulation of targeted poverty alleviation.

Quick start::

    from povsim import PovertyModel
    model = PovertyModel(rng=42)
    model.run()
    model.outputs()

``PovertyModel``, ``Parameters``, ``run``, ``sweep`` and ``__version__`` are imported
on first use, so that ``povsim --help`` does not wait for numpy, pandas and Mesa.
"""

from povsim.errors import ParameterError, PovsimError
from povsim.lazy import import_on_first_use

__all__ = [
    "ParameterError", "Parameters", "PovertyModel", "PovsimError", "__version__", "run", "sweep",
]

import_on_first_use(__name__, {
    "PovertyModel": "povsim.model",
    "Parameters": "povsim.params",
    "run": "povsim.experiments",
    "sweep": "povsim.experiments",
    "__version__": "povsim._version",
})
