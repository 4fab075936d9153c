"""The conversation's state, read once from Rasa's slots into typed fields.

Rasa keeps a conversation's memory in slots (domain.yml), and the names of the
contract slots are fixed by docs/architecture.md. The conversation code reads them through one
frozen `ConversationState` instead of `state.get("some_slot")` strings scattered
over the code: a misspelt name is an AttributeError, not a silent None, and a value
arrives as the type the code expects (Rasa stores a number slot as a float, a list
slot as a list).

Replies change slots by these same names (`Reply.set`, which checks them).
tests/unit/test_conversation_state.py keeps the fields and domain.yml's slots in step.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Mapping

# A context question (domain, initiator, the rule in the way) the user could not or
# would not answer: asked, so not asked again, but nothing to reason with.
UNKNOWN = "unknown"

# Rasa's own slot for the question a form is asking. Not in domain.yml (Rasa adds it
# for every form), so not conversation state; the conversation only clears it, to
# stop a form that keeps misunderstanding.
REQUESTED_SLOT = "requested_slot"

# Domain slots the conversation never reads, and why.
NOT_CONVERSATION_STATE = {
    "feedback": "the web widget's helpful / not helpful, kept with the conversation for the team; "
    "no reply depends on it",
}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int:
    """Rasa keeps number slots as floats; a missing or odd value counts as 0."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


@dataclass(frozen=True)
class ConversationState:
    """Every slot the conversation reads, typed. Field names are the slot names."""

    # The diagnosis (contract slots, docs/architecture.md).
    problem_description: str | None = None
    value_consensus: str | None = None  # agree | disagree
    knowledge_certainty: str | None = None  # certain | uncertain
    problem_type: str | None = None
    participation_level: str | None = None
    stakeholders: tuple[str, ...] = ()
    legal_routes: tuple[str, ...] = ()
    # Context for advice and routes: knowledge-base ids or UNKNOWN; deviation is the user's words.
    policy_domain: str | None = None
    initiator: str | None = None
    deviation: str | None = None
    # Bookkeeping.
    axis_attempts: int = 0  # unclear answers to the current axis question
    last_conclusion: str | None = None  # type | advice | routes | plan: what "waarom?" explains
    plan_requested: bool = False  # a plan was asked for before the type was known
    # Demo and quiz (bot/conversation/classroom.py): their own slots.
    trainer_mode: str | None = None  # demo | quiz
    demo_step: int = 0
    quiz_cases: tuple[str, ...] = ()
    quiz_case: str | None = None
    quiz_stage: str | None = None  # type | level | next
    quiz_score: int = 0
    quiz_total: int = 0

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> "ConversationState":
        """From Rasa's slot values (or a Reply's slot updates); other keys are ignored."""
        return cls(**_typed(slots))

    def updated(self, changes: Mapping[str, Any]) -> "ConversationState":
        """This state with a reply's slot updates applied (keys that are no field are ignored)."""
        return replace(self, **_typed(changes))

    def slot(self, name: str) -> Any:
        """A slot by name, for code that gets the name as a value (an axis, a routes-form question)."""
        if name not in SLOT_NAMES:
            raise KeyError(f"{name!r} is not a slot the conversation reads")
        return getattr(self, name)

    @property
    def has_both_axes(self) -> bool:
        """Both axes are answered: the type is known."""
        return bool(self.value_consensus and self.knowledge_certainty)

    def both_axes(self) -> tuple[str, str]:
        """(value_consensus, knowledge_certainty); only for a state that has both."""
        if not (self.value_consensus and self.knowledge_certainty):
            raise ValueError("the type needs both axes answered")
        return self.value_consensus, self.knowledge_certainty

    @property
    def known_domain(self) -> str | None:
        return None if self.policy_domain == UNKNOWN else self.policy_domain

    @property
    def known_initiator(self) -> str | None:
        return None if self.initiator == UNKNOWN else self.initiator

    @property
    def known_deviation(self) -> str | None:
        return None if self.deviation == UNKNOWN else self.deviation


SLOT_NAMES = frozenset(item.name for item in fields(ConversationState))
# Field annotation -> how a slot value becomes that type.
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str | None": _text,
    "int": _count,
    "bool": bool,
    "tuple[str, ...]": _ids,
}
# With `from __future__ import annotations` every field's type is its annotation string.
_FIELD_TYPES = {item.name: _CONVERTERS[str(item.type)] for item in fields(ConversationState)}


def _typed(slots: Mapping[str, Any]) -> dict[str, Any]:
    return {name: convert(slots[name]) for name, convert in _FIELD_TYPES.items() if name in slots}


# Groups of slots, by name.
CONTRACT_SLOTS = (
    "problem_description",
    "value_consensus",
    "knowledge_certainty",
    "problem_type",
    "participation_level",
    "stakeholders",
    "legal_routes",
)  # fixed by docs/architecture.md
DERIVED_SLOTS = ("problem_type", "participation_level", "stakeholders", "legal_routes")  # follow from the axes
TRAINER_SLOTS = ("trainer_mode", "demo_step", "quiz_cases", "quiz_case", "quiz_stage", "quiz_score", "quiz_total")
# Slots whose names the code passes around as values: the questions of the two forms,
# in the order they ask them (domain.yml, diagnosis_form and routes_form).
PROBLEM_DESCRIPTION = "problem_description"
VALUE_CONSENSUS, KNOWLEDGE_CERTAINTY = "value_consensus", "knowledge_certainty"
POLICY_DOMAIN, INITIATOR, DEVIATION = "policy_domain", "initiator", "deviation"


def check_slot_names(names: Any) -> None:
    """Fail loudly on a slot update that names no slot the conversation knows."""
    unknown = [name for name in names if name not in SLOT_NAMES and name != REQUESTED_SLOT]
    if unknown:
        raise KeyError(f"not a conversation slot: {', '.join(map(repr, unknown))} (bot/conversation/state.py)")
