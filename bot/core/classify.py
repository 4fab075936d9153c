"""Two axis values -> one of the four problem types, with the reasons in words.

The typology (Hisschemöller & Hoppe) and all wording about it live in
knowledge/problem_types.yml; this module only combines them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge import KnowledgeBase

VALID = {"value_consensus": ("agree", "disagree"), "knowledge_certainty": ("certain", "uncertain")}


@dataclass(frozen=True)
class TypeChange:
    """What answer would change the type, and into which type."""

    axis: str
    axis_name: str
    new_value: str
    new_value_label: str
    new_type: dict


@dataclass(frozen=True)
class Classification:
    problem_type: dict
    value_consensus: str
    knowledge_certainty: str
    reasons: tuple[str, ...]
    changes: tuple[TypeChange, ...]

    @property
    def type_id(self) -> str:
        return self.problem_type["id"]


def _pole(kb: KnowledgeBase, axis: str, value: str) -> dict:
    return next(p for p in kb.axes[axis]["poles"] if p["value"] == value)


def classify(kb: KnowledgeBase, value_consensus: str, knowledge_certainty: str) -> Classification:
    if value_consensus not in VALID["value_consensus"]:
        raise ValueError(f"value_consensus must be one of {VALID['value_consensus']}, not {value_consensus!r}")
    if knowledge_certainty not in VALID["knowledge_certainty"]:
        raise ValueError(
            f"knowledge_certainty must be one of {VALID['knowledge_certainty']}, not {knowledge_certainty!r}"
        )
    answers = {"value_consensus": value_consensus, "knowledge_certainty": knowledge_certainty}
    problem_type = kb.type_for(value_consensus, knowledge_certainty)

    reasons = [f"{kb.axes[axis]['name']}: {_pole(kb, axis, value)['label']}." for axis, value in answers.items()]
    reasons.append(problem_type["why"])

    changes = []
    for axis, value in answers.items():
        other = next(v for v in VALID[axis] if v != value)
        flipped = {**answers, axis: other}
        changes.append(
            TypeChange(
                axis=axis,
                axis_name=kb.axes[axis]["name"],
                new_value=other,
                new_value_label=_pole(kb, axis, other)["label"],
                new_type=kb.type_for(flipped["value_consensus"], flipped["knowledge_certainty"]),
            )
        )
    return Classification(problem_type, value_consensus, knowledge_certainty, tuple(reasons), tuple(changes))
