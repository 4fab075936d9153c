"""Personal data is not stored in PostgreSQL or logged by the replicas (issue 6).

The production profile (tests/cluster/conftest.py: PostgreSQL, Redis, two replicas,
nginx): a REST conversation through nginx, with a client's personal data in the
problem description and in a later answer, walked to the plan. Then every event's
`data` in the tracker database is searched, and every file the cluster wrote (the
replicas' and action servers' logs, nginx, PostgreSQL's own log, and PostgreSQL's data
files as raw bytes). Finally "vergeet dit gesprek" leaves no row of that sender.
The search is the one of tests/e2e/test_privacy.py.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import requests

from bot.conversation.service_messages import PRIVACY_NOTICE_NL
from tests.e2e.test_privacy import (
    DIGIT_FORMS,
    PERSONAL_VALUES,
    PLACEHOLDERS,
    POLICY_CONTEXT,
    Conversation,
    assert_no_leaks,
    assert_no_leaks_in_files,
    texts_of,
    walk_to_plan,
)


def _say(cluster, sender: str, text: str) -> list[dict]:
    response = requests.post(
        f"{cluster.nginx_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=180
    )
    assert response.status_code == 200, response.text
    return response.json()


def _tracker(cluster, sender: str) -> dict:
    response = requests.get(
        f"{cluster.nginx_url}/conversations/{sender}/tracker", params={"token": cluster.token}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()


def _events(cluster, sender: str | None = None) -> list[tuple[str, str, str]]:
    connection = cluster.postgres.connect()
    try:
        with connection.cursor() as cursor:
            if sender is None:
                cursor.execute("SELECT sender_id, type_name, data FROM events")
            else:
                cursor.execute("SELECT sender_id, type_name, data FROM events WHERE sender_id = %s", (sender,))
            return cursor.fetchall()
    finally:
        connection.close()


# Raw data files are large and binary: a plain byte search for the values as typed
# and their digit forms (no normalisation of separators).
_RAW_NEEDLES = tuple({v.casefold().encode() for v in PERSONAL_VALUES} | {d.encode() for d in DIGIT_FORMS})


def _raw_hits(path: Path) -> list[str]:
    try:
        data = path.read_bytes().lower()
    except OSError:  # a socket, or a file PostgreSQL keeps to itself
        return []
    return [needle.decode() for needle in _RAW_NEEDLES if needle in data]


def test_a_conversation_through_nginx_leaves_no_personal_data_in_postgres_or_logs(cluster):
    conversation = Conversation(f"privacy-{uuid.uuid4().hex}")
    walk_to_plan(
        lambda text: _say(cluster, conversation.sender, text),
        lambda: _tracker(cluster, conversation.sender)["slots"],
        conversation,
    )

    # What the user saw: the notice once, first; no personal data.
    replies = texts_of(conversation.replies())
    assert [t.strip() for t in replies].count(PRIVACY_NOTICE_NL) == 1
    assert texts_of(conversation.turns[0][1])[0].strip() == PRIVACY_NOTICE_NL
    assert_no_leaks(conversation.replies(), "the bot's replies through nginx")

    # Every event in PostgreSQL, of every conversation.
    rows = _events(cluster)
    assert rows
    for sender, type_name, data in rows:
        assert_no_leaks(data, f"events.data ({type_name}) of {sender} in PostgreSQL")
    ours = [json.loads(data) for sender, type_name, data in rows if sender == conversation.sender]
    user_texts = [event["text"] for event in ours if event.get("event") == "user"]
    description = next(text for text in user_texts if "[BSN]" in text)
    for placeholder in PLACEHOLDERS:
        assert placeholder in description, (placeholder, description)
    for context in POLICY_CONTEXT:
        assert context in description, (context, description)
    assert any(text.startswith("de sollicitatieplicht: [NAAM]") for text in user_texts), user_texts
    notices = [e for e in ours if e.get("event") == "bot" and (e.get("metadata") or {}).get("taai") == "privacy_notice"]
    assert len(notices) == 1
    slots = _tracker(cluster, conversation.sender)["slots"]
    assert "[NAAM]" in slots["problem_description"] and "[BSN]" in slots["deviation"]

    # Every file the cluster wrote: the replicas' logs, the action servers', nginx's.
    written = sorted(p for p in cluster.work_dir.rglob("*") if p.is_file() and "pgdata" not in p.parts)
    logs = [p for p in written if p.parent == cluster.work_dir / "logs"]
    assert any(p.name.startswith("rasa-") for p in logs), written
    assert_no_leaks_in_files(logs, "a replica's log")
    assert_no_leaks_in_files([p for p in written if p not in logs], "the cluster's work directory")

    # PostgreSQL itself: its log, and its data files and WAL as raw bytes.
    data_dir = Path(cluster.postgres.data_dir)
    assert assert_no_leaks_in_files([data_dir / "postgres.log"], "PostgreSQL's log") == 1
    hits, sender_seen = {}, False
    for root, _dirs, files in os.walk(data_dir / "pgdata"):
        for name in files:
            path = Path(root) / name
            found = _raw_hits(path)
            if found:
                hits[str(path)] = found
            if not sender_seen and path.is_file():
                sender_seen = conversation.sender.encode() in path.read_bytes()
    assert not hits, f"personal data in PostgreSQL's files: {hits}"
    # The raw search does see the conversation (WAL and tables), so it would see a leak.
    assert sender_seen, "the conversation was not found in PostgreSQL's files at all"


FORGET_DESCRIPTION = (
    "Mevrouw Fatima el Amrani (BSN 111222333) in de wijk Overvecht wil dat de gemeente Utrecht "
    "de bijstand anders regelt. Wat doen we: mensen vertrouwen geven of juist strenger controleren?"
)


def test_forget_removes_every_row_of_the_conversation_from_postgres(cluster):
    sender = f"privacy-{uuid.uuid4().hex}"
    for text in (FORGET_DESCRIPTION, "niet echt", "nee, dat weten we niet"):
        assert_no_leaks(_say(cluster, sender, text), "the bot's replies through nginx")
    assert _tracker(cluster, sender)["slots"]["problem_type"] == "unstructured"
    assert any(type_name == "user" for _, type_name, _ in _events(cluster, sender))

    replies = texts_of(_say(cluster, sender, "vergeet dit gesprek"))
    assert "Ik heb dit gesprek gewist" in "\n".join(replies), replies
    assert _events(cluster, sender) == []
