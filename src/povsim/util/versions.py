"""Versions that results depend on: povsim's, its source commit, the packages'.

Manifests of comparisons, sweeps and single runs record them, so that a result can be
traced to the code that made it.
"""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

MODEL_PACKAGES = ("numpy", "pandas", "scipy", "mesa", "networkx", "matplotlib")
"""Packages whose versions the results of the model can depend on."""

GIT_TIMEOUT = 10
"""Seconds to wait for git when recording the source commit."""

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
"""The povsim package's folder (``src/povsim`` in a source tree)."""

UNKNOWN_VERSION = "0.0.0+unknown"
"""povsim's version when it runs from a source tree that is not installed."""


def installed_version(package: str) -> str | None:
    """The installed version of a package, or ``None`` if it is not installed."""
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def povsim_version() -> str:
    """Povsim's installed version (:data:`UNKNOWN_VERSION` from an uninstalled tree)."""
    return installed_version("povsim") or UNKNOWN_VERSION


__version__ = povsim_version()
"""Povsim's version, read once: ``povsim.__version__`` (imported from here on first use)."""


def package_versions(packages: Iterable[str] = MODEL_PACKAGES) -> dict[str, str]:
    """Versions of povsim, Python and the given packages (those installed)."""
    versions = {"povsim": povsim_version(), "python": platform.python_version()}
    installed = {name: installed_version(name) for name in packages}
    versions.update({name: v for name, v in installed.items() if v is not None})
    return versions


def git_revision() -> str | None:
    """Commit of the povsim source tree, with "+changes" if it has uncommitted changes.

    Returns:
        The commit hash, or ``None`` when povsim is not run from a git checkout.
    """

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(PACKAGE_ROOT), *args], capture_output=True,
                              text=True, check=True, timeout=GIT_TIMEOUT).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+changes" if dirty else commit
