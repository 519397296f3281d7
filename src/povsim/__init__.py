"""povsim: agent-based simulation of targeted poverty alleviation.

Quick start::

    from povsim import PovertyModel
    model = PovertyModel(rng=42)
    model.run()
    model.outputs()
"""

from importlib.metadata import PackageNotFoundError, version

from povsim.errors import ParameterError, PovsimError
from povsim.experiments import run, sweep
from povsim.model import PovertyModel
from povsim.params import Parameters

try:
    __version__ = version("povsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "ParameterError", "Parameters", "PovertyModel", "PovsimError", "__version__", "run", "sweep",
]
