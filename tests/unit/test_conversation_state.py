"""ConversationState (bot/conversation/state.py) against domain.yml: every field is a
slot, every slot is a field or listed as not conversation state with a reason, and
the types fit. Slot names are a contract (docs/architecture.md): this keeps code and domain in step."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest

from bot.conversation.reply import Reply
from bot.conversation.state import (
    CONTRACT_SLOTS,
    DERIVED_SLOTS,
    DEVIATION,
    INITIATOR,
    KNOWLEDGE_CERTAINTY,
    NOT_CONVERSATION_STATE,
    POLICY_DOMAIN,
    PROBLEM_DESCRIPTION,
    REQUESTED_SLOT,
    SLOT_NAMES,
    TRAINER_SLOTS,
    UNKNOWN,
    VALUE_CONSENSUS,
    ConversationState,
)
from bot.understanding.infer import AXES
from tests.unit.tracker_fixtures import DOMAIN

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_SLOTS = DOMAIN["slots"]
# domain.yml slot type -> the field's annotation
TYPES = {"text": "str | None", "categorical": "str | None", "float": "int", "bool": "bool", "list": "tuple[str, ...]"}


def test_every_field_is_a_slot_in_the_domain():
    assert sorted(SLOT_NAMES - set(DOMAIN_SLOTS)) == []


def test_every_domain_slot_is_a_field_or_says_why_not():
    assert sorted(set(DOMAIN_SLOTS) - SLOT_NAMES) == sorted(NOT_CONVERSATION_STATE)
    assert not set(NOT_CONVERSATION_STATE) & SLOT_NAMES
    assert all(len(reason) > 20 for reason in NOT_CONVERSATION_STATE.values())


def test_requested_slot_is_rasas_not_ours():
    assert REQUESTED_SLOT not in DOMAIN_SLOTS and REQUESTED_SLOT not in SLOT_NAMES


@pytest.mark.parametrize("field", fields(ConversationState), ids=lambda f: f.name)
def test_each_field_has_the_type_of_its_slot(field):
    assert field.type == TYPES[DOMAIN_SLOTS[field.name]["type"]]


def test_the_slot_groups_name_fields_and_the_forms_ask_them():
    for group in (CONTRACT_SLOTS, DERIVED_SLOTS, TRAINER_SLOTS, AXES, (POLICY_DOMAIN, INITIATOR, DEVIATION)):
        assert set(group) <= SLOT_NAMES, group
    assert set(DERIVED_SLOTS) <= set(CONTRACT_SLOTS)
    assert not set(TRAINER_SLOTS) & set(CONTRACT_SLOTS)
    forms = DOMAIN["forms"]
    assert (VALUE_CONSENSUS, KNOWLEDGE_CERTAINTY) == AXES
    assert forms["diagnosis_form"]["required_slots"] == [PROBLEM_DESCRIPTION, VALUE_CONSENSUS, KNOWLEDGE_CERTAINTY]
    assert forms["routes_form"]["required_slots"] == [POLICY_DOMAIN, INITIATOR, DEVIATION]


def test_from_slots_types_what_rasa_stores():
    state = ConversationState.from_slots(
        {
            "axis_attempts": 1.0,
            "quiz_score": None,
            "stakeholders": ["politics"],
            "legal_routes": None,
            "plan_requested": None,
            "problem_description": ["not", "text"],
            "feedback": {"helpful": True},
            REQUESTED_SLOT: "value_consensus",
            "policy_domain": UNKNOWN,
        }
    )
    assert state.axis_attempts == 1 and state.quiz_score == 0
    assert state.stakeholders == ("politics",) and state.legal_routes == ()
    assert state.plan_requested is False and state.problem_description is None
    assert state.policy_domain == UNKNOWN and state.known_domain is None


def test_updated_applies_a_replys_slots_and_keeps_the_rest():
    before = ConversationState(problem_description="x", value_consensus="agree")
    after = before.updated({"knowledge_certainty": "certain", REQUESTED_SLOT: None})
    assert (after.problem_description, after.value_consensus, after.knowledge_certainty) == ("x", "agree", "certain")
    assert after.has_both_axes and not before.has_both_axes


def test_slot_by_name_refuses_what_is_no_slot():
    assert ConversationState(value_consensus="agree").slot("value_consensus") == "agree"
    with pytest.raises(KeyError):
        ConversationState().slot("feedback")


def test_a_reply_refuses_a_slot_name_that_does_not_exist():
    assert Reply().set(value_consensus="agree", **{REQUESTED_SLOT: None}).slots == {
        "value_consensus": "agree",
        REQUESTED_SLOT: None,
    }
    with pytest.raises(KeyError, match="valeu_consensus"):
        Reply().set(valeu_consensus="agree")


def test_no_slot_is_read_by_its_name_outside_the_state():
    """`tracker.get_slot("x")` and `state.get("x")` are gone: reads go through ConversationState."""
    found = []
    for folder in ("actions", "bot/conversation", "bot/export"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value in DOMAIN_SLOTS
                    and (
                        node.func.attr == "get_slot"
                        or (
                            node.func.attr == "get"
                            and isinstance(node.func.value, ast.Name)
                            and node.func.value.id in ("state", "slots", "tracker")
                        )
                    )
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
