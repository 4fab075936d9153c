"""Slack for Taai: Rasa's channel (which checks X-Slack-Signature) with better replies.

What differs from rasa.core.channels.slack, and why:

- Replies: Markdown becomes Slack mrkdwn; text is packed into messages of at most
  3000 characters (the limit of a text block); buttons are Block Kit buttons under a
  mrkdwn section. Rasa refuses more than five buttons (Slack allows 25 per block) and
  then drops them all.
- No `as_user`: Slack refuses it for the bot tokens of current Slack apps.
- Slack's URL check (`url_verification`) is answered as {"challenge": ...}; Rasa sends
  a bare JSON string, which Slack does not accept as the challenge. The signature is
  checked first, as for every other request.
- `api_base` (TAAI_SLACK_API_BASE) points slack_sdk at another host instead of
  https://slack.com/api/: the local fake in the tests. Unset in production.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from bot.rasa_ext.channels.common import TaaiReplies
from bot.rasa_ext.channels.text import to_slack_mrkdwn

logger = logging.getLogger(__name__)

MAX_BUTTONS = 25  # per actions block
MAX_BUTTON_TEXT = 75


class TaaiSlackBot(TaaiReplies, SlackBot):
    max_chars = 3000

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_base: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_base:
            self.client = AsyncWebClient(token, base_url=api_base.rstrip("/") + "/", proxy=proxy)

    def render(self, markdown: str) -> str:
        return to_slack_mrkdwn(markdown)

    async def send_part(self, recipient_id: Text, text: Text) -> None:
        await self._post_message(channel=self.slack_channel or recipient_id, text=text, mrkdwn=True)

    async def send_part_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]]) -> None:
        blocks: List[Dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
        for start in range(0, len(buttons), MAX_BUTTONS):
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": str(b.get("title", ""))[:MAX_BUTTON_TEXT]},
                            "value": str(b.get("payload", "")),
                        }
                        for b in buttons[start : start + MAX_BUTTONS]
                    ],
                }
            )
        # `text` is what notifications and screen readers show.
        await self._post_message(channel=self.slack_channel or recipient_id, text=text, blocks=blocks)


class TaaiSlackInput(SlackInput):
    """Slack input channel; credentials as Rasa's (slack_token, slack_signing_secret,
    optional slack_channel) plus optional api_base."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.api_base = (credentials or {}).get("api_base")
        return channel

    api_base: Optional[Text] = None

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return TaaiSlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_base)

    def blueprint(self, on_new_message: Any) -> Blueprint:
        slack_webhook = super().blueprint(on_new_message)

        @slack_webhook.middleware("request")
        async def answer_url_verification(request: Request) -> Optional[response.HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            if request.headers.get("content-type") != "application/json":
                return None
            body = request.json or {}
            if body.get("type") != "url_verification":
                return None
            if not self.is_request_from_slack_authentic(request):
                return response.text(
                    "Message is not properly signed with a valid X-Slack-Signature header",
                    status=HTTPStatus.BAD_REQUEST,
                )
            return response.json({"challenge": body.get("challenge", "")})

        return slack_webhook
