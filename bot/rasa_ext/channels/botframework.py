"""Microsoft Teams (Bot Framework) for Taai: Rasa's channel with a complete token check.

What differs from rasa.core.channels.botframework, and why:

- Security. Rasa checks the signature and audience of the JWT that the Bot Framework
  sends. The Bot Framework's rules ask more, and so does this channel: the issuer must
  be https://api.botframework.com, the algorithm RS256 (Rasa takes the algorithm from
  the token itself), the signing key must be endorsed for the activity's channel
  (e.g. "msteams"), and the token's `serviceUrl` claim must equal the activity's
  serviceUrl. That last one matters: Taai sends its own access token to that URL when
  it replies. When a token names a key Taai does not know yet (Microsoft rotates
  them), the keys are fetched again, at most every five minutes. When Microsoft cannot
  be reached at start-up, Rasa stops the whole server; here only Teams waits.
- Replies: buttons on a hero card as `messageBack` actions: the user sees the title,
  Taai receives the payload. Rasa passes Rasa's button dictionaries as they are, which
  are not valid card actions (no `type`), so Teams showed buttons that did nothing.
  Text is packed into messages of at most 4000 characters; headings become bold
  (Teams renders Markdown but not headings). Sending does not block the server.
- In a Teams channel the message starts with "<at>Taai</at>"; that mention is removed.
- Where the keys and tokens come from is configurable: `openid_url`
  (TAAI_BOTFRAMEWORK_OPENID_URL) and `token_url` (TAAI_BOTFRAMEWORK_TOKEN_URL) for the
  tests' local fake, `tenant_id` (BOTFRAMEWORK_TENANT_ID) for a single-tenant Azure Bot.
  All unset means Microsoft's multi-tenant defaults, as in Rasa.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import re
import time
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import jwt
import requests
from jwt import InvalidKeyError, PyJWTError
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import (
    BEARER_REGEX,
    MICROSOFT_OAUTH2_PATH,
    MICROSOFT_OAUTH2_URL,
    MICROSOFT_OPEN_ID_URI,
    BotFramework,
    BotFrameworkInput,
)
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext.channels.common import TaaiReplies
from bot.rasa_ext.channels.text import to_teams_markdown

logger = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
KEY_REFRESH_MIN_INTERVAL_S = 300
_MENTION = re.compile(r"<at>[^<]*</at>\s*")


def token_url_for(tenant_id: Optional[str]) -> str:
    """Where Taai gets its own access token: per tenant for a single-tenant bot."""
    tenant = tenant_id or "botframework.com"
    return f"{MICROSOFT_OAUTH2_URL}/{tenant}/oauth2/v2.0/token"


class TaaiBotFramework(TaaiReplies, BotFramework):
    max_chars = 4000

    def __init__(
        self,
        app_id: Text,
        app_password: Text,
        conversation: Dict[Text, Any],
        bot: Text,
        service_url: Text,
        token_url: Optional[Text] = None,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.token_url = token_url or f"{MICROSOFT_OAUTH2_URL}/{MICROSOFT_OAUTH2_PATH}"

    def render(self, markdown: str) -> str:
        return to_teams_markdown(markdown)

    async def _get_headers(self) -> Optional[Dict[Text, Any]]:
        # As Rasa's, with a configurable token URL and without blocking the server.
        if BotFramework.headers and BotFramework.token_expiration_date > datetime.datetime.now():
            return BotFramework.headers
        payload = {
            "client_id": self.app_id,
            "client_secret": self.app_password,
            "grant_type": "client_credentials",
            "scope": "https://api.botframework.com/.default",
        }
        try:
            token_response = await asyncio.to_thread(requests.post, self.token_url, data=payload, timeout=30)
        except requests.RequestException as error:
            logger.error("Could not get a Bot Framework token: %s", error)
            return None
        if not token_response.ok:
            logger.error("Could not get a Bot Framework token: HTTP %s", token_response.status_code)
            return None
        token_data = token_response.json()
        # A minute early, so a token never expires on its way.
        lifetime = max(0, int(token_data["expires_in"]) - 60)
        BotFramework.token_expiration_date = datetime.datetime.now() + datetime.timedelta(seconds=lifetime)
        BotFramework.headers = {
            "content-type": "application/json",
            "Authorization": f"Bearer {token_data['access_token']}",
        }
        return BotFramework.headers

    async def send(self, message_data: Dict[Text, Any]) -> None:
        url = f"{self.global_uri}conversations/{self.conversation['id']}/activities"
        headers = await self._get_headers()
        if headers is None:
            return
        try:
            result = await asyncio.to_thread(
                requests.post, url, headers=headers, data=json.dumps(message_data), timeout=30
            )
        except requests.RequestException as error:
            logger.error("Could not send a Bot Framework message: %s", error)
            return
        if not result.ok:
            logger.error("Bot Framework refused a message: HTTP %s %s", result.status_code, result.text[:200])

    async def send_part(self, recipient_id: Text, text: Text) -> None:
        await self.send(self.prepare_message(recipient_id, {"text": text, "textFormat": "markdown"}))

    async def send_part_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]]) -> None:
        actions = [
            {
                "type": "messageBack",
                "title": str(b.get("title", "")),
                "text": str(b.get("payload", "")),
                "displayText": str(b.get("title", "")),
            }
            for b in buttons
        ]
        card = {"contentType": "application/vnd.microsoft.card.hero", "content": {"text": text, "buttons": actions}}
        await self.send(self.prepare_message(recipient_id, {"attachments": [card]}))


class TaaiBotFrameworkInput(BotFrameworkInput):
    """Bot Framework input channel; credentials: app_id, app_password, optional
    tenant_id, openid_url, token_url."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("app_id"),
            credentials.get("app_password"),
            openid_url=credentials.get("openid_url"),
            token_url=credentials.get("token_url") or token_url_for(credentials.get("tenant_id")),
        )

    def __init__(
        self, app_id: Text, app_password: Text, openid_url: Optional[Text] = None, token_url: Optional[Text] = None
    ) -> None:
        self.openid_url = openid_url or MICROSOFT_OPEN_ID_URI
        self.token_url = token_url
        self._last_key_refresh = 0.0
        super().__init__(app_id, app_password)  # fetches the signing keys

    def _update_cached_jwk_keys(self) -> None:
        # Rasa's, with the configurable OpenID URL and a timeout. Rasa stops the whole
        # server when Microsoft cannot be reached at start-up; here the other channels
        # keep working, Teams messages are refused (401, no keys) and the keys are
        # fetched again with the first message after five minutes.
        try:
            self._fetch_keys()
        except (requests.RequestException, KeyError, ValueError) as error:
            logger.error("Could not fetch the Bot Framework signing keys from %s: %s", self.openid_url, error)
            self.jwt_update_time = datetime.datetime.now()  # not again for every message
            self._last_key_refresh = time.monotonic()

    def _fetch_keys(self) -> None:
        conf = requests.get(self.openid_url, timeout=30)
        conf.raise_for_status()
        keys_request = requests.get(conf.json()["jwks_uri"], timeout=30)
        keys_request.raise_for_status()
        self.jwt_keys = {key["kid"]: key for key in keys_request.json()["keys"]}
        self.jwt_update_time = datetime.datetime.now()
        self._last_key_refresh = time.monotonic()

    def _key_for(self, key_id: str) -> Dict[str, Any]:
        if key_id not in self.jwt_keys and time.monotonic() - self._last_key_refresh > KEY_REFRESH_MIN_INTERVAL_S:
            self._update_cached_jwk_keys()
        if key_id not in self.jwt_keys:
            raise InvalidKeyError(f"JWT Key with ID {key_id} not found.")
        return self.jwt_keys[key_id]

    def _validate_jwt_token(self, jwt_token: Text) -> None:
        """Called by Rasa's `_validate_auth`: signature, audience, issuer, expiry."""
        self._verified_claims(jwt_token)

    def _verified_claims(self, jwt_token: Text) -> Dict[str, Any]:
        key_json = self._key_for(jwt.get_unverified_header(jwt_token).get("kid", ""))
        return jwt.decode(
            jwt_token,
            key=RSAAlgorithm.from_jwk(key_json),
            algorithms=["RS256"],
            audience=self.app_id,
            issuer=BOT_FRAMEWORK_ISSUER,
            options={"require": ["exp", "iss", "aud"]},
            leeway=300,
        )

    def _activity_matches_token(self, auth_header: Text, activity: Dict[str, Any]) -> bool:
        """The checks that need the activity as well as the token (already verified)."""
        match = BEARER_REGEX.match(auth_header or "")
        if not match:
            return False
        token = match.group(1)
        try:
            claims = self._verified_claims(token)
            key = self._key_for(jwt.get_unverified_header(token).get("kid", ""))
        except PyJWTError:
            return False
        endorsements = key.get("endorsements")
        if endorsements is not None and activity.get("channelId") not in endorsements:
            return False
        return claims.get("serviceUrl") == activity.get("serviceUrl")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        botframework_webhook = Blueprint("botframework_webhook", __name__)

        @botframework_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @botframework_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            auth_header = request.headers.get("Authorization")
            refused = self._validate_auth(auth_header)  # Rasa's checks, with ours inside
            if refused:
                return refused
            try:
                activity = request.json
            except Exception:  # Sanic raises on a body that is not JSON
                activity = None
            if not isinstance(activity, dict):
                return response.text("Not an activity.", status=HTTPStatus.BAD_REQUEST)
            if not self._activity_matches_token(auth_header, activity):
                logger.warning("Bot Framework activity does not match its token; refused")
                return response.text("Could not validate JWT token.", status=HTTPStatus.UNAUTHORIZED)
            if activity.get("type") != "message":
                return response.text("success")
            out_channel = TaaiBotFramework(
                self.app_id,
                self.app_password,
                activity["conversation"],
                activity["recipient"],
                activity["serviceUrl"],
                self.token_url,
            )
            text = _MENTION.sub("", activity.get("text") or "").strip()
            metadata = self.add_attachments_to_metadata(activity, self.get_metadata(request))
            try:
                await on_new_message(
                    UserMessage(
                        text=text,
                        output_channel=out_channel,
                        sender_id=activity["from"]["id"],
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except Exception:
                logger.exception("Exception when handling a Bot Framework message")
            return response.text("success")

        return botframework_webhook
