"""`make run` contract: both servers on loopback, SQLite under the state directory,
the HTTP API behind the token, and Ctrl-C stops everything."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys

import requests

from tests.server_process import ROOT, children_of, launcher_env, start_server, stop_server


def test_answers_on_the_rest_channel(server, sender):
    replies = server.say(sender, "hoi")
    assert replies and "Taai" in replies[0]["text"]


def test_conversation_is_stored_in_sqlite_under_var(server, sender):
    server.say(sender, "hallo")
    db = server.var_dir / "tracker.db"
    assert db.exists()
    with sqlite3.connect(db) as connection:
        count = connection.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]
    assert count > 0


def test_http_api_requires_the_token(server, sender):
    server.say(sender, "hoi")
    url = f"{server.base_url}/conversations/{sender}/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    tracker = server.tracker(sender)
    assert tracker["sender_id"] == sender


def test_banner_never_prints_the_token(server):
    text = server.output.read_text(errors="replace")
    assert "Taai draait" in text and "/webhooks/rest/webhook" in text
    assert server.token not in text
    assert server.token not in (server.var_dir / "logs" / "rasa.log").read_text(errors="replace")


def test_generated_token_file_is_private_and_survives_restart(tmp_path):
    """Without BOT_API_TOKEN a token is generated into a file only the user can read,
    and a conversation survives a restart (SQLite)."""
    first = start_server(tmp_path, token=None)
    try:
        token_file = tmp_path / "api-token"
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        token = token_file.read_text().strip()
        assert token and token not in first.output.read_text(errors="replace")
        assert str(token_file) in first.output.read_text(errors="replace")
        first.token = token
        first.say("restart-user", "hoi")
        before = len(first.tracker("restart-user")["events"])
    finally:
        assert stop_server(first.process) == 0
    second = start_server(tmp_path, token=None)
    try:
        second.token = (tmp_path / "api-token").read_text().strip()
        assert second.token == token
        events = second.tracker("restart-user")["events"]
        assert len(events) >= before
        assert any(e.get("event") == "user" and e.get("text") == "hoi" for e in events)
    finally:
        stop_server(second.process)


def test_a_conversation_exports_as_a_markdown_transcript(server, sender):
    import subprocess
    import sys
    from urllib.parse import urlparse

    server.say(sender, "hoi")
    env = dict(os.environ, TAAI_PORT=str(urlparse(server.base_url).port), BOT_API_TOKEN=server.token)
    result = subprocess.run(
        [sys.executable, "-m", "bot.export.transcript", sender], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "**Gebruiker:** hoi" in result.stdout and "**Taai:** Hoi! Ik ben Taai" in result.stdout


def _child_pid(parent: int, marker: str) -> int:
    """The child process of `parent` whose command line contains `marker` (from /proc)."""
    found = children_of(parent, marker)
    assert found, f"no child of {parent} runs {marker}"
    return found[0]


def _shape(events):
    return [(e.get("event"), e.get("name"), e.get("text"), e.get("value"), e.get("timestamp")) for e in events]


def test_a_conversation_survives_kill_9_of_the_rasa_server(tmp_path):
    import secrets
    import signal

    token = secrets.token_urlsafe(24)
    sender = "kill-9-user"
    first = start_server(tmp_path, token=token)
    try:
        first.say(sender, "Veel jongeren in onze gemeente verlaten school zonder diploma. Wat moeten we doen?")
        first.say(sender, "ja hoor")
        before = first.tracker(sender)["events"]
        os.kill(_child_pid(first.process.pid, "bot.rasa_ext.server"), signal.SIGKILL)
        first.process.wait(timeout=60)  # the launcher notices, stops the action server and exits
        assert first.process.returncode != 0
    finally:
        stop_server(first.process)
    second = start_server(tmp_path, token=token)
    try:
        after = second.tracker(sender)["events"]
        assert _shape(after[: len(before)]) == _shape(before)  # every earlier event, in order
        second.say(sender, "ja, het is bewezen effectief")
        assert second.tracker(sender)["slots"]["problem_type"] == "structured"  # and it goes on
    finally:
        stop_server(second.process)


def test_make_shell_talks_to_the_same_server_with_its_hooks(tmp_path):
    """`make shell` (launcher --shell) chats over the REST channel of the real server, so
    personal data is redacted before storage, as in every other channel (rasa shell
    would store it as typed), and a typed number picks a button."""
    env, _ = launcher_env(tmp_path, token=None)
    typed = "hoi\nIk ben Jan de Vries, mijn BSN is 111222333.\n1\n/stop\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot.runtime.launcher", "--shell"],
        input=typed,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Taai: " in result.stdout and "[1] " in result.stdout
    with sqlite3.connect(tmp_path / "tracker.db") as connection:
        rows = connection.execute("select sender_id, data from events where type_name = 'user'").fetchall()
    assert len({sender for sender, _ in rows}) == 1 and rows[0][0].startswith("shell-")
    stored = " ".join(data for _, data in rows)
    assert len(rows) == 3  # the button's payload came in as the third message
    assert "111222333" not in stored and "Vries" not in stored
