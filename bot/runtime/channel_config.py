"""Which messaging channels are on, from environment variables; the credentials file.

Plain Python, no Rasa import: the launcher and the tests can use it without loading
Rasa. A channel is on when all its required variables are set, off when none are,
and a configuration error when only some are (a forgotten variable should not
silently switch a channel off).

`write_credentials(settings)` writes <TAAI_VAR_DIR>/credentials.yml: the channels of
credentials.yml in the project root (REST, socket.io, the web channel), read at every
start so that file stays the one place for them, plus every channel that is on. The
file holds no secrets: tokens and passwords are written as `${VARIABLE}`, which Rasa
fills in from the environment when it reads the file. Only URLs, names and numbers are
written out, normalised (e.g. "whatsapp:" in front of the WhatsApp number).

The variables per channel are in CHANNELS below and in docs/channels.md. They are the
only variables read outside bot/runtime/settings.py, on purpose: each belongs to one
channel, one key of that channel's credentials and one check, so one table declares
them together; none has a default. Every other setting (the socket.io JWT too) comes
from bot/runtime/settings.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

import yaml

from bot.runtime.files import write_private_file
from bot.runtime.settings import PROJECT_ROOT, SettingError, Settings, socket_jwt_method

BASE_CREDENTIALS = PROJECT_ROOT / "credentials.yml"
CREDENTIALS_FILE_NAME = "credentials.yml"
CHANNEL_MODULE = "bot.rasa_ext.channels.messaging"


class ChannelConfigError(ValueError):
    """A channel is configured halfway or with a value that cannot work."""


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("is not a URL (expected https://...)")
    return value.rstrip("/")


def _mattermost_api(value: str) -> str:
    # Rasa wants the REST API's base; admins naturally give the server's address.
    value = _url(value)
    return value if value.endswith("/api/v4") else f"{value}/api/v4"


def _username(value: str) -> str:
    return value.lstrip("@")


def _whatsapp_number(value: str) -> str:
    number = value.removeprefix("whatsapp:").replace(" ", "")
    if not re.fullmatch(r"\+\d{6,15}", number):
        raise ValueError("is not a phone number in international form (e.g. +31612345678)")
    return f"whatsapp:{number}"


def _telegram_token(value: str) -> str:
    # aiogram stops the whole server with a bare ValidationError on a malformed token.
    if not re.fullmatch(r"\d+:[\w-]+", value):
        raise ValueError("is not a Telegram bot token (digits, a colon, then letters)")
    return value


@dataclass(frozen=True)
class Variable:
    """One environment variable and the credentials key Taai's channel class reads."""

    env: str
    key: str
    secret: bool = False
    check: Optional[Callable[[str], str]] = None  # normalises, or raises ValueError


@dataclass(frozen=True)
class Channel:
    name: str  # Rasa's channel name: the webhook is /webhooks/<name>/webhook
    title: str
    class_name: str  # in bot/rasa_ext/channels/messaging.py
    required: tuple[Variable, ...]
    optional: tuple[Variable, ...] = ()

    @property
    def class_path(self) -> str:
        return f"{CHANNEL_MODULE}.{self.class_name}"

    @property
    def webhook_path(self) -> str:
        return f"/webhooks/{self.name}/webhook"


CHANNELS: tuple[Channel, ...] = (
    Channel(
        "telegram",
        "Telegram",
        "TaaiTelegramInput",
        required=(
            Variable("TELEGRAM_ACCESS_TOKEN", "access_token", secret=True, check=_telegram_token),
            Variable("TELEGRAM_VERIFY", "verify", check=_username),
            Variable("TELEGRAM_WEBHOOK_URL", "webhook_url", check=_url),
        ),
        optional=(Variable("TAAI_TELEGRAM_API_BASE", "api_base", check=_url),),
    ),
    Channel(
        "slack",
        "Slack",
        "TaaiSlackInput",
        required=(
            Variable("SLACK_TOKEN", "slack_token", secret=True),
            Variable("SLACK_SIGNING_SECRET", "slack_signing_secret", secret=True),
        ),
        optional=(
            Variable("SLACK_CHANNEL", "slack_channel"),
            Variable("TAAI_SLACK_API_BASE", "api_base", check=_url),
        ),
    ),
    Channel(
        "mattermost",
        "Mattermost",
        "TaaiMattermostInput",
        required=(
            Variable("MATTERMOST_URL", "url", check=_mattermost_api),
            Variable("MATTERMOST_TOKEN", "token", secret=True),
            Variable("MATTERMOST_WEBHOOK_URL", "webhook_url", check=_url),
            Variable("MATTERMOST_WEBHOOK_TOKEN", "webhook_token", secret=True),
        ),
    ),
    Channel(
        "botframework",
        "Microsoft Teams (Bot Framework)",
        "TaaiBotFrameworkInput",
        required=(
            Variable("BOTFRAMEWORK_APP_ID", "app_id"),
            Variable("BOTFRAMEWORK_APP_PASSWORD", "app_password", secret=True),
        ),
        optional=(
            Variable("BOTFRAMEWORK_TENANT_ID", "tenant_id"),
            Variable("TAAI_BOTFRAMEWORK_OPENID_URL", "openid_url", check=_url),
            Variable("TAAI_BOTFRAMEWORK_TOKEN_URL", "token_url", check=_url),
        ),
    ),
    Channel(
        "twilio",
        "WhatsApp (Twilio)",
        "TaaiTwilioInput",
        required=(
            Variable("TWILIO_ACCOUNT_SID", "account_sid"),
            Variable("TWILIO_AUTH_TOKEN", "auth_token", secret=True),
            Variable("TWILIO_WHATSAPP_NUMBER", "twilio_number", check=_whatsapp_number),
            Variable("TWILIO_WEBHOOK_URL", "webhook_url", check=_url),
        ),
        optional=(Variable("TAAI_TWILIO_API_BASE", "api_base", check=_url),),
    ),
)


def _value(environ: Mapping[str, str], variable: Variable) -> str:
    return (environ.get(variable.env) or "").strip()


def configured_channels(environ: Mapping[str, str] | None = None) -> list[Channel]:
    """The channels whose required variables are all set.

    Raises ChannelConfigError when a channel has some but not all of them.
    """
    environ = os.environ if environ is None else environ
    enabled, problems = [], []
    for channel in CHANNELS:
        missing = [v.env for v in channel.required if not _value(environ, v)]
        if not missing:
            enabled.append(channel)
        elif len(missing) < len(channel.required):
            problems.append(
                f"{channel.title}: set {', '.join(missing)} as well, "
                f"or unset the other {channel.name.upper()} variables"
            )
    if problems:
        raise ChannelConfigError("incomplete channel configuration: " + "; ".join(problems))
    return enabled


def channel_credentials(channel: Channel, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The credentials entry of one channel: `${VAR}` for secrets, checked values otherwise."""
    environ = os.environ if environ is None else environ
    entry: dict[str, str] = {}
    for variable in channel.required + channel.optional:
        value = _value(environ, variable)
        if not value:
            continue
        try:
            checked = variable.check(value) if variable.check else value
        except ValueError as error:
            shown = variable.env if variable.secret else f"{variable.env}={value!r}"  # never print a secret
            raise ChannelConfigError(f"{shown} {error}") from None
        entry[variable.key] = "${" + variable.env + "}" if variable.secret else checked
    return entry


def read_base_credentials(path: Path = BASE_CREDENTIALS) -> dict[str, Any]:
    """The project's credentials.yml: channels that are always on."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise ChannelConfigError(f"{path} does not hold a mapping of channels")
    return dict(content)


def build_credentials(base: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The base channels plus every configured messaging channel.

    A base entry for the same channel (Rasa's own `telegram:` for instance) is left
    out: two channels on one webhook path cannot both be registered.
    """
    channels = configured_channels(environ)
    replaced = {c.name for c in channels} | {c.class_path for c in channels}
    credentials = {key: value for key, value in base.items() if key not in replaced}
    for channel in channels:
        credentials[channel.class_path] = channel_credentials(channel, environ)
    _require_socket_jwt(credentials, environ)
    return credentials


SOCKET_CHANNEL = "bot.rasa_ext.channels.socketio.TaaiSocketIOInput"


def _require_socket_jwt(credentials: dict[str, Any], environ: Mapping[str, str] | None) -> None:
    """With TAAI_SOCKET_JWT_KEY set, socket.io clients must send a signed JWT
    (`auth: {token: ...}`); Rasa's channel checks it. The key stays a ${VARIABLE}."""
    if SOCKET_CHANNEL not in credentials:
        return
    try:
        method = socket_jwt_method(environ)
    except SettingError as error:
        raise ChannelConfigError(str(error)) from None
    if method is None:
        return
    settings = dict(credentials[SOCKET_CHANNEL] or {})
    settings.update(jwt_key="${TAAI_SOCKET_JWT_KEY}", jwt_method=method)
    credentials[SOCKET_CHANNEL] = settings


_HEADER = """\
# Generated by bot/runtime/channel_config.py at every start; edits here are lost.
# Always-on channels come from credentials.yml in the project root; messaging
# channels from environment variables (docs/channels.md). ${VARIABLE} values are
# filled in by Rasa from the environment: no secrets are stored in this file.
"""


def render_credentials(credentials: Mapping[str, Any]) -> str:
    return _HEADER + yaml.safe_dump(dict(credentials), default_flow_style=False, sort_keys=False, allow_unicode=True)


def credentials_path(settings: Settings) -> Path:
    return settings.var_dir / CREDENTIALS_FILE_NAME


def write_credentials(
    settings: Settings, environ: Mapping[str, str] | None = None, base_path: Path = BASE_CREDENTIALS
) -> Path:
    """Write <var_dir>/credentials.yml for this start and return its path.

    Raises ChannelConfigError (a ValueError) with a message for the admin when a
    channel is configured halfway or with an unusable value.
    """
    content = render_credentials(build_credentials(read_base_credentials(base_path), environ))
    return write_private_file(credentials_path(settings), content)


def describe_channels(environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per configured messaging channel, for the start-up banner."""
    return [f"{c.title}: {c.webhook_path}" for c in configured_channels(environ)]
