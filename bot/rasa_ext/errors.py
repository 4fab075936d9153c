"""Errors that Taai's Rasa extensions raise to channels, so each channel can tell its
user something clear instead of failing silently."""

from __future__ import annotations

from bot.conversation.service_messages import STORAGE_UNAVAILABLE_NL


class StorageUnavailable(RuntimeError):
    """The tracker store (database) or the lock store (Redis) cannot be reached.

    Raised before the message is stored, so the client may safely send it again.
    """

    user_message = STORAGE_UNAVAILABLE_NL
