"""Read the two axes from what a user writes.

- `infer_axes`: from a free problem description, only where the cues are clear;
  no guess where the text says nothing (an empty result is a good answer).
- `interpret_answer`: a reply to the form question about one axis, read through
  that question ("ja" means agree when asked about values, certain when asked
  about knowledge).
Cue phrases and their weights live in knowledge/cues.yml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.knowledge import KnowledgeBase
from bot.text import Match, PhraseMatcher, normalise

# Below this confidence the bot asks instead of assuming. A tuning value, not a fact.
MIN_CONFIDENCE = 0.6

AXES = ("value_consensus", "knowledge_certainty")
YES_POLE = {"value_consensus": "agree", "knowledge_certainty": "certain"}
NO_POLE = {"value_consensus": "disagree", "knowledge_certainty": "uncertain"}


@dataclass(frozen=True)
class AxisInference:
    axis: str
    value: str
    confidence: float
    cue: str  # the phrase that triggered it, as written in cues.yml


@dataclass(frozen=True)
class AnswerReading:
    kind: Literal["value", "dont_know", "unclear"]
    value: str | None = None
    cue: str | None = None


@dataclass(frozen=True)
class _CueLabel:
    axis: str | None  # None for short yes/no/dont_know answers
    value: str  # a pole, or yes / no / dont_know
    weight: float


@lru_cache(maxsize=4)
def _matcher(kb: KnowledgeBase) -> PhraseMatcher[_CueLabel]:
    phrases = []
    for cue in kb.cues["axis_cues"]:
        phrases += [(p, _CueLabel(cue["axis"], cue["pole"], cue["weight"])) for p in cue["phrases"]]
    for answer in kb.cues["answers"]:
        phrases += [(p, _CueLabel(None, answer["meaning"], 1.0)) for p in answer["phrases"]]
    return PhraseMatcher(phrases)


def _scores(matches: list[Match[_CueLabel]], axis: str) -> dict[str, tuple[float, str]]:
    """Per pole: summed weight and the strongest phrase."""
    scores: dict[str, tuple[float, str]] = {}
    for match in matches:
        if match.label.axis != axis:
            continue
        total, best = scores.get(match.label.value, (0.0, match.phrase))
        scores[match.label.value] = (total + match.label.weight, best)
    return scores


def _decide(scores: dict[str, tuple[float, str]], axis: str) -> AxisInference | None:
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1][0])
    (pole, (top, cue)), rest = ranked[0], ranked[1:]
    other = rest[0][1][0] if rest else 0.0
    # Capped sum, reduced by contrary evidence: one clear cue gives 0.8, two 0.95.
    confidence = round(min(0.95, top) * (top - other) / top, 2)
    if confidence < MIN_CONFIDENCE:
        return None
    return AxisInference(axis, pole, confidence, cue)


def infer_axes(kb: KnowledgeBase, description: str) -> dict[str, AxisInference]:
    """Axes that the description makes clear, with confidence and cue."""
    matches = _matcher(kb).find(normalise(description))
    result = {}
    for axis in AXES:
        inference = _decide(_scores(matches, axis), axis)
        if inference:
            result[axis] = inference
    return result


def interpret_answer(kb: KnowledgeBase, axis: str, text: str) -> AnswerReading:
    """Read a reply to the question about `axis`."""
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}")
    matches = _matcher(kb).find(normalise(text))
    inference = _decide(_scores(matches, axis), axis)
    if inference:
        return AnswerReading("value", inference.value, inference.cue)
    meanings = {m.label.value: m.phrase for m in matches if m.label.axis is None}
    if "dont_know" in meanings:
        return AnswerReading("dont_know", None, meanings["dont_know"])
    if "yes" in meanings and "no" not in meanings:
        return AnswerReading("value", YES_POLE[axis], meanings["yes"])
    if "no" in meanings and "yes" not in meanings:
        return AnswerReading("value", NO_POLE[axis], meanings["no"])
    return AnswerReading("unclear")
