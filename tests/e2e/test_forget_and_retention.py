"""Storage limitation end to end: the real server (bot.runtime.launcher) deletes conversations.

- Retention: a server with TAAI_RETENTION_INTERVAL=1 and TAAI_RETENTION_DAYS=30. One
  conversation is aged by moving its timestamps 31 days back in the SQLite file; the
  cleanup must remove exactly that one within a few seconds, and nothing younger.
- "Vergeet dit gesprek": the bot confirms, and the stored conversation is gone right
  after that turn, also in the middle of the diagnosis questions. Said in other words
  ("hoe lang bewaren jullie mijn gegevens?"), the bot asks first and deletes nothing
  until the button is pressed.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
import uuid

import pytest

from tests.server_process import Server, start_server, stop_server

DAY = 24 * 60 * 60
FORGOTTEN = "Ik heb dit gesprek gewist"
ASKS_FIRST = "Wil je dat ik dit gesprek nu wis?"
DESCRIPTION = (
    "Steeds meer jongeren in onze gemeente verlaten school zonder diploma. "
    "Het onderwijs, de jeugdzorg en werkgevers wijzen naar elkaar."
)


@pytest.fixture(scope="module")
def retention_server(tmp_path_factory) -> Server:
    patch = pytest.MonkeyPatch()
    patch.setenv("TAAI_RETENTION_INTERVAL", "1")
    patch.setenv("TAAI_RETENTION_DAYS", "30")
    try:  # start_server passes the test process's environment on to the launcher
        running = start_server(tmp_path_factory.mktemp("var-retention"), secrets.token_urlsafe(24))
    finally:
        patch.undo()
    yield running
    stop_server(running.process)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def connect(server: Server) -> sqlite3.Connection:
    return sqlite3.connect(server.var_dir / "tracker.db", timeout=30)


def event_count(server: Server, sender: str) -> int:
    with connect(server) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()
    return count


def age(server: Server, sender: str, days: float) -> None:
    """Move every event of one conversation `days` back in time, as if it were that old."""
    with connect(server) as db:
        db.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (days * DAY, sender))


def wait_until(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def test_the_cleanup_deletes_exactly_the_expired_conversation(retention_server):
    server = retention_server
    expired, almost, fresh = new_sender(), new_sender(), new_sender()
    for sender in (expired, almost, fresh):
        assert server.say(sender, "hoi")
        assert server.say(sender, DESCRIPTION)
        assert event_count(server, sender) > 0

    age(server, almost, 29)
    age(server, expired, 31)

    assert wait_until(lambda: event_count(server, expired) == 0), "the expired conversation was not deleted"
    time.sleep(2.5)  # two more runs of the cleanup
    assert event_count(server, almost) > 0
    assert event_count(server, fresh) > 0

    log = (server.var_dir / "logs" / "rasa.log").read_text(encoding="utf-8", errors="replace")
    retention_lines = [line for line in log.splitlines() if "Retention cleanup" in line]
    assert any("deleted 1 conversation" in line for line in retention_lines), retention_lines[-5:]
    for sender in (expired, almost, fresh):
        assert all(sender not in line for line in retention_lines)
    # Deleted means deleted: what the user wrote must not live on in the server log
    # (Rasa's structlog prints message texts and slots at debug level when unconfigured).
    assert "school zonder diploma" not in log

    # Coming back after the deletion is a new conversation, without the old turns.
    assert server.say(expired, "hoi")
    with connect(server) as db:
        stored = [
            row[0]
            for row in db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (expired,))
        ]
    assert len(stored) == 1 and "school zonder diploma" not in stored[0]


def test_a_running_cleanup_does_not_disturb_conversations(retention_server):
    server = retention_server
    sender = new_sender()
    replies = server.say(sender, DESCRIPTION)
    assert replies
    time.sleep(1.5)
    replies = server.say(sender, "ja, daar is iedereen het over eens")
    assert replies
    slots = server.tracker(sender)["slots"]
    assert slots["value_consensus"] == "agree"


def test_forget_after_a_diagnosis_deletes_the_conversation(retention_server):
    server = retention_server
    sender = new_sender()
    server.say(sender, DESCRIPTION)
    server.say(sender, "ja")
    server.say(sender, "nee, niemand weet wat werkt")
    assert event_count(server, sender) > 0

    replies = server.say(sender, "Vergeet dit gesprek, alsjeblieft.")

    assert FORGOTTEN in texts(replies)
    assert event_count(server, sender) == 0
    # The next message starts from scratch: no slots of the old diagnosis.
    server.say(sender, "hoi")
    slots = server.tracker(sender)["slots"]
    assert slots["problem_description"] is None and slots["problem_type"] is None


def test_forget_in_the_middle_of_the_diagnosis_questions(retention_server):
    server = retention_server
    sender = new_sender()
    server.say(sender, DESCRIPTION)  # the form now asks about the values

    replies = server.say(sender, "wis dit gesprek")

    assert FORGOTTEN in texts(replies)
    assert event_count(server, sender) == 0
    server.say(sender, "hoi")
    tracker = server.tracker(sender)
    assert not (tracker["active_loop"] or {}).get("name")
    assert tracker["slots"]["problem_description"] is None


def test_a_question_about_storage_asks_first_and_the_button_deletes(retention_server):
    server = retention_server
    sender = new_sender()
    server.say(sender, DESCRIPTION)
    stored = event_count(server, sender)

    replies = server.say(sender, "hoe lang bewaren jullie mijn gegevens?")

    assert ASKS_FIRST in texts(replies)
    assert FORGOTTEN not in texts(replies)
    assert event_count(server, sender) > stored  # nothing deleted, the turn was stored
    button = next(b for r in replies for b in r.get("buttons") or [] if b["title"] == "Wis dit gesprek")

    replies = server.say(sender, button["payload"])

    assert FORGOTTEN in texts(replies)
    assert event_count(server, sender) == 0


@pytest.mark.parametrize(
    "text", ["vergeten", "ik wil mijn gegevens inzien", "verwijder de laatste zin", "ik vergeet steeds dingen"]
)
def test_only_the_command_deletes(retention_server, text):
    # Messages that NLU may take for the command (measured); deleting cannot be undone.
    server = retention_server
    sender = new_sender()
    server.say(sender, DESCRIPTION)

    replies = server.say(sender, text)

    assert FORGOTTEN not in texts(replies)
    assert event_count(server, sender) > 0
