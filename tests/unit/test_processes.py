"""bot/runtime/processes.py: start, wait, stop, with tiny Python processes (no ports)."""

from __future__ import annotations

import signal
import sys
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
