"""What one turn of Taai does: messages to send (text and buttons), slots to change,
and perhaps an action to run next.

Every function in bot/conversation returns a `Reply`. The Rasa actions (actions/)
only send it (actions/common.py), so the whole conversation is testable without
Rasa. Slot names are checked against ConversationState, so a misspelt slot fails in
a test instead of silently setting a slot Rasa does not know.

The buttons several steps offer are here too. Their payloads are intents, so a click
never depends on NLU; their labels are messages (knowledge/messages.yml, `buttons`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.conversation.state import check_slot_names
from bot.core.knowledge import KnowledgeBase

Buttons = tuple[tuple[str, str], ...]  # (label, payload)


@dataclass(frozen=True)
class Message:
    text: str
    buttons: Buttons = ()


@dataclass
class Reply:
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)  # slot name -> new value; names checked by `set`
    followup: str | None = None  # an action to run next (e.g. resume the diagnosis form)

    def say(self, text: str, buttons: Buttons = ()) -> "Reply":
        self.messages.append(Message(text.strip(), tuple(buttons)))
        return self

    def set(self, **slots: Any) -> "Reply":
        """Change slots, named as the fields of ConversationState; an unknown name fails loudly."""
        check_slot_names(slots)
        self.slots.update(slots)
        return self

    def extend(self, other: "Reply") -> "Reply":
        """Another reply's messages after these, its slot updates over these."""
        self.messages += other.messages
        self.slots.update(other.slots)
        return self


# --- buttons that more than one step offers -------------------------------------------------


def start_buttons(kb: KnowledgeBase) -> Buttons:
    """At the start: type a problem, look for room to experiment, or learn the typology."""
    return (
        (kb.message("buttons.classify_problem"), "/start_diagnosis"),
        (kb.message("buttons.room_to_experiment"), "/ask_experiment"),
        (kb.message("buttons.explain_typology"), '/ask_concept{"concept":"probleemtypologie"}'),
    )


def start_diagnosis_button(kb: KnowledgeBase) -> Buttons:
    """When something needs the type first."""
    return ((kb.message("buttons.classify_problem"), "/start_diagnosis"),)


def after_type_buttons(kb: KnowledgeBase) -> Buttons:
    """Once the type is known: whom to involve, room to experiment, a plan, why."""
    return (
        (kb.message("buttons.who_to_involve"), "/ask_stakeholders"),
        (kb.message("buttons.room_to_experiment"), "/ask_experiment"),
        (kb.message("buttons.make_plan"), "/ask_plan"),
        (kb.message("buttons.why"), "/ask_why"),
    )


def after_advice_buttons(kb: KnowledgeBase) -> Buttons:
    """After whom to involve: room to experiment, or a plan."""
    return (
        (kb.message("buttons.room_to_experiment"), "/ask_experiment"),
        (kb.message("buttons.make_plan"), "/ask_plan"),
    )


def what_next_buttons(kb: KnowledgeBase) -> Buttons:
    """Nothing open to answer: whom to involve, room to experiment, a plan, or a new problem."""
    return (
        (kb.message("buttons.who_to_involve"), "/ask_stakeholders"),
        (kb.message("buttons.room_to_experiment"), "/ask_experiment"),
        (kb.message("buttons.make_plan"), "/ask_plan"),
        (kb.message("buttons.new_problem"), "/start_over"),
    )
