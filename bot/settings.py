"""Runtime configuration from environment variables, with embedded defaults.

One place that knows every variable, so the README, the launcher and the tests agree.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    actions_port: int
    var_dir: Path
    cors_origins: tuple[str, ...]
    model_path: Path

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
        return f"http://127.0.0.1:{self.actions_port}/webhook"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"error: {name}={raw!r} is not a port number") from None
    if not 0 < value < 65536:
        raise SystemExit(f"error: {name}={value} is outside 1-65535")
    return value


def load_settings() -> Settings:
    var_dir = Path(os.environ.get("TAAI_VAR_DIR", "") or PROJECT_ROOT / "var")
    origins = tuple(o.strip() for o in os.environ.get("TAAI_CORS_ORIGINS", "").split(",") if o.strip())
    return Settings(
        host=os.environ.get("TAAI_HOST", "") or "127.0.0.1",
        port=_int_env("TAAI_PORT", 5005),
        actions_port=_int_env("TAAI_ACTIONS_PORT", 5055),
        var_dir=var_dir.resolve(),
        cors_origins=origins,
        model_path=Path(os.environ.get("TAAI_MODEL", "") or PROJECT_ROOT / "models" / "taai.tar.gz"),
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
