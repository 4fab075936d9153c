"""Shared adapter code: read the tracker into a ConversationState, and turn a
bot.conversation.reply.Reply into dispatcher messages and events."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.conversation.reply import Reply
from bot.conversation.state import REQUESTED_SLOT, ConversationState
from bot.core.ids import is_unguessable_session_id
from bot.core.knowledge import KnowledgeBase, default_knowledge


def kb() -> KnowledgeBase:
    # Loaded and validated once per process; a broken knowledge file stops the
    # action server at its first request with a message naming file and entry.
    return default_knowledge()


def state(tracker: Tracker) -> ConversationState:
    """The conversation's slots, typed (bot/conversation/state.py)."""
    return ConversationState.from_slots(tracker.current_slot_values())


def requested_slot(tracker: Tracker) -> str | None:
    """The question an active form is asking (Rasa's own slot), or None."""
    return tracker.get_slot(REQUESTED_SLOT)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> List[Dict[str, Any]]:
    """Send the reply's messages; return its slot updates (and a follow-up action) as events."""
    for message in reply.messages:
        buttons = [{"title": title, "payload": payload} for title, payload in message.buttons]
        dispatcher.utter_message(text=message.text, buttons=buttons or None)
    events = [SlotSet(slot, value) for slot, value in reply.slots.items()]
    if reply.followup:
        events.append(FollowupAction(reply.followup))
    return events


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The slot updates among `events`, as a form's extract_* method returns them."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


# The plan download (bot/rasa_ext/channels/web.py) answers only for unguessable session
# ids (bot/core/ids.py), such as the web widget's random UUIDs; elsewhere the plan
# stays text only.
PLAN_PATH = "/webhooks/taai/plan/{session_id}.{extension}"


def offer_plan_download(dispatcher: CollectingDispatcher, tracker: Tracker, reply: Reply) -> None:
    """After a plan: a custom payload with its download links, which the widget shows."""
    hands_over_plan = ConversationState.from_slots(reply.slots).last_conclusion == "plan"
    if hands_over_plan and is_unguessable_session_id(tracker.sender_id):
        links = {ext: PLAN_PATH.format(session_id=tracker.sender_id, extension=ext) for ext in ("html", "docx")}
        dispatcher.utter_message(json_message={"taai_plan": links})


def text_of(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def intent_of(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def entity(tracker: Tracker, name: str) -> str | None:
    return next(tracker.get_latest_entity_values(name), None)


class ExtractingFormValidation(FormValidationAction):
    """A form validation whose extract_* methods do all the work.

    rasa_sdk keeps only the form's required slots from what extract_* return. Ours
    also set bookkeeping (axis_attempts, which makes the sharper second question
    possible) and context slots (policy_domain, initiator, cleared earlier results),
    and those must reach the tracker too; Rasa's form accepts them alongside the
    requested slot. There are no validate_* methods: reading an answer validates it.
    """

    @abstractmethod  # abstract, so the action server does not register this base class
    def name(self) -> Text: ...

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [SlotSet(slot, value) for slot, value in tracker.slots_to_validate().items()]
