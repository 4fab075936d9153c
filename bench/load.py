"""The load generator: simulated users holding conversations over Rasa's REST channel.

One asyncio event loop with aiohttp in the bench process; the servers are separate
processes. Every user runs conversations back to back with no think time, each with
a new sender id. A level runs a warm-up (nothing recorded) and then the measured
window; see docs/bench.md for the exact definitions.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
import uuid
from dataclasses import dataclass, field

import aiohttp

from bench import procmem
from bench.conversations import Script, reply_text

ERROR_KINDS = ("status", "timeout", "empty", "connection", "bad_json")
SAMPLE_INTERVAL_S = 1.0


@dataclass(frozen=True)
class Level:
    users: int
    warmup_s: float
    duration_s: float | None = None  # length of the measured window, or...
    conversations: int | None = None  # ...conversations per user after the warm-up
    timeout_s: float = 30.0


OFF_SCRIPT_EXAMPLES = 5


@dataclass
class _State:
    level: Level
    script: Script
    url: str
    prefix: str
    window_start: float
    window_end: float | None
    # Every turn as (start, end, error kind or None, off script); "recorded" are those
    # started in the measured window, the rest belong to the warm-up.
    turns: list[tuple[float, float, str | None, bool]] = field(default_factory=list)
    completed: int = 0  # conversations started in the window that reached their last turn
    failed: int = 0  # ...that stopped at an error
    cut: int = 0  # ...that the end of the window cut short
    # The first few off-script replies, so that a report can say what went off script
    # (bot text only: the bench's own messages hold no personal data).
    off_script_examples: list[dict] = field(default_factory=list)


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def post_turn(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> tuple[str | None, list]:
    """One turn: (error kind or None, the replies)."""
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as response:
            body = await response.read()
            if response.status != 200:
                return "status", []
    except asyncio.TimeoutError:
        return "timeout", []
    except aiohttp.ClientError:
        return "connection", []
    try:
        replies = json.loads(body)
    except ValueError:
        return "bad_json", []
    if not isinstance(replies, list):
        return "bad_json", []
    if not replies:
        return "empty", []
    return None, replies


async def _user(state: _State, session: aiohttp.ClientSession, index: int) -> None:
    level, number = state.level, 0
    counted = 0
    while level.conversations is None or counted < level.conversations:
        begun = time.perf_counter()
        if state.window_end is not None and begun >= state.window_end:
            return
        in_window = begun >= state.window_start
        sender, number = f"{state.prefix}-u{index}-c{number}", number + 1
        outcome = "completed"
        for message, marker in state.script.turns:
            start = time.perf_counter()
            if state.window_end is not None and start >= state.window_end:
                outcome = "cut"
                break
            error, replies = await post_turn(session, state.url, sender, message)
            end = time.perf_counter()
            off_script = error is None and bool(marker) and marker not in reply_text(replies)
            state.turns.append((start, end, error, off_script))
            if off_script and len(state.off_script_examples) < OFF_SCRIPT_EXAMPLES:
                state.off_script_examples.append(
                    {"message": message, "expected": marker, "reply": reply_text(replies)[:300]}
                )
            if error:
                outcome = "failed"  # the conversation's state is unknown now: start a new one
                break
        if in_window:
            counted += 1
            setattr(state, outcome, getattr(state, outcome) + 1)


async def _monitor(state: _State, pids: dict[str, int], stop: asyncio.Event) -> dict:
    """Memory (sampled) and CPU of the servers and the client over the measured window."""
    await asyncio.sleep(max(0.0, state.window_start - time.perf_counter()))
    trees = procmem.trees(pids)
    cpu_start, client_start, wall_start = procmem_cpu(trees), _client_cpu(), time.perf_counter()
    machine_start = procmem.machine_cpu_times()
    peak = {name: 0 for name in pids}
    while not stop.is_set():
        for name, tree in trees.items():
            peak[name] = max(peak[name], procmem.memory_of(tree)["rss"])
        remaining = SAMPLE_INTERVAL_S
        if state.window_end is not None:
            remaining = min(remaining, state.window_end - time.perf_counter())
            if remaining <= 0:
                break
        try:
            await asyncio.wait_for(stop.wait(), timeout=remaining)
        except asyncio.TimeoutError:
            pass
    wall = time.perf_counter() - wall_start
    cpu_end, client_end = procmem_cpu(trees), _client_cpu()
    machine_end = procmem.machine_cpu_times()
    machine_total = machine_end[1] - machine_start[1]
    memory = {}
    for name, tree in trees.items():
        now = procmem.memory_of(tree)
        memory[name] = {
            "rss_end": now["rss"],
            "rss_peak_sampled": max(peak[name], now["rss"]),
            "hwm": now["hwm"],
            "processes": now["processes"],
        }
    return {
        "memory": memory,
        "server_cpu_s": {name: round(cpu_end[name] - cpu_start[name], 2) for name in trees},
        "client_cpu_pct": round(100 * (client_end - client_start) / wall, 1) if wall > 0 else None,
        # Share of all cores busy (100 = every core): shows when the machine is the bound.
        "machine_cpu_busy_pct": (
            round(100 * (machine_end[0] - machine_start[0]) / machine_total, 1) if machine_total > 0 else None
        ),
    }


def procmem_cpu(trees: dict[str, list[int]]) -> dict[str, float]:
    return {name: procmem.cpu_seconds_of(tree) for name, tree in trees.items()}


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _summary(state: _State, monitor: dict) -> dict:
    level, window_start = state.level, state.window_start
    recorded = [turn for turn in state.turns if turn[0] >= window_start]
    warmup = [turn for turn in state.turns if turn[0] < window_start]
    ok = [(s, e) for s, e, error, _ in recorded if error is None]
    latencies = [1000 * (e - s) for s, e in ok]
    window_end = state.window_end
    if window_end is None:
        window_end = max((e for _, e, _, _ in recorded), default=window_start)
    window = max(window_end - window_start, 1e-9)
    # Throughput: good turns that finished inside the window, whenever they started.
    finished = sum(1 for _, e, error, _ in state.turns if error is None and window_start <= e <= window_end)
    errors = {kind: sum(1 for *_, error, _ in recorded if error == kind) for kind in ERROR_KINDS}
    server_cpu = sum(monitor["server_cpu_s"].values())

    def ms(value):
        return None if value is None else round(value, 1)

    return {
        "users": level.users,
        "window_s": round(window, 2),
        "turns_attempted": len(recorded),
        "turns_ok": len(ok),
        "conversations": {"completed": state.completed, "failed": state.failed, "cut_by_window": state.cut},
        "latency_ms": {
            "p50": ms(percentile(latencies, 50)),
            "p95": ms(percentile(latencies, 95)),
            "p99": ms(percentile(latencies, 99)),
            "mean": ms(sum(latencies) / len(latencies)) if latencies else None,
            "max": ms(max(latencies, default=None)),
        },
        "throughput_tps": round(finished / window, 2),
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "off_script": sum(1 for *_, off in recorded if off),
        "off_script_examples": state.off_script_examples,
        "warmup": {"turns": len(warmup), "errors": sum(1 for *_, error, _ in warmup if error)},
        "server_cpu_ms_per_turn": round(1000 * server_cpu / len(ok), 1) if ok else None,
        **monitor,
    }


async def _run(url: str, script: Script, level: Level, pids: dict[str, int]) -> dict:
    started = time.perf_counter()
    window_start = started + level.warmup_s
    window_end = window_start + level.duration_s if level.conversations is None else None
    state = _State(level, script, url, f"bench-{uuid.uuid4().hex[:8]}-{level.users}", window_start, window_end)
    connector = aiohttp.TCPConnector(limit=level.users + 10)
    timeout = aiohttp.ClientTimeout(total=level.timeout_s)
    stop = asyncio.Event()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        monitor = asyncio.create_task(_monitor(state, pids, stop))
        await asyncio.gather(*(_user(state, session, i) for i in range(level.users)))
        stop.set()
        figures = await monitor
    return _summary(state, figures)


def run_level(base_url: str, script: Script, level: Level, pids: dict[str, int]) -> dict:
    """Run one level of load against base_url and return its figures."""
    if level.conversations is None and not level.duration_s:
        raise ValueError("a level needs a duration or a number of conversations")
    return asyncio.run(_run(f"{base_url.rstrip('/')}/webhooks/rest/webhook", script, level, pids))
