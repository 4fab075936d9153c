"""Rasa's SQL tracker store, made to recover from a database restart and to fail loudly.

Two changes to `SQLTrackerStore`, nothing else:

- `pool_pre_ping`: after PostgreSQL restarts, the pooled connections are dead; without
  a ping the first turn on each of them fails. With it, SQLAlchemy replaces them.
- Errors become `StorageUnavailable`. Rasa wraps every tracker store in a
  `FailSafeTrackerStore` that, on an error, hands back an EMPTY tracker and saves to
  memory instead — the conversation silently starts over and the turn is lost.
  bot/rasa_ext/hooks/outages.py makes that wrapper re-raise, and the channels turn
  `StorageUnavailable` into a clear message; the client can send the turn again.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.errors import StorageUnavailable

logger = logging.getLogger(__name__)


def _secure_delete(connection, _record) -> None:
    connection.execute("PRAGMA secure_delete = ON")


class TaaiSQLTrackerStore(SQLTrackerStore):
    engine: sa.engine.Engine  # set by Rasa's __init__ without an annotation mypy can follow

    def __init__(self, *args: Any, connect_timeout: int = 5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        engine_kwargs = create_engine_kwargs(url)
        if url.get_backend_name() == "postgresql":
            engine_kwargs.setdefault("connect_args", {})["connect_timeout"] = connect_timeout
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        if url.get_backend_name() == "sqlite":
            # Deleted conversations ("vergeet dit gesprek", retention) are overwritten
            # in the file, not only unlinked, whatever the SQLite build's default.
            sa.event.listen(self.engine, "connect", _secure_delete)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except sa.exc.SQLAlchemyError as error:
            raise StorageUnavailable("tracker store unreachable") from error

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except sa.exc.SQLAlchemyError as error:
            raise StorageUnavailable("tracker store unreachable") from error

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except sa.exc.SQLAlchemyError as error:
            raise StorageUnavailable("tracker store unreachable") from error
