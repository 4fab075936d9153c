"""Redaction before storage: personal data leaves a message before Rasa sees it.

Why: nothing a user types may reach the conversation lock, NLU, the tracker store or
a log with a name, an address or a BSN in it (docs/privacy.md). Every channel hands
its messages to `Agent.handle_message`, so the wrapper of that method
(hooks/turn.py) calls `redact_message` first; the HTTP API's own endpoints are
covered by hooks/api_guard.py.

The first time something was replaced in a conversation, the bot says so in one
sentence (`announce_once`): sent before the turn's replies, and stored right after
the user's message by the wrapper of `MessageProcessor.save_tracker`
(`store_pending_notice`), so a transcript or a replay shows it where the user saw it.
"""

from __future__ import annotations

import contextvars
from typing import Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation.service_messages import PRIVACY_NOTICE_NL
from bot.privacy import get_redactor

NOTICE_MARK = {"taai": "privacy_notice"}
REDACTION_KEY = "taai_redacted"  # in the user message's metadata: the categories

# Per turn (asyncio tasks copy the context): the notice sent, to be stored with the turn.
_pending_notice: contextvars.ContextVar[Optional[BotUttered]] = contextvars.ContextVar(
    "taai_pending_notice", default=None
)


def redact_message(message: UserMessage) -> frozenset[str]:
    """Redact the message's text in place. Returns the categories of personal data
    that were replaced (empty when nothing was)."""
    # Button payloads ("/intent{...}") pass unchanged: redact() knows real commands,
    # so text that merely starts with a slash is still redacted.
    redaction = get_redactor().redact(message.text or "")
    if not redaction:
        return frozenset()
    message.text = redaction.text
    message.metadata = {**(message.metadata or {}), REDACTION_KEY: sorted(redaction.categories)}
    return redaction.categories


async def announce_once(message: UserMessage, tracker: Optional[DialogueStateTracker]) -> None:
    """Tell the user, the first time in this conversation, that something was replaced."""
    if _notice_given(tracker):
        return
    notice = BotUttered(PRIVACY_NOTICE_NL, metadata=dict(NOTICE_MARK))
    await message.output_channel.send_response(message.sender_id, notice.message())
    _pending_notice.set(notice)  # stored with the turn, by store_pending_notice


def store_pending_notice(tracker: DialogueStateTracker) -> None:
    """Put the notice sent in this turn right after the user's message, before saving."""
    notice = _pending_notice.get()
    if notice is not None:
        _pending_notice.set(None)
        _insert_after_latest_user_message(tracker, notice)


def _notice_given(tracker: Optional[DialogueStateTracker]) -> bool:
    if tracker is None:
        return False
    return any(isinstance(e, BotUttered) and e.metadata.get("taai") == NOTICE_MARK["taai"] for e in tracker.events)


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
