"""Deleting conversations from real tracker stores (bot/rasa_ext/stores/retention.py).

Rasa's own SQLTrackerStore on a temporary SQLite file and its InMemoryTrackerStore,
also inside the wrappers the agent puts around them; events get controlled timestamps.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.stores.retention import (
    UnsupportedTrackerStore,
    backing_stores,
    delete_conversation,
    delete_expired,
    install_retention_cleanup,
)

ROOT = Path(__file__).resolve().parents[2]
DAY = 24 * 60 * 60
NOW = 1_800_000_000.0  # a fixed "now" (January 2027)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def sql_store(tmp_path: Path, domain: Domain) -> SQLTrackerStore:
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    yield store
    store.engine.dispose()


@pytest.fixture
def memory_store(domain: Domain) -> InMemoryTrackerStore:
    return InMemoryTrackerStore(domain)


@pytest.fixture(params=["sql", "memory"])
def store(request, sql_store, memory_store) -> TrackerStore:
    return sql_store if request.param == "sql" else memory_store


def conversation(sender_id: str, last_at: float, turns: int = 2, spacing: float = 60) -> DialogueStateTracker:
    """A conversation of `turns` turns, `spacing` seconds apart, whose last event is at `last_at`."""
    start = last_at - spacing * turns
    events = [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start),
        ActionExecuted("action_listen", timestamp=start),
    ]
    for turn in range(turns):
        at = start + spacing * (turn + 1)
        events += [
            UserUttered(
                f"bericht {turn} van {sender_id}", {"name": "describe_problem", "confidence": 1.0}, timestamp=at - 2
            ),
            SlotSet("problem_description", f"tekst {turn}", timestamp=at - 1),
            BotUttered("Dank je.", timestamp=at - 1),
            ActionExecuted("action_listen", timestamp=at),
        ]
    return DialogueStateTracker.from_events(sender_id, events)


def save(store: TrackerStore, *trackers: DialogueStateTracker) -> None:
    for tracker in trackers:
        asyncio.run(store.save(tracker))


def stored_ids(store: TrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def sql_ids(store: SQLTrackerStore) -> set[str]:
    """The conversations in the SQLite file, read without an event loop."""
    with sqlite3.connect(store.engine.url.database) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


def test_delete_conversation_removes_one_and_leaves_the_others(store):
    save(store, conversation("alice", NOW), conversation("bob", NOW), conversation("carol", NOW))

    assert delete_conversation(store, "bob") is True

    assert stored_ids(store) == {"alice", "carol"}
    assert asyncio.run(store.retrieve_full_tracker("bob")) is None
    alice = asyncio.run(store.retrieve_full_tracker("alice"))
    assert alice is not None and len(alice.events) == len(conversation("alice", NOW).events)


def test_delete_conversation_of_an_unknown_id_is_false(store):
    save(store, conversation("alice", NOW))
    assert delete_conversation(store, "nobody") is False
    assert stored_ids(store) == {"alice"}


def test_delete_conversation_removes_every_session(sql_store):
    tracker = conversation("alice", NOW - 2 * DAY)
    save(sql_store, tracker)
    # A second session in the same conversation, saved on top of the first.
    for event in (
        ActionExecuted("action_session_start", timestamp=NOW),
        SessionStarted(timestamp=NOW),
        ActionExecuted("action_listen", timestamp=NOW),
        UserUttered("nog een vraag", timestamp=NOW + 1),
    ):
        tracker.update(event)
    save(sql_store, tracker)
    assert _event_count(sql_store, "alice") == len(tracker.events)

    assert delete_conversation(sql_store, "alice") is True
    assert _event_count(sql_store, "alice") == 0


def test_a_deleted_conversation_starts_fresh_when_the_user_returns(sql_store, domain):
    save(sql_store, conversation("alice", NOW))
    delete_conversation(sql_store, "alice")

    # What Rasa does on the next message: no tracker, so a new one is created and saved.
    assert asyncio.run(sql_store.retrieve("alice")) is None
    fresh = asyncio.run(sql_store.get_or_create_tracker("alice"))
    fresh.update(UserUttered("hoi", timestamp=NOW + 10))
    save(sql_store, fresh)
    back = asyncio.run(sql_store.retrieve_full_tracker("alice"))
    texts = [e.text for e in back.events if isinstance(e, UserUttered)]
    assert texts == ["hoi"]
    assert back.get_slot("problem_description") is None


def test_delete_expired_uses_the_last_event(store):
    save(
        store,
        conversation("old", NOW - 40 * DAY),
        conversation("just_old", NOW - 30 * DAY - 1),
        conversation("just_young", NOW - 30 * DAY + 60),
        conversation("new", NOW - 1 * DAY),
        # Began long ago, but its last event is recent: kept.
        conversation("long_running", NOW - 2 * DAY, turns=10, spacing=10 * DAY),
    )

    assert delete_expired(store, retention_days=30, now=NOW) == 2

    assert stored_ids(store) == {"just_young", "new", "long_running"}
    # Nothing more to delete at the same moment; a later run catches the next one.
    assert delete_expired(store, retention_days=30, now=NOW) == 0
    assert delete_expired(store, retention_days=30, now=NOW + 2 * DAY) == 1
    assert stored_ids(store) == {"new", "long_running"}


def test_delete_expired_on_an_empty_store(store):
    assert delete_expired(store, retention_days=30, now=NOW) == 0


def test_delete_expired_defaults_to_the_current_time(store):
    import time

    save(store, conversation("old", time.time() - 31 * DAY), conversation("new", time.time()))
    assert delete_expired(store, retention_days=30) == 1
    assert stored_ids(store) == {"new"}


def test_delete_expired_rejects_a_retention_below_one_day(store):
    with pytest.raises(ValueError):
        delete_expired(store, retention_days=0, now=NOW)


def test_delete_expired_with_many_conversations(sql_store):
    # Written straight into the table (as thousands of saves would take long).
    rows = []
    for i in range(3000):
        last = NOW - (40 if i % 3 == 0 else 5) * DAY
        for k in range(5):
            rows.append((f"conv-{i}", "user", last - 60 * (4 - k), '{"event": "user"}'))
    with sqlite3.connect(sql_store.engine.url.database) as db:
        db.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)", rows)

    assert delete_expired(sql_store, retention_days=30, now=NOW) == 1000
    with sqlite3.connect(sql_store.engine.url.database) as db:
        (left,) = db.execute("SELECT COUNT(DISTINCT sender_id) FROM events").fetchone()
        (events,) = db.execute("SELECT COUNT(*) FROM events").fetchone()
    assert (left, events) == (2000, 2000 * 5)


def test_the_agents_wrappers_are_unwrapped(sql_store, memory_store):
    # What agent.tracker_store is in Rasa 3.6.21: a FailSafeTrackerStore around the
    # configured store (an AwaitableTrackerStore only for non-async custom stores).
    save(sql_store, conversation("alice", NOW), conversation("bob", NOW - 60 * DAY))
    wrapped = FailSafeTrackerStore(AwaitableTrackerStore(sql_store))
    assert backing_stores(wrapped) == [sql_store]

    assert delete_conversation(wrapped, "alice") is True
    assert delete_expired(wrapped, retention_days=30, now=NOW) == 1
    assert stored_ids(sql_store) == set()


def test_the_failsafe_fallback_is_cleaned_too(sql_store, memory_store):
    save(sql_store, conversation("alice", NOW))
    save(memory_store, conversation("alice", NOW), conversation("bob", NOW - 60 * DAY))
    wrapped = FailSafeTrackerStore(sql_store, fallback_tracker_store=memory_store)

    assert delete_conversation(wrapped, "alice") is True
    assert stored_ids(sql_store) == set() and stored_ids(memory_store) == {"bob"}
    assert delete_expired(wrapped, retention_days=30, now=NOW) == 1
    assert stored_ids(memory_store) == set()


def test_unwrapping_does_not_create_a_fallback(sql_store):
    wrapped = FailSafeTrackerStore(sql_store)
    backing_stores(wrapped)
    assert wrapped._fallback_tracker_store is None


def test_taai_sql_tracker_store_is_supported(tmp_path, domain):
    module = pytest.importorskip("bot.rasa_ext.stores.tracker_store")
    store = module.TaaiSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "taai.db"))
    try:
        save(store, conversation("alice", NOW), conversation("bob", NOW - 60 * DAY))
        assert delete_expired(FailSafeTrackerStore(store), retention_days=30, now=NOW) == 1
        assert delete_conversation(FailSafeTrackerStore(store), "alice") is True
        assert stored_ids(store) == set()
    finally:
        store.engine.dispose()


def test_other_tracker_stores_fail_loudly(domain):
    class ElsewhereTrackerStore(TrackerStore):
        pass

    with pytest.raises(UnsupportedTrackerStore):
        delete_conversation(FailSafeTrackerStore(ElsewhereTrackerStore(domain)), "alice")
    with pytest.raises(UnsupportedTrackerStore):
        delete_expired(ElsewhereTrackerStore(domain), retention_days=30)


# --- the periodic cleanup ----------------------------------------------------------


class FakeApp:
    """What install_retention_cleanup uses of Rasa's Sanic app: listeners and ctx."""

    def __init__(self, tracker_store=None) -> None:
        self.ctx = SimpleNamespace(agent=SimpleNamespace(tracker_store=tracker_store))
        self.listeners: dict[str, list] = {}

    def register_listener(self, listener, event: str) -> None:
        self.listeners.setdefault(event, []).append(listener)

    async def fire(self, event: str) -> None:
        for listener in self.listeners.get(event, []):
            await listener(self, asyncio.get_running_loop())


def settings(interval_s: float, days: int = 30) -> SimpleNamespace:
    return SimpleNamespace(retention_days=days, retention_interval_s=interval_s)


def test_cleanup_runs_at_start_and_then_every_interval(sql_store, caplog):
    import time

    app = FakeApp(FailSafeTrackerStore(sql_store))
    install_retention_cleanup(app, settings(interval_s=0.2))
    assert set(app.listeners) == {"after_server_start", "before_server_stop"}
    save(sql_store, conversation("secret-id-1", time.time() - 31 * DAY), conversation("keep", time.time()))

    async def scenario() -> None:
        await app.fire("after_server_start")
        await asyncio.sleep(0.1)
        assert sql_ids(sql_store) == {"keep"}  # at once, not after the first interval
        # Another conversation ages (simulated: saved with old timestamps) ...
        await asyncio.get_running_loop().run_in_executor(
            None, save, sql_store, conversation("secret-id-2", time.time() - 45 * DAY)
        )
        await asyncio.sleep(0.4)
        assert sql_ids(sql_store) == {"keep"}  # ... and goes at the next run
        task = app.ctx.taai_retention_task
        await app.fire("before_server_stop")
        assert task.cancelled() or task.done()
        assert app.ctx.taai_retention_task is None

    with caplog.at_level(logging.DEBUG, logger="bot.rasa_ext.stores.retention"):
        asyncio.run(scenario())
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.rasa_ext.stores.retention"]
    assert any("deleted 1 conversation" in m for m in messages)
    assert not any("secret-id" in m or "bericht" in m for m in messages)


def test_cleanup_survives_a_failing_database(sql_store, caplog):
    import time

    app = FakeApp(sql_store)
    install_retention_cleanup(app, settings(interval_s=0.2))
    save(sql_store, conversation("secret-id-1", time.time() - 31 * DAY))
    with sqlite3.connect(sql_store.engine.url.database) as db:
        db.execute("ALTER TABLE events RENAME TO events_away")

    async def scenario() -> None:
        await app.fire("after_server_start")
        await asyncio.sleep(0.1)
        task = app.ctx.taai_retention_task
        assert not task.done()  # failed, logged, waiting for the next run
        with sqlite3.connect(sql_store.engine.url.database) as db:
            db.execute("ALTER TABLE events_away RENAME TO events")
        await asyncio.sleep(0.3)
        assert sql_ids(sql_store) == set()
        await app.fire("before_server_stop")

    with caplog.at_level(logging.INFO, logger="bot.rasa_ext.stores.retention"):
        asyncio.run(scenario())
    warnings = [r for r in caplog.records if r.name == "bot.rasa_ext.stores.retention" and r.levelno == logging.WARNING]
    assert warnings and "OperationalError" in warnings[0].getMessage()
    assert all(
        "secret-id" not in r.getMessage() and "SELECT" not in r.getMessage()
        for r in caplog.records
        if r.name == "bot.rasa_ext.stores.retention"
    )


def test_cleanup_waits_for_the_agent():
    app = FakeApp(None)
    app.ctx.agent = None
    install_retention_cleanup(app, settings(interval_s=0.05))

    async def scenario() -> None:
        await app.fire("after_server_start")
        await asyncio.sleep(0.12)
        assert not app.ctx.taai_retention_task.done()
        await app.fire("before_server_stop")

    asyncio.run(scenario())


def test_stopping_without_a_start_is_harmless():
    app = FakeApp(None)
    install_retention_cleanup(app, settings(interval_s=1))
    asyncio.run(app.fire("before_server_stop"))


def _event_count(store: SQLTrackerStore, sender_id: str) -> int:
    with sqlite3.connect(store.engine.url.database) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()
    return count
