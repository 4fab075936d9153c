"""bot/runtime/processes.py: start, wait, stop, with tiny Python processes (no ports)."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.runtime import processes

SLEEPER = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"]
# A process that ignores SIGTERM, with a child in its group that does too.
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "subprocess.Popen([sys.executable, '-c', 'import signal, time; "
    "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)']); "
    "print('up', flush=True); time.sleep(60)",
]


def _up(log: Path):
    return lambda: "up" in log.read_text()


def test_start_wait_and_stop(tmp_path: Path):
    log = tmp_path / "logs" / "sleeper.log"
    process = processes.start(SLEEPER, log, env={"PATH": "/usr/bin:/bin"})
    try:
        waited = processes.wait_until_ready(
            {"sleeper": _up(log)}, watch={"sleeper": (process, log)}, timeout=30, interval=0.05
        )
        assert 0 <= waited < 30
    finally:
        assert processes.stop(process, timeout=10) is True
    assert process.returncode == -signal.SIGTERM


def test_stop_kills_the_whole_group_when_it_does_not_end(tmp_path: Path):
    log = tmp_path / "stubborn.log"
    process = processes.start(STUBBORN, log)
    processes.wait_until_ready({"stubborn": _up(log)}, timeout=30, interval=0.05)
    assert processes.stop(process, timeout=0.5) is False
    assert process.returncode == -signal.SIGKILL
    assert processes.stop(process) is True  # already stopped: nothing to do


def test_a_process_that_stops_while_starting_is_reported_with_its_log(tmp_path: Path):
    log = tmp_path / "failing.log"
    process = processes.start([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], log)
    with pytest.raises(processes.ProcessError, match=r"(?s)failing stopped during start-up \(exit 3\).*boom"):
        processes.wait_until_ready(
            {"failing": lambda: False}, watch={"failing": (process, log)}, timeout=30, interval=0.05
        )


def test_not_ready_in_time_names_what_is_pending(tmp_path: Path):
    log = tmp_path / "sleeper.log"
    log.write_text("earlier run\n")
    process = processes.start(SLEEPER, log, append=False)
    try:
        with pytest.raises(processes.ProcessError, match=r"not ready after 0 s: never, url"):
            processes.wait_until_ready(
                {"never": lambda: False, "url": "http://127.0.0.1:9/"},
                watch={"sleeper": (process, log)},
                timeout=0.2,
                interval=0.05,
            )
    finally:
        processes.stop(process, timeout=10)
    assert "earlier run" not in log.read_text()  # append=False starts a fresh log


def test_stop_all_signals_every_group_and_ignores_what_never_started(tmp_path: Path):
    started = [processes.start(SLEEPER, tmp_path / f"{i}.log") for i in range(2)]
    assert processes.stop_all([None, *started], signal.SIGINT, timeout=10) is True
    assert all(p.returncode is not None for p in started)


# A parent that starts a sleeping child through processes.start and prints its pid.
def _parent(die_with_parent: bool) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys, time; from pathlib import Path; from bot.runtime import processes; "
        f"child = processes.start({SLEEPER!r}, Path(sys.argv[1]), die_with_parent={die_with_parent}); "
        "print('up', child.pid, flush=True); time.sleep(60)",
    ]


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie may wait long for PID 1 to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _orphan_of_a_killed_parent(tmp_path: Path, die_with_parent: bool) -> int:
    log = tmp_path / "parent.log"
    parent = processes.start(
        [*_parent(die_with_parent), str(tmp_path / "child.log")], log, cwd=Path(__file__).resolve().parents[2]
    )
    processes.wait_until_ready({"parent": _up(log)}, watch={"parent": (parent, log)}, timeout=30, interval=0.05)
    child = int(log.read_text().split()[1])
    assert _running(child)
    processes.stop(parent, signal.SIGKILL)  # as the OOM killer or `kill -9` would
    return child


def test_a_child_started_to_die_with_its_parent_ends_when_the_parent_is_killed(tmp_path: Path):
    child = _orphan_of_a_killed_parent(tmp_path, die_with_parent=True)
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child), "the child outlived its killed parent"


def test_without_it_the_child_outlives_a_killed_parent(tmp_path: Path):
    """Why the launcher asks for it: a child in a session of its own is not reached by a
    signal to the parent's group."""
    child = _orphan_of_a_killed_parent(tmp_path, die_with_parent=False)
    try:
        time.sleep(0.5)
        assert _running(child)
    finally:
        os.kill(child, signal.SIGKILL)
