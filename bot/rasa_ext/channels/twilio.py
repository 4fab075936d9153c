"""WhatsApp through Twilio for Taai: Rasa's Twilio channel with a signature check.

What differs from rasa.core.channels.twilio, and why:

- Security. Rasa checks nothing: anyone who can reach the URL can make Taai send
  WhatsApp messages (paid per message) to any number, or talk in someone's name. Here
  every request must carry a valid X-Twilio-Signature (HMAC-SHA1 over the public URL
  and the form fields, keyed with the auth token), computed over `webhook_url`
  (TWILIO_WEBHOOK_URL): the URL exactly as entered in Twilio, which behind a proxy is
  not the URL the server sees. Anything else gets 403.
- WhatsApp has no buttons through Twilio's plain messages: options become a numbered
  list, and an answer "2" (or the option's exact title) is read as that option. The
  options are taken from the stored conversation, so this survives a restart.
- Replies: Markdown becomes WhatsApp formatting (*bold*, _italic_), text is packed into
  messages of at most 1600 characters (Twilio's limit); Rasa sent each paragraph as a
  message and failed on any paragraph above the limit. Sending does not block the
  server (the Twilio client is synchronous).
- A message without text (a photo, a voice note) gets a short explanation instead of
  an error; the number is written with "whatsapp:" in front whether or not the
  configuration has it.
- `api_base` (TAAI_TWILIO_API_BASE) points the Twilio client at another host instead of
  https://api.twilio.com: the local fake in the tests. Unset in production.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException
from twilio.request_validator import RequestValidator

from bot.rasa_ext.channels.common import TaaiReplies, last_offered_buttons
from bot.rasa_ext.channels.text import chosen_payload, to_whatsapp, with_numbered_options

logger = logging.getLogger(__name__)

NO_TEXT_REPLY = (
    "Ik kan alleen tekst lezen, geen foto's, spraakberichten of bestanden. Typ je vraag of je antwoord in een bericht."
)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def whatsapp_address(number: Optional[str]) -> Optional[str]:
    if not number:
        return number
    number = number.strip()
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


class TaaiTwilioOutput(TaaiReplies, TwilioOutput):
    max_chars = 1600

    def __init__(
        self,
        account_sid: Optional[Text],
        auth_token: Optional[Text],
        twilio_number: Optional[Text],
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(account_sid, auth_token, whatsapp_address(twilio_number))
        if api_base:
            self.api.base_url = api_base.rstrip("/")

    def render(self, markdown: str) -> str:
        return to_whatsapp(markdown)

    async def _send_message(self, message_data: Dict[Text, Any]) -> Any:
        try:
            return await asyncio.to_thread(self.messages.create, **message_data)
        except TwilioException as error:
            logger.error("Twilio refused a message: %s", error)
            return None

    async def send_part(self, recipient_id: Text, text: Text) -> None:
        await self._send_message({"to": recipient_id, "from_": self.twilio_number, "body": text})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        titles = [str(button.get("title", "")) for button in buttons]
        await self.send_text_message(recipient_id, with_numbered_options(text, titles))

    async def send_part_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]]) -> None:
        await self.send_text_with_buttons(recipient_id, text, buttons)


class TaaiTwilioInput(TwilioInput):
    """Twilio input channel; credentials: account_sid, auth_token, twilio_number,
    webhook_url, optional api_base."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            credentials.get("twilio_number"),
            webhook_url=credentials.get("webhook_url"),
            api_base=credentials.get("api_base"),
        )

    def __init__(
        self,
        account_sid: Optional[Text],
        auth_token: Optional[Text],
        twilio_number: Optional[Text],
        webhook_url: Optional[Text] = None,
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(account_sid, auth_token, whatsapp_address(twilio_number), debug_mode=False)
        if not webhook_url or not auth_token:
            raise ValueError("Twilio needs TWILIO_WEBHOOK_URL and TWILIO_AUTH_TOKEN to check signatures")
        self.webhook_url = webhook_url
        self.api_base = api_base
        self.validator = RequestValidator(auth_token)

    def get_output_channel(self) -> TaaiTwilioOutput:
        return TaaiTwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_base)

    @staticmethod
    def _form(request: Request) -> RequestParameters:
        # Twilio signs every field, empty ones included (a photo has Body=""), and
        # Sanic's request.form drops empty fields: parse the body keeping them.
        return RequestParameters(parse_qs(request.body.decode("utf-8", errors="replace"), keep_blank_values=True))

    def _is_from_twilio(self, request: Request, form: RequestParameters) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        return bool(signature) and self.validator.validate(self.webhook_url, form, signature)

    async def _text_of(self, request: Request, form: RequestParameters, sender: Text) -> Optional[Text]:
        if form.get("Latitude") and form.get("Longitude"):  # as Rasa does
            return "/locationData{{'Latitude': {lat},'Longitude': {long}}}".format(
                lat=form.get("Latitude"), long=form.get("Longitude")
            )
        text = (form.get("Body") or "").replace("¡", "@")  # some carriers corrupt @
        if not text.strip():
            return None
        agent = getattr(request.app.ctx, "agent", None)
        return chosen_payload(text, await last_offered_buttons(agent, sender)) or text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            form = self._form(request)
            if not self._is_from_twilio(request, form):
                logger.warning("Twilio request without a valid X-Twilio-Signature refused")
                return response.text("forbidden", status=403)
            sender = form.get("From")
            if not sender:
                return response.text(EMPTY_TWIML, content_type="text/xml")
            out_channel = self.get_output_channel()
            text = await self._text_of(request, form, sender)
            try:
                if text is None:
                    await out_channel.send_text_message(sender, NO_TEXT_REPLY)
                else:
                    await on_new_message(
                        UserMessage(
                            text, out_channel, sender, input_channel=self.name(), metadata=self.get_metadata(request)
                        )
                    )
            except Exception:
                logger.exception("Exception when handling a Twilio message")
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return twilio_webhook
