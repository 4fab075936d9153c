"""The widget's HTTP routes on the real server (/webhooks/taai/...): the plan as a page
and as a Word file, feedback stored with the conversation, static files and the demo
page. None of them needs the API token: these requests carry none.
"""

from __future__ import annotations

import http.client
import io
import os
import secrets
import urllib.parse
import uuid

import docx
import pytest
import requests
from rasa.shared.core.events import SlotSet
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.channels.web import stored_feedback
from tests.server_process import start_server, stop_server

EVIL = "<img src=x onerror=alert(1)>"
DESCRIPTION = f"We moeten kiezen waar de nieuwe daklozenopvang in de stad komt. {EVIL}"
HEADINGS = (
    "1. Het vraagstuk",
    "2. Type en waarom",
    "3. Aanpak",
    "4. Betrokkenen",
    "5. Participatieniveau",
    "6. Juridische route",
    "7. Fasen en eerstvolgende stappen",
    "8. Bewijs",
    "9. Risico's",
    "10. Bronnen",
)
INTRANET = "https://intranet.gemeente.example"  # a page that embeds the widget
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def long_id() -> str:
    return uuid.uuid4().hex


def get(server, path: str) -> requests.Response:
    return requests.get(f"{server.base_url}/webhooks/taai{path}", timeout=60)


def raw_get(server, path: str) -> int:
    """A GET with the path sent exactly as written ("../" included), as an attacker would."""
    host = urllib.parse.urlsplit(server.base_url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def feedback(server, body) -> requests.Response:
    kwargs = {"data": body} if isinstance(body, str) else {"json": body}
    return requests.post(f"{server.base_url}/webhooks/taai/feedback", timeout=60, **kwargs)


def feedback_events(server, session_id: str) -> list[dict]:
    return [e for e in server.tracker(session_id)["events"] if e["event"] == "slot" and e["name"] == "feedback"]


@pytest.fixture(scope="module")
def planned(server) -> str:
    """A conversation held over REST to a plan; its (long, random) session id."""
    session_id = long_id()
    server.say(session_id, DESCRIPTION)
    server.say(session_id, "nee, daar lopen de meningen sterk uiteen")
    server.say(session_id, "grotendeels wel")
    plan = "\n".join(r.get("text") or "" for r in server.say(session_id, "maak het plan"))
    assert "Het vraagstuk" in plan and "Bronnen" in plan, plan
    return session_id


# --- the plan --------------------------------------------------------------------------


def test_the_plan_page_is_complete_escaped_printable_and_private(server, planned):
    response = get(server, f"/plan/{planned}.html")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert html.lstrip().startswith("<!DOCTYPE html>") and "@media print" in html
    for heading in HEADINGS:
        assert heading in html, heading
    assert "moderately_structured" not in html and "Deels gestructureerd" in html
    assert EVIL not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the URL holds the session id
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_the_plan_downloads_as_an_editable_word_file(server, planned):
    response = get(server, f"/plan/{planned}.docx")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == DOCX_TYPE
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == list(HEADINGS)
    assert DESCRIPTION in [p.text for p in document.paragraphs]  # the user's text, as text


def test_a_conversation_without_a_plan_gets_404(server):
    session_id = long_id()
    server.say(session_id, "hoi")
    for extension in ("html", "docx"):
        response = get(server, f"/plan/{session_id}.{extension}")
        assert response.status_code == 404
        assert "niet gevonden" in response.text


@pytest.mark.parametrize(
    "name",
    [
        f"{uuid.uuid4().hex}.html",  # unknown
        f"{uuid.uuid4().hex}.docx",
        "kort.html",  # too short to be unguessable
        "abc123-abc123.html",  # 13 characters
        "%3Cscript%3Ealert(1)%3C%2Fscript%3Eaaaaaaaaaaaaaaaa.html",  # characters outside [A-Za-z0-9_-]
    ],
)
def test_unknown_or_guessable_plan_ids_get_the_same_404(server, name):
    response = get(server, f"/plan/{name}")
    assert response.status_code == 404
    assert response.text == "Dit plan is niet gevonden. Klopt de link? Of vraag Taai eerst om een plan."


def test_only_html_and_docx_are_served(server, planned):
    for extension in ("pdf", "md", "HTML", ""):
        assert get(server, f"/plan/{planned}.{extension}").status_code == 404
    assert get(server, f"/plan/{planned}").status_code == 404


def test_a_short_rest_conversation_is_not_reachable_even_with_a_plan(server):
    short = f"k-{uuid.uuid4().hex[:8]}"  # 10 characters
    server.say(short, DESCRIPTION)
    server.say(short, "nee, daar lopen de meningen sterk uiteen")
    server.say(short, "grotendeels wel")
    assert server.tracker(short)["slots"]["problem_type"] == "moderately_structured_values_contested"
    assert get(server, f"/plan/{short}.html").status_code == 404


# --- feedback --------------------------------------------------------------------------


def test_feedback_is_stored_with_the_conversation_and_the_conversation_goes_on(server):
    session_id = long_id()
    server.say(session_id, "hoi")

    first = feedback(server, {"session_id": session_id, "message_index": 1, "helpful": True})
    assert first.status_code == 204 and first.content == b""
    assert feedback(server, {"session_id": session_id, "message_index": 3, "helpful": False}).status_code == 204
    # Changing one's mind about message 1 replaces the earlier judgement.
    assert feedback(server, {"session_id": session_id, "message_index": 1, "helpful": False}).status_code == 204

    events = feedback_events(server, session_id)
    assert len(events) == 3  # every judgement is an event; the last one holds the whole list
    stored = events[-1]["value"]
    assert [(e["message_index"], e["helpful"]) for e in stored] == [(3, False), (1, False)]
    assert all(e["at"].endswith("+00:00") and "T" in e["at"] for e in stored)
    slots = server.tracker(session_id)["slots"]
    if "feedback" in slots:  # declared in domain.yml (as the model now being served has it)
        assert slots["feedback"] == stored

    after = server.say(session_id, "hoi")
    assert after and "Taai" in after[0]["text"]


@pytest.mark.parametrize(
    "body",
    [
        "dit is geen json",
        "[1, 2, 3]",
        {"session_id": "x" * 32, "message_index": "1", "helpful": True},
        {"session_id": "x" * 32, "message_index": -1, "helpful": True},
        {"session_id": "x" * 32, "message_index": 1.5, "helpful": True},
        {"session_id": "x" * 32, "message_index": True, "helpful": True},
        {"session_id": "x" * 32, "message_index": 1, "helpful": "ja"},
        {"session_id": "x" * 32, "message_index": 1, "helpful": None},
        {"session_id": 12345678901234567890, "message_index": 1, "helpful": True},
        {"message_index": 1, "helpful": True},
    ],
)
def test_malformed_feedback_gets_400_in_dutch(server, body):
    response = feedback(server, body)
    assert response.status_code == 400
    assert "klopt niet" in response.text


@pytest.mark.parametrize("session_id", [uuid.uuid4().hex, "kort", "../../etc/passwd-aaaaaaaaaaaa"])
def test_feedback_for_an_unknown_or_guessable_conversation_gets_404(server, session_id):
    response = feedback(server, {"session_id": session_id, "message_index": 0, "helpful": True})
    assert response.status_code == 404
    assert response.text == "Dit gesprek is niet gevonden."


# --- static files and the demo page ---------------------------------------------------


@pytest.fixture(scope="module")
def web_server(tmp_path_factory):
    """A second server whose web dir (TAAI_WEB_DIR) is a temporary directory, with CORS
    open to one intranet origin (TAAI_CORS_ORIGINS)."""
    web = tmp_path_factory.mktemp("web")
    (web / "dist" / "css").mkdir(parents=True)
    (web / "dist" / "taai-widget.js").write_text("console.log('taai');\n")
    (web / "dist" / "css" / "widget.css").write_text("body { color: black; }\n")
    (web / "dist" / "icon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (web / "dist" / ".env").write_text("SECRET=1\n")
    (web / "demo.html").write_text('<!DOCTYPE html><html lang="nl"><title>Taai demo</title></html>\n')
    (web / "outside-dist.txt").write_text("not for the web\n")
    settings = {"TAAI_WEB_DIR": str(web), "TAAI_CORS_ORIGINS": INTRANET}
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)  # start_server passes os.environ on to the launcher
    try:
        running = start_server(tmp_path_factory.mktemp("var-web"), secrets.token_urlsafe(24))
    finally:
        for name, value in previous.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    yield running
    stop_server(running.process)


@pytest.mark.parametrize(
    "path, content_type, text",
    [
        ("taai-widget.js", "text/javascript", "console.log"),
        ("css/widget.css", "text/css", "color: black"),
        ("icon.svg", "image/svg+xml", "<svg"),
    ],
)
def test_static_files_are_served_with_their_content_type(web_server, path, content_type, text):
    response = get(web_server, f"/static/{path}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert text in response.text


def test_the_demo_page_is_served(web_server):
    response = get(web_server, "/demo")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Taai demo" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/taai/static/missing.js",
        "/webhooks/taai/static/css",  # a directory
        "/webhooks/taai/static/.env",  # hidden files stay hidden
        "/webhooks/taai/static/../outside-dist.txt",
        "/webhooks/taai/static/..%2foutside-dist.txt",
        "/webhooks/taai/static/css/..%2F..%2Foutside-dist.txt",
        "/webhooks/taai/static/%2e%2e/outside-dist.txt",
        "/webhooks/taai/static/../../../../../../etc/passwd",
        "/webhooks/taai/static//etc/passwd",
        "/webhooks/taai/static/%2Fetc%2Fpasswd",
        "/webhooks/taai/static/taai-widget.js%00.txt",
    ],
)
def test_nothing_outside_dist_is_served(web_server, path):
    assert raw_get(web_server, path) == 404


def test_project_files_are_not_reachable_through_the_default_web_dir(server):
    # Without TAAI_WEB_DIR the files come from <project>/web/dist: two levels up is the project.
    for path in (
        "/webhooks/taai/static/../../credentials.yml",
        "/webhooks/taai/static/..%2f..%2fcredentials.yml",
        "/webhooks/taai/static/no-such-file.js",
    ):
        assert raw_get(server, path) == 404, path


# --- CORS: the widget embedded on another origin ---------------------------------------


def test_the_configured_origin_may_send_feedback_from_the_browser(web_server):
    preflight = requests.options(
        f"{web_server.base_url}/webhooks/taai/feedback",
        timeout=30,
        headers={
            "Origin": INTRANET,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers.get("Access-Control-Allow-Origin") == INTRANET
    response = requests.post(
        f"{web_server.base_url}/webhooks/taai/feedback",
        timeout=30,
        headers={"Origin": INTRANET},
        json={"session_id": uuid.uuid4().hex, "message_index": 0, "helpful": True},
    )
    assert response.status_code == 404  # no such conversation, but the browser may read the answer
    assert response.headers.get("Access-Control-Allow-Origin") == INTRANET


def test_another_origin_gets_no_cors_permission(web_server):
    response = requests.get(
        f"{web_server.base_url}/webhooks/taai/demo", timeout=30, headers={"Origin": "https://elders.example"}
    )
    assert "Access-Control-Allow-Origin" not in response.headers


# --- where earlier feedback is read from (real Rasa trackers, no server needed) --------


def _tracker_with_feedback(declared: bool) -> DialogueStateTracker:
    # The slot as domain.yml declares it: {type: any, influence_conversation: false, custom mapping}.
    slots = [AnySlot("feedback", mappings=[{"type": "custom"}], influence_conversation=False)] if declared else []
    tracker = DialogueStateTracker("s" * 32, slots)
    tracker.update(SlotSet("feedback", [{"message_index": 2, "helpful": True, "at": "2026-01-01T00:00:00+00:00"}]))
    return tracker


@pytest.mark.parametrize("declared", [True, False])
def test_earlier_feedback_is_found_whether_or_not_the_domain_declares_the_slot(declared):
    tracker = _tracker_with_feedback(declared)
    assert ("feedback" in tracker.slots) is declared
    assert stored_feedback(tracker) == [{"message_index": 2, "helpful": True, "at": "2026-01-01T00:00:00+00:00"}]
