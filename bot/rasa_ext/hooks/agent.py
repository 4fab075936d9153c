"""What Taai adds around Rasa's handling of every user message, on every channel.

Every channel (REST, socket.io, each messaging channel) hands its messages to
`Agent.handle_message`; the HTTP API's endpoints that add messages are covered by
bot/rasa_ext/hooks/api_guard.py. Wrapping that one method is the narrowest place where all
of this holds for all of them:

1. Privacy: personal data is replaced by placeholders BEFORE the message reaches the
   lock, NLU, the tracker store or a log (bot/privacy/). The first time, the bot
   says so in one sentence: sent before the turn's replies and stored right after
   the user's message, so a transcript or a replay shows it where the user saw it.
2. "Vergeet dit gesprek": the explicit command always becomes the intent
   `forget_conversation`, whatever NLU would make of it; after the turn that answers
   that intent (also when NLU recognised a free phrasing), the conversation's events
   are deleted — after Rasa saved the turn, or the save would write them back.
3. Idempotent retries: a message with a `message_id` that this conversation already
   stored is not processed again; the replies stored for it are sent instead. A
   client whose turn failed in flight (e.g. a replica killed) can simply retry.
4. Understanding: after NLU, rules that read the text with the conversation's state
   may correct the intent (bot/understanding/router.py, via understanding.py): a
   direct question is answered, an answer goes to the form that asked, a described
   situation starts the diagnosis.
5. Failures are loud: a tracker store or lock store that cannot be reached raises
   `StorageUnavailable` (channels tell the user), instead of Rasa's silent fallback to
   an empty in-memory conversation. When the action server cannot be reached, the
   user gets one clear Dutch message, the turn is not stored (nothing half-done),
   and the conversation continues from where it was once the server is back.

`install()` is called once per process by bot/rasa_ext/server.py before Rasa starts.
"""
from __future__ import annotations

import contextvars
import logging
from typing import Any, List, Optional

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot.conversation.forget import FORGET_INTENT, gate_forget_intent, is_forget_request
from bot.rasa_ext.stores import retention
from bot.rasa_ext.errors import StorageUnavailable
from bot.rasa_ext.nlu.understanding import apply_router
from bot.privacy import get_redactor
from bot.conversation.service_messages import ACTION_SERVER_UNAVAILABLE_NL, PRIVACY_NOTICE_NL

logger = logging.getLogger(__name__)

NOTICE_MARK = {"taai": "privacy_notice"}
UNAVAILABLE_MARK = {"taai": "action_server_unavailable"}
FORGET_CONFIRMATION = "utter_conversation_forgotten"
REDACTION_KEY = "taai_redacted"  # in the user message's metadata: the categories

_original_handle_message = Agent.handle_message
_original_save_tracker = MessageProcessor.save_tracker
_original_parse_message = MessageProcessor.parse_message
_original_remote_run = RemoteAction.run
_installed = False

# Per turn (asyncio tasks copy the context): did an action fail to reach the server?
_pending_notice: contextvars.ContextVar[Optional[BotUttered]] = contextvars.ContextVar(
    "taai_pending_notice", default=None)
_action_server_down: contextvars.ContextVar[bool] = contextvars.ContextVar("taai_action_server_down",
                                                                          default=False)


def install() -> None:
    global _installed
    if _installed:
        return
    Agent.handle_message = _handle_message
    MessageProcessor.save_tracker = _save_tracker
    MessageProcessor.parse_message = _parse_message
    RemoteAction.run = _remote_run
    _installed = True


def _storage_errors() -> tuple[type[BaseException], ...]:
    import redis.exceptions
    import sqlalchemy.exc

    return (LockError, redis.exceptions.RedisError, sqlalchemy.exc.SQLAlchemyError, ConnectionError)


def _raise_storage_error(error: Exception) -> None:
    # FailSafeTrackerStore calls this instead of falling back to an empty tracker.
    raise StorageUnavailable("tracker store unreachable") from error


def _make_failures_loud(agent: Agent) -> None:
    store = agent.tracker_store
    if isinstance(store, FailSafeTrackerStore) and store._on_tracker_store_error is not _raise_storage_error:
        store._on_tracker_store_error = _raise_storage_error


def prepare_message(message: UserMessage) -> frozenset[str]:
    """Redact the message's text in place; map the forget command to its intent.
    Returns the categories of personal data that were replaced."""
    text = message.text or ""
    if is_forget_request(text):
        message.text = f"/{FORGET_INTENT}"
        return frozenset()
    # Button payloads ("/intent{...}") pass unchanged: redact() knows real commands,
    # so text that merely starts with a slash is still redacted.
    redaction = get_redactor().redact(text)
    if not redaction:
        return frozenset()
    message.text = redaction.text
    message.metadata = {**(message.metadata or {}), REDACTION_KEY: sorted(redaction.categories)}
    return redaction.categories


# Rasa gives every UserMessage a random message_id when the channel passes none, so
# only an id the client sent itself is worth looking up (a retry repeats it). The
# REST channel marks such messages; reading the whole tracker for every turn to look
# for a random id cost a tenth of the Rasa process's time (py-spy, one user).
_CLIENT_ID_MARK = "_taai_client_message_id"


def mark_client_message_id(message: UserMessage) -> UserMessage:
    setattr(message, _CLIENT_ID_MARK, True)
    return message


def _has_client_message_id(message: UserMessage) -> bool:
    return bool(message.message_id) and getattr(message, _CLIENT_ID_MARK, False)


async def _handle_message(self: Agent, message: UserMessage) -> Optional[List[dict]]:
    if not self.is_ready():
        return await _original_handle_message(self, message)
    _make_failures_loud(self)
    redacted = prepare_message(message)
    try:
        async with self.lock_store.lock(message.sender_id):
            client_id = _has_client_message_id(message)
            if client_id or redacted:
                tracker = await self.tracker_store.retrieve(message.sender_id)
                if tracker is not None and client_id and await _replay_if_handled(tracker, message):
                    return _collected(message)
                if redacted and not _notice_given(tracker):
                    notice = BotUttered(PRIVACY_NOTICE_NL, metadata=dict(NOTICE_MARK))
                    await message.output_channel.send_response(message.sender_id, notice.message())
                    _pending_notice.set(notice)  # stored with the turn, by _save_tracker
            _action_server_down.set(False)
            return await self.processor.handle_message(message)
    except StorageUnavailable:
        raise
    except _storage_errors() as error:
        raise StorageUnavailable("lock or tracker store unreachable") from error


def _collected(message: UserMessage) -> Optional[List[dict]]:
    return getattr(message.output_channel, "messages", None)


async def _replay_if_handled(tracker: DialogueStateTracker, message: UserMessage) -> bool:
    """Send the stored replies to a message_id seen before; False when it is new."""
    events = list(tracker.events)
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.message_id == message.message_id:
            for later in events[index + 1:]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    await message.output_channel.send_response(message.sender_id, later.message())
            logger.info("A retried message was answered from the stored conversation.")
            return True
    return False


def _notice_given(tracker: Optional[DialogueStateTracker]) -> bool:
    if tracker is None:
        return False
    return any(isinstance(e, BotUttered) and e.metadata.get("taai") == NOTICE_MARK["taai"]
               for e in tracker.events)


async def _parse_message(self: MessageProcessor, message: UserMessage,
                         tracker: Optional[DialogueStateTracker] = None,
                         only_output_properties: bool = True) -> dict:
    # Deleting cannot be undone and NLU mistakes "vergeten" or "mijn gegevens inzien"
    # for the forget intent: only the command itself deletes; other phrasings become
    # `ask_forget` and the bot asks first (bot/conversation/forget.py).
    parse_data = await _original_parse_message(self, message, tracker, only_output_properties)
    intent = parse_data.get("intent") or {}
    gated = gate_forget_intent(message.text or "", intent.get("name"))
    if gated != intent.get("name"):
        parse_data["intent"] = {**intent, "name": gated}
    # Then the rules that read the text with the conversation in mind (bot/understanding/).
    return apply_router(parse_data, tracker)


async def _save_tracker(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
    if _action_server_down.get():
        # The turn could not be completed; the user was asked to send it again.
        return
    notice = _pending_notice.get()
    if notice is not None:
        _pending_notice.set(None)
        _insert_after_latest_user_message(tracker, notice)
    await _original_save_tracker(self, tracker)
    latest = tracker.latest_message
    if latest is not None and (latest.intent or {}).get("name") == FORGET_INTENT \
            and _answered(tracker):
        retention.delete_conversation(self.tracker_store, tracker.sender_id)
        logger.info("A conversation was deleted at the user's request.")


def _insert_after_latest_user_message(tracker: DialogueStateTracker, event: BotUttered) -> None:
    # The SQL store keeps events in insertion (id) order; the user's message is new
    # in this turn, so the notice lands in the part of the tracker not yet stored.
    events = tracker.events
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            event.timestamp = events[index].timestamp
            events.insert(index + 1, event)
            return
    events.append(event)


def _answered(tracker: DialogueStateTracker) -> bool:
    # Only once the bot has confirmed the deletion in this turn (not, say, when a
    # form took the command for an answer and replied something else).
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_CONFIRMATION:
            return True
    return False


async def _remote_run(self: RemoteAction, output_channel: Any, nlg: Any,
                      tracker: DialogueStateTracker, domain: Any) -> List[Event]:
    if _action_server_down.get():
        return []  # already failed in this turn: do not wait for it again
    try:
        return await _original_remote_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except RasaException as error:
        # Rasa would log and carry on without the action, often with no reply at all.
        logger.warning("The action server could not run %s: %s", self.name(),
                       type(error.__cause__ or error).__name__)
        _action_server_down.set(True)
        await output_channel.send_response(tracker.sender_id,
                                           {"text": ACTION_SERVER_UNAVAILABLE_NL, **UNAVAILABLE_MARK})
        _mute(output_channel)
        return []


def _mute(output_channel: Any) -> None:
    """Drop what the rest of this failed turn would say (a fallback question, say):
    the user should see the one message that explains what to do."""
    async def silent(*_args: Any, **_kwargs: Any) -> None:
        return None

    for name in ("send_response", "send_text_message", "send_text_with_buttons", "send_custom_json",
                 "send_image_url", "send_attachment", "send_quick_replies", "send_elements"):
        if hasattr(output_channel, name):
            setattr(output_channel, name, silent)
