"""Start the Rasa server with Taai's settings.

Used instead of `rasa run` so that the API token travels in the environment, not on
the command line where `ps` would show it to every user of the machine.
"""
from __future__ import annotations

import logging
import os

from bot.channel_config import ChannelConfigError, write_credentials
from bot.settings import PROJECT_ROOT, load_settings


def main() -> None:
    settings = load_settings()
    token = os.environ.get("BOT_API_TOKEN", "").strip()
    if not token:
        raise SystemExit("error: BOT_API_TOKEN is not set; start Taai with `make run`")
    # endpoints.yml reads these through Rasa's ${VAR} substitution.
    os.environ.setdefault("TAAI_TRACKER_DB", str(settings.tracker_db))
    os.environ.setdefault("TAAI_ACTION_ENDPOINT", settings.action_endpoint)
    try:
        # credentials.yml plus every messaging channel whose variables are set
        # (docs/channels.md); secrets stay ${VAR} placeholders in the written file.
        credentials = write_credentials(settings)
    except ChannelConfigError as error:
        raise SystemExit(f"error: {error}") from None

    import rasa.api
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.INFO)
    rasa.api.run(
        model=str(settings.model_path),
        endpoints=str(PROJECT_ROOT / "endpoints.yml"),
        credentials=str(credentials),
        interface=settings.host,
        port=settings.port,
        enable_api=True,
        auth_token=token,
        cors=list(settings.cors_origins) or None,
    )


if __name__ == "__main__":
    main()
