"""Validate action-server responses against Rasa's schema without re-checking the schema.

Rasa 3.6 validates every action-server response with `jsonschema.validate(result,
schema)`. That function first checks the *schema itself* against the JSON Schema
meta-schema, on every call. Profiled with py-spy on one user's conversation, that
check alone was a third of the Rasa process's busy time (a Taai turn makes two or
three action calls). Here the validator is built once, for the same schema, and each
response is still validated in full: an invalid response raises the same
ValidationError with Rasa's explanation appended. `validate_action_result` replaces
`RemoteAction._validate_action_result` (installed by bot/rasa_ext/patches.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_original_validate_action_result = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once per process, as jsonschema.validate would each time
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError

    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        # The same hint Rasa adds, so logs read as before.
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e
