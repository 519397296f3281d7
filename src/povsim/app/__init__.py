"""The browser app: students move levers and watch households move in and out of poverty.

Start it with ``povsim app`` (or ``solara run povsim.app``). It is built on Mesa's
Solara visualisation: Mesa's ``ModelController`` gives Reset, Play and Step (with the
play interval and render interval of Mesa's ``SolaraViz``), and the panels are
matplotlib figures redrawn after every simulated year.

- :mod:`povsim.app.levers`: the levers, the scenario library, and the model factory
  behind Reset (every input validated; problems become a message on the page).
- :mod:`povsim.app.panels`: the panels as matplotlib figures.
- :mod:`povsim.app.history`: every household's state recorded after each year (its story).
- :mod:`povsim.app.inspection`: the clickable village network and a household's story.
- :mod:`povsim.app.page`: the Solara page (``Page``).
- :mod:`povsim.app.serve`: starting the server (``povsim app``).

Needs the ``app`` extra (``pip install 'povsim[app]'``). ``Page`` and ``routes`` are
imported on first use, so that ``povsim app`` can say what is missing before Solara
is imported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Page", "routes"]


def __getattr__(name: str) -> Any:
    """``Page`` (the page component) and ``routes`` (its one route, for ``solara run``).

    Declaring ``routes`` keeps Solara from turning the submodules into pages.
    """
    if name == "Page":
        from povsim.app.page import Page

        return Page
    if name == "routes":
        import solara

        from povsim.app.page import Page

        return [solara.Route(path="/", component=Page, label="povsim")]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
