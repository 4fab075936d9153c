"""Telegram for Taai: Rasa's channel with a real check on incoming updates.

What differs from rasa.core.channels.telegram, and why:

- Security. Rasa's only check on an incoming update asks Telegram for the bot's own
  name (`getMe`, on every update) and compares it with `verify`: that proves the
  token is right, not that the update came from Telegram. Anyone who knows the URL
  could post updates in any chat's name. Here the webhook is registered with a
  `secret_token`, which Telegram sends back in the X-Telegram-Bot-Api-Secret-Token
  header of every update; updates without it are refused (403). The secret is
  derived from the bot token, so there is nothing extra to configure. The `verify`
  check stays, with getMe asked once instead of on every update.
- Replies: Markdown becomes Telegram HTML; text is packed into messages of at most
  4096 characters; buttons are an inline keyboard with one button per row (Rasa puts
  them all on one row, where Dutch titles get cut off on a phone).
- A button press is acknowledged (answerCallbackQuery); without that the button keeps
  spinning in the user's app.
- "/start", which Telegram sends when someone opens the bot, becomes a greeting.
- An error while handling a message is logged, not raised: Rasa answers 500 then, and
  Telegram resends the same update again and again. Telegram being unreachable at
  start-up is logged too, instead of stopping the whole server (the webhook registered
  at an earlier start stays valid); a wrong token still stops it, with the reason.
- `api_base` (TAAI_TELEGRAM_API_BASE) points the bot at another Bot API server: a
  local fake in the tests, or a self-hosted Bot API server. Unset in production.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from aiogram.utils.exceptions import CantParseEntities, NetworkError, TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext.channels.common import TaaiReplies
from bot.rasa_ext.channels.text import to_telegram_html

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_MAX_BYTES = 64  # Telegram refuses the whole message above this


def webhook_secret(access_token: str) -> str:
    """The secret_token for setWebhook: 1-256 characters of A-Z, a-z, 0-9, _ and -.

    Derived from the bot token so it needs no configuration of its own, and changes
    when the token is revoked.
    """
    return hmac.new(access_token.encode(), b"taai telegram webhook", hashlib.sha256).hexdigest()


def _callback_data(button: Dict[Text, Any]) -> str:
    payload = str(button.get("payload") or button.get("title") or "")
    if len(payload.encode()) <= CALLBACK_DATA_MAX_BYTES:
        return payload
    # Too long for Telegram: send the title, which the NLU understands as well,
    # cut at 64 bytes without splitting a character.
    title = str(button.get("title", "")).encode()[:CALLBACK_DATA_MAX_BYTES]
    return title.decode(errors="ignore")


class TaaiTelegramOutput(TaaiReplies, TelegramOutput):
    max_chars = 4096

    def __init__(self, access_token: Optional[Text], api_base: Optional[Text] = None) -> None:
        super().__init__(access_token)
        if api_base:  # otherwise aiogram's default, https://api.telegram.org
            self.server = TelegramAPIServer.from_base(api_base)
        self._access_token = access_token or ""
        self._me: Optional[User] = None

    def render(self, markdown: str) -> str:
        return to_telegram_html(markdown)

    async def get_me(self) -> User:
        # Asked on every update by the `verify` check; the answer never changes.
        if self._me is None:
            self._me = await super().get_me()
        return self._me

    async def _send_html(self, chat_id: Text, html_text: str, **kwargs: Any) -> None:
        try:
            await self.send_message(chat_id, html_text, parse_mode="HTML", disable_web_page_preview=True, **kwargs)
        except CantParseEntities as error:
            # Telegram refuses the whole message when it cannot parse the HTML; the
            # user should still get the text.
            logger.warning("Telegram refused HTML (%s); sending plain text", error)
            await self.send_message(chat_id, to_plain_from_html(html_text), disable_web_page_preview=True, **kwargs)

    async def send_part(self, recipient_id: Text, text: Text) -> None:
        await self._send_html(recipient_id, text)

    async def send_part_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]]) -> None:
        keyboard = InlineKeyboardMarkup()
        for button in buttons:
            keyboard.row(InlineKeyboardButton(str(button.get("title", "")), callback_data=_callback_data(button)))
        await self._send_html(recipient_id, text, reply_markup=keyboard)

    async def register_webhook(self, url: Text) -> bool:
        # aiogram 2.15 predates secret_token, so call the Bot API method directly.
        secret = webhook_secret(self._access_token)
        return await self.request("setWebhook", {"url": url, "secret_token": secret})


def to_plain_from_html(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


class TaaiTelegramInput(TelegramInput):
    """Telegram input channel; credentials: access_token, verify, webhook_url,
    optional api_base."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            debug_mode=False,
            api_base=credentials.get("api_base"),
        )

    def __init__(
        self,
        access_token: Optional[Text],
        verify: Optional[Text],
        webhook_url: Optional[Text],
        debug_mode: bool = False,
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.api_base = api_base
        self.secret = webhook_secret(access_token or "")
        self._background: set[asyncio.Task] = set()

    def get_output_channel(self) -> TaaiTelegramOutput:
        channel = TaaiTelegramOutput(self.access_token, self.api_base)
        try:
            asyncio.run(self._register_webhook(channel))
        except NetworkError as error:
            # Telegram unreachable for a moment: keep serving the other channels.
            # Telegram keeps the webhook (and secret) registered at an earlier start.
            logger.error("Could not reach Telegram to register the webhook: %s", error)
        except TelegramAPIError as error:  # a wrong token or URL: stop with the reason
            raise RasaException(f"Failed to set Telegram webhook: {error}") from error
        return channel

    async def _register_webhook(self, channel: TaaiTelegramOutput) -> None:
        try:
            await channel.register_webhook(self.webhook_url)
        finally:
            # This runs in a short-lived event loop before the server starts; the
            # HTTP session must not outlive it, or the first reply fails later.
            # (Bot.close() does the same but is deprecated in aiogram 2.)
            await channel.session.close()

    def _is_from_telegram(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.secret.encode())

    @staticmethod
    def _text_and_chat(update: Update) -> tuple[Optional[str], Optional[Any]]:
        if update.callback_query is not None:
            return update.callback_query.data, update.callback_query.message
        message = update.message or update.edited_message
        if message is None:
            return None, None
        if message.text is not None:
            return message.text, message
        if message.location is not None:
            return ('{{"lng":{0}, "lat":{1}}}'.format(message.location.longitude, message.location.latitude), message)
        return None, message

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self._is_from_telegram(request):
                logger.warning("Telegram update without the right secret token refused")
                return response.text("forbidden", status=403)
            me = await out_channel.get_me()
            if me.username != self.verify:
                logger.error("TELEGRAM_VERIFY (%s) is not this bot's name (%s)", self.verify, me.username)
                return response.text("failed")
            update = Update(**(request.json or {}))
            text, msg = self._text_and_chat(update)
            if update.callback_query is not None:
                self._acknowledge(out_channel, update.callback_query.id)
            if text is None or msg is None:
                return response.text("success")
            text = text.replace("/bot", "")
            # "/start" is what Telegram sends when someone opens the bot; Rasa sends it
            # after a restart as well. Taai has no such intent: greet instead.
            texts = {"/start": ["/greet"], "/restart": ["/restart", "/greet"]}.get(text.strip(), [text])
            try:
                for each in texts:
                    await on_new_message(
                        UserMessage(
                            each,
                            out_channel,
                            msg.chat.id,
                            input_channel=self.name(),
                            metadata=self.get_metadata(request),
                        )
                    )
            except Exception:
                logger.exception("Exception when handling a Telegram message")
            return response.text("success")

        return telegram_webhook

    def _acknowledge(self, out_channel: TaaiTelegramOutput, callback_query_id: str) -> None:
        async def answer() -> None:
            try:
                await out_channel.answer_callback_query(callback_query_id)
            except TelegramAPIError as error:
                logger.warning("Could not acknowledge a Telegram button press: %s", error)

        task = asyncio.create_task(answer())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
