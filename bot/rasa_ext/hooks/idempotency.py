"""Idempotent messages: a message sent again with the same client message id is
answered from the stored conversation, not processed a second time.

Why: a client whose turn failed in flight (a time-out, a replica killed) cannot know
whether it was stored. With a `message_id` of its own it can simply send it again:
when this conversation already stored a user message with that id, the replies
stored after it are sent instead. Runs inside the conversation lock, in the wrapper
of `Agent.handle_message` (hooks/turn.py).

Rasa gives every UserMessage a random message_id when the channel passes none, so
only an id the client sent itself is worth looking up (a retry repeats it). The REST
channel marks such messages (`mark_client_message_id`); reading the whole tracker for
every turn to look for a random id cost a tenth of the Rasa process's time (py-spy,
one user).
"""

from __future__ import annotations

import logging
from typing import List, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

_CLIENT_ID_MARK = "_taai_client_message_id"


def mark_client_message_id(message: UserMessage) -> UserMessage:
    """Called by a channel whose client sent the message_id itself."""
    setattr(message, _CLIENT_ID_MARK, True)
    return message


def has_client_message_id(message: UserMessage) -> bool:
    return bool(message.message_id) and getattr(message, _CLIENT_ID_MARK, False)


async def replay_if_handled(tracker: DialogueStateTracker, message: UserMessage) -> bool:
    """Send the stored replies to a message_id seen before; False when it is new."""
    events = list(tracker.events)
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.message_id == message.message_id:
            for later in events[index + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    await message.output_channel.send_response(message.sender_id, later.message())
            logger.info("A retried message was answered from the stored conversation.")
            return True
    return False


def collected(message: UserMessage) -> Optional[List[dict]]:
    """What `Agent.handle_message` returns for a replayed message: the channel's messages."""
    return getattr(message.output_channel, "messages", None)
