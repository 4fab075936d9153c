"""REST for Taai: Rasa's REST channel with a strict check on what comes in.

Same URL (/webhooks/rest/webhook, channel name "rest") and, for a valid request, the
same answer as Rasa's RestInput: HTTP 200 with the list of the bot's messages. What
differs from rasa.core.channels.rest, and why:

- Rasa trusts the body. A JSON list, a number as `sender` or an object as `message`
  ended in a 500 or in an exception deep inside Rasa, and invalid JSON got Sanic's
  HTML error page. Here every request is checked first, and a bad one gets 400 (413
  when it is too large) with `{"error": "<what is wrong, in plain Dutch>"}`. The error
  never repeats the input.
- Rasa logs the user's text when handling fails, and answers 200 with an empty list,
  so a client cannot tell a failure from a bot with nothing to say. Here no user text
  is logged, ever: a failure is logged with the exception's type and stack only, and
  the client gets 503 with Retry-After when the conversation storage is unreachable
  (`StorageUnavailable`; nothing was stored, so sending again is safe) and 500 for
  anything else.
- `message_id` is passed on to Rasa, so a client can send a message again after a
  time-out without it being stored twice (that check itself lives elsewhere).

The request (POST, a JSON object; the Content-Type header is not checked, because
`curl -d` and many HTTP libraries send another one for JSON):

| field        | rule                                                                    | else |
|--------------|-------------------------------------------------------------------------|------|
| (body)       | at most 1 MiB                                                           | 413  |
| (body)       | UTF-8 JSON (no NaN/Infinity), an object, nested at most 32 levels deep, | 400  |
|              | every string valid Unicode (no lone surrogates such as "\\ud800")       |      |
| `sender`     | required string; after stripping spaces 1-128 characters, all printable | 400  |
|              | (no control, format or separator characters); the stripped value is    |      |
|              | the conversation id                                                     |      |
| `message`    | string; missing or null is the empty message. Length is not checked    | 400  |
|              | here: the NLU pipeline's LongMessageGuard answers very long texts       |      |
| `metadata`   | optional JSON object (null is the same as missing)                      | 400  |
| `message_id` | optional; 1-64 characters of A-Z, a-z, 0-9, _ and -                     | 400  |

Other fields are ignored, `input_channel` too: the channel is always "rest" (Rasa let
the client choose it, so a REST client could pass itself off as another channel).

`?stream=true` is refused with 400. Rasa's streaming sends HTTP 200 before the bot has
answered, so a failure halfway cannot be reported any more, and a client cannot tell
whether a retry is needed. Without it every answer comes at once; `stream=false` is
accepted.

A cancelled request (Sanic's response timeout, or the server stopping) is logged,
without the text, and the cancellation goes on: Rasa swallowed it and answered 200
with whatever had been collected, which hid the failure from the client.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import traceback
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.ids import MAX_CONVERSATION_ID_CHARS
from bot.rasa_ext.errors import StorageUnavailable
from bot.rasa_ext.hooks.idempotency import mark_client_message_id

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_SENDER_CHARS = MAX_CONVERSATION_ID_CHARS
RETRY_AFTER_SECONDS = 5
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Plain Dutch (B1). Never include anything of the request itself.
EXAMPLE = '{"sender": "gesprek-1", "message": "Hallo"}'
ERROR_TOO_LARGE = "Dit verzoek is te groot. Een verzoek mag ten hoogste 1 MB zijn."
ERROR_NOT_JSON = f"Dit verzoek is geen geldige JSON. Stuur een JSON-object, bijvoorbeeld {EXAMPLE}."
ERROR_NOT_OBJECT = f"Stuur een JSON-object met de velden sender en message, bijvoorbeeld {EXAMPLE}."
ERROR_BAD_CHARACTERS = "Dit verzoek bevat tekens die niet geldig zijn. Stuur gewone tekst in UTF-8."
ERROR_TOO_DEEP = f"Dit verzoek heeft te veel lagen in elkaar. Er mogen ten hoogste {MAX_DEPTH} lagen in elkaar zitten."
ERROR_SENDER_MISSING = (
    'Het veld sender ontbreekt of is geen tekst. Geef in sender de naam van het gesprek, bijvoorbeeld "gesprek-1".'
)
ERROR_SENDER_LENGTH = (
    f"Het veld sender moet 1 tot {MAX_SENDER_CHARS} tekens lang zijn (zonder spaties aan het begin en eind)."
)
ERROR_SENDER_CHARACTERS = (
    "Het veld sender bevat tekens die niet mogen, zoals een regeleinde, een tab of een onzichtbaar teken."
)
ERROR_MESSAGE_TYPE = "Het veld message moet tekst zijn (tussen aanhalingstekens), geen getal, lijst of object."
ERROR_METADATA_TYPE = 'Het veld metadata moet een JSON-object zijn, bijvoorbeeld {"taal": "nl"}.'
ERROR_MESSAGE_ID = "Het veld message_id moet 1 tot 64 tekens lang zijn en mag alleen letters, cijfers, - en _ bevatten."
ERROR_STREAM = (
    "Taai kan antwoorden niet in delen sturen (stream=true). Laat stream weg: je krijgt dan "
    "alle antwoorden in één keer."
)
ERROR_INTERNAL = (
    "Er ging iets mis bij Taai. Je bericht is misschien niet verwerkt. Probeer het over een paar minuten opnieuw."
)

NO_STORE = {"Cache-Control": "no-store"}


class InvalidRequest(ValueError):
    """The request breaks a rule; `message` is the Dutch text for the client."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def error_response(message: str, status: int, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers={**NO_STORE, **(headers or {})})


def _reject_constant(name: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


def _is_valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from an escape such as "\ud800"
        return False
    return True


def _check_strings_and_depth(value: Any) -> None:
    """Every string (keys too) is valid Unicode; containers nest at most MAX_DEPTH deep.

    Iterative, so a deep structure cannot exhaust Python's stack here.
    """
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if not _is_valid_unicode(item):
                raise InvalidRequest(ERROR_BAD_CHARACTERS)
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise InvalidRequest(ERROR_TOO_DEEP)
            if isinstance(item, dict):
                pending.extend((key, depth) for key in item.keys())
                pending.extend((child, depth + 1) for child in item.values())
            else:
                pending.extend((child, depth + 1) for child in item)


def parse_body(body: bytes) -> Dict[str, Any]:
    """The request body as a JSON object, or InvalidRequest."""
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequest(ERROR_TOO_LARGE, status=413)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRequest(ERROR_BAD_CHARACTERS) from None
    try:
        parsed = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # JSONDecodeError, too many digits, too deep
        raise InvalidRequest(ERROR_NOT_JSON) from None
    if not isinstance(parsed, dict):
        raise InvalidRequest(ERROR_NOT_OBJECT)
    _check_strings_and_depth(parsed)
    return parsed


def valid_sender(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidRequest(ERROR_SENDER_MISSING)
    sender = value.strip()
    if not 1 <= len(sender) <= MAX_SENDER_CHARS:
        raise InvalidRequest(ERROR_SENDER_LENGTH)
    if not sender.isprintable():
        raise InvalidRequest(ERROR_SENDER_CHARACTERS)
    return sender


def valid_message(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidRequest(ERROR_MESSAGE_TYPE)
    return value


def valid_metadata(value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidRequest(ERROR_METADATA_TYPE)
    return value


def valid_message_id(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or _MESSAGE_ID.fullmatch(value) is None:
        raise InvalidRequest(ERROR_MESSAGE_ID)
    return value


def wants_stream(request: Request) -> bool:
    # As rasa.utils.endpoints.bool_arg reads it.
    return str(request.args.get("stream", "false")).lower() == "true"


def conversation_ref(sender: str) -> str:
    """A short, stable reference to a conversation for the logs: the id itself may be
    something the user typed (an e-mail address, a name)."""
    return hashlib.sha256(sender.encode("utf-8")).hexdigest()[:12]


def exception_chain(error: BaseException) -> List[BaseException]:
    """`error` and the exceptions it was raised from or while handling, outermost first."""
    chain: List[BaseException] = []
    current: Optional[BaseException] = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def storage_unavailable(error: BaseException) -> Optional[StorageUnavailable]:
    """The StorageUnavailable behind `error`, also when another exception wraps it
    (Rasa wraps errors of its graph components, for instance)."""
    return next((e for e in exception_chain(error) if isinstance(e, StorageUnavailable)), None)


def stack_without_values(error: BaseException) -> str:
    """Types and stacks of an exception and its causes, without their messages: those
    may quote the user's text."""
    parts = [
        f"{type(e).__name__}\n{''.join(traceback.format_tb(e.__traceback__)).rstrip()}"
        for e in reversed(exception_chain(error))
    ]
    return "\n  which caused ".join(parts)


class TaaiRestInput(RestInput):
    """Rasa's REST channel (name "rest") with validated input; see the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest_webhook = Blueprint("taai_rest_webhook", __name__)

        @rest_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return rest_webhook

    def parse_request(self, request: Request) -> UserMessage:
        """The checked request as a message for Rasa, or InvalidRequest."""
        if wants_stream(request):
            raise InvalidRequest(ERROR_STREAM)
        body = parse_body(request.body or b"")
        sender = valid_sender(body.get("sender"))
        text = valid_message(body.get("message"))
        metadata = valid_metadata(body.get("metadata"))
        message_id = valid_message_id(body.get("message_id"))
        message = UserMessage(
            text, CollectingOutputChannel(), sender, input_channel=self.name(), message_id=message_id, metadata=metadata
        )
        return mark_client_message_id(message) if message_id else message

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """POST /webhook: check the request, let Rasa handle it, answer with its replies."""
        try:
            message = self.parse_request(request)
        except InvalidRequest as invalid:
            logger.debug("REST request refused (%s)", invalid.status)
            return error_response(invalid.message, invalid.status)

        conversation = conversation_ref(message.sender_id)
        try:
            await on_new_message(message)
            return response.json(message.output_channel.messages)
        except asyncio.CancelledError:
            logger.error("REST message for conversation %s cancelled (time-out or shutdown)", conversation)
            raise
        except Exception as error:  # noqa: BLE001 - every failure becomes an answer
            unavailable = storage_unavailable(error)
            if unavailable is not None:
                logger.warning(
                    "REST message for conversation %s not handled: storage unavailable (%s)",
                    conversation,
                    type(error).__name__,
                )
                return error_response(unavailable.user_message, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})
            logger.error("REST message for conversation %s failed: %s", conversation, stack_without_values(error))
            return error_response(ERROR_INTERNAL, 500)
