"""Storage limitation (AVG art. 5(1)(e)): delete conversations from the tracker store.

Two ways a conversation leaves the store:

- `delete_conversation`: the user asked for it ("vergeet dit gesprek", bot/conversation/forget.py).
  Rasa's `SQLTrackerStore.save()` inserts the events the database does not have yet,
  counted per conversation, so this must run AFTER the turn's tracker was saved and
  inside the conversation lock; otherwise the next save writes the whole conversation
  back.
- `delete_expired`: every conversation whose LAST event is older than the retention
  period (settings.retention_days). `install_retention_cleanup` runs it when the
  server starts and then every settings.retention_interval_s seconds.

Supported: Rasa's `SQLTrackerStore` and its subclasses (SQLite, PostgreSQL; only the
base class's `engine` and `SQLEvent` table are used) and `InMemoryTrackerStore`,
also when wrapped in Rasa's `FailSafeTrackerStore` or `AwaitableTrackerStore` (the
agent always wraps its store in a `FailSafeTrackerStore`; both the store and its
in-memory fallback, when one was created, are cleaned). Any other store raises
`UnsupportedTrackerStore`: better a loud error than telling a user their conversation
is gone while it is not.

Deleting is idempotent, so several replicas may run the cleanup at the same time.
Nothing here logs a conversation id or a message text; the cleanup logs counts only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import datetime
from typing import Any, Optional, Union

import sqlalchemy as sa
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 24 * 60 * 60
TASK_ATTRIBUTE = "taai_retention_task"  # on app.ctx


class UnsupportedTrackerStore(TypeError):
    """A tracker store this module cannot delete from."""


def backing_stores(tracker_store: Any) -> list[TrackerStore]:
    """The stores that actually hold events, with Rasa's wrappers taken off.

    A `FailSafeTrackerStore` contributes its store and, only if it already created one,
    its in-memory fallback (asking for `fallback_tracker_store` would create one).
    """
    found: list[TrackerStore] = []
    pending = [tracker_store]
    while pending:
        store = pending.pop(0)
        if store is None:
            continue
        if isinstance(store, FailSafeTrackerStore):
            pending.append(getattr(store, "_tracker_store", None))
            pending.append(getattr(store, "_fallback_tracker_store", None))
        elif isinstance(store, AwaitableTrackerStore):
            pending.append(getattr(store, "_tracker_store", None))
        elif isinstance(store, (SQLTrackerStore, InMemoryTrackerStore)):
            if not any(store is known for known in found):
                found.append(store)
        else:
            raise UnsupportedTrackerStore(
                f"cannot delete conversations from a {type(store).__name__}; "
                "supported: SQLTrackerStore and InMemoryTrackerStore"
            )
    return found


def _cutoff(retention_days: int, now: Union[float, datetime, None]) -> float:
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    if now is None:
        now_ts = time.time()
    elif isinstance(now, datetime):
        now_ts = now.timestamp()
    else:
        now_ts = float(now)
    return now_ts - retention_days * SECONDS_PER_DAY


def _events_table(store: SQLTrackerStore) -> sa.Table:
    return store.SQLEvent.__table__


# --- one conversation -------------------------------------------------------------


def _delete_sql_conversation(store: SQLTrackerStore, sender_id: str) -> bool:
    events = _events_table(store)
    with store.engine.begin() as connection:
        result = connection.execute(sa.delete(events).where(events.c.sender_id == sender_id))
    return bool(result.rowcount and result.rowcount > 0)


def _delete_memory_conversation(store: InMemoryTrackerStore, sender_id: str) -> bool:
    return store.store.pop(sender_id, None) is not None


def delete_conversation(tracker_store: Any, sender_id: str) -> bool:
    """Remove every stored event of one conversation (all its sessions).

    Returns True when something was stored and is now gone, False when the store held
    nothing for this conversation. Raises `UnsupportedTrackerStore` for other stores
    and lets database errors through (the caller must not claim the deletion then).
    Blocking: a single DELETE for the SQL store.
    """
    deleted = False
    for store in backing_stores(tracker_store):
        if isinstance(store, SQLTrackerStore):
            deleted = _delete_sql_conversation(store, sender_id) or deleted
        else:
            deleted = _delete_memory_conversation(store, sender_id) or deleted
    return deleted


# --- expired conversations --------------------------------------------------------


def _delete_sql_expired(store: SQLTrackerStore, cutoff: float) -> int:
    events = _events_table(store)
    # Conversations whose newest event is older than the cutoff. Wrapped once more as a
    # derived table, so the DELETE does not read the table it deletes from directly
    # (MySQL refuses that; SQLite and PostgreSQL accept both forms).
    expired = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
        .subquery("expired")
    )
    with store.engine.begin() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(expired)).scalar() or 0
        if count:
            connection.execute(sa.delete(events).where(events.c.sender_id.in_(sa.select(expired.c.sender_id))))
    return int(count)


def _last_timestamp(serialised: Any) -> Optional[float]:
    try:
        events = json.loads(serialised).get("events") or []
        stamps = [float(e["timestamp"]) for e in events if isinstance(e, dict) and e.get("timestamp") is not None]
    except (TypeError, AttributeError, KeyError, json.JSONDecodeError):
        return None
    return max(stamps) if stamps else None


def _delete_memory_expired(store: InMemoryTrackerStore, cutoff: float) -> int:
    count = 0
    for sender_id, serialised in list(store.store.items()):
        last = _last_timestamp(serialised)
        if last is None or last >= cutoff:
            continue
        # Only if nothing was saved since we looked (a turn may run on the event loop
        # while this runs in a thread).
        if store.store.get(sender_id) is serialised:
            store.store.pop(sender_id, None)
            count += 1
    return count


def delete_expired(tracker_store: Any, retention_days: int, now: Union[float, datetime, None] = None) -> int:
    """Delete every conversation whose last event is older than `retention_days`.

    `now` (Unix time or an aware datetime; default: the current time) is for tests.
    Returns how many conversations were deleted. Blocking: run it in a thread.
    For SQL stores: one counting SELECT and one DELETE in one transaction, grouped on
    the indexed sender_id column; the count is for the log only.
    """
    cutoff = _cutoff(retention_days, now)
    total = 0
    for store in backing_stores(tracker_store):
        if isinstance(store, SQLTrackerStore):
            total += _delete_sql_expired(store, cutoff)
        else:
            total += _delete_memory_expired(store, cutoff)
    return total


# --- the periodic cleanup in the Rasa server --------------------------------------


def _agent_tracker_store(app: Any) -> Any:
    agent = getattr(app.ctx, "agent", None)
    return getattr(agent, "tracker_store", None) if agent is not None else None


def _short(error: BaseException) -> str:
    """The error's kind and first line: SQLAlchemy appends the statement below it."""
    first_line = (str(error).strip().splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


async def _cleanup_forever(app: Any, retention_days: int, interval_s: float) -> None:
    loop = asyncio.get_running_loop()
    while True:
        store = _agent_tracker_store(app)
        if store is None:
            logger.warning("Retention cleanup: no tracker store yet; trying again in %g s.", interval_s)
        else:
            try:
                count = await loop.run_in_executor(None, delete_expired, store, retention_days)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a database that is down must not stop the loop
                logger.warning("Retention cleanup failed (%s); trying again in %g s.", _short(error), interval_s)
            else:
                if count:
                    logger.info(
                        "Retention cleanup: deleted %d conversation(s) older than %d days.", count, retention_days
                    )
                else:
                    logger.debug("Retention cleanup: nothing older than %d days.", retention_days)
        await asyncio.sleep(interval_s)


def retention_listeners(settings: Any) -> list[tuple[Any, str]]:
    """(listener, event) pairs for Sanic, e.g. for `rasa.api.run(server_listeners=...)`."""
    retention_days = int(settings.retention_days)
    interval_s = float(settings.retention_interval_s)

    async def start_retention_cleanup(app: Any, _loop: Any) -> None:
        # after_server_start: Rasa loads the agent in before_server_start, so
        # app.ctx.agent exists now; it is looked up again at every run all the same.
        task = asyncio.get_running_loop().create_task(_cleanup_forever(app, retention_days, interval_s))
        setattr(app.ctx, TASK_ATTRIBUTE, task)
        logger.info(
            "Retention cleanup: conversations older than %d days are deleted every %g s.", retention_days, interval_s
        )

    async def stop_retention_cleanup(app: Any, _loop: Any) -> None:
        task = getattr(app.ctx, TASK_ATTRIBUTE, None)
        if task is None:
            return
        setattr(app.ctx, TASK_ATTRIBUTE, None)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    return [(start_retention_cleanup, "after_server_start"), (stop_retention_cleanup, "before_server_stop")]


def install_retention_cleanup(app: Any, settings: Any) -> None:
    """Register the periodic cleanup on Rasa's Sanic app (see `retention_listeners`)."""
    for listener, event in retention_listeners(settings):
        app.register_listener(listener, event)
