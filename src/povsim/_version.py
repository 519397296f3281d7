"""The installed povsim's version (``povsim.__version__``, ``povsim --version``)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("povsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
