"""Mattermost for Taai: Rasa's channel with checks on who is calling.

Mattermost reaches Taai in two ways, both at /webhooks/mattermost/webhook:
an outgoing webhook (a message in a channel) and an interactive button (a click).

What differs from rasa.core.channels.mattermost, and why:

- Security. Rasa checks nothing: anyone who can reach the URL can talk in any user's
  name. Here an outgoing-webhook call must carry the webhook's token (Mattermost puts
  it in the JSON body; `webhook_token`, from MATTERMOST_WEBHOOK_TOKEN), and a button
  click must carry a signature that Taai put into the button's context when it sent
  the button (Mattermost keeps a button's context on the server and sends it back
  unchanged on a click). Anything else gets 403.
- Rasa drops the first word of every message, assuming it is the trigger word; with
  a webhook that fires on every message in a channel that was the user's first word.
  Here the trigger word is removed only when the message starts with it.
- Replies are posted without blocking the server (Rasa uses synchronous `requests`
  inside the event loop), packed into posts of at most 4000 characters, and a reply
  of 201 Created (what Mattermost returns for a new post) is not logged as an error.
- The webhook answers with JSON (`{}`): Mattermost shows an error to the user when a
  button's integration answers with something that is not JSON.
Mattermost renders Markdown itself, so the text is sent as Taai wrote it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import requests
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.mattermost import MattermostBot, MattermostInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext.channels.common import TaaiReplies

logger = logging.getLogger(__name__)

SIGNATURE_KEY = "taai_signature"


def button_signature(secret: str, channel_id: str, action: str) -> str:
    """Proves that a button click carries a context Taai itself sent to this channel."""
    message = f"{channel_id}\n{action}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _button_secret(bot_token: str) -> str:
    # Derived from the bot token: nothing extra to configure, changes with the token.
    return hmac.new(bot_token.encode(), b"taai mattermost buttons", hashlib.sha256).hexdigest()


class TaaiMattermostBot(TaaiReplies, MattermostBot):
    max_chars = 4000

    def _post(self, data: Dict[Text, Any]) -> requests.Response:
        result = requests.post(
            self.url + "/posts", headers={"Authorization": "Bearer " + self.token}, json=data, timeout=30
        )
        if not result.ok:
            logger.error(
                "Mattermost refused a post to channel %s: HTTP %s %s",
                data.get("channel_id"),
                result.status_code,
                result.text[:200],
            )
        return result

    async def _post_async(self, data: Dict[Text, Any]) -> None:
        try:
            await asyncio.to_thread(self._post, data)
        except requests.RequestException as error:
            logger.error("Could not reach Mattermost: %s", error)

    async def send_part(self, recipient_id: Text, text: Text) -> None:
        await self._post_async({"channel_id": self.bot_channel, "message": text})

    async def send_part_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]]) -> None:
        secret = _button_secret(self.token)
        actions = []
        for button in buttons:
            payload = str(button.get("payload", ""))
            actions.append(
                {
                    "name": str(button.get("title", "")),
                    "integration": {
                        "url": self.webhook_url,
                        "context": {
                            "action": payload,
                            SIGNATURE_KEY: button_signature(secret, self.bot_channel, payload),
                        },
                    },
                }
            )
        await self._post_async(
            {"channel_id": self.bot_channel, "message": text, "props": {"attachments": [{"actions": actions}]}}
        )

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._post_async({"channel_id": self.bot_channel, "props": {"attachments": [{"image_url": image}]}})


class TaaiMattermostInput(MattermostInput):
    """Mattermost input channel; credentials: url (…/api/v4), token (bot access token),
    webhook_url (this webhook's public URL, for buttons), webhook_token."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("url"),
            credentials.get("token"),
            credentials.get("webhook_url"),
            credentials.get("webhook_token"),
        )

    def __init__(self, url: Text, token: Text, webhook_url: Text, webhook_token: Optional[Text] = None) -> None:
        super().__init__(url, token, webhook_url)
        if not webhook_token:
            raise ValueError("Mattermost needs the outgoing webhook's token (MATTERMOST_WEBHOOK_TOKEN)")
        self.webhook_token = webhook_token
        self._bot_user_id: Optional[str] = None

    def _output(self, channel_id: Text) -> TaaiMattermostBot:
        return TaaiMattermostBot(self.url, self.token, channel_id, self.webhook_url)

    async def _handle_message(
        self,
        message: Text,
        sender_id: Text,
        bot_channel: Text,
        metadata: Optional[Dict],
        on_new_message: Callable[[UserMessage], Awaitable[None]],
    ) -> None:
        try:
            await on_new_message(
                UserMessage(message, self._output(bot_channel), sender_id, input_channel=self.name(), metadata=metadata)
            )
        except Exception:
            logger.exception("Exception when handling a Mattermost message")

    @staticmethod
    def _without_trigger_word(text: str, trigger_word: str) -> str:
        if trigger_word and text.startswith(trigger_word):
            return text[len(trigger_word) :].strip()
        return text

    def _is_webhook_call(self, body: Dict[Text, Any]) -> bool:
        return hmac.compare_digest(str(body.get("token", "")).encode(), self.webhook_token.encode())

    def _is_own_button(self, body: Dict[Text, Any]) -> bool:
        context = body.get("context") or {}
        expected = button_signature(
            _button_secret(self.token), str(body.get("channel_id", "")), str(context.get("action", ""))
        )
        return hmac.compare_digest(str(context.get(SIGNATURE_KEY, "")).encode(), expected.encode())

    @staticmethod
    def _body(request: Request) -> Optional[Dict[Text, Any]]:
        # An outgoing webhook sends a form unless its content type is set to JSON;
        # button clicks always send JSON.
        if (request.headers.get("content-type") or "").startswith("application/x-www-form-urlencoded"):
            return {key: request.form.get(key) for key in request.form}
        try:
            body = request.json
        except Exception:  # Sanic raises on a body that is not JSON
            return None
        return body if isinstance(body, dict) else None

    async def _is_own_post(self, body: Dict[Text, Any]) -> bool:
        # An outgoing webhook without trigger words fires on every post in the channel,
        # the bot's own replies included: answering those would never end.
        if self._bot_user_id is None:
            try:
                me = await asyncio.to_thread(
                    requests.get, self.url + "/users/me", headers={"Authorization": "Bearer " + self.token}, timeout=30
                )
                if me.ok:
                    self._bot_user_id = me.json().get("id")
            except (requests.RequestException, ValueError) as error:
                logger.warning("Could not ask Mattermost for the bot's own id: %s", error)
        return body.get("user_id") == self._bot_user_id

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        mattermost_webhook = Blueprint("mattermost_webhook", __name__)

        @mattermost_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @mattermost_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            body = self._body(request)
            if body is None:
                return response.json({}, status=400)
            metadata = self.get_metadata(request)
            if "context" in body and "trigger_word" not in body:  # a button click
                if not self._is_own_button(body):
                    logger.warning("Mattermost button click with a wrong signature refused")
                    return response.json({}, status=403)
                await self._handle_message(
                    str(body["context"]["action"]),
                    body.get("user_id"),
                    body.get("channel_id"),
                    metadata,
                    on_new_message,
                )
                return response.json({})
            if not self._is_webhook_call(body):
                logger.warning("Mattermost webhook call with a wrong token refused")
                return response.json({}, status=403)
            if body.get("user_id") and body.get("text") and not await self._is_own_post(body):
                text = self._without_trigger_word(str(body["text"]), str(body.get("trigger_word") or ""))
                await self._handle_message(text, body["user_id"], body.get("channel_id"), metadata, on_new_message)
            return response.json({})

        return mattermost_webhook
