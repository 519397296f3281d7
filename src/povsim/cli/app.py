"""``povsim app``: serve the browser explorer (the ``app`` extra)."""

from __future__ import annotations

import argparse

from povsim.app.serve import DEFAULT_HOST, DEFAULT_PORT, serve


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Add ``povsim app`` to the command line's subcommands."""
    app = sub.add_parser(
        "app", help="explore the model in the browser (needs povsim[app])",
        description="Serve the explorer page: pick a scenario, move the levers, Step or "
        "Play, and watch households move in and out of poverty.")
    app.add_argument("--host", default=DEFAULT_HOST,
                     help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    app.add_argument("--port", type=int, default=DEFAULT_PORT,
                     help=f"port (default {DEFAULT_PORT})")
    app.add_argument("--scenarios", default=None, metavar="DIR",
                     help="folder of scenario files to offer (default ./scenarios)")
    app.add_argument("--open", action="store_true", help="open the page in a browser")
    app.set_defaults(func=_cmd_app)


def _cmd_app(args: argparse.Namespace) -> int:
    return serve(host=args.host, port=args.port, scenarios=args.scenarios,
                 open_browser=args.open)
