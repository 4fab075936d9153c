"""Whom to involve and at which participation level, for a problem type in context.

The choices are data: each problem type names its key stakeholder categories and
its participation level (knowledge/problem_types.yml, marked as Taai heuristics);
stakeholder categories say for which domains and initiators they matter
(knowledge/stakeholders.yml). This module combines them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge import KnowledgeBase

MAX_STAKEHOLDERS = 6  # more than this is a list nobody acts on


@dataclass(frozen=True)
class StakeholderAdvice:
    id: str
    name: str
    role: str
    why: str
    because: str  # "type", "domain" or "initiator": why it is on the list


@dataclass(frozen=True)
class Recommendation:
    problem_type: dict
    level: dict
    level_reason: str
    adapted_to_initiator: bool
    stakeholders: tuple[StakeholderAdvice, ...]
    domain: dict | None
    initiator: dict | None

    @property
    def stakeholder_ids(self) -> list[str]:
        return [s.id for s in self.stakeholders]


def recommend(
    kb: KnowledgeBase, problem_type: str, domain: str | None = None, initiator: str | None = None
) -> Recommendation:
    if problem_type not in kb.types:
        raise ValueError(f"unknown problem type {problem_type!r}")
    entry = kb.types[problem_type]
    domain_entry = kb.domains.get(domain) if domain else None
    initiator_entry = kb.initiators.get(initiator) if initiator else None

    participation = entry["participation"]
    by_initiator = participation.get("by_initiator", {})
    adapted = initiator_entry is not None and initiator_entry["id"] in by_initiator
    level_id = (
        by_initiator[initiator_entry["id"]] if initiator_entry is not None and adapted else participation["level"]
    )

    chosen: dict[str, StakeholderAdvice] = {}

    def add(category_id: str, role: str, because: str) -> None:
        if category_id not in chosen and len(chosen) < MAX_STAKEHOLDERS:
            category = kb.stakeholders[category_id]
            chosen[category_id] = StakeholderAdvice(category_id, category["name"], role, category["why"], because)

    # The initiator's own partners first: whoever starts it must be at the table.
    if initiator_entry:
        for category in kb.stakeholders.values():
            if initiator_entry["id"] in category["initiators"]:
                add(category["id"], category.get("domain_role", category["why"]), "initiator")
    for item in entry["stakeholders"]:
        add(item["id"], item["role"], "type")
    if domain_entry:
        for category in kb.stakeholders.values():
            if domain_entry["id"] in category["domains"]:
                add(category["id"], category.get("domain_role", category["why"]), "domain")

    return Recommendation(
        problem_type=entry,
        level=kb.levels[level_id],
        level_reason=participation["implication"],
        adapted_to_initiator=adapted,
        stakeholders=tuple(chosen.values()),
        domain=domain_entry,
        initiator=initiator_entry,
    )
