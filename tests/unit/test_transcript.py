"""Markdown transcripts of a conversation (bot/export/transcript.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.export.transcript import to_markdown

EVENTS = [
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "Er is overlast van jongeren"},
    {
        "event": "bot",
        "text": "Zijn de partijen het eens?",
        "data": {
            "buttons": [
                {"title": "Ja, grotendeels eens", "payload": "/affirm"},
                {"title": "Weet ik niet", "payload": "/dont_know"},
            ]
        },
    },
    {"event": "user", "text": "/affirm"},
    {"event": "slot", "name": "value_consensus", "value": "agree"},
    {"event": "bot", "text": "Helder: er is **overeenstemming**."},
]


def test_a_transcript_has_both_sides_in_order_with_buttons():
    text = to_markdown("abc", EVENTS, datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
    assert text.startswith("# Gesprek met Taai")
    assert "23-11-2026 10:00" in text
    user, question, buttons, answer = (
        text.index("**Gebruiker:** Er is overlast"),
        text.index("**Taai:** Zijn"),
        text.index("[Ja, grotendeels eens] [Weet ik niet]"),
        text.index("**Taai:** Helder"),
    )
    assert user < question < buttons < answer
    assert "/affirm" not in text and "value_consensus" not in text


def test_an_empty_conversation_says_so():
    assert "nog geen berichten" in to_markdown("abc", [])
