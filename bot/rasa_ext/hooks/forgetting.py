""" "Vergeet dit gesprek": the user's right to erasure, in three steps of a turn.

Why: deleting cannot be undone, and NLU mistakes "vergeten" or "mijn gegevens inzien"
for the forget intent. So only the explicit command deletes; other phrasings become
`ask_forget` and the bot asks first (bot/conversation/forget.py). And the events can
only be deleted after Rasa saved the turn, or the save would write them back.

- `map_command`, in the wrapper of `Agent.handle_message` (hooks/turn.py): the exact
  command always becomes the intent `forget_conversation`, whatever NLU would make
  of it; its text is then not redacted (there is nothing personal in it).
- `gate_intent`, in the wrapper of `MessageProcessor.parse_message` (hooks/parse.py):
  NLU's `forget_conversation` for anything but the command becomes `ask_forget`.
- `delete_if_confirmed`, in the wrapper of `MessageProcessor.save_tracker`
  (hooks/turn.py): after the turn in which the bot confirmed the deletion, the
  conversation's events are deleted (stores/retention.py).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation.forget import FORGET_INTENT, gate_forget_intent, is_forget_request
from bot.rasa_ext.stores import retention

logger = logging.getLogger(__name__)

FORGET_CONFIRMATION = "utter_conversation_forgotten"


def map_command(message: UserMessage) -> bool:
    """Turn the explicit command into `/forget_conversation`. True when it was one."""
    if not is_forget_request(message.text or ""):
        return False
    message.text = f"/{FORGET_INTENT}"
    return True


def gate_intent(parse_data: dict[str, Any], text: str) -> dict[str, Any]:
    """Only the command itself keeps the intent that deletes; see the module doc."""
    intent = parse_data.get("intent") or {}
    gated = gate_forget_intent(text, intent.get("name"))
    if gated != intent.get("name"):
        parse_data["intent"] = {**intent, "name": gated}
    return parse_data


def delete_if_confirmed(tracker_store: Any, tracker: DialogueStateTracker) -> None:
    """Delete the conversation when this turn answered the forget intent. Call after saving."""
    latest = tracker.latest_message
    if latest is not None and (latest.intent or {}).get("name") == FORGET_INTENT and _answered(tracker):
        retention.delete_conversation(tracker_store, tracker.sender_id)
        logger.info("A conversation was deleted at the user's request.")


def _answered(tracker: DialogueStateTracker) -> bool:
    # Only once the bot has confirmed the deletion in this turn (not, say, when a
    # form took the command for an answer and replied something else).
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_CONFIRMATION:
            return True
    return False
