from __future__ import annotations

import pytest

from bot.core.classify import classify


@pytest.mark.parametrize(
    "values, knowledge, expected",
    [
        ("agree", "certain", "structured"),
        ("disagree", "certain", "moderately_structured_values_contested"),
        ("agree", "uncertain", "moderately_structured_knowledge_uncertain"),
        ("disagree", "uncertain", "unstructured"),
    ],
)
def test_all_four_combinations(kb, values, knowledge, expected):
    result = classify(kb, values, knowledge)
    assert result.type_id == expected
    # Reasons name both answers in words and end with why that makes this type.
    assert len(result.reasons) == 3
    assert result.reasons[-1] == kb.types[expected]["why"]


def test_what_would_change_the_type(kb):
    result = classify(kb, "agree", "uncertain")
    changed = {change.axis: change.new_type["id"] for change in result.changes}
    assert changed == {"value_consensus": "unstructured", "knowledge_certainty": "structured"}


def test_invalid_axis_value_is_refused(kb):
    with pytest.raises(ValueError, match="value_consensus"):
        classify(kb, "maybe", "certain")
    with pytest.raises(ValueError, match="knowledge_certainty"):
        classify(kb, "agree", "")
