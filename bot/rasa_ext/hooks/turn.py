"""One user message, on every channel: the order of what Taai adds to a turn.

Every channel (REST, socket.io, each messaging channel) hands its messages to
`Agent.handle_message`, and Rasa saves each turn with `MessageProcessor.save_tracker`.
Wrapping these two methods is the narrowest place where all of this holds for every
channel (the HTTP API's endpoints that add messages are covered by api_guard.py).
This module only fixes the order; each step is explained in its own module:

`handle_message` (replaces `Agent.handle_message`):
  1. outages.py      storage failures raise `StorageUnavailable`, not an empty conversation
  2. forgetting.py   the explicit "vergeet dit gesprek" becomes `/forget_conversation`
  3. redaction.py    otherwise personal data is replaced, before the lock, NLU or a log
  -- inside the conversation lock --
  4. idempotency.py  a message id seen before: its stored replies are sent again, done
  5. redaction.py    the first redaction in a conversation: one sentence says so
  6. Rasa handles the message (NLU: parse.py; actions: outages.remote_run)

`save_tracker` (replaces `MessageProcessor.save_tracker`):
  1. outages.py      a turn whose action server was down is not stored
  2. redaction.py    the notice of step 5 is stored right after the user's message
  3. Rasa saves the turn
  4. forgetting.py   a confirmed "forget" deletes the conversation, after the save

Both are installed by bot/rasa_ext/patches.py.
"""

from __future__ import annotations

from typing import List, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.errors import StorageUnavailable
from bot.rasa_ext.hooks import forgetting, idempotency, outages, redaction

_original_handle_message = Agent.handle_message
_original_save_tracker = MessageProcessor.save_tracker


async def handle_message(self: Agent, message: UserMessage) -> Optional[List[dict]]:
    if not self.is_ready():
        return await _original_handle_message(self, message)
    outages.make_failures_loud(self)
    redacted = frozenset() if forgetting.map_command(message) else redaction.redact_message(message)
    try:
        async with self.lock_store.lock(message.sender_id):
            client_id = idempotency.has_client_message_id(message)
            if client_id or redacted:
                tracker = await self.tracker_store.retrieve(message.sender_id)
                if tracker is not None and client_id and await idempotency.replay_if_handled(tracker, message):
                    return idempotency.collected(message)
                if redacted:
                    await redaction.announce_once(message, tracker)
            outages.start_turn()
            return await self.processor.handle_message(message)
    except StorageUnavailable:
        raise
    except outages.storage_errors() as error:
        raise StorageUnavailable("lock or tracker store unreachable") from error


async def save_tracker(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
    if outages.turn_failed():
        # The turn could not be completed; the user was asked to send it again.
        return
    redaction.store_pending_notice(tracker)
    await _original_save_tracker(self, tracker)
    forgetting.delete_if_confirmed(self.tracker_store, tracker)
