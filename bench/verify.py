"""The verification conversation: before any load, one conversation is held turn by
turn and every reply is checked (non-empty, contains its marker), and for Taai the
slots are read back through the tracker API with the token. A bench whose
conversation does not reach its end would measure the wrong thing."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from bench.conversations import Script, reply_text


def _request(url: str, body: dict | None = None, timeout: float = 60) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def verify(base_url: str, script: Script, token: str = "") -> dict:
    """{"ok": bool, "problems": [...], "turn_ms": [...]} for one conversation."""
    sender = f"bench-verify-{uuid.uuid4().hex[:8]}"
    problems, turn_ms = [], []
    for number, (message, marker) in enumerate(script.turns, 1):
        start = time.perf_counter()
        try:
            status, replies = _request(f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message})
        except (urllib.error.URLError, OSError, ValueError) as error:
            problems.append(f"turn {number} ({message!r}): {error}")
            break
        turn_ms.append(round(1000 * (time.perf_counter() - start), 1))
        if status != 200 or not isinstance(replies, list) or not replies:
            problems.append(f"turn {number} ({message!r}): status {status}, reply {replies!r:.200}")
            break
        if marker and marker not in reply_text(replies):
            problems.append(f"turn {number} ({message!r}): reply lacks {marker!r}: {reply_text(replies)[:200]!r}")
    if script.final_slots and token and not problems:
        query = urllib.parse.urlencode({"token": token})
        try:
            status, tracker = _request(f"{base_url}/conversations/{sender}/tracker?{query}", timeout=30)
        except (urllib.error.URLError, OSError, ValueError) as error:
            status, tracker = str(error), None
        if status != 200 or not isinstance(tracker, dict):
            problems.append(f"tracker not readable (status {status})")
        else:
            slots = tracker.get("slots") or {}
            for slot, expected in script.final_slots:
                value = slots.get(slot)
                if (expected is None and not value) or (expected is not None and value != expected):
                    problems.append(f"slot {slot} is {value!r}, expected {expected or 'a value'!r}")
    return {"ok": not problems, "problems": problems, "turns": len(turn_ms), "turn_ms": turn_ms}
