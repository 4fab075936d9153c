"""Redaction for the HTTP API endpoints that put user text into a conversation.

Channels pass through `Agent.handle_message` (bot/rasa_ext/hooks/turn.py); these
endpoints of Rasa's HTTP API do not, so a request middleware redacts their JSON body
before Rasa's handler reads it:

- POST /conversations/<id>/messages        {"text": ..., "parse_data": {"text": ...}}
- POST|PUT /conversations/<id>/tracker/events   user events: "text", "parse_data.text"
- POST /model/parse                        {"text": ...} (not stored, but may be logged)

The middleware runs before the token check; it only rewrites, it never answers.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from sanic import Sanic
from sanic.request import Request

from bot.privacy import get_redactor

_MESSAGES = re.compile(r"^/conversations/[^/].*/messages/?$")
_EVENTS = re.compile(r"^/conversations/[^/].*/tracker/events/?$")
_PARSE = re.compile(r"^/model/parse/?$")


def install_api_guard(app: Sanic) -> None:
    app.register_middleware(_redact_request, "request")


def _redact_text(value: Any) -> Any:
    if isinstance(value, str):  # redact() lets real "/intent{...}" commands through
        return get_redactor().redact(value).text
    return value


def _redact_message(body: dict) -> dict:
    body = dict(body)
    if "text" in body:
        body["text"] = _redact_text(body["text"])
    if isinstance(body.get("parse_data"), dict) and "text" in body["parse_data"]:
        body["parse_data"] = {**body["parse_data"], "text": _redact_text(body["parse_data"]["text"])}
    return body


def _redact_events(body: Any) -> Any:
    if isinstance(body, list):
        return [_redact_events(event) for event in body]
    if isinstance(body, dict) and body.get("event") == "user":
        return _redact_message(body)
    return body


async def _redact_request(request: Request) -> None:
    if request.method not in ("POST", "PUT"):
        return
    path = request.path
    redact: Callable[[Any], Any]
    if _MESSAGES.match(path) or _PARSE.match(path):
        redact = _redact_message
    elif _EVENTS.match(path):
        redact = _redact_events
    else:
        return
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Rasa's handler answers malformed JSON itself
        return
    # Sanic reads request.json from parsed_json; its stub types the attribute as None.
    if isinstance(body, dict):
        request.parsed_json = redact(body)  # type: ignore[assignment]
    elif isinstance(body, list) and redact is _redact_events:
        request.parsed_json = _redact_events(body)
