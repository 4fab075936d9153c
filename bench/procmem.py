"""Memory and CPU time of a process and its descendants, read from /proc (Linux only;
psutil is not a dependency of Taai).

RSS of a tree is the sum of VmRSS of its processes (pages shared between them count
more than once, so it is an upper bound); the peak is the sum of their VmHWM (each
process's own high-water mark since it started, so also an upper bound).
"""

from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: [state, ppid, ...]."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def descendants(pid: int) -> list[int]:
    """pid and every live process below it."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        if (PROC / str(current)).exists():
            found.append(current)
            todo.extend(children.get(current, []))
    return found


def cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def children_of(pid: int) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _status_bytes(pid: int, key: str) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024  # the kernel reports kB
    except (OSError, ValueError, IndexError):
        pass
    return 0


def memory_of(pids: list[int]) -> dict:
    """{"rss": bytes, "hwm": bytes, "processes": n} summed over pids."""
    return {
        "rss": sum(_status_bytes(p, "VmRSS") for p in pids),
        "hwm": sum(_status_bytes(p, "VmHWM") for p in pids),
        "processes": sum(1 for p in pids if (PROC / str(p)).exists()),
    }


def cpu_seconds_of(pids: list[int]) -> float:
    """User + system CPU time of the live processes among pids, in seconds."""
    total = 0
    for p in pids:
        fields = _stat(p)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def machine_cpu_times() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine in clock ticks, from /proc/stat.
    Busy is everything but idle and iowait: servers, databases, nginx, the client."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [float(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


def trees(pids: dict[str, int]) -> dict[str, list[int]]:
    """name -> the pids of that process and its descendants."""
    return {name: descendants(pid) for name, pid in pids.items()}


def tree_memory(pid: int) -> dict:
    return memory_of(descendants(pid))


def snapshot(pids: dict[str, int]) -> dict[str, dict]:
    """name -> memory of that process's tree, now."""
    return {name: tree_memory(pid) for name, pid in pids.items()}
