"""More than one Sanic worker per replica (TAAI_SANIC_WORKERS, production profile only).

The workers of one replica are separate processes, each with its own model, sharing
conversations through the same Redis lock and PostgreSQL as replicas do; whichever
worker serves a turn, every turn must be stored once and in order. `make bench
BENCH_ARGS="--replicas 1 --sanic-workers 2"` measures it (docs/bench.md)."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest

from ops.cluster import LocalCluster
from tests.cluster.client import assert_stored_once_in_order, converse
from tests.cluster.conftest import run_cluster

WORKERS = 2
CONVERSATIONS = 12


@pytest.fixture(scope="module")
def one_replica_two_workers(tmp_path_factory) -> Iterator[LocalCluster]:
    yield from run_cluster(tmp_path_factory.mktemp("workers"), replicas=1, action_servers=1, sanic_workers=WORKERS)


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rpartition(")")[2].split()


def _cmdline(pid: int) -> bytes:
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return cmdline.read()


def _workers_of(pid: int) -> list[int]:
    """Forked Sanic workers: children of the replica with the replica's own command line
    (multiprocessing helpers have another one)."""
    workers = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_stat(int(entry))[1]) == pid and _cmdline(int(entry)) == _cmdline(pid):
                    workers.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue  # a process that ended meanwhile
    return sorted(workers)


def _cpu_ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_workers_of_one_replica_share_conversations_without_losing_a_turn(one_replica_two_workers):
    cluster = one_replica_two_workers
    workers = _workers_of(cluster.pids()["rasa-1"])
    assert len(workers) == WORKERS, workers
    before = {pid: _cpu_ticks(pid) for pid in workers}

    senders = [f"workers-{uuid.uuid4().hex[:10]}" for _ in range(CONVERSATIONS)]
    urls = cluster.replica_urls + [cluster.nginx_url]
    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        # Half straight to the replica's port, half through nginx: the kernel hands each
        # new connection to either worker.
        results = dict(
            zip(
                senders,
                pool.map(lambda i: converse([urls[i % 2]], senders[i], alternate=False), range(CONVERSATIONS)),
                strict=False,
            )
        )

    for sender, turns in results.items():
        assert all(t.replies for t in turns), sender
        assert [t.errors for t in turns if t.errors] == [], sender
        assert_stored_once_in_order(cluster.nginx_url, cluster.token, sender, turns)
    # Both workers served turns: each used at least half a second of CPU (an idle
    # worker uses next to none; the 72 turns take ~7 s in all, split about evenly).
    used = {pid: _cpu_ticks(pid) - before[pid] for pid in workers}
    assert all(ticks >= os.sysconf("SC_CLK_TCK") // 2 for ticks in used.values()), used
