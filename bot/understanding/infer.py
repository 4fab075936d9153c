"""Read the two axes from what a user writes (the API the conversation uses).

- `infer_axes`: from a free problem description, only where the text makes an axis
  clear; no guess where it says nothing (an empty result is a good answer).
- `interpret_answer`: a reply to the form question about one axis, read through that
  question ("ja" means agree when asked about values, certain when asked about
  knowledge).

The reading itself (lemmas, gaps, negation scope, hedges, contrast) lives in
bot/understanding/axes.py; the words it reads with, in knowledge/cues.yml.
"""

from __future__ import annotations

import logging

from bot.core.knowledge import KnowledgeBase
from bot.understanding.axes import AXES, NO_POLE, YES_POLE, AnswerReading, AxisInference, axis_reader  # noqa: F401

logger = logging.getLogger(__name__)


def infer_axes(kb: KnowledgeBase, description: str) -> dict[str, AxisInference]:
    """Axes that the description makes clear, with confidence and cue."""
    try:
        return axis_reader(kb).infer_axes(description)
    except Exception:  # a reading rule that fails must not stop the conversation: guess nothing
        logger.exception("Reading the axes of a description failed")
        return {}


def interpret_answer(kb: KnowledgeBase, axis: str, text: str, second_opinion: bool = True) -> AnswerReading:
    """Read a reply to the question about `axis`; `second_opinion` False reads by the
    cues alone (for texts that are no reply to an axis question)."""
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}")
    try:
        return axis_reader(kb).read_answer(axis, text, second_opinion)
    except Exception:  # a reading rule that fails: say it was not understood, record nothing
        logger.exception("Reading a reply to the %s question failed", axis)
        return AnswerReading("unclear")
