"""The generated endpoints file: one variable switches the profile; no secrets in it."""

from __future__ import annotations

import pytest
import yaml

from bot.runtime.channel_config import ChannelConfigError, build_credentials
from bot.runtime.endpoint_config import LOCK_STORE_CLASS, TRACKER_STORE_CLASS, build_endpoints, write_endpoints
from bot.runtime.settings import load_settings


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("TAAI_PROFILE", "TAAI_ACTION_ENDPOINT", "TAAI_DB_PASSWORD", "TAAI_REDIS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TAAI_VAR_DIR", str(tmp_path))
    return load_settings()


def test_embedded_profile_uses_sqlite_in_the_var_dir_and_no_lock_store(settings):
    endpoints = build_endpoints(settings, {})
    assert endpoints["tracker_store"] == {
        "type": TRACKER_STORE_CLASS,
        "dialect": "sqlite",
        "db": str(settings.tracker_db),
    }
    assert "lock_store" not in endpoints  # Rasa's in-memory lock: one process
    assert endpoints["action_endpoint"]["url"] == f"http://127.0.0.1:{settings.actions_port}/webhook"


def test_production_profile_uses_postgresql_and_the_atomic_redis_lock(settings, monkeypatch):
    monkeypatch.setenv("TAAI_PROFILE", "production")
    monkeypatch.setenv("TAAI_DB_HOST", "db.internal")
    monkeypatch.setenv("TAAI_REDIS_PORT", "6380")
    monkeypatch.setenv("TAAI_LOCK_LIFETIME", "30")
    monkeypatch.setenv("TAAI_ACTION_ENDPOINT", "http://actions:5055/webhook")
    production = load_settings()
    environ = {"TAAI_DB_PASSWORD": "s3cret-db", "TAAI_REDIS_PASSWORD": "s3cret-redis"}
    endpoints = build_endpoints(production, environ)
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["tracker_store"]["url"] == "db.internal"
    assert endpoints["lock_store"]["type"] == LOCK_STORE_CLASS
    assert endpoints["lock_store"]["port"] == 6380 and endpoints["lock_store"]["lock_lifetime"] == 30
    assert endpoints["action_endpoint"]["url"] == "http://actions:5055/webhook"

    written = write_endpoints(production, environ).read_text()
    assert "s3cret" not in written  # passwords stay ${VARIABLE} for Rasa to fill in
    parsed = yaml.safe_load(written)
    assert parsed["tracker_store"]["password"] == "${TAAI_DB_PASSWORD}"
    assert parsed["lock_store"]["password"] == "${TAAI_REDIS_PASSWORD}"


def test_an_unknown_profile_is_refused_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("TAAI_PROFILE", "prod")
    with pytest.raises(SystemExit, match="TAAI_PROFILE"):
        load_settings()


@pytest.mark.parametrize(
    "name,value",
    [
        ("TAAI_LOCK_LIFETIME", "0"),
        ("TAAI_RETENTION_DAYS", "veel"),
        ("TAAI_SANIC_WORKERS", "100"),
        ("TAAI_DB_PORT", "70000"),
    ],
)
def test_bad_numbers_are_refused_with_the_variable_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=name):
        load_settings()


def test_socket_jwt_is_required_only_when_a_key_is_set():
    base = {"bot.rasa_ext.channels.socketio.TaaiSocketIOInput": {"session_persistence": True}}
    assert "jwt_key" not in build_credentials(base, {})["bot.rasa_ext.channels.socketio.TaaiSocketIOInput"]
    socket = build_credentials(base, {"TAAI_SOCKET_JWT_KEY": "k"})["bot.rasa_ext.channels.socketio.TaaiSocketIOInput"]
    assert socket == {"session_persistence": True, "jwt_key": "${TAAI_SOCKET_JWT_KEY}", "jwt_method": "HS256"}
    with pytest.raises(ChannelConfigError, match="TAAI_SOCKET_JWT_METHOD"):
        build_credentials(base, {"TAAI_SOCKET_JWT_KEY": "k", "TAAI_SOCKET_JWT_METHOD": "none"})
