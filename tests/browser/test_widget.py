"""The web widget in a real headless Chromium against the real Taai server.

One browser run (tests/browser/run.mjs, playwright-core) holds a whole conversation on
the demo page at /webhooks/taai/demo and reports every check as JSON; each check is one
test here, so a failure names what broke. The run:

- opens the page, checks the log (role=log, aria-live=polite), the labelled input and
  that localStorage holds only a session id;
- checks the Markdown renderer on hostile input (javascript: links, HTML);
- holds a diagnosis by typing a problem and clicking "Ja, grotendeels eens" and
  "Ja, dat is bekend", and sees the type in bold ("Gestructureerd");
- gives feedback on an answer (POST /webhooks/taai/feedback, 204, "Bedankt voor je feedback");
- reloads: the same messages come back from the server, and a button of the last one
  continues the conversation;
- sends `<img src=x onerror=alert(1)>`: shown as text, no img element, no dialog;
- does one turn with the keyboard only (Tab, typing, Enter, Shift+Tab, Enter);
- asks for the plan and downloads both links (HTML and Word);
- drops the connection: "Verbinding verbroken, opnieuw verbinden…", "Weer verbonden";
- runs axe-core (WCAG 2.1 A and AA tags): zero violations, also at 320 CSS px (400 %
  zoom), where nothing may scroll sideways;
- starts a new conversation.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

RUNNER = Path(__file__).with_name("run.mjs")
CHECKS = [
    "page_loads",
    "markdown_renderer_safe",
    "diagnosis_conversation",
    "feedback",
    "reload_continues",
    "markup_shown_as_text",
    "keyboard_only",
    "plan_download",
    "reconnect",
    "axe_wcag21aa",
    "reflow_320px",
    "new_conversation",
    "no_script_errors",
]


@pytest.fixture(scope="module")
def browser_run(server, chromium_path, widget_built, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("browser-run")
    done = subprocess.run(
        ["node", str(RUNNER), server.base_url, "--chromium", chromium_path, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"the browser run printed no result (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    if result.get("error"):
        pytest.fail(f"the browser run failed to set up: {result['error']}\n{done.stderr[-3000:]}")
    return result


@pytest.mark.parametrize("name", CHECKS)
def test_widget(browser_run, name):
    checks = {check["name"]: check for check in browser_run["checks"]}
    assert name in checks, f"check {name} did not run; ran: {sorted(checks)}"
    check = checks[name]
    screenshots = [s for s in browser_run["screenshots"] if name in Path(s).name]
    assert check["ok"], f"{check['detail']}\nscreenshots: {screenshots}"


def test_axe_found_no_wcag_violations(browser_run):
    """Every axe run (the conversation as shown, with the whole log in view, and at 320 px)
    reports zero violations."""
    assert set(browser_run["axe"]) == {"conversation", "whole log", "320px"}
    for label, found in browser_run["axe"].items():
        assert found["violations"] == [], f"{label}: {json.dumps(found['violations'], indent=1)}"


def test_feedback_is_stored_with_the_conversation(browser_run, server):
    """The helpful click reached the tracker of the widget's own conversation."""
    session_id, sent = browser_run["session_id"], browser_run["feedback"]
    assert session_id and sent, "the browser run gave no feedback"
    tracker = server.tracker(session_id)
    stored = tracker["slots"].get("feedback") or next(
        (e["value"] for e in reversed(tracker["events"]) if e.get("event") == "slot" and e.get("name") == "feedback"),
        None,
    )
    assert stored, "no feedback stored"
    assert any(
        entry.get("message_index") == sent["message_index"] and entry.get("helpful") is True for entry in stored
    ), stored


def test_widget_conversation_set_the_contract_slots(browser_run, server):
    """The conversation held through the widget is a real one: the diagnosis ran."""
    slots = server.tracker(browser_run["session_id"])["slots"]
    assert slots["value_consensus"] == "agree"
    assert slots["knowledge_certainty"] == "certain"
    assert slots["problem_type"] == "structured"
