"""Apply the text-reading rules (bot/understanding/router.py) to Rasa's parse result.

Called from the parse hook in bot/rasa_ext/hooks/parse.py with the conversation's
tracker, so the rules know whether a form is asking and whether a problem was
described. The model's own result stays in the parse data (`taai_model_intent`) for
logs and evaluation; the rule that decided is named in `taai_route`.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from bot.core.knowledge import default_knowledge
from bot.understanding.router import Turn, route

logger = logging.getLogger(__name__)
EXTRACTOR = "taai_router"


def turn_of(tracker: Optional[DialogueStateTracker]) -> Turn:
    if tracker is None:
        return Turn()
    return Turn(
        active_form=tracker.active_loop_name,
        requested_slot=tracker.get_slot("requested_slot"),
        has_description=bool(tracker.get_slot("problem_description")),
        trainer_mode=tracker.get_slot("trainer_mode"),
    )


def apply_router(parse_data: dict[str, Any], tracker: Optional[DialogueStateTracker]) -> dict[str, Any]:
    text = parse_data.get("text") or ""
    intent = parse_data.get("intent") or {}
    try:
        routed = route(
            default_knowledge(), text, intent.get("name"), float(intent.get("confidence") or 0.0), turn_of(tracker)
        )
    except Exception:  # a reading rule that fails must not stop the message: the model's intent stands
        logger.exception("Routing a message failed; the model's intent stands")
        return parse_data
    if routed.intent == intent.get("name") and not routed.entities:
        return parse_data
    parse_data["taai_model_intent"] = dict(intent)
    parse_data["taai_route"] = routed.rule
    parse_data["intent"] = {"name": routed.intent, "confidence": 1.0}
    ranking = [r for r in parse_data.get("intent_ranking") or [] if r.get("name") != routed.intent]
    parse_data["intent_ranking"] = [{"name": routed.intent, "confidence": 1.0}, *ranking]
    entities = [e for e in parse_data.get("entities") or [] if e.get("entity") not in routed.entities]
    for name, value in routed.entities.items():
        entities.append({"entity": name, "value": value, "start": 0, "end": len(text), "extractor": EXTRACTOR})
    parse_data["entities"] = entities
    logger.debug("Route: %s -> %s (%s)", intent.get("name"), routed.intent, routed.rule)
    return parse_data
