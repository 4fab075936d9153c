"""What every messaging channel of Taai does the same way.

`TaaiReplies` is mixed into each of Rasa's output channels (before the Rasa class, so
its methods win). It fixes three things Rasa's channels do wrong for Taai:

- Rasa sends every paragraph as a separate message and never checks the channel's
  size limit: a plan of 13,000 characters became some twenty messages on Telegram and
  failed outright on WhatsApp (1600 characters). Here paragraphs are packed into as
  few messages as fit (`channel_text.fit`).
- Rasa sends Markdown as it is, so users saw `**` and `##`. Each channel converts it
  to its own dialect (`render`).
- Rasa turns a custom JSON payload into an API call or raw text. Taai's custom
  payloads ({"taai_plan": ...}) are for the web widget only; here they are dropped.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from bot.rasa_ext.channels.text import fit

logger = logging.getLogger(__name__)


class TaaiReplies:
    """Mixin for an OutputChannel. Subclasses set `max_chars` and implement
    `render`, `send_part` (one message) and `send_part_with_buttons`."""

    max_chars: int = 4000

    def render(self, markdown: str) -> str:
        return markdown

    async def send_part(self, recipient_id: Text, text: Text) -> None:
        raise NotImplementedError

    async def send_part_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]]) -> None:
        raise NotImplementedError

    def parts(self, markdown: str) -> list[str]:
        return fit(markdown, self.max_chars, self.render)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in self.parts(text):
            await self.send_part(recipient_id, part)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        # Long text first, the buttons with its last part: they belong to the question.
        parts = self.parts(text) or [self.render("…")]
        for part in parts[:-1]:
            await self.send_part(recipient_id, part)
        await self.send_part_with_buttons(recipient_id, parts[-1], buttons)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # Taai's custom payloads are for its web widget; the plan always comes as text
        # as well. Never forward them: a user would see raw JSON or nothing useful.
        logger.debug("Not sent on %s: custom payload with keys %s", type(self).__name__, sorted(json_message))


async def last_offered_buttons(agent: Any, sender_id: Text) -> List[Dict[Text, Any]]:
    """The buttons of the bot's latest turn, read from the stored conversation.

    Used by channels that show options as a numbered list: the answer "2" means the
    second option of the question just asked. Reading the tracker (not a dictionary in
    memory) keeps this right after a restart and with more than one server process.
    Only options offered since the user's last message count.
    """
    tracker_store = getattr(agent, "tracker_store", None)
    if tracker_store is None:
        return []
    try:
        tracker = await tracker_store.retrieve(sender_id)
    except Exception:  # a broken store must not stop the message itself
        logger.exception("Could not read the conversation of %s", sender_id)
        return []
    if tracker is None:
        return []
    for event in reversed(tracker.events):
        kind = getattr(event, "type_name", None)
        if kind == "user":
            return []
        if kind == "bot":
            buttons: Optional[list] = (getattr(event, "data", None) or {}).get("buttons")
            if buttons:
                return list(buttons)
    return []
