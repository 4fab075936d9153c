"""Start and stop Taai the way `make run` does (bot.runtime.launcher), on free loopback ports
with a fresh state directory. The shared session fixture `server` (tests/conftest.py)
and the tests that need a server with other settings use these."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.runtime import processes
from bot.runtime.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "taai.tar.gz"


@dataclass
class Server:
    base_url: str
    token: str
    var_dir: Path
    process: subprocess.Popen
    output: Path

    def say(self, sender: str, message: str) -> list[dict]:
        response = requests.post(
            f"{self.base_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.base_url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()


def launcher_env(var_dir: Path, token: str | None, extra_env: dict | None = None) -> tuple[dict, int]:
    """The launcher's environment for a fresh state directory on free loopback ports,
    and the Rasa port it will listen on."""
    port, actions_port = free_port(), free_port()
    env = dict(os.environ, TAAI_VAR_DIR=str(var_dir), TAAI_PORT=str(port), TAAI_ACTIONS_PORT=str(actions_port))
    env.update(extra_env or {})
    env.pop("BOT_API_TOKEN", None)
    if token:
        env["BOT_API_TOKEN"] = token
    return env, port


def start_server(var_dir: Path, token: str | None, extra_env: dict | None = None) -> Server:
    assert MODEL.exists(), "run `make train` first (make test does this)"
    env, port = launcher_env(var_dir, token, extra_env)
    output = var_dir / "launcher.out"
    process = processes.start([sys.executable, "-m", "bot.runtime.launcher"], output, cwd=ROOT, env=env, append=False)
    try:
        processes.wait_until_ready(
            {"launcher": lambda: "Taai draait" in output.read_text(errors="replace")},
            watch={"launcher": (process, output)},
            timeout=300,
        )
    except processes.ProcessError:
        stop_server(process)
        pytest.fail(f"launcher did not start:\n{output.read_text(errors='replace')[-4000:]}")
    return Server(f"http://127.0.0.1:{port}", token or "", var_dir, process, output)


def stop_server(process: subprocess.Popen) -> int:
    """Ctrl-C, as a user would; the launcher stops its children. SIGKILL after a minute.
    Fails when a child of the launcher is still running half a minute later (it is killed
    then, so that no test leaves a server behind)."""
    children = children_of(process.pid)
    processes.stop(process, signal.SIGINT, timeout=60)
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in children if running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"the launcher's children {left} were still running after it stopped"
    return process.returncode


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (state, ppid, ...)."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie may wait long for PID 1 to reap it)."""
    try:
        return _stat(pid)[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def children_of(parent: int, marker: str = "") -> list[int]:
    """The running child processes of `parent` whose command line contains `marker` (/proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat(entry)
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == parent and fields[0] not in ("Z", "X") and marker in cmdline:
            found.append(int(entry))
    return found
