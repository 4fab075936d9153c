"""Access control beyond the API token: CORS only for configured origins, and a
socket.io channel that, when TAAI_SOCKET_JWT_KEY is set, only talks to clients with a
JWT signed with that key (issue 5)."""

from __future__ import annotations

import asyncio
import secrets
import time

import jwt
import pytest
import requests
import socketio

from tests.server_process import start_server, stop_server

ALLOWED = "https://intranet.gemeente.example"
JWT_KEY = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory):
    running = start_server(
        tmp_path_factory.mktemp("locked"),
        secrets.token_urlsafe(24),
        {"TAAI_CORS_ORIGINS": ALLOWED, "TAAI_SOCKET_JWT_KEY": JWT_KEY},
    )
    yield running
    stop_server(running.process)


def _connect(url: str, token: str | None) -> bool:
    async def attempt() -> bool:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(
                url,
                socketio_path="/socket.io",
                transports=["polling"],
                auth={"token": token} if token else None,
                wait_timeout=30,
            )
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    return asyncio.run(attempt())


def test_socket_io_refuses_clients_without_a_valid_jwt(locked_server):
    url = locked_server.base_url
    assert not _connect(url, None)
    assert not _connect(url, jwt.encode({"sub": "tab"}, secrets.token_urlsafe(32), algorithm="HS256"))
    assert not _connect(url, jwt.encode({"sub": "tab", "exp": int(time.time()) - 60}, JWT_KEY, algorithm="HS256"))
    assert _connect(url, jwt.encode({"sub": "tab", "exp": int(time.time()) + 600}, JWT_KEY, algorithm="HS256"))


def test_the_jwt_key_is_not_written_anywhere(locked_server):
    for path in locked_server.var_dir.rglob("*"):
        if path.is_file():
            assert JWT_KEY not in path.read_text(errors="replace"), path


def test_cors_allows_only_the_configured_origin(locked_server):
    url = f"{locked_server.base_url}/webhooks/rest/webhook"
    body = {"sender": "cors-user", "message": "hoi"}
    allowed = requests.post(url, json=body, headers={"Origin": ALLOWED}, timeout=60)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED
    other = requests.post(url, json=body, headers={"Origin": "https://evil.example"}, timeout=60)
    assert other.headers.get("Access-Control-Allow-Origin") in (None, "")
