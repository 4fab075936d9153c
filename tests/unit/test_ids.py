"""Conversation ids are checked by one rule (bot/core/ids.py), and the web widget's
JavaScript copy of the session-id pattern is the same."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from bot.core.ids import MAX_CONVERSATION_ID_CHARS, SESSION_ID_PATTERN, is_unguessable_session_id

ROOT = Path(__file__).resolve().parents[2]


def test_only_long_ids_of_safe_characters_count_as_session_ids():
    assert is_unguessable_session_id(uuid.uuid4().hex)
    assert is_unguessable_session_id(str(uuid.uuid4()))  # what crypto.randomUUID() makes
    assert is_unguessable_session_id("a" * 16) and is_unguessable_session_id("a" * MAX_CONVERSATION_ID_CHARS)
    for bad in (
        "default",
        "test-1",
        "a" * 15,
        "a" * 129,
        "../" + "a" * 20,
        "a" * 20 + "\n",
        "",
        None,
        12345678901234567,
    ):
        assert not is_unguessable_session_id(bad), bad


def test_the_widget_keeps_the_same_session_id_pattern():
    widget = (ROOT / "web" / "src" / "widget.js").read_text(encoding="utf-8")
    found = re.search(r"^const SESSION_ID = /\^(.+)\$/;$", widget, re.MULTILINE)
    assert found, "web/src/widget.js: const SESSION_ID = /^...$/; not found"
    assert found.group(1) == SESSION_ID_PATTERN


@pytest.mark.parametrize(
    "module",
    [
        "bot/rasa_ext/channels/socketio.py",
        "bot/rasa_ext/channels/web.py",
        "bot/rasa_ext/channels/rest.py",
        "actions/common.py",
    ],
)
def test_no_channel_or_action_keeps_its_own_session_id_pattern(module):
    source = (ROOT / module).read_text(encoding="utf-8")
    assert "A-Za-z0-9_-]{16" not in source
    assert "bot.core.ids" in source
