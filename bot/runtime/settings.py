"""Runtime configuration from environment variables, with embedded defaults.

One place that knows every variable, so the README, the launcher and the tests agree.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    actions_port: int
    var_dir: Path
    cors_origins: tuple[str, ...]
    model_path: Path
    # "embedded" (SQLite, in-memory lock, what `make run` starts) or "production"
    # (PostgreSQL tracker store, atomic Redis lock store); docs/operations.md.
    profile: str = "embedded"
    action_endpoint_url: str = ""  # TAAI_ACTION_ENDPOINT; empty: the local action server
    db_host: str = "127.0.0.1"
    db_port: int = 5432
    db_name: str = "taai"
    db_user: str = "taai"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 0
    lock_lifetime_s: int = 20
    sanic_workers: int = 1
    retention_days: int = 30
    retention_interval_s: int = 3600
    socket_jwt_key_set: bool = False  # the key itself stays in the environment

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


def _int_env(name: str, default: int, low: int = 1, high: int = 65535, what: str = "a port number") -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"error: {name}={raw!r} is not {what}") from None
    if not low <= value <= high:
        raise SystemExit(f"error: {name}={value} is outside {low}-{high}")
    return value


def _text_env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def load_settings() -> Settings:
    var_dir = Path(os.environ.get("TAAI_VAR_DIR", "") or PROJECT_ROOT / "var")
    origins = tuple(o.strip() for o in os.environ.get("TAAI_CORS_ORIGINS", "").split(",") if o.strip())
    profile = _text_env("TAAI_PROFILE", "embedded")
    if profile not in ("embedded", "production"):
        raise SystemExit(f"error: TAAI_PROFILE={profile!r} must be 'embedded' or 'production'")
    return Settings(
        host=os.environ.get("TAAI_HOST", "") or "127.0.0.1",
        port=_int_env("TAAI_PORT", 5005),
        actions_port=_int_env("TAAI_ACTIONS_PORT", 5055),
        var_dir=var_dir.resolve(),
        cors_origins=origins,
        model_path=Path(os.environ.get("TAAI_MODEL", "") or PROJECT_ROOT / "models" / "taai.tar.gz"),
        profile=profile,
        action_endpoint_url=_text_env("TAAI_ACTION_ENDPOINT", ""),
        db_host=_text_env("TAAI_DB_HOST", "127.0.0.1"),
        db_port=_int_env("TAAI_DB_PORT", 5432),
        db_name=_text_env("TAAI_DB_NAME", "taai"),
        db_user=_text_env("TAAI_DB_USER", "taai"),
        redis_host=_text_env("TAAI_REDIS_HOST", "127.0.0.1"),
        redis_port=_int_env("TAAI_REDIS_PORT", 6379),
        redis_db=_int_env("TAAI_REDIS_DB", 0, 0, 15, "a Redis database number"),
        lock_lifetime_s=_int_env("TAAI_LOCK_LIFETIME", 20, 2, 600, "a number of seconds"),
        sanic_workers=_int_env("TAAI_SANIC_WORKERS", 1, 1, 32, "a number of workers"),
        retention_days=_int_env("TAAI_RETENTION_DAYS", 30, 1, 3650, "a number of days"),
        retention_interval_s=_int_env("TAAI_RETENTION_INTERVAL", 3600, 1, 86400, "a number of seconds"),
        socket_jwt_key_set=bool(os.environ.get("TAAI_SOCKET_JWT_KEY", "").strip()),
    )


def ensure_api_token(settings: Settings) -> tuple[str, str]:
    """Return (token, where it comes from). Never log or print the token itself.

    BOT_API_TOKEN wins. Otherwise a token is generated once into a file that only
    the current user can read, and reused on later starts.
    """
    token = os.environ.get("BOT_API_TOKEN", "").strip()
    if token:
        return token, "de omgevingsvariabele BOT_API_TOKEN"
    path = settings.token_file
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            path.chmod(0o600)
            return token, str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token, str(path)
