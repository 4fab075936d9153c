"""bot/runtime/settings.py: every setting with its default, parsed and checked in one place."""

from __future__ import annotations

import stat
from dataclasses import fields
from pathlib import Path

import pytest

from bot.runtime.settings import (
    PROJECT_ROOT,
    VARIABLES,
    SettingError,
    Settings,
    api_token,
    cache_dir,
    ensure_api_token,
    ensure_token_file,
    is_set,
    load_settings,
    read,
    read_token_file,
    socket_jwt_method,
    web_dir,
)


def test_without_variables_every_setting_is_its_default():
    settings = load_settings({})
    assert settings == Settings()
    assert (settings.host, settings.port, settings.actions_port) == ("127.0.0.1", 5005, 5055)
    assert settings.var_dir == (PROJECT_ROOT / "var").resolve()
    assert settings.model_path == PROJECT_ROOT / "models" / "taai.tar.gz"
    assert settings.action_endpoint == "http://127.0.0.1:5055/webhook"
    assert not settings.production and not settings.socket_jwt_key_set


def test_every_settings_field_comes_from_a_declared_variable():
    mapped = {f.metadata["variable"] for f in fields(Settings) if f.metadata}
    assert mapped <= set(VARIABLES)
    assert {f.name for f in fields(Settings) if not f.metadata} == {"socket_jwt_key_set"}


def test_values_are_parsed_and_blank_means_the_default():
    environ = {
        "TAAI_PORT": " 6005 ",
        "TAAI_CORS_ORIGINS": "https://a.example, ,https://b.example",
        "TAAI_PROFILE": "production",
        "TAAI_VAR_DIR": "relative/var",
        "TAAI_HOST": "  ",
        "TAAI_SOCKET_JWT_KEY": "k",
    }
    settings = load_settings(environ)
    assert settings.port == 6005 and settings.host == "127.0.0.1"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.var_dir == Path("relative/var").resolve() and settings.var_dir.is_absolute()
    assert settings.production and settings.socket_jwt_key_set


@pytest.mark.parametrize(
    "name,value",
    [
        ("TAAI_PORT", "x"),
        ("TAAI_ACTIONS_PORT", "0"),
        ("TAAI_REDIS_DB", "16"),
        ("TAAI_PROFILE", "prod"),
        ("SANIC_REQUEST_MAX_SIZE", "2MB"),
        ("TAAI_RETENTION_INTERVAL", "-1"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(name, value):
    with pytest.raises(SystemExit, match=f"^error: {name}="):
        load_settings({name: value})
    with pytest.raises(SettingError, match=f"^{name}="):
        read(name, {name: value})


def test_the_sanic_variables_follow_the_profile():
    assert load_settings({"TAAI_SANIC_WORKERS": "3"}).sanic_environment == {
        "SANIC_WORKERS": "1",
        "SANIC_REQUEST_MAX_SIZE": str(2 * 1024 * 1024),
    }
    production = load_settings(
        {"TAAI_PROFILE": "production", "TAAI_SANIC_WORKERS": "3", "SANIC_REQUEST_MAX_SIZE": "4096"}
    )
    assert production.sanic_environment == {"SANIC_WORKERS": "3", "SANIC_REQUEST_MAX_SIZE": "4096"}


def test_values_read_when_used(tmp_path: Path):
    assert api_token({}) == "" and api_token({"BOT_API_TOKEN": " t0k "}) == "t0k"
    assert web_dir({}) == (PROJECT_ROOT / "web").resolve()
    assert web_dir({"TAAI_WEB_DIR": str(tmp_path)}) == tmp_path.resolve()
    assert cache_dir({"TAAI_CACHE_DIR": "~/mine"}) == Path.home() / "mine"
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "taai"
    assert cache_dir({}) == Path.home() / ".cache" / "taai"
    assert not is_set("TAAI_DB_PASSWORD", {"TAAI_DB_PASSWORD": " "})
    assert is_set("TAAI_DB_PASSWORD", {"TAAI_DB_PASSWORD": "pw"})


def test_the_socket_jwt_method_matters_only_with_a_key():
    assert socket_jwt_method({"TAAI_SOCKET_JWT_METHOD": "nonsense"}) is None
    assert socket_jwt_method({"TAAI_SOCKET_JWT_KEY": "k"}) == "HS256"
    assert socket_jwt_method({"TAAI_SOCKET_JWT_KEY": "k", "TAAI_SOCKET_JWT_METHOD": "RS256"}) == "RS256"
    with pytest.raises(SettingError, match="TAAI_SOCKET_JWT_METHOD"):
        socket_jwt_method({"TAAI_SOCKET_JWT_KEY": "k", "TAAI_SOCKET_JWT_METHOD": "none"})


def test_the_token_file_is_generated_once_and_private(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("BOT_API_TOKEN", raising=False)
    path = tmp_path / "var" / "api-token"
    assert read_token_file(path) == ""
    token = ensure_token_file(path)
    assert token and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_token_file(path) == read_token_file(path) == token
    settings = Settings(var_dir=tmp_path / "var")
    assert ensure_api_token(settings) == (token, str(path))
    monkeypatch.setenv("BOT_API_TOKEN", "from-env")
    assert ensure_api_token(settings) == ("from-env", "de omgevingsvariabele BOT_API_TOKEN")
