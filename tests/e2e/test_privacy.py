"""Personal data never gets stored or logged, however a message enters (issue 6).

Against the shared server (tests/conftest.py: SQLite tracker store in
`server.var_dir / "tracker.db"`, logs in `server.var_dir / "logs"`), conversations
full of a client's personal data go in

- over REST (/webhooks/rest/webhook), through the diagnosis to the plan;
- over socket.io with a session id, as the widget does, to the plan, which is then
  downloaded as HTML and .docx, and the conversation replayed after a reload;
- over the HTTP API: POST /conversations/<id>/messages, POST and PUT
  /conversations/<id>/tracker/events, POST /model/parse;

and afterwards none of the personal values may be found: not in the SQLite file's
bytes, not in the `events.data` column, not in any file under the state directory
(logs included), not in what the bot sent, not in the plan. Numbers are also searched
without their separators ("1112.22.333" is found as "111222333").

What must be there instead: the placeholders ([NAAM], [BSN], ...), the policy context
("de gemeente Utrecht", "in de wijk Overvecht", "de bijstand"), a diagnosis that went
on as usual, and the one-sentence privacy notice: once per conversation, first.

"Vergeet dit gesprek" removes the conversation: no rows left for that sender, and
the tracker API shows nothing of what was said.

tests/e2e/test_privacy_channels.py and tests/cluster/test_privacy_postgres.py use the
search helpers below (`leaks`, `assert_no_leaks`) for the messaging channels and
PostgreSQL.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import sqlite3
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest
import requests

from bot.conversation.service_messages import PRIVACY_NOTICE_NL
from tests.e2e.test_socketio import WidgetSession

# --- the personal data, and how it is searched ------------------------------------------

# What a civil servant might paste about a client. Every value here must be gone.
PERSONAL_VALUES = (
    "Fatima",
    "el Amrani",
    "Amrani",
    "Jan de Vries",
    "de Vries",
    "Kerkstraat 12",
    "3511 AB",
    "06-12345678",
    "+31 20 123 4567",
    "fatima.elamrani@voorbeeld.nl",
    "elamrani@",
    "111222333",
    "1112.22.333",
    "NL91ABNA0417164300",
    "NL91 ABNA 0417 1643 00",
    "12-03-1985",
    "12 maart 1985",
)
# Numbers as they might be stored in another notation: digits only, without the
# trunk prefix ("0612345678", "+31612345678" and "06 12 34 56 78" all contain these).
DIGIT_FORMS = ("612345678", "201234567", "111222333", "0417164300", "12031985")

PLACEHOLDERS = ("[NAAM]", "[ADRES]", "[TELEFOONNUMMER]", "[E-MAILADRES]", "[BSN]", "[IBAN]", "[GEBOORTEDATUM]")
POLICY_CONTEXT = ("de gemeente Utrecht", "in de wijk Overvecht", "de bijstand")

_SEPARATORS = re.compile(r"[\s.\-/()\[\]\\|:+_,;]+")


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text.casefold())


_NEEDLES_FOLDED = tuple(dict.fromkeys(value.casefold() for value in PERSONAL_VALUES))
_NEEDLES_COMPACT = tuple(
    dict.fromkeys([_compact(v) for v in PERSONAL_VALUES if len(_compact(v)) >= 6] + list(DIGIT_FORMS))
)


def leaks(blob: str | bytes) -> list[str]:
    """The personal values (or their compact forms) found in a text, file or JSON."""
    if isinstance(blob, bytes):
        blob = blob.decode("utf-8", errors="replace")
    if not isinstance(blob, str):
        blob = json.dumps(blob, ensure_ascii=False)
    folded = blob.casefold()
    compact = _compact(blob)
    found = [needle for needle in _NEEDLES_FOLDED if needle in folded]
    found += [f"{needle} (compact)" for needle in _NEEDLES_COMPACT if needle in compact]
    return found


def _where(blob: str, needle: str, width: int = 80) -> str:
    index = blob.casefold().find(needle.casefold())
    return blob[max(0, index - width) : index + len(needle) + width] if index >= 0 else ""


def assert_no_leaks(blob: Any, what: str) -> None:
    found = leaks(blob)
    if found:
        text = (
            blob.decode("utf-8", errors="replace")
            if isinstance(blob, bytes)
            else blob
            if isinstance(blob, str)
            else json.dumps(blob, ensure_ascii=False)
        )
        context = _where(text, found[0].removesuffix(" (compact)"))
        pytest.fail(f"personal data in {what}: {found}" + (f"\n... {context!r} ..." if context else ""))


def assert_no_leaks_in_files(paths: Iterable[Path], what: str) -> int:
    """Search every file's raw bytes; returns how many files were searched."""
    searched = 0
    for path in paths:
        if path.is_file():
            assert_no_leaks(path.read_bytes(), f"{what}: {path}")
            searched += 1
    return searched


def texts_of(replies: Iterable[dict]) -> list[str]:
    return [reply.get("text") or "" for reply in replies]


def unescaped(text: str) -> str:
    """The bot quotes user text as escaped Markdown: \\[NAAM\\] is [NAAM]."""
    return text.replace("\\", "")


# --- the conversations ------------------------------------------------------------------

# The first message: a problem description full of a client's data, and the policy context.
DESCRIPTION = (
    "Mevrouw Fatima el Amrani (geboren op 12-03-1985, Kerkstraat 12, 3511 AB) zit in de bijstand "
    "van de gemeente Utrecht en woont in de wijk Overvecht. Ze is bereikbaar op 06-12345678 en via "
    "fatima.elamrani@voorbeeld.nl, BSN 111222333, IBAN NL91ABNA0417164300. Wat doen we met de "
    "bijstand: mensen vertrouwen geven of juist strenger controleren?"
)
# A later message with other personal data: the answer to "which rule is in the way?".
DEVIATION = (
    "de sollicitatieplicht: Jan de Vries, geboren op 12 maart 1985, BSN 1112.22.333, rekening "
    "NL91 ABNA 0417 1643 00, tel. +31 20 123 4567, krijgt daardoor steeds een boete"
)
ANSWERS = {
    "value_consensus": "niet echt",
    "knowledge_certainty": "nee, dat weten we niet",
    "policy_domain": "werk en inkomen",
    "initiator": "de gemeente",
    "deviation": DEVIATION,
}
PLAN_MARK = "Experimentplan"


@dataclass
class Conversation:
    """One conversation as the user saw it: each message and the bot's replies to it."""

    sender: str
    turns: list[tuple[str, list[dict]]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def replies(self) -> list[dict]:
        return [reply for _, replies in self.turns for reply in replies]

    def replies_to(self, message: str) -> list[dict]:
        return next(replies for sent, replies in self.turns if sent == message)


def walk_to_plan(say: Callable[[str], list[dict]], slots: Callable[[], dict], conversation: Conversation) -> None:
    """Describe the problem, answer both questions, ask about experimenting and answer
    what the routes form asks, then ask for the plan. Personal data goes in with the
    description and with the answer about the rule in the way (the deviation)."""

    def turn(message: str) -> list[dict]:
        replies = say(message)
        conversation.turns.append((message, replies))
        return replies

    first = texts_of(turn(DESCRIPTION))
    # Understood as a problem description: echoed back, and the form asks the first axis.
    assert any("Ik lees:" in text for text in first), first
    assert slots()["requested_slot"] == "value_consensus", first
    turn(ANSWERS["value_consensus"])
    turn(ANSWERS["knowledge_certainty"])
    assert slots()["problem_type"] == "unstructured"

    # Routes: the form asks what it cannot read from the description, at least the rule in the way.
    replies = turn("mogen we experimenteren?")
    for _ in range(4):
        if slots()["legal_routes"]:
            break
        asked = slots()["requested_slot"]
        assert asked in ANSWERS, (asked, texts_of(replies))
        replies = turn(ANSWERS[asked])
    assert slots()["legal_routes"], texts_of(replies)
    assert DEVIATION in [sent for sent, _ in conversation.turns], (
        "the routes form did not ask about the rule in the way; the second message with personal data was not sent"
    )

    replies = turn("maak het plan")
    assert any(PLAN_MARK in text for text in texts_of(replies)), texts_of(replies)


def notice_events(tracker: dict) -> list[dict]:
    return [
        e
        for e in tracker["events"]
        if e["event"] == "bot" and (e.get("metadata") or {}).get("taai") == "privacy_notice"
    ]


def user_events(tracker: dict) -> list[dict]:
    return [e for e in tracker["events"] if e["event"] == "user"]


def assert_notice_once_and_first(conversation: Conversation, tracker: dict) -> None:
    """Sent with the first message that had personal data, before the bot's answer, and never again."""
    sent = [text for text in texts_of(conversation.replies()) if text.strip() == PRIVACY_NOTICE_NL]
    assert len(sent) == 1, texts_of(conversation.replies())
    first = texts_of(conversation.replies_to(DESCRIPTION))
    assert first[0].strip() == PRIVACY_NOTICE_NL, first
    assert PRIVACY_NOTICE_NL not in [t.strip() for t in texts_of(conversation.replies_to(DEVIATION))]
    stored = notice_events(tracker)
    assert len(stored) == 1 and stored[0]["text"] == PRIVACY_NOTICE_NL
    # Stored with the first message: no other bot message of that turn comes before it.
    events = tracker["events"]
    notice_at = events.index(stored[0])
    first_user_at = next(i for i, e in enumerate(events) if e["event"] == "user")
    assert notice_at < first_user_at or all(e["event"] != "bot" for e in events[first_user_at:notice_at])


def assert_stored_with_placeholders(tracker: dict) -> None:
    users = user_events(tracker)
    description = next(e for e in users if "[BSN]" in (e.get("text") or ""))
    for placeholder in PLACEHOLDERS:
        assert placeholder in description["text"], (placeholder, description["text"])
    for context in POLICY_CONTEXT:
        assert context in description["text"], (context, description["text"])
    assert description["parse_data"]["text"] == description["text"]
    assert set(description["metadata"]["taai_redacted"]) == {
        "naam",
        "adres",
        "telefoonnummer",
        "e-mailadres",
        "bsn",
        "iban",
        "geboortedatum",
    }
    deviation = next(e for e in users if (e.get("text") or "").startswith("de sollicitatieplicht"))
    for placeholder in ("[NAAM]", "[GEBOORTEDATUM]", "[BSN]", "[IBAN]", "[TELEFOONNUMMER]"):
        assert placeholder in deviation["text"], (placeholder, deviation["text"])
    slots = tracker["slots"]
    for placeholder in PLACEHOLDERS:
        assert placeholder in slots["problem_description"], slots["problem_description"]
    for context in POLICY_CONTEXT:
        assert context in slots["problem_description"], slots["problem_description"]
    assert "[NAAM]" in slots["deviation"] and "[BSN]" in slots["deviation"], slots["deviation"]
    assert_no_leaks(tracker, "the tracker from the HTTP API")


def assert_echo_shows_placeholders(conversation: Conversation) -> None:
    echo = next(text for text in texts_of(conversation.replies_to(DESCRIPTION)) if "Ik lees:" in text)
    assert "[NAAM]" in unescaped(echo) and "[GEBOORTEDATUM]" in unescaped(echo), echo


def api(server, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{server.base_url}{path}", params={"token": server.token}, timeout=120, **kwargs)


def long_id() -> str:
    return uuid.uuid4().hex  # unguessable: the widget's session ids, and a plan may be downloaded


@pytest.fixture(scope="module")
def rest_talk(server) -> Conversation:
    conversation = Conversation(long_id())
    walk_to_plan(
        lambda text: server.say(conversation.sender, text),
        lambda: server.tracker(conversation.sender)["slots"],
        conversation,
    )
    return conversation


@pytest.fixture(scope="module")
def socket_talk(server) -> Conversation:
    conversation = Conversation(long_id())

    async def visit() -> None:
        tab = WidgetSession(server.base_url)
        assert await tab.open(conversation.sender) == conversation.sender
        loop = asyncio.get_running_loop()

        def say(text: str) -> list[dict]:
            # walk_to_plan is synchronous; the socket.io client lives on this loop.
            return asyncio.run_coroutine_threadsafe(tab.say(text), loop).result()

        def slots() -> dict:
            return server.tracker(conversation.sender)["slots"]

        try:
            await loop.run_in_executor(None, walk_to_plan, say, slots, conversation)
        finally:
            await tab.close()

        reload = WidgetSession(server.base_url)
        assert await reload.open(conversation.sender) == conversation.sender
        await reload.close()
        conversation.extra["history"] = reload.history

    asyncio.run(visit())
    for extension in ("html", "docx"):
        response = requests.get(f"{server.base_url}/webhooks/taai/plan/{conversation.sender}.{extension}", timeout=60)
        assert response.status_code == 200, response.text
        conversation.extra[extension] = response.content
    return conversation


# --- REST ---------------------------------------------------------------------------------


def test_rest_conversation_stores_placeholders_keeps_context_and_notices_once(server, rest_talk):
    tracker = server.tracker(rest_talk.sender)
    assert_stored_with_placeholders(tracker)
    assert_notice_once_and_first(rest_talk, tracker)
    assert_echo_shows_placeholders(rest_talk)
    assert tracker["slots"]["problem_type"] == "unstructured"
    assert tracker["slots"]["policy_domain"] and tracker["slots"]["initiator"]


def plan_text(conversation: Conversation) -> str:
    return unescaped("\n".join(texts_of(conversation.replies_to("maak het plan"))))


def test_rest_replies_and_plan_hold_no_personal_data(rest_talk):
    assert_no_leaks(rest_talk.replies(), "the bot's REST replies")
    plan = plan_text(rest_talk)
    assert PLAN_MARK in plan
    assert_no_leaks(plan, "the plan sent over REST")
    # The plan quotes the stored description and deviation: placeholders and context.
    assert "[NAAM]" in plan and "[BSN]" in plan and "gemeente Utrecht" in plan, plan


# --- socket.io, the widget ------------------------------------------------------------------


def test_socketio_conversation_stores_placeholders_and_notices_once(server, socket_talk):
    tracker = server.tracker(socket_talk.sender)
    assert_stored_with_placeholders(tracker)
    assert_notice_once_and_first(socket_talk, tracker)
    assert_echo_shows_placeholders(socket_talk)
    assert all(e.get("input_channel") == "socketio" for e in user_events(tracker))


def test_socketio_replies_replay_and_plan_downloads_hold_no_personal_data(socket_talk):
    assert_no_leaks(socket_talk.replies(), "the bot's socket.io messages")
    plan = plan_text(socket_talk)
    assert PLAN_MARK in plan and "[NAAM]" in plan and "gemeente Utrecht" in plan, plan

    history = socket_talk.extra["history"]
    first_user = next(m for m in history if m["sender"] == "user")
    assert "[NAAM]" in first_user["text"] and "de gemeente Utrecht" in first_user["text"]
    assert_no_leaks(history, "the history replayed after a reload")

    html = socket_talk.extra["html"].decode("utf-8")
    assert "[NAAM]" in html and "[BSN]" in html and "gemeente Utrecht" in html
    assert_no_leaks(html, "the plan as HTML")

    with zipfile.ZipFile(io.BytesIO(socket_talk.extra["docx"])) as docx:
        xml_names = [name for name in docx.namelist() if name.endswith((".xml", ".rels"))]
        assert "word/document.xml" in xml_names
        for name in xml_names:
            xml = docx.read(name).decode("utf-8", errors="replace")
            assert_no_leaks(xml, f"the plan as .docx: {name}")
            # Word may split a text over runs: search the text without the markup too.
            assert_no_leaks(re.sub(r"<[^>]+>", "", xml), f"the plan as .docx, text of {name}")
        body = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode("utf-8"))
    assert "[NAAM]" in body and "gemeente Utrecht" in body


def test_the_replay_shows_the_notice_after_the_message_it_is_about(socket_talk):
    """Live, the widget shows the user's message and then the notice about it; after a
    reload the replay must show them in that order too (hooks/redaction.py stores the notice
    "so a transcript shows it where the user saw it")."""
    history = socket_talk.extra["history"]
    notice_at = next(i for i, m in enumerate(history) if m["text"].strip() == PRIVACY_NOTICE_NL)
    first_user_at = next(i for i, m in enumerate(history) if m["sender"] == "user")
    assert first_user_at < notice_at, [(m["sender"], m["text"][:50]) for m in history[:4]]


# --- the HTTP API -----------------------------------------------------------------------------

API_MESSAGE = (
    "Jan de Vries (BSN 111222333, 06-12345678) woont aan de Kerkstraat 12 in de wijk Overvecht "
    "en ontvangt de bijstand van de gemeente Utrecht."
)
API_EVENT = (
    "Mevrouw Fatima el Amrani, geb. 12-03-1985, IBAN NL91 ABNA 0417 1643 00, mail "
    "fatima.elamrani@voorbeeld.nl: de gemeente Utrecht twijfelt over de bijstand."
)


def _user_event(text: str) -> dict:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"text": text, "intent": {"name": "describe_problem", "confidence": 1.0}, "entities": []},
    }


def test_http_api_messages_and_events_are_stored_with_placeholders(server):
    sender = long_id()
    added = api(server, "POST", f"/conversations/{sender}/messages", json={"text": API_MESSAGE, "sender": "user"})
    assert added.status_code == 200, added.text
    assert_no_leaks(added.text, "the answer to POST /conversations/<id>/messages")

    appended = api(server, "POST", f"/conversations/{sender}/tracker/events", json=[_user_event(API_EVENT)])
    assert appended.status_code == 200, appended.text
    assert_no_leaks(appended.text, "the answer to POST /conversations/<id>/tracker/events")
    one = api(server, "POST", f"/conversations/{sender}/tracker/events", json=_user_event(DEVIATION))
    assert one.status_code == 200, one.text  # one event, not a list

    tracker = server.tracker(sender)
    assert_no_leaks(tracker, "the tracker after the HTTP API added messages")
    texts = [e["text"] for e in user_events(tracker)]
    assert len(texts) == 3, texts
    assert "[NAAM]" in texts[0] and "[BSN]" in texts[0] and "[TELEFOONNUMMER]" in texts[0] and "[ADRES]" in texts[0]
    assert "in de wijk Overvecht" in texts[0] and "de gemeente Utrecht" in texts[0] and "de bijstand" in texts[0]
    assert (
        "[NAAM]" in texts[1] and "[GEBOORTEDATUM]" in texts[1] and "[IBAN]" in texts[1] and "[E-MAILADRES]" in texts[1]
    )
    assert "[NAAM]" in texts[2] and "[BSN]" in texts[2]
    assert all(e["parse_data"]["text"] == e["text"] for e in user_events(tracker))
    # The message went through NLU as text with placeholders: still understood.
    assert user_events(tracker)[0]["parse_data"]["intent"]["name"]

    # PUT sets a conversation's events: what it puts in is redacted too.
    other = long_id()
    replaced = api(server, "PUT", f"/conversations/{other}/tracker/events", json=[_user_event(API_MESSAGE)])
    assert replaced.status_code == 200, replaced.text
    assert_no_leaks(replaced.text, "the answer to PUT /conversations/<id>/tracker/events")
    tracker = server.tracker(other)
    assert_no_leaks(tracker, "the tracker after PUT /conversations/<id>/tracker/events")
    assert [e["text"] for e in user_events(tracker)] == [texts[0]]


def test_model_parse_sees_only_placeholders(server):
    parsed = api(server, "POST", "/model/parse", json={"text": API_MESSAGE})
    assert parsed.status_code == 200, parsed.text
    assert_no_leaks(parsed.text, "the answer to POST /model/parse")
    assert "[NAAM]" in parsed.json()["text"]


# --- everything stored and logged ------------------------------------------------------------


def _db_files(server) -> list[Path]:
    return sorted(server.var_dir.glob("tracker.db*"))  # the file, and a journal or WAL when there is one


def test_nothing_personal_in_the_database_file_the_events_or_the_logs(server, rest_talk, socket_talk):
    # Runs after the conversations above (and the API tests, in file order).
    db_files = _db_files(server)
    assert server.var_dir / "tracker.db" in db_files
    assert_no_leaks_in_files(db_files, "the SQLite file")
    # The raw search does see the stored conversations, so it would see a leak.
    raw = (server.var_dir / "tracker.db").read_bytes()
    assert rest_talk.sender.encode() in raw and b"[BSN]" in raw and b"de gemeente Utrecht" in raw

    with sqlite3.connect(server.var_dir / "tracker.db", timeout=30) as db:
        rows = db.execute("SELECT sender_id, type_name, data FROM events").fetchall()
    ours = {rest_talk.sender, socket_talk.sender}
    assert {sender for sender, _, _ in rows} >= ours
    for sender, type_name, data in rows:
        assert_no_leaks(data, f"events.data ({type_name}) of {sender}")
    stored_users = [
        json.loads(data)["text"] for sender, type_name, data in rows if sender in ours and type_name == "user"
    ]
    assert sum("[BSN]" in text and "[IBAN]" in text for text in stored_users) == 4  # 2 per conversation
    assert all(context in "\n".join(stored_users) for context in POLICY_CONTEXT)

    logs = server.var_dir / "logs"
    log_files = sorted(p for p in logs.rglob("*") if p.is_file())
    assert log_files, f"no logs under {logs}"
    assert_no_leaks_in_files(log_files, "a log file")
    # And whatever else is in the state directory: the launcher's output, generated files.
    others = [p for p in server.var_dir.rglob("*") if p.is_file() and p not in db_files and p not in log_files]
    assert_no_leaks_in_files(others, "the state directory")


# --- "vergeet dit gesprek" --------------------------------------------------------------------

FORGOTTEN = "Ik heb dit gesprek gewist"


def _rows(server, sender: str) -> list[tuple[str, str]]:
    with sqlite3.connect(server.var_dir / "tracker.db", timeout=30) as db:
        return db.execute("SELECT type_name, data FROM events WHERE sender_id = ?", (sender,)).fetchall()


@pytest.fixture(scope="module")
def forgotten(server) -> dict:
    """A diagnosed conversation with personal data and a word found nowhere else, then forgotten."""
    sender = long_id()
    marker = f"projectcode{uuid.uuid4().hex[:12]}"
    first = server.say(sender, f"{DESCRIPTION} Het gaat om {marker}.")
    assert PRIVACY_NOTICE_NL in [t.strip() for t in texts_of(first)]
    server.say(sender, ANSWERS["value_consensus"])
    server.say(sender, ANSWERS["knowledge_certainty"])
    assert server.tracker(sender)["slots"]["problem_type"] == "unstructured"
    assert any(marker in data for _, data in _rows(server, sender)), "the conversation was not stored at all"
    replies = server.say(sender, "vergeet dit gesprek")
    return {"sender": sender, "marker": marker, "replies": replies, "rows": _rows(server, sender)}


def test_forget_deletes_every_stored_event_and_confirms_in_dutch(server, forgotten):
    assert forgotten["rows"] == [], "events of a forgotten conversation are still in the SQLite file"
    assert FORGOTTEN in "\n".join(texts_of(forgotten["replies"])), texts_of(forgotten["replies"])
    assert_no_leaks(forgotten["replies"], "the reply to 'vergeet dit gesprek'")
    # Asked afterwards (which may start a new, empty session), nothing of it comes back.
    tracker = server.tracker(forgotten["sender"])
    assert [e.get("text") for e in user_events(tracker)] == []
    assert forgotten["marker"] not in json.dumps(tracker)
    assert tracker["slots"]["problem_description"] is None


def test_a_forgotten_conversation_leaves_no_readable_trace_in_the_sqlite_file(server, forgotten):
    """'Meteen gewist uit de opslag' (docs/privacy.md): the deleted rows' bytes must not
    stay readable in the database file's free pages. (Debian's SQLite is built with
    secure_delete on, which zeroes them; a build without it would fail here.)"""
    for path in _db_files(server):
        assert forgotten["marker"].encode() not in path.read_bytes(), (
            f"the text of a forgotten conversation is still readable in {path.name}"
        )


def test_forget_in_the_middle_of_the_diagnosis_is_confirmed_too(server):
    """While the diagnosis form asks its questions, "vergeet dit gesprek" must be
    confirmed as well: the user has to know the conversation is gone."""
    sender = long_id()
    server.say(sender, DESCRIPTION)
    assert server.tracker(sender)["slots"]["requested_slot"] == "value_consensus"
    replies = texts_of(server.say(sender, "vergeet dit gesprek"))
    assert _rows(server, sender) == []
    assert FORGOTTEN in "\n".join(replies), replies


# --- text that only looks like a button payload ------------------------------------------------

SLASHED = "/ Mevrouw Fatima el Amrani heeft BSN 111222333 en vraagt om meer hulp bij de bijstand"


def test_text_that_merely_starts_with_a_slash_is_redacted_too(server):
    """Only a real slash command (an intent name, maybe with JSON entities: the buttons)
    is exempt (bot/privacy: _SLASH_COMMAND). A typed text that happens to start with
    "/" is not one: Rasa itself falls back to NLU for it ("Continuing with given line as
    user text"), and it must be redacted like any text, before it is stored or logged."""
    sender = long_id()
    replies = server.say(sender, SLASHED)
    api(server, "POST", f"/conversations/{sender}/messages", json={"text": SLASHED, "sender": "user"})
    stored = [e.get("text") for e in user_events(server.tracker(sender))]
    log_files = sorted(p for p in (server.var_dir / "logs").rglob("*") if p.is_file())
    found = {
        what: leaks(blob)
        for what, blob in [
            ("the replies", replies),
            ("the stored texts (REST, then POST /conversations/<id>/messages)", stored),
            *((f"log {path.name}", path.read_bytes()) for path in log_files),
        ]
    }
    found = {what: values for what, values in found.items() if values}
    assert not found, f"personal data in a text that starts with '/': {found}; stored: {stored}"
