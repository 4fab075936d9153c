"""Starting local processes, waiting until they are ready, stopping them: one helper for
the launcher (`make run`), `make cluster` (ops/), the bench and the tests. No Rasa import.

    process = start([python, "-m", "rasa_sdk", ...], log_path, cwd=..., env=...)
    wait_until_ready({"actions": "http://127.0.0.1:5055/health"},
                     watch={"actions": (process, log_path)}, timeout=300)
    stop(process)

Every process runs in a session of its own (its own process group), with its output in
a log file and no stdin. A stop reaches the process and everything it started, and
nothing else; Ctrl-C in a terminal reaches only the process in the foreground (the
launcher), which then stops its children in order. The launcher's children also get
SIGTERM from the kernel when the launcher dies without stopping them (SIGKILL, a crash),
so that no server is left holding its port (`die_with_parent`, Linux only).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Tuple, Union

# Set for every Rasa or action server Taai starts: no telemetry, no noise in the logs.
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}

Check = Union[str, Callable[[], bool]]  # a URL that must answer 200, or a function
Watched = Tuple[subprocess.Popen, Path]  # a process and its log file


class ProcessError(RuntimeError):
    """A process stopped while starting, or was not ready in time."""


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when a GET on `url` returns 200; any failure to connect is False."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
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


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _terminated_with(parent: int) -> Optional[Callable[[], None]]:
    """For Popen's preexec_fn: the child asks the kernel for SIGTERM when its parent
    dies, and ends at once if the parent is already gone. None where prctl is missing."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork

    def in_child() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # died between fork and prctl: no signal would come
            os._exit(1)

    return in_child


def start(
    args: list[str],
    log: Path,
    *,
    cwd: Optional[Path] = None,
    env: Optional[Mapping[str, str]] = None,
    append: bool = True,
    die_with_parent: bool = False,
) -> subprocess.Popen:
    """Start `args` in a new session, stdout and stderr into `log` (appended, or
    truncated with append=False), stdin from /dev/null. With `die_with_parent` the
    process gets SIGTERM when the calling process dies, however it dies."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab" if append else "wb") as out:  # the child keeps its own copy
        return subprocess.Popen(
            args,
            cwd=cwd,
            env=None if env is None else dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_terminated_with(os.getpid()) if die_with_parent else None,
        )


def wait_until_ready(
    checks: Mapping[str, Check],
    *,
    timeout: float,
    watch: Optional[Mapping[str, Watched]] = None,
    interval: float = 0.5,
    lines: int = 30,
) -> float:
    """Poll every check until all pass; return the seconds that took.

    Raises ProcessError as soon as a watched process has exited (with the last `lines`
    lines of its log), or when `timeout` seconds have passed (naming the checks still
    pending, with the last lines of every watched log)."""
    started = time.monotonic()
    deadline = started + timeout
    pending = dict(checks)
    watch = dict(watch or {})
    while True:
        for name, (process, log) in watch.items():
            if process.poll() is not None:
                raise ProcessError(
                    f"{name} stopped during start-up (exit {process.returncode}). "
                    f"Last lines of {log}:\n{tail(log, lines)}"
                )
        pending = {
            name: check
            for name, check in pending.items()
            if not (answers(check) if isinstance(check, str) else check())
        }
        if not pending:
            return time.monotonic() - started
        if time.monotonic() > deadline:
            logs = "".join(f"\nLast lines of {log}:\n{tail(log, lines)}" for _process, log in watch.values())
            raise ProcessError(f"not ready after {timeout:.0f} s: {', '.join(pending)}{logs}")
        time.sleep(interval)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:  # already gone
        pass


def stop_all(processes: Iterable[Optional[subprocess.Popen]], sig: int = signal.SIGTERM, timeout: float = 20) -> bool:
    """Send `sig` to the process group of each running process (in the order given),
    then wait for all of them together for up to `timeout` seconds; kill the groups of
    those still running then. True when all ended without being killed."""
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        _signal_group(process, sig)
    deadline = time.monotonic() + timeout
    in_time = True
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            in_time = False
            _signal_group(process, signal.SIGKILL)
            process.wait()
    return in_time


def stop(process: Optional[subprocess.Popen], sig: int = signal.SIGTERM, timeout: float = 20) -> bool:
    """Stop one process and its group: `sig`, then SIGKILL after `timeout` seconds.
    True when it ended (or had ended) without being killed."""
    return stop_all([process], sig, timeout)
