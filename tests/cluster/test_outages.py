"""PostgreSQL or Redis unreachable in the production profile: the client gets a clear
error (HTTP 503 with a Dutch message), nothing is stored half, and the conversation
goes on when the service is back (issue 6, robustness)."""

from __future__ import annotations

import time
import uuid

import requests

from bot.conversation.service_messages import STORAGE_UNAVAILABLE_NL
from tests.cluster.client import stored_turns

RECOVERY_S = 60


def _post(url: str, sender: str, text: str) -> requests.Response:
    return requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)


def _until_answered(url: str, sender: str, text: str) -> list[dict]:
    deadline = time.monotonic() + RECOVERY_S
    while True:
        response = _post(url, sender, text)
        if response.status_code == 200 and response.json():
            return response.json()
        assert response.status_code == 503, response.text  # refused clearly while recovering
        assert time.monotonic() < deadline, "no recovery after the service came back"
        time.sleep(1)


def _outage(cluster, service) -> None:
    url = cluster.replica_urls[0]
    sender = f"outage-{uuid.uuid4().hex[:10]}"
    assert _post(url, sender, "Wat doen we met de bijstand: vertrouwen of strenger controleren?").status_code == 200
    before = stored_turns(url, cluster.token, sender)

    service.stop()
    try:
        refused = _post(url, sender, "niet echt")
        assert refused.status_code == 503
        assert refused.json() == {"error": STORAGE_UNAVAILABLE_NL}
        assert refused.headers.get("Retry-After")
    finally:
        service.start()

    replies = _until_answered(url, sender, "niet echt")
    assert "zekerheid" in " ".join(r.get("text") or "" for r in replies)  # the form went on
    after = stored_turns(url, cluster.token, sender)
    assert after[: len(before)] == before  # nothing earlier lost
    assert [text for _, text, _ in after] == [text for _, text, _ in before] + ["niet echt"]  # stored once


def test_redis_down_is_a_clear_error_and_the_conversation_recovers(cluster):
    _outage(cluster, cluster.redis)


def test_postgresql_down_is_a_clear_error_and_the_conversation_recovers(cluster):
    _outage(cluster, cluster.postgres)
