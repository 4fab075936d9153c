"""Errors that Taai's Rasa extensions raise to channels, so each channel can tell its
user something clear instead of failing silently."""
from __future__ import annotations

# Plain Dutch (B1): what happened, that nothing was lost, what to do.
STORAGE_UNAVAILABLE_NL = (
    "Taai kan uw bericht op dit moment niet verwerken: de opslag van gesprekken is even "
    "niet bereikbaar. Er is niets van uw gesprek verloren gegaan. Probeer het over een "
    "minuut opnieuw."
)


class StorageUnavailable(RuntimeError):
    """The tracker store (database) or the lock store (Redis) cannot be reached.

    Raised before the message is stored, so the client may safely send it again.
    """

    user_message = STORAGE_UNAVAILABLE_NL
