"""Start the Rasa server with Taai's settings.

Used instead of `rasa run` so that
- the API token travels in the environment, not on the command line where `ps` would
  show it to every user of the machine;
- the profile (TAAI_PROFILE) picks the tracker and lock store: the endpoints file is
  generated per start (bot/runtime/endpoint_config.py), like the credentials file;
- Taai's additions around Rasa are in place before the first message: redaction and
  the other message hooks, the HTTP API guard and the retention cleanup, all installed
  by bot/rasa_ext/patches.py.
"""

from __future__ import annotations

import logging
import os
import warnings
from typing import Any, MutableMapping

import structlog

from bot.runtime.channel_config import ChannelConfigError, write_credentials
from bot.runtime.endpoint_config import write_endpoints
from bot.runtime.settings import api_token, load_settings

# Keys of Rasa's structlog events that can carry what a user typed, or slot values
# made from it: their values never reach a log line.
USER_TEXT_KEYS = frozenset(
    {
        "text",
        "user_text",
        "response_text",
        "parse_data_text",
        "parse_data_entities",
        "message",
        "user_message",
        "json_message",
        "response",
        "slot_values",
        "slot_candidates",
        "prefilled_slots",
        "tracker_latest_message",
        "prediction_events",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "states",
        "successes",
        "entity",
        "current_entity",
        "next_entity",
        "token_text",
    }
)


def _hide_user_text(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in USER_TEXT_KEYS.intersection(event_dict):
        event_dict[key] = "(weggelaten)"
    return event_dict


def main() -> None:
    settings = load_settings()
    token = api_token()
    if not token:
        raise SystemExit("error: BOT_API_TOKEN is not set; start Taai with `make run`")
    try:
        # credentials.yml plus every messaging channel whose variables are set
        # (docs/channels.md); secrets stay ${VAR} placeholders in the written files.
        credentials = write_credentials(settings)
    except ChannelConfigError as error:
        raise SystemExit(f"error: {error}") from None
    endpoints = write_endpoints(settings)
    # Sanic reads these from the environment: the number of workers, the largest request.
    os.environ.update(settings.sanic_environment)

    import rasa.api
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot import understanding
    from bot.privacy import get_redactor
    from bot.rasa_ext import patches

    configure_logging_and_warnings(logging.INFO)
    # Rasa's structured logs default to DEBUG when `rasa run` is not the entry point,
    # and its debug lines carry the user's text and slot values: never write those.
    configure_structlog(logging.INFO)
    # Two warnings of Rasa's quote the user's whole message: when a message starting
    # with "/" is no valid "/intent{...}" payload (a Python warning), and when it does
    # not even look like one (structlog event message.parsing.failed, user_text=...).
    warnings.filterwarnings("ignore", message="Failed to parse arguments in line", category=UserWarning)
    structlog.configure(processors=[_hide_user_text, *structlog.get_config()["processors"]])
    for name in ("rasa", "rasa_sdk"):
        logging.getLogger(name).setLevel(logging.INFO)
    # Every runtime patch of Rasa (message hooks, API guard, retention cleanup, two hot
    # paths), before the slow warm-up: on any Rasa version but the pinned one it stops
    # at once with a clear error.
    patches.install_all(settings)
    # Loaded before the port opens: no message is ever handled without redaction.
    get_redactor().warm_up()
    understanding.warm_up()  # the text reader the parse hook uses (bot/understanding/)
    rasa.api.run(
        model=str(settings.model_path),
        endpoints=str(endpoints),
        credentials=str(credentials),
        interface=settings.host,
        port=settings.port,
        enable_api=True,
        auth_token=token,
        cors=list(settings.cors_origins) or None,
    )


if __name__ == "__main__":
    main()
