"""Bad input over REST: always HTTP 200, a clear reply, and the conversation goes on."""

from __future__ import annotations

import pytest
import requests

BAD_INPUT = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "100 KB": "De wachtlijsten in de jeugdzorg groeien. " * 2500,
    "markup": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "control characters": "\x00\x07hallo\x1b[31m\x7f",
    "emoji only": "😀🙈🎉🤷",
}


def post(server, sender, message):
    return requests.post(
        f"{server.base_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=120
    )


@pytest.mark.parametrize("kind", list(BAD_INPUT))
def test_bad_input_gets_a_clear_reply_and_the_next_message_still_works(server, sender, kind):
    response = post(server, sender, BAD_INPUT[kind])
    assert response.status_code == 200, response.text
    replies = response.json()
    assert replies and any((r.get("text") or "").strip() for r in replies), f"no reply to {kind}"

    follow_up = server.say(sender, "hoi")
    assert follow_up and "Taai" in follow_up[0]["text"]


def test_a_very_long_message_is_not_read_but_answered_with_the_limit(server, sender):
    reply = " ".join(r.get("text") or "" for r in post(server, sender, BAD_INPUT["100 KB"]).json())
    assert "2.000" in reply  # says what the limit is and asks for a shorter description
    tracker = server.tracker(sender)
    parsed = [e for e in tracker["events"] if e["event"] == "user"][-1]["parse_data"]
    assert parsed["intent"]["name"] == "too_long"
    assert tracker["slots"]["problem_description"] is None  # nothing of it was taken as a description


def test_markup_is_echoed_escaped_not_as_html(server, sender):
    replies = server.say(sender, "Bewoners zijn het oneens over <b>de nieuwe</b> opvang <script>x</script>")
    text = " ".join(r.get("text") or "" for r in replies)
    assert "<script>" not in text and "<b>" not in text
