"""The action server goes down in the middle of a conversation: the user gets a clear
Dutch message instead of silence, and the conversation goes on where it was once the
action server is back (issue 6, robustness)."""

from __future__ import annotations

import os
import secrets
import sys

import requests

from bot.conversation.service_messages import ACTION_SERVER_UNAVAILABLE_NL
from bot.runtime.processes import QUIET_ENV, free_port
from ops.cluster import Child, wait_ready
from tests.server_process import MODEL, ROOT


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_a_conversation_survives_the_action_server_going_down(tmp_path):
    assert MODEL.exists()
    token, actions_port, rasa_port = secrets.token_urlsafe(16), free_port(), free_port()
    env = dict(
        os.environ,
        **QUIET_ENV,
        PYTHONPATH=str(ROOT),
        SANIC_HOST="127.0.0.1",
        TAAI_VAR_DIR=str(tmp_path / "var"),
        TAAI_PORT=str(rasa_port),
        BOT_API_TOKEN=token,
        TAAI_ACTION_ENDPOINT=f"http://127.0.0.1:{actions_port}/webhook",
    )
    env.pop("TAAI_PROFILE", None)
    actions = Child(
        "actions",
        actions_port,
        f"http://127.0.0.1:{actions_port}/health",
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
        env,
        tmp_path / "actions.log",
    )
    rasa = Child(
        "rasa",
        rasa_port,
        f"http://127.0.0.1:{rasa_port}/",
        [sys.executable, "-m", "bot.rasa_ext.server"],
        env,
        tmp_path / "rasa.log",
    )
    url = f"{rasa.url}/webhooks/rest/webhook"

    def say(text: str) -> list[dict]:
        response = requests.post(url, json={"sender": "down-user", "message": text}, timeout=120)
        assert response.status_code == 200, response.text
        return response.json()

    def slots() -> dict:
        return requests.get(f"{rasa.url}/conversations/down-user/tracker", params={"token": token}, timeout=30).json()[
            "slots"
        ]

    try:
        actions.start()
        rasa.start()
        wait_ready([actions, rasa])
        say("Wat doen we met de bijstand: mensen vertrouwen geven of juist strenger controleren?")
        assert slots()["requested_slot"] == "value_consensus"

        actions.stop()
        down = say("niet echt")
        assert _texts(down) == ACTION_SERVER_UNAVAILABLE_NL  # one clear message, not silence
        assert slots()["requested_slot"] == "value_consensus"  # the form waits where it was

        actions.start()
        wait_ready([actions])
        again = say("niet echt")
        assert ACTION_SERVER_UNAVAILABLE_NL not in _texts(again)
        assert slots()["value_consensus"] == "disagree"
        say("nee, dat weten we niet")
        assert slots()["problem_type"] == "unstructured"
    finally:
        rasa.stop()
        actions.stop()
