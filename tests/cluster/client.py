"""A REST client for the cluster tests: sends a turn with a message_id, retries it
elsewhere when a replica fails, and reads conversations back from the tracker API."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import requests

# Six turns of a full diagnosis (tests/e2e/test_conversations.py, "unstructured").
DIAGNOSIS = (
    "Wat doen we met de bijstand: mensen vertrouwen geven of juist strenger controleren?",
    "niet echt",
    "nee, dat weten we niet",
    "wie moet ik betrekken?",
    "waarom?",
    "mogen we experimenteren?",
)


@dataclass
class Turn:
    message_id: str
    text: str
    replies: list = field(default_factory=list)
    attempts: int = 0
    errors: list = field(default_factory=list)


def send(urls: list[str], first: int, sender: str, turn: Turn, timeout: float = 120, max_attempts: int = 8) -> Turn:
    """Send one turn, starting at urls[first]; on a connection error, a timeout or a
    5xx, send the same message (same message_id) to the next URL."""
    index = first
    last_error = ""
    while turn.attempts < max_attempts:
        turn.attempts += 1
        url = urls[index % len(urls)]
        try:
            response = requests.post(
                f"{url}/webhooks/rest/webhook",
                timeout=timeout,
                json={"sender": sender, "message": turn.text, "message_id": turn.message_id},
            )
            if response.status_code == 200 and response.json():
                turn.replies = response.json()
                return turn
            last_error = f"{response.status_code} {response.text[:200]}"
        except requests.RequestException as error:
            last_error = repr(error)
        turn.errors.append(f"{url}: {last_error}")
        index += 1
        time.sleep(0.5)
    raise AssertionError(f"turn {turn.message_id} failed {turn.attempts} times: {last_error}")


def converse(
    urls: list[str], sender: str, alternate: bool = True, offset: int = 0, answered: Optional[Callable[[], None]] = None
) -> list[Turn]:
    """The whole diagnosis, turn by turn; `answered` is called after each answered turn."""
    turns = []
    for number, text in enumerate(DIAGNOSIS):
        turn = Turn(f"{sender}-{number}", text)
        send(urls, (offset + number) if alternate else offset, sender, turn)
        turns.append(turn)
        if answered is not None:
            answered()
    return turns


def stored_turns(url: str, token: str, sender: str) -> list[tuple[str, str, int]]:
    """(message_id, text, number of bot messages after it) per stored user message."""
    response = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    assert response.status_code == 200, response.text
    turns: list[list] = []
    for event in response.json()["events"]:
        if event["event"] == "user":
            turns.append([event.get("message_id"), event.get("text"), 0])
        elif event["event"] == "bot" and turns:
            turns[-1][2] += 1
    return [tuple(t) for t in turns]


def assert_stored_once_in_order(url: str, token: str, sender: str, turns: list[Turn]) -> None:
    stored = stored_turns(url, token, sender)
    assert [(m, t) for m, t, _ in stored] == [(t.message_id, t.text) for t in turns], sender
    # No half turns: every stored message has the bot's answer stored with it.
    assert all(replies > 0 for _, _, replies in stored), stored
