"""Action-server responses are validated as strictly as Rasa does, with a validator
built once (bot/rasa_ext/hooks/action_validation.py)."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext import patches
from bot.rasa_ext.hooks import action_validation

VALID = [
    {},
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "problem_type", "value": "unstructured", "timestamp": None}],
        "responses": [{"text": "Hallo", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
    },
    {
        "events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_x"}],
        "responses": [{"response": "utter_greet"}, {"custom": {"plan": "…"}}],
    },
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "not a list"},
    {"events": [{"event": "slot", "timestamp": "yesterday"}]},
]


@pytest.fixture
def action():
    patches.apply(next(p for p in patches.PATCHES if p.replacement is action_validation.validate_action_result))
    return RemoteAction("action_check", EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.mark.parametrize("result", VALID)
def test_valid_responses_pass_as_with_rasas_own_check(action, result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())  # Rasa's way
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_as_with_rasas_own_check(action, result):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(result)


def test_the_schema_itself_is_checked_once_not_per_response(action, monkeypatch):
    calls = []
    validator_class = type(action_validation._validator())
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, schema, *a, **k: calls.append(1)))
    for _ in range(3):
        action._validate_action_result(VALID[2])
    assert calls == []
