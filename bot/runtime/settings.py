"""Every setting Taai takes from the environment, in one place: the variable, its
default, how its text is parsed and which values are refused (with a message that names
the variable). Nothing else in bot/, actions/, ops/ or bench/ reads a Taai setting from
the environment; they take the values from here (tests/unit/test_architecture.py checks
that). What each variable means for whoever runs Taai: README.md (Configuration) and
docs/operations.md.

How to get a value:

- `load_settings()`: everything a start needs, read and checked at once. A bad value
  stops the start with "error: TAAI_PORT='x' is not a port number".
- Values read at the moment they are used, so they follow the environment as it is
  then: `api_token()`, `web_dir()`, `cache_dir()`, `socket_jwt_method()`, `is_set()`,
  and `read(name)` for any single variable.

Every function takes an optional `environ` mapping instead of the process environment,
so tests need not change os.environ.

Not here: the messaging channels' variables (TELEGRAM_*, SLACK_*, MATTERMOST_*,
BOTFRAMEWORK_*, TWILIO_* and their TAAI_*_API_BASE / _URL overrides). They are
declared in CHANNELS of bot/runtime/channel_config.py, which reads them: each belongs to
one channel, one key of that channel's credentials and one check, a channel is on
exactly when its required variables are set, and none has a default.

Standard library only: no Rasa and no other part of bot/, so that any layer may import
this module.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parents[2]

JWT_METHODS = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
PROFILES = ("embedded", "production")


class SettingError(ValueError):
    """A variable holds a value Taai cannot use. The message names the variable."""


# --- how a variable's text becomes a value --------------------------------------------
# Each parser gets the variable's name (for the message) and its text, never empty.

Parser = Callable[[str, str], Any]


def _text(_name: str, raw: str) -> str:
    return raw


def _path(_name: str, raw: str) -> Path:
    return Path(raw)


def _user_path(_name: str, raw: str) -> Path:
    return Path(raw).expanduser()  # "~/..." means the user's home


def _resolved_path(_name: str, raw: str) -> Path:
    return Path(raw).resolve()  # relative to the directory Taai was started in


def _comma_list(_name: str, raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _number(low: int, high: int, what: str) -> Parser:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise SettingError(f"{name}={raw!r} is not {what}") from None
        if not low <= value <= high:
            raise SettingError(f"{name}={value} is outside {low}-{high}")
        return value

    return parse


def _one_of(choices: tuple[str, ...]) -> Parser:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise SettingError(f"{name}={raw!r} is not one of {', '.join(choices)}")
        return raw

    return parse


_port = _number(1, 65535, "a port number")


@dataclass(frozen=True)
class Variable:
    """One environment variable. `default` is what Taai uses when the variable is unset
    or blank; None means "not set", for variables without a default."""

    name: str
    default: Any = None
    parse: Parser = _text
    secret: bool = False  # never printed or logged; deployments pass it as a reference


# --- the variables: each default is written here and nowhere else ----------------------

VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        # Where the servers listen (the action server always on loopback).
        Variable("TAAI_HOST", "127.0.0.1"),
        Variable("TAAI_PORT", 5005, _port),
        Variable("TAAI_ACTIONS_PORT", 5055, _port),
        Variable("TAAI_CORS_ORIGINS", (), _comma_list),
        # Files.
        Variable("TAAI_VAR_DIR", (PROJECT_ROOT / "var").resolve(), _resolved_path),
        Variable("TAAI_MODEL", PROJECT_ROOT / "models" / "taai.tar.gz", _path),
        Variable("TAAI_WEB_DIR", (PROJECT_ROOT / "web").resolve(), _resolved_path),
        # deduce's lookup lists (bot/privacy/); unset: $XDG_CACHE_HOME/taai, else ~/.cache/taai.
        Variable("TAAI_CACHE_DIR", None, _user_path),
        Variable("XDG_CACHE_HOME", None, _user_path),
        # Profile: embedded (SQLite, in-memory lock) or production (PostgreSQL, Redis).
        Variable("TAAI_PROFILE", "embedded", _one_of(PROFILES)),
        Variable("TAAI_ACTION_ENDPOINT", ""),  # empty: the local action server on TAAI_ACTIONS_PORT
        Variable("TAAI_DB_HOST", "127.0.0.1"),
        Variable("TAAI_DB_PORT", 5432, _port),
        Variable("TAAI_DB_NAME", "taai"),
        Variable("TAAI_DB_USER", "taai"),
        Variable("TAAI_DB_PASSWORD", secret=True),
        Variable("TAAI_REDIS_HOST", "127.0.0.1"),
        Variable("TAAI_REDIS_PORT", 6379, _port),
        Variable("TAAI_REDIS_DB", 0, _number(0, 15, "a Redis database number")),
        Variable("TAAI_REDIS_PASSWORD", secret=True),
        Variable("TAAI_LOCK_LIFETIME", 20, _number(2, 600, "a number of seconds")),
        Variable("TAAI_SANIC_WORKERS", 1, _number(1, 32, "a number of workers")),
        # Sanic buffers up to 100 MB per request by default; no channel needs more than 2 MiB.
        Variable("SANIC_REQUEST_MAX_SIZE", 2 * 1024 * 1024, _number(1, 2**31 - 1, "a number of bytes")),
        # Privacy (docs/privacy.md).
        Variable("TAAI_RETENTION_DAYS", 30, _number(1, 3650, "a number of days")),
        Variable("TAAI_RETENTION_INTERVAL", 3600, _number(1, 86400, "a number of seconds")),
        # Access.
        Variable("BOT_API_TOKEN", secret=True),  # unset: generated into <TAAI_VAR_DIR>/api-token
        Variable("TAAI_SOCKET_JWT_KEY", secret=True),  # set: socket.io clients need a JWT signed with it
        Variable("TAAI_SOCKET_JWT_METHOD", "HS256", _one_of(JWT_METHODS)),
    )
}


def read(name: str, environ: Optional[Mapping[str, str]] = None) -> Any:
    """The value of one variable: parsed and checked, or its default when it is unset or
    blank. Raises SettingError for a value Taai cannot use."""
    variable = VARIABLES[name]
    raw = ((os.environ if environ is None else environ).get(name) or "").strip()
    return variable.parse(name, raw) if raw else variable.default


def default(name: str) -> Any:
    """The default of one variable (None: it has none)."""
    return VARIABLES[name].default


def is_set(name: str, environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether a variable without a default (a password, a key) is set."""
    return read(name, environ) is not None


# --- what a start needs -----------------------------------------------------------------


def _from(name: str) -> Any:
    """A Settings field filled from the variable `name`, with that variable's default."""
    return field(default=default(name), metadata={"variable": name})


@dataclass(frozen=True)
class Settings:
    host: str = _from("TAAI_HOST")
    port: int = _from("TAAI_PORT")
    actions_port: int = _from("TAAI_ACTIONS_PORT")
    var_dir: Path = _from("TAAI_VAR_DIR")
    cors_origins: tuple[str, ...] = _from("TAAI_CORS_ORIGINS")
    model_path: Path = _from("TAAI_MODEL")
    # "embedded" (SQLite, in-memory lock, what `make run` starts) or "production"
    # (PostgreSQL tracker store, atomic Redis lock store); docs/operations.md.
    profile: str = _from("TAAI_PROFILE")
    action_endpoint_url: str = _from("TAAI_ACTION_ENDPOINT")  # empty: the local action server
    db_host: str = _from("TAAI_DB_HOST")
    db_port: int = _from("TAAI_DB_PORT")
    db_name: str = _from("TAAI_DB_NAME")
    db_user: str = _from("TAAI_DB_USER")
    redis_host: str = _from("TAAI_REDIS_HOST")
    redis_port: int = _from("TAAI_REDIS_PORT")
    redis_db: int = _from("TAAI_REDIS_DB")
    lock_lifetime_s: int = _from("TAAI_LOCK_LIFETIME")
    sanic_workers: int = _from("TAAI_SANIC_WORKERS")
    sanic_request_max_size: int = _from("SANIC_REQUEST_MAX_SIZE")
    retention_days: int = _from("TAAI_RETENTION_DAYS")
    retention_interval_s: int = _from("TAAI_RETENTION_INTERVAL")
    socket_jwt_key_set: bool = False  # TAAI_SOCKET_JWT_KEY; the key itself stays in the environment

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "tracker.db"

    @property
    def token_file(self) -> Path:
        return self.var_dir / "api-token"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "logs"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def action_endpoint(self) -> str:
        return self.action_endpoint_url or f"http://127.0.0.1:{self.actions_port}/webhook"

    @property
    def production(self) -> bool:
        return self.profile == "production"

    @property
    def sanic_environment(self) -> dict[str, str]:
        """The SANIC_* variables the Rasa server sets for Sanic before it starts.

        Rasa allows more than one Sanic worker only with a lock store shared between
        processes, i.e. in the production profile (it falls back to 1 otherwise)."""
        return {
            "SANIC_WORKERS": str(self.sanic_workers if self.production else 1),
            "SANIC_REQUEST_MAX_SIZE": str(self.sanic_request_max_size),
        }


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """Every setting a start needs. A value Taai cannot use stops the program with a
    message that names the variable (SystemExit)."""
    try:
        values = {f.name: read(f.metadata["variable"], environ) for f in fields(Settings) if f.metadata}
        return Settings(**values, socket_jwt_key_set=is_set("TAAI_SOCKET_JWT_KEY", environ))
    except SettingError as error:
        raise SystemExit(f"error: {error}") from None


# --- values read when they are used ------------------------------------------------------


def api_token(environ: Optional[Mapping[str, str]] = None) -> str:
    """BOT_API_TOKEN, or "" when it is unset. Never log or print it."""
    return read("BOT_API_TOKEN", environ) or ""


def web_dir(environ: Optional[Mapping[str, str]] = None) -> Path:
    """Where the widget build (dist/) and demo.html are served from: TAAI_WEB_DIR."""
    return read("TAAI_WEB_DIR", environ)


def cache_dir(environ: Optional[Mapping[str, str]] = None) -> Path:
    """Where deduce's lookup lists are cached: TAAI_CACHE_DIR, else $XDG_CACHE_HOME/taai,
    else ~/.cache/taai (RuntimeError or KeyError when there is no home directory).

    Deliberately not under TAAI_VAR_DIR: every fresh state directory (tests, a new
    deployment) would otherwise pay the full build again for the same public lists."""
    explicit = read("TAAI_CACHE_DIR", environ)
    if explicit is not None:
        return explicit
    xdg = read("XDG_CACHE_HOME", environ)
    return (xdg if xdg is not None else Path.home() / ".cache") / "taai"


def socket_jwt_method(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The signing method socket.io clients' JWTs must use when TAAI_SOCKET_JWT_KEY is
    set (TAAI_SOCKET_JWT_METHOD); None when no key is set (no JWT required)."""
    if not is_set("TAAI_SOCKET_JWT_KEY", environ):
        return None
    return read("TAAI_SOCKET_JWT_METHOD", environ)


# --- the API token file ----------------------------------------------------------------


def read_token_file(path: Path) -> str:
    """The token in `path`, or "" when the file is missing or empty."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def ensure_token_file(path: Path) -> str:
    """The token in `path`; generated there first (mode 0600) when missing or empty."""
    token = read_token_file(path)
    if token:
        path.chmod(0o600)
        return token
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token


def ensure_api_token(settings: Settings) -> tuple[str, str]:
    """Return (token, where it comes from). Never log or print the token itself.

    BOT_API_TOKEN wins. Otherwise a token is generated once into a file that only
    the current user can read, and reused on later starts.
    """
    token = api_token()
    if token:
        return token, "de omgevingsvariabele BOT_API_TOKEN"
    return ensure_token_file(settings.token_file), str(settings.token_file)
