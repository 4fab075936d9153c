"""bot/runtime/channel_config.py: which channels are on, and the credentials file it writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from bot.runtime.channel_config import (
    BASE_CREDENTIALS,
    CHANNELS,
    ChannelConfigError,
    build_credentials,
    configured_channels,
    describe_channels,
    read_base_credentials,
    render_credentials,
    write_credentials,
)
from bot.runtime.settings import Settings

SECRETS = {
    "TELEGRAM_ACCESS_TOKEN": "123456:telegram-secret-value",
    "SLACK_TOKEN": "xoxb-slack-secret-value",
    "SLACK_SIGNING_SECRET": "slack-signing-secret-value",
    "MATTERMOST_TOKEN": "mattermost-secret-value",
    "MATTERMOST_WEBHOOK_TOKEN": "mattermost-webhook-secret-value",
    "BOTFRAMEWORK_APP_PASSWORD": "botframework-secret~value",
    "TWILIO_AUTH_TOKEN": "twilio-secret-value",
}

FULL = {
    "telegram": {
        "TELEGRAM_ACCESS_TOKEN": SECRETS["TELEGRAM_ACCESS_TOKEN"],
        "TELEGRAM_VERIFY": "@taai_bot",
        "TELEGRAM_WEBHOOK_URL": "https://taai.example.nl/webhooks/telegram/webhook",
    },
    "slack": {"SLACK_TOKEN": SECRETS["SLACK_TOKEN"], "SLACK_SIGNING_SECRET": SECRETS["SLACK_SIGNING_SECRET"]},
    "mattermost": {
        "MATTERMOST_URL": "https://chat.example.nl/",
        "MATTERMOST_TOKEN": SECRETS["MATTERMOST_TOKEN"],
        "MATTERMOST_WEBHOOK_URL": "https://taai.example.nl/webhooks/mattermost/webhook",
        "MATTERMOST_WEBHOOK_TOKEN": SECRETS["MATTERMOST_WEBHOOK_TOKEN"],
    },
    "botframework": {
        "BOTFRAMEWORK_APP_ID": "0f6a3c52-7d1e-4c1b-9a53-5b1e0c7d2a11",
        "BOTFRAMEWORK_APP_PASSWORD": SECRETS["BOTFRAMEWORK_APP_PASSWORD"],
    },
    "twilio": {
        "TWILIO_ACCOUNT_SID": "AC0123",
        "TWILIO_AUTH_TOKEN": SECRETS["TWILIO_AUTH_TOKEN"],
        "TWILIO_WHATSAPP_NUMBER": "+31 6 12345678",
        "TWILIO_WEBHOOK_URL": "https://taai.example.nl/webhooks/twilio/webhook",
    },
}
ALL = {name: value for variables in FULL.values() for name, value in variables.items()}
BASE = {"rest": None, "bot.rasa_ext.channels.socketio.TaaiSocketIOInput": {"session_persistence": True}}


def entry(credentials: dict, channel_name: str) -> dict:
    channel = next(c for c in CHANNELS if c.name == channel_name)
    return credentials[channel.class_path]


def test_without_variables_only_the_base_channels_are_on():
    assert configured_channels({}) == []
    assert build_credentials(BASE, {}) == BASE


def test_the_base_comes_from_the_projects_credentials_file():
    base = read_base_credentials()
    assert "bot.rasa_ext.channels.rest.TaaiRestInput" in base  # REST, /webhooks/rest/webhook
    assert base == yaml.safe_load(BASE_CREDENTIALS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("channel_name", list(FULL))
def test_a_channel_is_on_exactly_when_all_its_variables_are_set(channel_name):
    credentials = build_credentials(BASE, FULL[channel_name])
    assert [c.name for c in configured_channels(FULL[channel_name])] == [channel_name]
    assert set(credentials) == set(BASE) | {next(c.class_path for c in CHANNELS if c.name == channel_name)}


def test_all_channels_together_keep_the_base_channels():
    credentials = build_credentials(BASE, ALL)
    assert {c.name for c in configured_channels(ALL)} == set(FULL)
    assert all(credentials[key] == value for key, value in BASE.items())
    assert all(key.startswith("bot.rasa_ext.channels.messaging.") for key in set(credentials) - set(BASE))


@pytest.mark.parametrize("channel_name", list(FULL))
def test_half_a_channel_is_an_error_that_names_what_is_missing(channel_name):
    variables = dict(FULL[channel_name])
    missing = sorted(variables)[0]
    del variables[missing]
    with pytest.raises(ChannelConfigError) as error:
        configured_channels(variables)
    assert missing in str(error.value)
    assert not any(secret in str(error.value) for secret in SECRETS.values())


def test_secrets_are_written_as_placeholders_never_as_values():
    text = render_credentials(build_credentials(BASE, ALL))
    assert not any(secret in text for secret in SECRETS.values())
    for variable in SECRETS:
        assert "${" + variable + "}" in text


def test_values_are_checked_and_normalised():
    credentials = build_credentials(BASE, ALL)
    assert entry(credentials, "telegram")["verify"] == "taai_bot"
    assert entry(credentials, "mattermost")["url"] == "https://chat.example.nl/api/v4"
    assert entry(credentials, "twilio")["twilio_number"] == "whatsapp:+31612345678"
    assert entry(credentials, "twilio")["webhook_url"] == "https://taai.example.nl/webhooks/twilio/webhook"
    assert entry(credentials, "slack") == {
        "slack_token": "${SLACK_TOKEN}",
        "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
    }


@pytest.mark.parametrize(
    "variable, value",
    [
        ("TWILIO_WHATSAPP_NUMBER", "0612345678"),
        ("TWILIO_WEBHOOK_URL", "taai.example.nl/webhooks/twilio/webhook"),
        ("TELEGRAM_ACCESS_TOKEN", "not a token"),
        ("MATTERMOST_URL", "chat.example.nl"),
    ],
)
def test_unusable_values_are_refused_with_a_message(variable, value):
    environ = {**ALL, variable: value}
    with pytest.raises(ChannelConfigError) as error:
        build_credentials(BASE, environ)
    assert variable in str(error.value)
    assert value not in str(error.value) or variable not in SECRETS  # a secret is never echoed


def test_optional_variables_are_added_only_when_set():
    assert "api_base" not in entry(build_credentials(BASE, ALL), "telegram")
    environ = {
        **ALL,
        "TAAI_TELEGRAM_API_BASE": "http://127.0.0.1:8081/",
        "BOTFRAMEWORK_TENANT_ID": "tenant-1",
        "SLACK_CHANNEL": "C0123",
    }
    credentials = build_credentials(BASE, environ)
    assert entry(credentials, "telegram")["api_base"] == "http://127.0.0.1:8081"
    assert entry(credentials, "botframework")["tenant_id"] == "tenant-1"
    assert entry(credentials, "slack")["slack_channel"] == "C0123"


def test_an_optional_variable_alone_does_not_switch_a_channel_on():
    assert configured_channels({"TAAI_TELEGRAM_API_BASE": "http://127.0.0.1:8081"}) == []


def test_rasas_own_entry_for_a_configured_channel_is_replaced():
    base = {**BASE, "telegram": {"access_token": "old"}}
    credentials = build_credentials(base, FULL["telegram"])
    assert "telegram" not in credentials
    assert build_credentials(base, {})["telegram"] == {"access_token": "old"}  # not configured: kept


def test_write_credentials_writes_a_private_file_in_the_var_dir(tmp_path: Path):
    settings = Settings(
        host="127.0.0.1",
        port=5005,
        actions_port=5055,
        var_dir=tmp_path / "var",
        cors_origins=(),
        model_path=tmp_path / "model.tar.gz",
    )
    base_path = tmp_path / "credentials.yml"
    base_path.write_text("rest:\n\nsocketio:\n  session_persistence: true\n", encoding="utf-8")
    path = write_credentials(settings, FULL["twilio"], base_path=base_path)
    assert path == settings.var_dir / "credentials.yml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written["rest"] is None and written["socketio"] == {"session_persistence": True}
    assert entry(written, "twilio")["auth_token"] == "${TWILIO_AUTH_TOKEN}"
    assert not list(settings.var_dir.glob(".credentials-*"))  # no temporary file left


def test_rasa_fills_the_placeholders_from_the_environment(tmp_path: Path, monkeypatch):
    """The contract with Rasa: it reads ${VAR} in credentials files from the environment."""
    from rasa.shared.utils.io import read_config_file

    for name, value in ALL.items():
        monkeypatch.setenv(name, value)
    settings = Settings(
        host="127.0.0.1",
        port=5005,
        actions_port=5055,
        var_dir=tmp_path,
        cors_origins=(),
        model_path=tmp_path / "model.tar.gz",
    )
    read = read_config_file(write_credentials(settings, ALL))
    assert entry(read, "telegram")["access_token"] == SECRETS["TELEGRAM_ACCESS_TOKEN"]
    assert entry(read, "botframework")["app_password"] == SECRETS["BOTFRAMEWORK_APP_PASSWORD"]
    assert entry(read, "twilio")["twilio_number"] == "whatsapp:+31612345678"


def test_the_banner_lines_name_each_channel_and_its_webhook():
    assert describe_channels(FULL["telegram"]) == ["Telegram: /webhooks/telegram/webhook"]
    assert describe_channels({}) == []
