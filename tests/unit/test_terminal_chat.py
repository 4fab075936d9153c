"""The terminal chat of `make shell` (bot/runtime/terminal_chat.py): how replies are
shown and what a typed line sends. The chat against the real server is in
tests/e2e/test_launcher.py."""

from __future__ import annotations

import io

from bot.runtime.terminal_chat import show, what_to_send

BUTTONS = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]


def test_replies_and_numbered_buttons_are_shown():
    out = io.StringIO()
    buttons = show([{"text": "Zijn de partijen het eens?", "buttons": BUTTONS}, {"text": "Kies maar."}], out)
    assert buttons == BUTTONS
    assert out.getvalue() == "Taai: Zijn de partijen het eens?\n  [1] Ja\n  [2] Nee\nTaai: Kies maar.\n"


def test_a_number_picks_a_button_and_anything_else_is_sent_as_typed():
    assert what_to_send("2", BUTTONS) == "/deny"
    assert what_to_send(" 1 ", BUTTONS) == "/affirm"
    assert what_to_send("3", BUTTONS) == "3"  # no third button: sent as text
    assert what_to_send("1", []) == "1"
    assert what_to_send("we zijn het eens", BUTTONS) == "we zijn het eens"
