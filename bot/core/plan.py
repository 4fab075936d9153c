"""Assemble an experiment plan from what the conversation gathered.

The plan is data (an `ExperimentPlan`); `bot.core.render` turns it into Markdown for
chat and HTML for download. What is still missing is reported, so the dialogue
can ask for it before handing over a plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.classify import Classification, classify
from bot.core.knowledge import KnowledgeBase
from bot.core.recommend import Recommendation, recommend
from bot.core.routes import RouteMatch, Situation, match_routes

MAX_ROUTES_IN_PLAN = 3


@dataclass(frozen=True)
class PlanInput:
    problem_description: str | None = None
    value_consensus: str | None = None
    knowledge_certainty: str | None = None
    domain: str | None = None
    initiator: str | None = None
    deviation: str | None = None

    def missing(self) -> list[str]:
        """Inputs the plan cannot do without, in the order to ask for them."""
        return [
            name
            for name in ("problem_description", "value_consensus", "knowledge_certainty")
            if not getattr(self, name)
        ]


@dataclass(frozen=True)
class ExperimentPlan:
    problem_description: str
    classification: Classification
    recommendation: Recommendation
    routes: tuple[RouteMatch, ...]
    phases: tuple[dict, ...]
    evidence_from: dict
    evidence_to: dict
    evidence_heuristic: str
    risks: tuple[dict, ...]
    disclaimer: str
    heuristics_note: str
    sources: tuple[dict, ...] = field(default_factory=tuple)


class PlanIncomplete(ValueError):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("missing: " + ", ".join(missing))


def _collect_sources(kb: KnowledgeBase, entries: list[dict]) -> tuple[dict, ...]:
    ids: list[str] = []
    for entry in entries:
        ids += entry.get("sources", [])
    return tuple(kb.source_list(ids))


def build_plan(kb: KnowledgeBase, given: PlanInput) -> ExperimentPlan:
    description, values, knowledge = given.problem_description, given.value_consensus, given.knowledge_certainty
    if not (description and values and knowledge):
        raise PlanIncomplete(given.missing())
    classification = classify(kb, values, knowledge)
    type_id = classification.type_id
    recommendation = recommend(kb, type_id, given.domain, given.initiator)
    routes = tuple(m for m in match_routes(kb, Situation(given.domain, given.initiator, given.deviation)) if m.usable)[
        :MAX_ROUTES_IN_PLAN
    ]

    process = kb.process
    targets = process.get("evidence_targets")
    low, high = targets["targets"].get(type_id, [1, 2]) if targets else [1, 2]
    phases = tuple(sorted(process["phases"], key=lambda p: p["rank"]))
    risks = tuple(process["risks"])

    used = [classification.problem_type, recommendation.level, kb.evidence_level(low), kb.evidence_level(high)]
    used += [kb.stakeholders[s.id] for s in recommendation.stakeholders]
    used += [m.route for m in routes] + list(phases) + list(risks)
    if targets:
        used.append(targets)
    return ExperimentPlan(
        problem_description=description,
        classification=classification,
        recommendation=recommendation,
        routes=routes,
        phases=phases,
        evidence_from=kb.evidence_level(low),
        evidence_to=kb.evidence_level(high),
        evidence_heuristic=targets["heuristic"]["derived_from"] if targets else "",
        risks=risks,
        disclaimer=kb.disclaimer,
        heuristics_note=kb.meta["heuristics_note"]["text"],
        sources=_collect_sources(kb, used),
    )
