"""The situation around a problem: the policy domain, who takes the initiative, and
the rule in the way. Route advice and the plan depend on it.

Domains and initiators are named in many ways ("bijstand" is werk en inkomen), so
they are read from the names and synonyms in knowledge/context.yml, never from a
list in code. The routes form asks for all three (`ask_context`, `read_context`);
a detail mentioned along the way is noted too (`note_context`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

from bot.conversation.reply import Reply
from bot.conversation.state import DEVIATION, INITIATOR, POLICY_DOMAIN, UNKNOWN, VALUE_CONSENSUS
from bot.core.knowledge import KnowledgeBase
from bot.core.routes import named_routes
from bot.core.text import normalise
from bot.understanding.infer import interpret_answer
from bot.understanding.lexicon import join_split_compounds, tokenize
from bot.understanding.phrases import PhraseFinder, compile_phrase
from bot.understanding.questions import question_reader

WEAK_SYNONYM = 0.4  # "wijk" says less about the domain than "mantelzorg"
COMPOUND_PART = 0.5


@lru_cache(maxsize=4)
def _context_finders(kb: KnowledgeBase) -> tuple[PhraseFinder[tuple[str, float]], PhraseFinder[tuple[str, float]]]:
    overrides = kb.cues["lexicon"].get("lemma_overrides", {})

    def finder(entries: Mapping[str, dict]) -> PhraseFinder[tuple[str, float]]:
        phrases = []
        for entry in entries.values():
            weak = {w.lower() for w in entry.get("weak_synonyms", [])}
            for name in entry["synonyms"] + [entry["name"]]:
                if name.lower() not in weak:  # "Wonen" is the domain's name, "wonen" mostly a verb
                    phrases.append(compile_phrase(name, (entry["id"], 1.0), overrides))
            for name in entry.get("weak_synonyms", []):
                phrases.append(compile_phrase(name, (entry["id"], WEAK_SYNONYM), overrides))
        return PhraseFinder(phrases, max_gap=0, compounds=True)

    return finder(kb.domains), finder(kb.initiators)


@lru_cache(maxsize=4)
def _context_words(kb: KnowledgeBase) -> frozenset[str]:
    """One-word names of domains and initiators, for "bij stand" typed as two words."""
    names = [n for entries in (kb.domains, kb.initiators) for e in entries.values() for n in e["synonyms"]]
    return frozenset(n.lower() for n in names if " " not in n)


def _resolve(
    known: Mapping[str, dict],
    finder: PhraseFinder[tuple[str, float]],
    entity: str | None,
    text: str,
    vocabulary: frozenset[str] = frozenset(),
) -> str | None:
    """An entity value that is already an id wins; else synonyms in entity, then in text:
    the id with the most weight (a synonym 1, a weak one less); on a tie, the one named first."""
    if entity in known:
        return entity
    for candidate in (entity, text):
        if candidate:
            tokens = join_split_compounds(tokenize(candidate), vocabulary)
            hits = finder.find(tokens)
            if hits:
                weights: dict[str, float] = {}
                for hit in hits:
                    item, weight = hit.label
                    if (
                        tokens[hit.positions[0]].text != hit.phrase.words[0].text
                        and len(hit.phrase.words) == 1
                        and tokens[hit.positions[0]].lemma != hit.phrase.words[0].lemma
                    ):
                        weight *= COMPOUND_PART  # "woning" in "woninginbraak" says less than "woninginbraak"
                    weights[item] = weights.get(item, 0.0) + weight
                return max(weights, key=lambda item: weights[item])  # dicts keep the order first named
    return None


def resolve_domain(kb: KnowledgeBase, entity: str | None, text: str = "") -> str | None:
    """The policy domain an entity or a text names, as a knowledge-base id, or None."""
    return _resolve(kb.domains, _context_finders(kb)[0], entity, text, _context_words(kb))


def resolve_initiator(kb: KnowledgeBase, entity: str | None, text: str = "") -> str | None:
    """Who takes the initiative according to an entity or a text, as a knowledge-base id, or None."""
    return _resolve(kb.initiators, _context_finders(kb)[1], entity, text, _context_words(kb))


def read_context(kb: KnowledgeBase, slot: str, text: str, entity: str | None, intent: str | None) -> dict:
    """Fill a question of the routes form: domain, initiator or the rule in the way."""
    # A hedge ("misschien", "twijfel") only means "don't know" when nothing else is named:
    # "werk en inkomen, misschien ook jeugd" names a domain.
    # Read by the cues alone: the answer model knows replies to the axis questions, not these.
    reading = interpret_answer(kb, VALUE_CONSENSUS, text, second_opinion=False)
    hedged = intent == "dont_know" or reading.kind == "dont_know"
    if slot in (POLICY_DOMAIN, INITIATOR):
        resolve = resolve_domain if slot == POLICY_DOMAIN else resolve_initiator
        named = resolve(kb, entity, text)
        return {slot: UNKNOWN if hedged and named in (None, UNKNOWN) else named}
    if hedged:
        rest = normalise(text).replace(reading.cue or "", " ").split() if reading.kind == "dont_know" else []
        if len(rest) < 2:
            return {slot: UNKNOWN}
    if slot == DEVIATION:
        cleaned = " ".join(text.split())
        if not cleaned or cleaned.startswith("/") or normalise(cleaned) in ("nee", "geen", "niks", "niets"):
            return {slot: UNKNOWN}
        return {slot: cleaned}
    raise ValueError(slot)


def context_not_recognised(kb: KnowledgeBase, slot: str) -> Reply:
    """An answer to a routes question that names no known domain or initiator."""
    if slot == POLICY_DOMAIN:
        text = kb.message("context.not_recognised_policy_domain")
    elif slot == INITIATOR:
        text = kb.message("context.not_recognised_initiator")
    else:
        text = kb.message("context.not_recognised_answer")
    return Reply().set(**{slot: UNKNOWN}).say(text)


def ask_context(kb: KnowledgeBase, slot: str) -> Reply:
    """A question of the routes form, with the known names (or only "don't know") as buttons."""
    dont_know = ((kb.message("buttons.dont_know"), "/dont_know"),)
    if slot == POLICY_DOMAIN:
        question = kb.message("context.ask_policy_domain")
        buttons = tuple((d["name"], d["name"]) for d in kb.domains.values()) + dont_know
    elif slot == INITIATOR:
        question = kb.message("context.ask_initiator")
        buttons = tuple((i["name"], i["name"]) for i in kb.initiators.values()) + dont_know
    elif slot == DEVIATION:
        question, buttons = kb.message("context.ask_deviation"), dont_know
    else:
        raise ValueError(slot)
    return Reply().say(question, buttons)


def note_context(
    kb: KnowledgeBase, text: str, domain_entity: str | None = None, initiator_entity: str | None = None
) -> Reply:
    """Extra situation details outside a question: domain, initiator, or the rule in the way."""
    reply = Reply()
    domain = resolve_domain(kb, domain_entity, text)
    initiator = resolve_initiator(kb, initiator_entity, text)
    noted = []
    if domain:
        reply.set(policy_domain=domain)
        noted.append(kb.message("context.noted_domain", domain=kb.domains[domain]["name"].lower()))
    if initiator:
        reply.set(initiator=initiator)
        noted.append(kb.message("context.noted_initiator", initiator=kb.initiators[initiator]["name"].lower()))
    if named_routes(kb, text) or not noted or question_reader(kb).names_a_rule_in_the_way(text):
        reply.set(deviation=" ".join(text.split()))
        noted.append(kb.message("context.noted_rule"))
    return reply.say(kb.message("context.noted", details=", ".join(noted)))
