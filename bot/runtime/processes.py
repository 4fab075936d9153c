"""Small helpers for starting local servers and waiting for them: the launcher, `make
cluster`, the bench and the tests all need the same three. No Rasa import here."""
from __future__ import annotations

import socket
import urllib.error
import urllib.request
from pathlib import Path


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when a GET on `url` returns 200; any failure to connect is False."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def free_port() -> int:
    """A TCP port on loopback that is free right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 25) -> str:
    """The last lines of a log file, for error messages; "(no log)" if unreadable."""
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
