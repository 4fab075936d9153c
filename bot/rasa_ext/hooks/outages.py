"""Outages made loud: storage that cannot be reached, an action server that is down.

Why: Rasa hides both. A tracker store or lock store that cannot be reached makes
Rasa carry on with an empty in-memory conversation (the turn, and the conversation
so far, silently lost); an action server that cannot be reached makes Rasa log and
carry on without the action, often with no reply at all. Here:

- Storage: `make_failures_loud` makes the agent's `FailSafeTrackerStore` raise
  `StorageUnavailable` instead of falling back (set per agent, because Rasa sets the
  callback per instance), and the wrapper of `Agent.handle_message` (hooks/turn.py)
  turns lock and database errors into `StorageUnavailable` too (`storage_errors`).
  The channels tell the user; the client can send the turn again.
- Action server: `remote_run` wraps `RemoteAction.run`. When the server cannot be
  reached, the user gets one clear Dutch message and the rest of the turn says
  nothing; the wrapper of `MessageProcessor.save_tracker` does not store the turn
  (`turn_failed`: nothing half-done), so the conversation continues from where it
  was once the server is back.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any, List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot.conversation.service_messages import ACTION_SERVER_UNAVAILABLE_NL
from bot.rasa_ext.errors import StorageUnavailable

logger = logging.getLogger(__name__)

UNAVAILABLE_MARK = {"taai": "action_server_unavailable"}

_original_remote_run = RemoteAction.run

# Per turn (asyncio tasks copy the context): did an action fail to reach the server?
_action_server_down: contextvars.ContextVar[bool] = contextvars.ContextVar("taai_action_server_down", default=False)


# --- storage ------------------------------------------------------------------------


def storage_errors() -> tuple[type[BaseException], ...]:
    """The errors of an unreachable lock store (Redis) or tracker store (SQL)."""
    import redis.exceptions
    import sqlalchemy.exc

    return (LockError, redis.exceptions.RedisError, sqlalchemy.exc.SQLAlchemyError, ConnectionError)


def _raise_storage_error(error: Exception) -> None:
    # FailSafeTrackerStore calls this instead of falling back to an empty tracker.
    raise StorageUnavailable("tracker store unreachable") from error


def make_failures_loud(agent: Agent) -> None:
    store = agent.tracker_store
    if isinstance(store, FailSafeTrackerStore) and store._on_tracker_store_error is not _raise_storage_error:
        store._on_tracker_store_error = _raise_storage_error


# --- action server ------------------------------------------------------------------


def start_turn() -> None:
    """Called before Rasa processes a message: the action server is presumed up."""
    _action_server_down.set(False)


def turn_failed() -> bool:
    """True when an action of this turn could not reach the action server."""
    return _action_server_down.get()


async def remote_run(
    self: RemoteAction, output_channel: Any, nlg: Any, tracker: DialogueStateTracker, domain: Any
) -> List[Event]:
    """Replaces `RemoteAction.run` (installed by bot/rasa_ext/patches.py)."""
    if _action_server_down.get():
        return []  # already failed in this turn: do not wait for it again
    try:
        return await _original_remote_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except RasaException as error:
        # Rasa would log and carry on without the action, often with no reply at all.
        logger.warning("The action server could not run %s: %s", self.name(), type(error.__cause__ or error).__name__)
        _action_server_down.set(True)
        await output_channel.send_response(
            tracker.sender_id, {"text": ACTION_SERVER_UNAVAILABLE_NL, **UNAVAILABLE_MARK}
        )
        _mute(output_channel)
        return []


def _mute(output_channel: Any) -> None:
    """Drop what the rest of this failed turn would say (a fallback question, say):
    the user should see the one message that explains what to do."""

    async def silent(*_args: Any, **_kwargs: Any) -> None:
        return None

    for name in (
        "send_response",
        "send_text_message",
        "send_text_with_buttons",
        "send_custom_json",
        "send_image_url",
        "send_attachment",
        "send_quick_replies",
        "send_elements",
    ):
        if hasattr(output_channel, name):
            setattr(output_channel, name, silent)
