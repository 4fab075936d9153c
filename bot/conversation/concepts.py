"""Questions about a concept ("wat is sociale innovatie?"): a short answer from the
knowledge base, with its source.

What the question is about is found by bot/understanding/questions.py among the
names of terms, problem types, participation levels, example cases and legal routes;
the answer only puts together what knowledge/*.yml says about it.
"""

from __future__ import annotations

from bot.conversation.reply import Reply
from bot.core.knowledge import KnowledgeBase
from bot.understanding.questions import CHOICE, question_reader


def find_concept(kb: KnowledgeBase, text: str, concept_entity: str | None = None) -> tuple[str, str] | None:
    """What a concept question is about: ("term" | "type" | "case" | "level" | "route", id).

    A concept entity from a button ("probleemtypologie") or from the router
    ("type:unstructured") wins; else the longest name in the text (so "deels
    gestructureerd" beats "gestructureerd")."""
    if concept_entity in kb.terms:
        return "term", concept_entity
    if concept_entity and ":" in concept_entity:
        kind, item_id = concept_entity.split(":", 1)
        return kind, item_id
    hits = question_reader(kb).subjects_in(f"{concept_entity or ''} {text}")
    return (hits[0].label.kind, hits[0].label.id) if hits else None


def answer_concept(kb: KnowledgeBase, text: str, concept_entity: str | None = None) -> Reply:
    """A short answer from the knowledge base, with its source."""
    reply = Reply()
    if concept_entity and concept_entity.startswith(CHOICE):
        return _offer_choice(kb, concept_entity.removeprefix(CHOICE).split(","))
    found = find_concept(kb, text, concept_entity)
    if not found:
        examples = ", ".join(t["term"] for t in list(kb.terms.values())[:6])
        return reply.say(kb.message("concept.unknown", examples=examples))
    kind, item_id = found
    if kind == "term":
        entry = kb.terms[item_id]
        parts = [kb.message("concept.term", term=entry["term"], definition=entry["definition"])]
        if entry.get("example"):
            parts.append(kb.message("concept.term_example", example=entry["example"]))
    elif kind == "case":
        entry = kb.cases[item_id]
        parts = [kb.message("concept.case", name=entry["name"], summary=entry["summary"], lesson=entry["lesson"])]
    elif kind == "type":
        entry = kb.types[item_id]
        parts = [
            kb.message("concept.type", name=entry["name"], summary=entry["summary"], explanation=entry["explanation"])
        ]
    elif kind == "level":
        entry = kb.levels[item_id]
        parts = [
            kb.message(
                "concept.level",
                name=entry["name"],
                description=entry["description"],
                citizen_role=entry["citizen_role"],
                professional_style=entry["professional_style"],
            )
        ]
    else:
        entry = kb.routes[item_id]
        parts = [
            kb.message(
                "concept.route", name=entry["name"], summary=entry["summary"], status=kb.status_on(entry)["text"]
            )
        ]
    if entry.get("caveat"):
        parts.append(kb.message("concept.caveat", caveat=entry["caveat"]))
    sources = "; ".join(s["short"] for s in kb.source_list(entry["sources"]))
    return reply.say(kb.message("concept.with_sources", answer="\n\n".join(parts), sources=sources))


def _offer_choice(kb: KnowledgeBase, concepts: list[str]) -> Reply:
    """Not sure which term the user means: say so, and offer the closest ones as buttons."""
    buttons = []
    for concept in concepts:
        kind, term_id = concept.split(":", 1)
        if kind == "term" and term_id in kb.terms:
            payload = '/ask_concept{"concept":"%s"}' % concept
            buttons.append((kb.terms[term_id]["term"], payload))
    return Reply().say(kb.message("concept.choose"), tuple(buttons))
