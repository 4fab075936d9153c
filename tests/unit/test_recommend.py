from __future__ import annotations

import pytest

from bot.core.recommend import MAX_STAKEHOLDERS, recommend


@pytest.mark.parametrize(
    "type_id",
    [
        "structured",
        "moderately_structured_values_contested",
        "moderately_structured_knowledge_uncertain",
        "unstructured",
    ],
)
def test_every_type_gets_a_level_and_stakeholders(kb, type_id):
    result = recommend(kb, type_id)
    assert result.level["id"] == kb.types[type_id]["participation"]["level"]
    assert 2 <= len(result.stakeholders) <= MAX_STAKEHOLDERS
    assert (
        result.stakeholder_ids[: len(kb.types[type_id]["stakeholders"])]
        == [s["id"] for s in kb.types[type_id]["stakeholders"]][:MAX_STAKEHOLDERS]
    )
    assert all(s.role for s in result.stakeholders)


def test_less_structured_types_ask_for_more_participation(kb):
    rank = {t: recommend(kb, t).level["rank"] for t in kb.types}
    assert rank["structured"] < rank["moderately_structured_knowledge_uncertain"]
    assert rank["structured"] < rank["unstructured"]


def test_initiative_of_residents_changes_the_level(kb):
    base = recommend(kb, "unstructured")
    residents = recommend(kb, "unstructured", initiator="bewoners")
    assert residents.adapted_to_initiator
    assert residents.level["id"] == kb.types["unstructured"]["participation"]["by_initiator"]["bewoners"]
    assert residents.level["rank"] >= base.level["rank"]
    assert residents.stakeholders[0].because == "initiator"


def test_domain_adds_its_partners(kb):
    domain = next(c for c in kb.stakeholders.values() if c["domains"])["domains"][0]
    result = recommend(kb, "structured", domain=domain)
    expected = [c["id"] for c in kb.stakeholders.values() if domain in c["domains"]]
    listed = result.stakeholder_ids
    assert any(e in listed for e in expected)
    assert len(listed) == len(set(listed))


def test_unknown_context_is_ignored_unknown_type_refused(kb):
    assert recommend(kb, "structured", domain="ruimtevaart", initiator="marsmannetjes").domain is None
    with pytest.raises(ValueError):
        recommend(kb, "chaotic")
