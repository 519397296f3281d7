"""Package attributes imported on first use, to keep light imports light.

``povsim --help`` imports the command line, and so the ``povsim`` package first; a
package that imported its heavy modules (numpy, pandas, Mesa) at the top would make
every command, ``--help`` included, wait for them. A package calls
:func:`import_on_first_use` instead, naming each public attribute and its module
(``povsim/__init__.py`` does).
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping
from typing import Any


class LazyPackage(types.ModuleType):
    """A package whose public attributes are imported from their modules on first use.

    When the import system binds a submodule to the package under a name the package
    exports from it (a module ``package.validate`` exporting ``validate``, the
    function), the exported attribute is bound instead, as an eager
    ``from .validate import validate`` would have left it.
    """

    _lazy_sources: Mapping[str, str]

    def __getattr__(self, name: str) -> Any:
        sources = self.__dict__.get("_lazy_sources", {})
        if name not in sources:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(sources[name]), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        sources = self.__dict__.get("_lazy_sources", {})
        if isinstance(value, types.ModuleType) and sources.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*self.__dict__, *self.__dict__.get("_lazy_sources", {})})


def import_on_first_use(package: str, sources: Mapping[str, str]) -> None:
    """Make a package import its public attributes on first use.

    Call it from the package's ``__init__``::

        import_on_first_use(__name__, {"run": "povsim.study.api"})

    Args:
        package: The package's ``__name__``.
        sources: Each public attribute, and the module it comes from.
    """
    module = sys.modules[package]
    module.__dict__["_lazy_sources"] = dict(sources)
    module.__class__ = LazyPackage
