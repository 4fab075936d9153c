"""What Taai says when something outside the conversation happens: personal data
was removed, a service is down. The wording is in knowledge/messages.yml (group
`service`): what happened, that nothing was lost, what to do.

These are needed where the rest of the knowledge base is not (a storage outage), so
they come from the message catalogue alone (`default_messages`). The old constant
names (`PRIVACY_NOTICE_NL`, ...) still work: they are read from the catalogue when this
module is imported.
"""

from __future__ import annotations

from bot.core.knowledge import default_messages


def privacy_notice() -> str:
    return default_messages().message("service.privacy_notice")


def action_server_unavailable() -> str:
    return default_messages().message("service.action_server_unavailable")


def storage_unavailable() -> str:
    return default_messages().message("service.storage_unavailable")


_CONSTANTS = {
    "PRIVACY_NOTICE_NL": privacy_notice,
    "ACTION_SERVER_UNAVAILABLE_NL": action_server_unavailable,
    "STORAGE_UNAVAILABLE_NL": storage_unavailable,
}


def __getattr__(name: str) -> str:
    # `from bot.conversation.service_messages import PRIVACY_NOTICE_NL` (PEP 562).
    if name in _CONSTANTS:
        return _CONSTANTS[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
