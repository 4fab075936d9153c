"""Taai's corrections to Rasa's parse result: the forget gate, then the text reader.

Why: NLU alone is not enough for a conversation with a form and a free description.
`parse_message` replaces `MessageProcessor.parse_message`, the one method that turns a
message into intent and entities and that gets the conversation's tracker, so rules
can read the text with the conversation in mind:

1. forgetting.gate_intent: only the explicit command keeps the intent that deletes;
2. nlu/understanding.apply_router: the rules of bot/understanding/router.py may
   correct the intent: a direct question is answered, an answer goes to the form that
   asked, a described situation starts the diagnosis.

Installed by bot/rasa_ext/patches.py.
"""

from __future__ import annotations

from typing import Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.hooks import forgetting
from bot.rasa_ext.nlu.understanding import apply_router

_original_parse_message = MessageProcessor.parse_message


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> dict:
    parse_data = await _original_parse_message(self, message, tracker, only_output_properties)
    parse_data = forgetting.gate_intent(parse_data, message.text or "")
    return apply_router(parse_data, tracker)
