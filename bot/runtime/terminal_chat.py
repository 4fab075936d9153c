"""Chat with a running Taai in this terminal, over its REST channel (`make shell`).

Through the REST channel, not `rasa shell`: `rasa shell` runs its own agent without
Taai's hooks, so personal data would be stored unredacted, the text reader and the
forget gate would not apply, and the terminal would show another bot than the one
users get. Here every message takes the same path as a message from the widget.

Buttons are shown numbered; typing the number sends the button's payload.
"""

from __future__ import annotations

import json
import secrets
import sys
import urllib.error
import urllib.request
from typing import Callable, TextIO

GOODBYE = ("/stop", "/quit", "/exit")


def post_message(base_url: str, sender: str, text: str, timeout: float = 120.0) -> list[dict]:
    """One message to /webhooks/rest/webhook; the bot's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        replies = json.loads(response.read().decode("utf-8"))
    return replies if isinstance(replies, list) else []


def show(replies: list[dict], out: TextIO) -> list[dict]:
    """Print the replies; return the buttons of the last reply that has any."""
    buttons: list[dict] = []
    for reply in replies:
        if reply.get("text"):
            print(f"Taai: {reply['text']}", file=out)
        if reply.get("buttons"):
            buttons = reply["buttons"]
            for number, button in enumerate(buttons, 1):
                print(f"  [{number}] {button.get('title', '')}", file=out)
    return buttons


def what_to_send(line: str, buttons: list[dict]) -> str:
    """A typed number picks a button; anything else is sent as typed."""
    choice = line.strip()
    if choice.isdigit() and 1 <= int(choice) <= len(buttons):
        return str(buttons[int(choice) - 1].get("payload", ""))
    return line


def chat(base_url: str, read: Callable[[str], str] = input, out: TextIO = sys.stdout) -> int:
    sender = f"shell-{secrets.token_hex(12)}"
    print("Typ je bericht en druk op Enter. Een cijfer kiest een knop. Stoppen: /stop of Ctrl-D.", file=out)
    buttons: list[dict] = []
    while True:
        try:
            line = read("Jij: ")
        except EOFError:
            print(file=out)
            return 0
        if line.strip().lower() in GOODBYE:
            return 0
        if not line.strip():
            continue
        try:
            buttons = show(post_message(base_url, sender, what_to_send(line, buttons)), out)
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            print(f"Taai antwoordde met een fout ({error.code}): {detail}", file=out)
        except (urllib.error.URLError, OSError) as error:
            print(f"Taai is niet bereikbaar: {error}", file=out)
            return 1
