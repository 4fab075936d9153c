"""Match legal routes for experimenting to a user's situation, best first.

A route fits by policy domain, by who takes the initiative, and by the words the
user used for what must be deviated from (or for the route itself). Routes that
cannot be used today (a bill that never became law) are only returned when the
user names them, together with what to do instead. Facts and keywords live in
knowledge/legal_routes.yml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from bot.core.knowledge import KnowledgeBase, status_on
from bot.core.text import PhraseMatcher, normalise

# Scoring weights: a named route outranks a domain fit, which outranks an initiator fit.
KEYWORD_SCORE = 3.0
MAX_KEYWORD_SCORE = 9.0
DOMAIN_SCORE = 2.0
INITIATOR_SCORE = 1.5
GENERAL_SCORE = 0.5  # applies to every domain / initiator
MISMATCH_PENALTY = -2.5  # the user's domain or initiator is outside the route
EXISTING_ROOM_SCORE = 1.0  # KCBR: existing rules often leave room; always worth checking


@dataclass(frozen=True)
class Situation:
    domain: str | None = None
    initiator: str | None = None
    deviation: str | None = None  # what rule is in the way, in the user's words
    question: str | None = None  # the user's question, e.g. "bestaat de Experimentenwet?"
    named: tuple[str, ...] = ()  # routes the question names in other words (bot/understanding/questions.py)


@dataclass(frozen=True)
class RouteMatch:
    route: dict
    score: float
    mentioned: bool
    reasons: tuple[str, ...]
    open_conditions: tuple[str, ...]
    alternatives: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return self.route["id"]

    @property
    def usable(self) -> bool:
        return self.route["usable"]

    @property
    def status(self) -> dict:
        """The route's status today (resolved when asked, see bot.core.knowledge.status_on)."""
        return status_on(self.route)

    def status_on(self, on: dt.date | None = None) -> dict:
        return status_on(self.route, on)


@lru_cache(maxsize=4)
def _keyword_matcher(kb: KnowledgeBase) -> PhraseMatcher[str]:
    return PhraseMatcher((kw, route["id"]) for route in kb.routes.values() for kw in route["applies"]["keywords"])


@lru_cache(maxsize=4)
def _name_matcher(kb: KnowledgeBase) -> PhraseMatcher[str]:
    return PhraseMatcher((name, route["id"]) for route in kb.routes.values() for name in route["names"])


def named_routes(kb: KnowledgeBase, text: str) -> list[str]:
    """Ids of the routes `text` names outright ("kan artikel 83 hier?"), in order of mention.

    Stricter than keywords: "bijstand" points to art. 83 but does not name it.
    """
    return list(dict.fromkeys(m.label for m in _name_matcher(kb).find(normalise(text or ""))))


def mentioned_routes(kb: KnowledgeBase, text: str) -> dict[str, list[str]]:
    """Route id -> the keywords of that route found in `text`."""
    found: dict[str, list[str]] = {}
    for match in _keyword_matcher(kb).find(normalise(text or "")):
        found.setdefault(match.label, []).append(match.phrase)
    return found


def match_routes(kb: KnowledgeBase, situation: Situation, limit: int | None = None) -> list[RouteMatch]:
    text = " . ".join(t for t in (situation.question, situation.deviation) if t)
    keywords = mentioned_routes(kb, text)
    domain = kb.domains.get(situation.domain) if situation.domain else None
    initiator = kb.initiators.get(situation.initiator) if situation.initiator else None

    matches = []
    for route in kb.routes.values():
        applies = route["applies"]
        score, reasons = 0.0, []
        hits = keywords.get(route["id"], [])
        if hits:
            score += min(MAX_KEYWORD_SCORE, KEYWORD_SCORE * len(hits))
            reasons.append(kb.message("routes.reason_named", keywords=", ".join(f"'{h}'" for h in dict.fromkeys(hits))))
        if domain:
            if not applies["domains"]:
                score += GENERAL_SCORE
            elif domain["id"] in applies["domains"]:
                score += DOMAIN_SCORE
                reasons.append(kb.message("routes.reason_domain", domain=domain["name"].lower()))
            else:
                score += MISMATCH_PENALTY
        if initiator:
            if not applies["initiators"]:
                score += GENERAL_SCORE
            elif initiator["id"] in applies["initiators"]:
                score += INITIATOR_SCORE
                reasons.append(kb.message("routes.reason_initiator", initiator=initiator["name"].lower()))
            else:
                score += MISMATCH_PENALTY
        if route["kind"] == "existing_room":
            score += EXISTING_ROOM_SCORE
            reasons.append(kb.message("routes.reason_existing_room"))

        mentioned = bool(hits) or route["id"] in situation.named
        if not route["usable"] and not mentioned:
            continue  # only explain an unusable route when the user asks about it
        if score <= 0 and not mentioned:
            continue
        alternatives = tuple(kb.routes[a] for a in route.get("alternatives", []))
        matches.append(
            RouteMatch(route, round(score, 2), mentioned, tuple(reasons), tuple(route["conditions"]), alternatives)
        )

    # The routes the user mentioned come first, the one the question is about (`named`)
    # before others whose words merely occur in it ("welke wetten naast de Participatiewet
    # hebben een experimenteerartikel?" asks about the other laws); then by score; ties
    # keep file order.
    matches.sort(key=lambda m: (not m.mentioned, m.id not in situation.named, -m.score))
    return matches[:limit] if limit else matches
