"""The socket.io channel of the web widget: Rasa's channel plus a history replay.

The browser keeps only a session id. After a page reload it asks for the same
session again (`session_request`), and this channel then sends the earlier messages
of that conversation from the tracker store (`taai_history`), which Rasa's own
channel does not do. Everything else is Rasa's SocketIOInput, with three changes
that keep the widget simple and safe:

- a session id must be unguessable (`is_unguessable_session_id`, bot/core/ids.py): whoever knows
  an id can read that conversation back, so a short or odd id in `session_request`
  is replaced by a fresh one (the client learns it from `session_confirm`, as with a
  missing id in Rasa), and a message with such an id is ignored;
- one bot message is one `bot_uttered` event with its whole text: Rasa splits text
  at blank lines, which cuts the bot's Markdown (the plan, lists) into pieces and
  makes live messages differ from the replayed ones;
- a json payload (`custom`) arrives as {"custom": {...}}: Rasa passes it to
  `sio.emit` as keyword arguments, which fails for any payload other than
  {"data": ...}.

`enter_room` is awaited when it is a coroutine (python-socketio >= 5.10), so this
channel does not depend on the version pin that Rasa's channel needs (docs/architecture.md).
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic import Blueprint

from bot.core.ids import is_unguessable_session_id
from bot.rasa_ext.errors import StorageUnavailable

logger = logging.getLogger(__name__)

HISTORY_EVENT = "taai_history"


def _buttons(data: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    buttons = data.get("buttons") or data.get("quick_replies") or []
    return [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons if isinstance(b, dict)]


def history_messages(events: Iterable[Event]) -> List[Dict[Text, Any]]:
    """The user and bot messages of a conversation, in order, as the widget shows them.

    A click on a button is stored as its payload ("/affirm"); it is shown as the
    button's title, as the widget showed it when it was clicked.
    """
    messages: List[Dict[Text, Any]] = []
    offered: Dict[Text, Text] = {}  # payload -> title of buttons since the last user message
    for event in events:
        if isinstance(event, UserUttered):
            text = event.text or ""
            if not text.strip():
                continue
            messages.append({"sender": "user", "text": offered.get(text, text)})
            offered = {}
        elif isinstance(event, BotUttered):
            data = event.data or {}
            buttons = _buttons(data)
            message: Dict[Text, Any] = {"sender": "bot", "text": event.text or "", "buttons": buttons}
            if data.get("custom") is not None:
                message["custom"] = data["custom"]
            if message["text"] or buttons or "custom" in message:
                messages.append(message)
                offered.update((b["payload"], b["title"]) for b in buttons)
    return messages


def _metadata(raw: Any) -> Dict[Text, Any]:
    """Message metadata: a dict, or a JSON string of one (as Rasa accepts); else nothing."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


class TaaiSocketIOOutput(SocketIOOutput):
    """One `bot_uttered` per bot message: {"text", "quick_replies", "custom"} as present."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        message = dict(message)
        combined: Dict[Text, Any] = {}
        text = message.pop("text", None)
        if text:
            combined["text"] = text.strip()
        buttons = _buttons(
            {"quick_replies": message.pop("quick_replies", None), "buttons": message.pop("buttons", None)}
        )
        if buttons:
            combined["quick_replies"] = [{"content_type": "text", **b} for b in buttons]
        custom = message.pop("custom", None)
        if custom is not None:
            combined["custom"] = custom
        if combined:
            await self._send_message(recipient_id, combined)
        # Images, attachments and carousels keep Rasa's format.
        if message.get("image"):
            await self.send_image_url(recipient_id, message.pop("image"), **message)
        if message.get("attachment"):
            await self.send_attachment(recipient_id, message.pop("attachment"), **message)
        if message.get("elements"):
            await self.send_elements(recipient_id, message.pop("elements"), **message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class TaaiSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (name "socketio") with history replay; see the module docstring."""

    def get_output_channel(self) -> Optional[TaaiSocketIOOutput]:
        if self.sio is None:
            return super().get_output_channel()  # warns, returns None
        return TaaiSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()

        # Registering a handler again for an event replaces Rasa's handler.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if is_unguessable_session_id(requested) else uuid.uuid4().hex
            history: List[Dict[Text, Any]] = []
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
                if session_id == requested:
                    history = await self._history(sid, session_id)
            # Both back to back, so the history arrives before any reply to a new message.
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            if history:
                await sio.emit(HISTORY_EVENT, {"messages": history}, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not is_unguessable_session_id(sender_id):
                    logger.warning(
                        "socket.io message without a valid session id ignored; "
                        "send session_request first and use the confirmed id"
                    )
                    return
            else:
                sender_id = sid
            metadata = _metadata(data.get(self.metadata_key))
            text = data.get("message", "")
            output = TaaiSocketIOOutput(sio, self.bot_message_evt)
            message = UserMessage(
                text if isinstance(text, str) else "", output, sender_id, input_channel=self.name(), metadata=metadata
            )
            try:
                await on_new_message(message)
            except StorageUnavailable as error:
                # Nothing was stored: say so, so the user can send it again.
                await output.send_text_message(sender_id, error.user_message)

        return socketio_webhook

    async def _history(self, sid: Text, session_id: Text) -> List[Dict[Text, Any]]:
        """Earlier messages of this conversation; none when there are none or the store fails."""
        try:
            request = self.sio.get_environ(sid, namespace=self.namespace)["sanic.request"]
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return []
            # All sessions: after a session expired the widget still shows the whole conversation.
            tracker = await agent.tracker_store.retrieve_full_tracker(session_id)
            return history_messages(tracker.events) if tracker else []
        except Exception:  # a failed replay must not cost the user the conversation
            logger.exception("could not read the history of a socket.io session")
            return []
