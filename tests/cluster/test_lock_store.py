"""The atomic Redis lock store against a real Redis (bot/rasa_ext/stores/lock_store.py)."""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext.stores.lock_store import AtomicRedisLockStore
from ops.services import RedisServer
from tests.server_process import ROOT


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    subprocess.run([str(ROOT / "scripts" / "install-services.sh")], check=True)
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


def _store(redis_server, lifetime=2.0) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(
        EndpointConfig(url="127.0.0.1", port=redis_server.port, password=redis_server.password, lock_lifetime=lifetime)
    )


def test_two_stores_never_hold_the_same_conversation_at_once(redis_server):
    # Two stores = two replicas. Each critical section does a read-modify-write with
    # a pause in the middle; without mutual exclusion updates would be lost.
    replicas = [_store(redis_server), _store(redis_server)]
    counter = {"value": 0, "inside": 0, "max_inside": 0}

    async def turn(store):
        async with store.lock("conversation-1"):
            counter["inside"] += 1
            counter["max_inside"] = max(counter["max_inside"], counter["inside"])
            value = counter["value"]
            await asyncio.sleep(0.005)
            counter["value"] = value + 1
            counter["inside"] -= 1

    async def main():
        await asyncio.gather(*(turn(replicas[i % 2]) for i in range(60)))

    asyncio.run(main())
    assert counter == {"value": 60, "inside": 0, "max_inside": 1}


def test_a_replica_with_a_queue_of_its_own_does_not_starve_the_other(redis_server):
    # Replica A holds the conversation and has more turns queued; replica B's turn
    # arrives while A's first turn runs. B reserves the next turn, so A's queued
    # turns cannot keep winning the race after each of A's own releases.
    busy, other = _store(redis_server), _store(redis_server)
    order = []

    async def turn(store, name, delay):
        await asyncio.sleep(delay)
        async with store.lock("queue"):
            order.append(name)
            await asyncio.sleep(0.1)

    async def main():
        await asyncio.gather(*(turn(busy, f"A{i}", 0) for i in range(6)), turn(other, "B", 0.05))

    asyncio.run(main())
    assert order[:2] == ["A0", "B"], order
    assert sorted(order[2:]) == ["A1", "A2", "A3", "A4", "A5"]


def test_within_one_replica_turns_are_served_in_arrival_order(redis_server):
    store = _store(redis_server)
    order = []

    async def turn(i):
        await asyncio.sleep(i * 0.01)
        async with store.lock("fifo"):
            order.append(i)
            await asyncio.sleep(0.03)

    async def main():
        await asyncio.gather(*(turn(i) for i in range(8)))

    asyncio.run(main())
    assert order == list(range(8))


def test_a_waiter_that_gives_up_leaves_no_reservation_behind(redis_server):
    import redis

    client = redis.Redis(port=redis_server.port, password=redis_server.password)
    holder, waiter = _store(redis_server), _store(redis_server)

    async def main():
        async with holder.lock("cancel"):
            waiting = asyncio.ensure_future(_enter(waiter, "cancel"))
            await asyncio.sleep(0.1)
            assert client.get("taai:lock:cancel:next") is not None  # it is next in line
            waiting.cancel()
            await asyncio.gather(waiting, return_exceptions=True)
            assert client.get("taai:lock:cancel:next") is None
        started = time.monotonic()
        await _enter(holder, "cancel")  # at once, not after the reservation lapses
        return time.monotonic() - started

    assert asyncio.run(main()) < 0.5


async def _enter(store, conversation_id):
    async with store.lock(conversation_id):
        pass


def test_different_conversations_do_not_wait_for_each_other(redis_server):
    store = _store(redis_server)

    async def main():
        async with store.lock("a"):
            started = time.monotonic()
            async with store.lock("b"):
                return time.monotonic() - started

    assert asyncio.run(main()) < 0.5


def test_a_crashed_holder_frees_the_conversation_after_the_lifetime(redis_server):
    import redis

    # A replica killed while holding the lock leaves the key behind, unrenewed.
    client = redis.Redis(port=redis_server.port, password=redis_server.password)
    client.set("taai:lock:crashed", "dead-replica", px=1000)
    store = _store(redis_server, lifetime=1.0)

    async def main():
        started = time.monotonic()
        async with store.lock("crashed"):
            return time.monotonic() - started

    waited = asyncio.run(main())
    assert 0.5 < waited < 3


def test_a_slow_turn_keeps_its_lock_beyond_the_lifetime(redis_server):
    holder, other = _store(redis_server, lifetime=1.0), _store(redis_server, lifetime=1.0)
    order = []

    async def slow():
        async with holder.lock("slow"):
            order.append("slow start")
            await asyncio.sleep(2.5)  # longer than the lifetime: renewed meanwhile
            order.append("slow end")

    async def fast():
        await asyncio.sleep(0.2)
        async with other.lock("slow"):
            order.append("fast")

    async def main():
        await asyncio.gather(slow(), fast())

    asyncio.run(main())
    assert order == ["slow start", "slow end", "fast"]


def test_only_the_owner_releases_the_lock(redis_server):
    import redis

    client = redis.Redis(port=redis_server.port, password=redis_server.password)
    store = _store(redis_server, lifetime=5.0)

    async def main():
        async with store.lock("owned"):
            token = client.get("taai:lock:owned")
            client.set("taai:lock:owned", "someone-else")  # e.g. after an expiry
        return token

    assert asyncio.run(main())
    assert client.get("taai:lock:owned") == b"someone-else"  # not deleted by the old owner
    client.delete("taai:lock:owned")


def test_an_unreachable_redis_is_an_error_not_a_free_pass(redis_server):
    import redis.exceptions

    store = AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=1, socket_timeout=1))

    async def main():
        async with store.lock("x"):
            pass

    # The agent hook turns this into StorageUnavailable: a clear error for the user.
    with pytest.raises(redis.exceptions.ConnectionError):
        asyncio.run(main())
