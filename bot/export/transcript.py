"""Export a conversation as Markdown, e.g. as course material for trainers.

    python -m bot.export.transcript <conversation-id> [--out file.md]
    make transcript ID=<conversation-id>

Reads the conversation from the running Taai server through its HTTP API (with the
token from BOT_API_TOKEN or var/api-token), so it works for any channel. No Rasa import.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from bot.runtime.settings import api_token, load_settings, read_token_file

USER, BOT = "Gebruiker", "Taai"


def _lines(events: Iterable[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = (event.get("text") or "").strip()
            if text.startswith("/"):  # a button click: show what was clicked, not the payload
                continue
            lines.append(f"**{USER}:** {text or '(leeg bericht)'}")
        elif kind == "bot":
            text = (event.get("text") or "").strip()
            buttons = (event.get("data") or {}).get("buttons") or []
            if text:
                lines.append(f"**{BOT}:** {text}")
            if buttons:
                lines.append(" ".join(f"[{b.get('title', '')}]" for b in buttons))
    return lines


def to_markdown(conversation_id: str, events: Iterable[dict[str, Any]], when: datetime | None = None) -> str:
    when = when or datetime.now(timezone.utc)
    lines = _lines(events)
    header = ["# Gesprek met Taai", "", f"Gesprek `{conversation_id}`, geëxporteerd op {when:%d-%m-%Y %H:%M} UTC.", ""]
    body = "\n\n".join(lines) if lines else "_Dit gesprek heeft nog geen berichten._"
    return "\n".join(header) + body + "\n"


def _token() -> str:
    path = load_settings().token_file
    token = api_token() or read_token_file(path)
    if token:
        return token
    raise SystemExit(f"error: no API token: set BOT_API_TOKEN or start Taai once with `make run` ({path})")


def fetch_events(conversation_id: str) -> list[dict[str, Any]]:
    settings = load_settings()
    url = (
        f"{settings.base_url}/conversations/{urllib.parse.quote(conversation_id, safe='')}/tracker?"
        + urllib.parse.urlencode({"token": _token()})
    )
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response).get("events") or []
    except urllib.error.HTTPError as error:
        raise SystemExit(f"error: the server answered {error.code} for conversation {conversation_id!r}") from None
    except urllib.error.URLError as error:
        raise SystemExit(
            f"error: Taai does not answer at {settings.base_url} ({error.reason}); is `make run` running?"
        ) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export a Taai conversation as Markdown.")
    parser.add_argument("conversation_id", help="the conversation (sender) id")
    parser.add_argument("--out", type=Path, help="write to this file instead of standard output")
    args = parser.parse_args(argv)
    markdown = to_markdown(args.conversation_id, fetch_events(args.conversation_id))
    if args.out:
        args.out.write_text(markdown, encoding="utf-8")
        print(f"Transcript geschreven naar {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
