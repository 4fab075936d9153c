"""The web widget's socket.io channel against the real server: a message gets a reply,
and a reconnect with the same session id replays the conversation (`taai_history`).

The python-socketio client talks long-polling here: its asyncio websocket transport
needs aiohttp >= 3.10, and Rasa pins 3.9.5. The websocket transport that browsers use
is checked separately with the Engine.IO protocol spoken by hand over `websockets`.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import socketio
import websockets
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.core.ids import is_unguessable_session_id
from bot.rasa_ext.channels.socketio import history_messages

REPLY_TIMEOUT_S = 90  # a turn runs NLU, policies and the action server on a busy machine


class WidgetSession:
    """What a browser tab does: connect, ask for a session, send messages, collect events."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.client = socketio.AsyncClient(reconnection=False)
        self.confirmed: str | None = None
        self.history: list[dict[str, Any]] | None = None
        self.bot: list[dict[str, Any]] = []
        self._confirmed = asyncio.Event()
        self._replied = asyncio.Event()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("taai_history", self._on_history)
        self.client.on("bot_uttered", self._on_bot)

    async def _on_confirm(self, session_id: str) -> None:
        self.confirmed = session_id
        self._confirmed.set()

    async def _on_history(self, data: dict) -> None:
        self.history = data["messages"]

    async def _on_bot(self, data: dict) -> None:
        self.bot.append(data)
        self._replied.set()

    async def open(self, session_id: str | None) -> str:
        await self.client.connect(self.base_url, transports=["polling"], socketio_path="/socket.io")
        await self.client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(self._confirmed.wait(), 30)
        await asyncio.sleep(0.5)  # taai_history, when there is one, follows session_confirm at once
        return self.confirmed

    async def say(
        self, text: str, session_id: str | None = None, timeout: float = REPLY_TIMEOUT_S
    ) -> list[dict[str, Any]]:
        """Send a message; return the bot messages of this turn (they come one by one)."""
        start = len(self.bot)
        self._replied.clear()
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id or self.confirmed})
        await asyncio.wait_for(self._replied.wait(), timeout)
        while True:  # a turn may send several messages: wait until they stop coming
            self._replied.clear()
            try:
                await asyncio.wait_for(self._replied.wait(), 2)
            except asyncio.TimeoutError:
                return self.bot[start:]

    async def close(self) -> None:
        await self.client.disconnect()


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_reconnect_with_the_same_session_id_replays_the_conversation_in_order(server):
    session_id = uuid.uuid4().hex

    async def first_visit():
        tab = WidgetSession(server.base_url)
        assert await tab.open(session_id) == session_id
        assert tab.history is None  # nothing to replay yet
        greeting = await tab.say("hoi")
        assert "Taai" in greeting[0]["text"]
        buttons = greeting[-1]["quick_replies"]
        start = next(b for b in buttons if b["payload"] == "/start_diagnosis")
        asked = await tab.say(start["payload"])  # a click sends the payload
        await tab.close()
        return greeting, start["title"], asked

    async def reload():
        tab = WidgetSession(server.base_url)
        assert await tab.open(session_id) == session_id
        await tab.close()
        return tab.history

    greeting, clicked_title, asked = run(first_visit())
    history = run(reload())

    assert history is not None, "no taai_history after reconnecting"
    assert [m["sender"] for m in history] == ["user"] + ["bot"] * len(greeting) + ["user"] + ["bot"] * len(asked)
    assert history[0] == {"sender": "user", "text": "hoi"}
    # The bot's messages come back as they were sent live, buttons included.
    replayed_bot = [m for m in history if m["sender"] == "bot"]
    assert [m["text"] for m in replayed_bot] == [m.get("text", "") for m in greeting + asked]
    assert replayed_bot[len(greeting) - 1]["buttons"] == [
        {"title": b["title"], "payload": b["payload"]} for b in greeting[-1]["quick_replies"]
    ]
    # A click is replayed as the button's title, as the widget showed it.
    assert history[1 + len(greeting)] == {"sender": "user", "text": clicked_title}


def test_a_new_session_gets_its_id_confirmed_and_no_history(server):
    session_id = str(uuid.uuid4())  # what crypto.randomUUID() makes

    async def visit():
        tab = WidgetSession(server.base_url)
        confirmed = await tab.open(session_id)
        await tab.close()
        return confirmed, tab.history

    assert run(visit()) == (session_id, None)


def test_a_guessable_session_id_gets_a_fresh_one_and_never_another_conversation(server):
    short = f"kort-{uuid.uuid4().hex[:6]}"  # 11 characters, like a REST sender name
    server.say(short, "hoi")  # a conversation exists under that name

    async def visit():
        tab = WidgetSession(server.base_url)
        confirmed = await tab.open(short)
        await tab.close()
        return confirmed, tab.history

    confirmed, history = run(visit())
    assert confirmed != short and is_unguessable_session_id(confirmed)
    assert history is None


def test_a_message_with_a_guessable_session_id_is_ignored(server):
    short = f"kort-{uuid.uuid4().hex[:6]}"

    async def visit():
        tab = WidgetSession(server.base_url)
        await tab.open(None)
        try:
            await tab.say("hoi", session_id=short, timeout=10)
        except asyncio.TimeoutError:
            return True
        finally:
            await tab.close()
        return False

    assert run(visit()), "a message for a guessable session id was answered"
    assert not [e for e in server.tracker(short)["events"] if e["event"] == "user"]


def test_the_websocket_transport_replays_history_too(server):
    """Engine.IO v4 / Socket.IO v5 by hand: what socket.io-client 4 in a browser sends."""
    session_id = uuid.uuid4().hex
    server.say(session_id, "hoi")  # the same tracker, whatever the channel
    url = server.base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

    async def visit():
        events = {}
        async with websockets.connect(url) as ws:
            assert (await ws.recv()).startswith("0")  # Engine.IO open
            await ws.send("40")  # Socket.IO connect to the default namespace
            assert (await ws.recv()).startswith("40")
            await ws.send("42" + json.dumps(["session_request", {"session_id": session_id}]))
            while "taai_history" not in events:
                packet = await asyncio.wait_for(ws.recv(), 30)
                if packet == "2":  # ping
                    await ws.send("3")
                elif packet.startswith("42"):
                    name, data = json.loads(packet[2:])
                    events[name] = data
        return events

    events = run(visit())
    assert events["session_confirm"] == session_id
    messages = events["taai_history"]["messages"]
    assert messages[0] == {"sender": "user", "text": "hoi"}
    assert messages[1]["sender"] == "bot" and "Taai" in messages[1]["text"]


# --- the history itself, from real Rasa events (no server needed) -------------------------


def test_history_keeps_order_maps_clicks_to_titles_and_carries_custom_payloads():
    buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
    events = [
        ActionExecuted("action_session_start"),
        ActionExecuted("action_listen"),
        UserUttered("Ons vraagstuk <b>is</b> lastig"),
        BotUttered("Zijn de waarden helder?", {"buttons": buttons}),
        ActionExecuted("action_listen"),
        UserUttered("/affirm"),
        SlotSet("value_consensus", "agree"),
        BotUttered(None, {"custom": {"plan_ready": True}}),
        UserUttered("   "),  # nothing a user could have seen
        UserUttered("/deny"),  # no button offered since the last message: shown as sent
        BotUttered("Helder.\n\nTwee alinea's blijven één bericht."),
    ]
    assert history_messages(events) == [
        {"sender": "user", "text": "Ons vraagstuk <b>is</b> lastig"},
        {"sender": "bot", "text": "Zijn de waarden helder?", "buttons": buttons},
        {"sender": "user", "text": "Ja"},
        {"sender": "bot", "text": "", "buttons": [], "custom": {"plan_ready": True}},
        {"sender": "user", "text": "/deny"},
        {"sender": "bot", "text": "Helder.\n\nTwee alinea's blijven één bericht.", "buttons": []},
    ]
