"""Real rasa_sdk trackers, dispatchers and the domain, for the action tests.

No mocks: a `Tracker` is built the way the action server builds one from Rasa's
request, with the slots the domain declares (and their initial values), the latest
user message, and the events so far.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def initial_slots() -> Dict[str, Any]:
    """Every domain slot at its initial value, plus the forms' `requested_slot`."""
    slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    slots["requested_slot"] = None
    return slots


def user_message(text: str, intent: Optional[str] = None, entities: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """A parsed user message as Rasa sends it; `entities` maps entity type -> value."""
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": name, "value": value} for name, value in (entities or {}).items()],
    }


def user_event(text: str, intent: Optional[str] = None, entities: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": user_message(text, intent, entities)}


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    *,
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[Dict[str, str]] = None,
    earlier: Iterable[Dict[str, Any]] = (),
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest event is the user message `text`.

    `earlier` are events before it (e.g. an earlier question). The events end with
    the user message, so no stray SlotSet counts as a fresh slot candidate.
    """
    latest = user_message(text, intent, entities)
    events = [*earlier, {"event": "user", "text": text, "parse_data": latest}]
    return Tracker(
        sender_id="test-user",
        slots={**initial_slots(), **(slots or {})},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def form_tracker(
    form: str,
    requested: Optional[str],
    text: str,
    intent: Optional[str] = None,
    *,
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[Dict[str, str]] = None,
) -> Tracker:
    """A tracker while `form` is active and asks for `requested`."""
    return make_tracker(
        text, intent, slots={**(slots or {}), "requested_slot": requested}, entities=entities, active_loop=form
    )


def run_action(action: Action, tracker: Tracker) -> Tuple[List[Dict[str, Any]], CollectingDispatcher]:
    """Run a (sync or async) action; return its events and the dispatcher it used."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result, dispatcher


def run_extract(action: Any, method: str, tracker: Tracker) -> Tuple[Dict[str, Any], CollectingDispatcher]:
    """Call one async `extract_<slot>` method of a form validation action."""
    dispatcher = CollectingDispatcher()
    return asyncio.run(getattr(action, method)(dispatcher, tracker, DOMAIN)), dispatcher


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The SlotSet events as {slot: value} (the last value wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [m["text"] for m in dispatcher.messages]


def all_text(dispatcher: CollectingDispatcher) -> str:
    return "\n\n".join(texts(dispatcher))


def buttons(message: Dict[str, Any]) -> List[Tuple[str, str]]:
    return [(b["title"], b["payload"]) for b in message.get("buttons") or []]
