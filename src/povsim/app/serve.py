"""Starting the app's web server (``povsim app``): Solara serving :mod:`povsim.app`."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from povsim.errors import PovsimError

DEFAULT_HOST = "localhost"
"""Where the server listens unless told otherwise (this machine only)."""

DEFAULT_PORT = 8765
"""Port of the server unless told otherwise (Solara's own default)."""

MAX_PORT = 2**16 - 1
"""Largest TCP port number (65535)."""

STOP_SECONDS = 10
"""How long to wait for the server to stop after Ctrl-C before killing it."""

NEEDED = ("solara", "mesa.visualization", "altair")
"""Modules the app needs beyond povsim's own dependencies (the ``app`` extra)."""


def missing_modules() -> list[str]:
    """Modules of the ``app`` extra that are not installed."""
    missing = []
    for name in NEEDED:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(name)
    return missing


def server_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   open_browser: bool = False) -> list[str]:
    """The command line that serves the app.

    Solara runs in production mode (no reloading), and does not look for a newer
    release of itself: povsim pins the release that matches its offline assets.
    """
    return [sys.executable, "-m", "solara", "run", "povsim.app", "--host", host,
            "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open"]


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, scenarios: str | None = None,
          open_browser: bool = False) -> int:
    """Serve the app until the server stops or Ctrl-C.

    Args:
        host: Address to listen on.
        port: Port to listen on.
        scenarios: Folder of scenario files to offer (default: ``./scenarios``).
        open_browser: Open the page in a browser once the server runs.

    Returns:
        The server's exit status.

    Raises:
        PovsimError: If the ``app`` extra is missing, the port is out of range or the
            scenario folder does not exist.
        KeyboardInterrupt: After Ctrl-C, once the server has stopped.
    """
    missing = missing_modules()
    if missing:
        raise PovsimError(f"povsim app needs the app extra ({', '.join(missing)} not "
                          "installed): pip install 'povsim[app]'")
    if not 0 < port <= MAX_PORT:
        raise PovsimError(f"--port {port}: allowed: a whole number from 1 to {MAX_PORT}")
    from povsim.app.levers import SCENARIOS_ENV

    env = dict(os.environ)
    if scenarios is not None:
        folder = Path(scenarios)
        if not folder.is_dir():
            raise PovsimError(f"--scenarios {scenarios}: not a folder")
        env[SCENARIOS_ENV] = str(folder.resolve())
    print(f"povsim app: starting the page at http://{host}:{port} (Ctrl-C stops it)",
          file=sys.stderr)
    process = subprocess.Popen(server_command(host, port, open_browser), env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
