"""Conversation ids (Rasa's `sender_id`): what Taai accepts, defined once.

- Every conversation id is at most `MAX_CONVERSATION_ID_CHARS` characters: the REST
  channel refuses a longer `sender` (bot/rasa_ext/channels/rest.py), and a session id
  below fits too.
- A session id that is the only key to a conversation must be unguessable
  (`is_unguessable_session_id`): whoever knows it can read the conversation back. That
  holds for the web widget's socket.io sessions (history replay), the plan download and
  the feedback route (bot/rasa_ext/channels/socketio.py, web.py), and for offering the
  plan download at all (actions/common.py). crypto.randomUUID() (36 characters) and
  uuid4().hex (32) fit; a name like "test-1" or "default" (REST, shell) does not, so
  those conversations stay private.

web/src/widget.js keeps a copy of `SESSION_ID_PATTERN` in JavaScript;
tests/unit/test_ids.py checks that the two are the same.

Plain Python, no import from the rest of bot/.
"""

from __future__ import annotations

import re
from typing import Any

MAX_CONVERSATION_ID_CHARS = 128
MIN_SESSION_ID_CHARS = 16
SESSION_ID_PATTERN = rf"[A-Za-z0-9_-]{{{MIN_SESSION_ID_CHARS},{MAX_CONVERSATION_ID_CHARS}}}"

_SESSION_ID = re.compile(SESSION_ID_PATTERN)


def is_unguessable_session_id(value: Any) -> bool:
    """True for 16-128 characters of A-Z, a-z, 0-9, _ and - (nothing else, no newline)."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None
