"""Starting the app's web server (``povsim app``): Solara serving :mod:`povsim.app`."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
        The server's exit status; after SIGTERM or SIGHUP (the server stopped first),
        128 plus the signal's number.

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
    with _stopped_by(STOP_SIGNALS) as stopped:
        try:
            return process.wait()
        except (KeyboardInterrupt, _Stop):
            _stop_server(process)
            if stopped:
                return SIGNAL_STATUS + stopped[0]
            raise


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
"""Signals that stop ``povsim app`` and its server (as Ctrl-C does): a service manager's
stop, a closed terminal."""

SIGNAL_STATUS = 128
"""Exit status after a signal: 128 plus its number (the shell convention)."""


class _Stop(Exception):  # noqa: N818 - a signal, not an error
    """Raised in the main thread by a stop signal (see :func:`_stopped_by`)."""


@contextmanager
def _stopped_by(signals: tuple[int, ...]) -> Iterator[list[int]]:
    """Turn the given signals into :class:`_Stop` while the block runs.

    Without this, SIGTERM ends ``povsim app`` at once and leaves its server running on
    the port. Yields a list that holds the signal's number once one arrived.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received          # only the main thread may handle signals
        return

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        if len(received) == 1:      # a second signal while the server stops changes nothing
            raise _Stop(signum)

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _stop_server(process: subprocess.Popen) -> None:
    """Stop the server: ask, then kill after :data:`STOP_SECONDS`."""
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
