"""Reading the REST channel's replies and the tracker in end-to-end conversations."""

from __future__ import annotations


def slots(server, sender) -> dict:
    """The conversation's slots, through the HTTP API (with the token)."""
    return server.tracker(sender)["slots"]


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]
