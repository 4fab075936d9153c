"""What Taai says and which slots change, turn by turn, as plain Python.

Each function takes the conversation state (slot values, the user's text) and
returns a `Reply`: messages with optional buttons, and slot updates. The Rasa
actions in actions/ only read slots, call one of these and send the result, so the
whole conversation logic is testable without Rasa. Slot names follow the
contracts in design.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Mapping

from bot.core.classify import classify
from bot.understanding.infer import AXES, NO_POLE, YES_POLE, infer_axes, interpret_answer
from bot.core.knowledge import KnowledgeBase
from bot.core.plan import PlanInput, build_plan
from bot.core.recommend import recommend
from bot.core.render import md_escape, render
from bot.core.routes import Situation, match_routes, named_routes
from bot.core.text import normalise
from bot.understanding.lexicon import tokenize
from bot.understanding.phrases import PhraseFinder, compile_phrase
from bot.understanding.questions import question_reader
from bot.conversation.state import (CONTRACT_SLOTS, DERIVED_SLOTS, DEVIATION, INITIATOR, POLICY_DOMAIN,
                                    REQUESTED_SLOT, UNKNOWN, VALUE_CONSENSUS, ConversationState,
                                    check_slot_names)

MAX_ROUTES_SHOWN = 3
QUOTE_CHARS = 160  # how much of the user's description is echoed back

# Button payloads are intents, so a click never depends on NLU. Labels are messages
# (knowledge/messages.yml, group `buttons`).
ANSWER_BUTTONS = ("/affirm", "/deny", "/dont_know")
Buttons = tuple[tuple[str, str], ...]


def _after_type_buttons(kb: KnowledgeBase) -> Buttons:
    return ((kb.message("buttons.who_to_involve"), "/ask_stakeholders"),
            (kb.message("buttons.room_to_experiment"), "/ask_experiment"),
            (kb.message("buttons.make_plan"), "/ask_plan"),
            (kb.message("buttons.why"), "/ask_why"))


def _start_buttons(kb: KnowledgeBase) -> Buttons:
    return ((kb.message("buttons.classify_problem"), "/start_diagnosis"),
            (kb.message("buttons.room_to_experiment"), "/ask_experiment"),
            (kb.message("buttons.explain_typology"), '/ask_concept{"concept":"probleemtypologie"}'))


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()


@dataclass
class Reply:
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)  # slot name -> new value; names checked by `set`
    followup: str | None = None  # an action to run next (e.g. resume the diagnosis form)

    def say(self, text: str, buttons: tuple[tuple[str, str], ...] = ()) -> "Reply":
        self.messages.append(Message(text.strip(), tuple(buttons)))
        return self

    def set(self, **slots: Any) -> "Reply":
        """Change slots, named as the fields of ConversationState; an unknown name fails loudly."""
        check_slot_names(slots)
        self.slots.update(slots)
        return self

    def extend(self, other: "Reply") -> "Reply":
        """Another reply's messages after these, its slot updates over these."""
        self.messages += other.messages
        self.slots.update(other.slots)
        return self


# --- context: domain and initiator ------------------------------------------------------

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


def _resolve(known: Mapping[str, dict], finder: PhraseFinder[tuple[str, float]], entity: str | None,
             text: str) -> str | None:
    """An entity value that is already an id wins; else synonyms in entity, then in text:
    the id with the most weight (a synonym 1, a weak one less); on a tie, the one named first."""
    if entity in known:
        return entity
    for candidate in (entity, text):
        if candidate:
            tokens = tokenize(candidate)
            hits = finder.find(tokens)
            if hits:
                weights: dict[str, float] = {}
                for hit in hits:
                    item, weight = hit.label
                    if tokens[hit.positions[0]].text != hit.phrase.words[0].text and len(hit.phrase.words) == 1 \
                            and tokens[hit.positions[0]].lemma != hit.phrase.words[0].lemma:
                        weight *= COMPOUND_PART  # "woning" in "woninginbraak" says less than "woninginbraak"
                    weights[item] = weights.get(item, 0.0) + weight
                return max(weights, key=weights.get)  # dicts keep the order first named
    return None


def resolve_domain(kb: KnowledgeBase, entity: str | None, text: str = "") -> str | None:
    return _resolve(kb.domains, _context_finders(kb)[0], entity, text)


def resolve_initiator(kb: KnowledgeBase, entity: str | None, text: str = "") -> str | None:
    return _resolve(kb.initiators, _context_finders(kb)[1], entity, text)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return md_escape(text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…")


def _pole_label(kb: KnowledgeBase, axis: str, value: str) -> str:
    return next(p["label"] for p in kb.axes[axis]["poles"] if p["value"] == value)


# --- diagnosis ----------------------------------------------------------------------------

def start_diagnosis(kb: KnowledgeBase, text: str, domain_entity: str | None = None,
                    initiator_entity: str | None = None) -> Reply:
    """A new problem description: store it, read context and any clear axis, say what was understood."""
    reply = Reply().set(**dict.fromkeys((*AXES, *DERIVED_SLOTS)))
    reply.set(problem_description=text, axis_attempts=0, last_conclusion=None)
    domain = resolve_domain(kb, domain_entity, text)
    initiator = resolve_initiator(kb, initiator_entity, text)
    reply.set(policy_domain=domain, initiator=initiator)

    understood = [kb.message("diagnosis.echo", quote=_quote(text))]
    domain_name = kb.domains[domain]["name"].lower() if domain else None
    initiator_name = kb.initiators[initiator]["name"].lower() if initiator else None
    if domain and initiator:
        understood.append(kb.message("diagnosis.noted_domain_and_initiator", domain=domain_name,
                                     initiator=initiator_name))
    elif domain:
        understood.append(kb.message("diagnosis.noted_domain", domain=domain_name))
    elif initiator:
        understood.append(kb.message("diagnosis.noted_initiator", initiator=initiator_name))
    inferred = infer_axes(kb, text)
    for axis, inference in inferred.items():
        reply.set(**{axis: inference.value})
        understood.append(kb.message("diagnosis.inferred_axis", pole=_pole_label(kb, axis, inference.value),
                                     cue=inference.cue))
    missing = [axis for axis in AXES if axis not in inferred]
    if len(missing) == 2:
        understood.append(kb.message("diagnosis.two_questions_left"))
    elif missing:
        understood.append(kb.message("diagnosis.one_question_left"))
    return reply.say(" ".join(understood))


def ask_axis(kb: KnowledgeBase, axis: str, attempts: int) -> Reply:
    """The form question for an axis; after an unclear answer, the sharper one."""
    entry = kb.axes[axis]
    question = entry.get("sharper_question") if attempts else None
    return Reply().say(question or entry["question"], _answer_buttons(kb, axis))


def ask_problem_description(kb: KnowledgeBase) -> Reply:
    return Reply().say(kb.message("diagnosis.ask_description"))


# A button's payload: an explicit answer, whatever NLU would make of free text.
BUTTON_ANSWERS = {"/affirm": "yes", "/deny": "no", "/dont_know": "dont_know"}


def read_axis_answer(kb: KnowledgeBase, axis: str, text: str, attempts: int) -> Reply:
    """Read the answer to the question about `axis`.

    - An answer: record it and say what was understood.
    - "Weet ik niet" (typed or the button): ask once more, sharper; still don't know:
      take the less structured pole and say so, because treating a problem as more
      structured than it is, is the classic mistake (Hisschemöller & Hoppe).
    - Not understood: say so and ask sharper, with the buttons. Not understood again:
      pause the diagnosis and offer the choices. A pole is only recorded when the
      user gave it: an answer Taai did not understand is never turned into one.
    """
    reply = Reply()
    button = BUTTON_ANSWERS.get(text.strip())
    if button == "dont_know":
        kind, value = "dont_know", None
    elif button:
        kind, value = "value", YES_POLE[axis] if button == "yes" else NO_POLE[axis]
    else:
        reading = interpret_answer(kb, axis, text)
        kind, value = reading.kind, reading.value
    if kind == "value":
        reply.set(**{axis: value}, axis_attempts=0)
        reply.say(kb.message("diagnosis.answer_understood", pole=_pole_label(kb, axis, value)))
        return reply
    if kind == "dont_know" and attempts >= 1:
        pole = kb.axes[axis]["less_structured_pole"]
        reply.set(**{axis: pole}, axis_attempts=0)
        reply.say(kb.message("diagnosis.assume_less_structured", pole=_pole_label(kb, axis, pole)))
        return reply
    if kind == "unclear" and attempts >= 1:
        # Stop asking: the form ends here without this axis (requested_slot None), and
        # the buttons (or a typed answer) pick it up again (`answer_outside_question`).
        reply.set(axis_attempts=0, **{REQUESTED_SLOT: None})
        return reply.say(kb.message("diagnosis.still_not_understood"), _answer_buttons(kb, axis))
    reply.set(axis_attempts=attempts + 1)
    if kind == "unclear":
        reply.say(kb.message("diagnosis.not_understood"))
    else:
        reply.say(kb.message("diagnosis.ask_differently"))
    return reply


def _answer_buttons(kb: KnowledgeBase, axis: str) -> Buttons:
    labels = [p["button"] for p in kb.axes[axis]["poles"]] + [kb.message("buttons.dont_know")]
    return tuple(zip(labels, ANSWER_BUTTONS))


def paused_axis(state: ConversationState) -> str | None:
    """The axis a diagnosis in progress still needs, or None."""
    if not state.problem_description:
        return None
    return next((axis for axis in AXES if not state.slot(axis)), None)


def answer_outside_question(kb: KnowledgeBase, state: ConversationState, text: str) -> Reply:
    """A "ja", "nee", "weet ik niet" (typed or a button) while no question is open.

    After a paused diagnosis it answers the question that was left open: record it
    and go on (`followup` resumes the form, or the type follows at once). Otherwise
    there is nothing to answer: offer what can be done next.
    """
    axis = paused_axis(state)
    if axis is None:
        return Reply().say(kb.message("diagnosis.what_next"), _after_type_buttons(kb)[:3]
                           + ((kb.message("buttons.new_problem"), "/start_over"),))
    read = read_axis_answer(kb, axis, text, state.axis_attempts)
    new_state = state.updated(read.slots)
    if not new_state.slot(axis):
        if REQUESTED_SLOT not in read.slots:
            read.followup = "diagnosis_form"  # it said it asks differently: the form asks
        return read
    if new_state.has_both_axes:
        return read.extend(conclude(kb, new_state))
    read.followup = "diagnosis_form"
    return read


def _derived_slots(kb: KnowledgeBase, state: ConversationState) -> dict[str, Any]:
    """The contract slots that follow from the axes (and the context): type, level, stakeholders."""
    c = classify(kb, state.value_consensus, state.knowledge_certainty)
    r = recommend(kb, c.type_id, state.known_domain, state.known_initiator)
    derived = dict(problem_type=c.type_id, participation_level=r.level["id"], stakeholders=r.stakeholder_ids)
    check_slot_names(derived)
    return derived


def conclude(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """Both axes known: the type with its explanation, and the derived contract slots.
    When a plan was asked for, the plan follows (the type only if it is news)."""
    reply = Reply()
    derived = _derived_slots(kb, state)
    already_told = state.problem_type == state.updated(derived).problem_type and state.last_conclusion
    reply.set(**derived)
    reply.set(last_conclusion="type")
    if not (state.plan_requested and already_told):
        c = classify(kb, state.value_consensus, state.knowledge_certainty)
        buttons = () if state.plan_requested else _after_type_buttons(kb)
        reply.say(render(kb, "classification.md.j2", c=c), buttons)
    if state.plan_requested:
        reply.extend(plan(kb, state.updated(reply.slots))).set(plan_requested=False)
    return reply


def correct(kb: KnowledgeBase, state: ConversationState, text: str) -> Reply:
    """"Eigenlijk zijn de waarden wél omstreden": change the axis, recompute everything."""
    reply = Reply()
    if not state.problem_description:
        # Nothing to correct yet: a sentence about values or knowledge describes the problem.
        started = start_diagnosis(kb, text)
        started.followup = "diagnosis_form"
        return started
    inferred = infer_axes(kb, text)
    changes = {axis: inf.value for axis, inf in inferred.items() if inf.value != state.slot(axis)}
    if not inferred:
        # The payloads are sentences the reader understands as corrections (tested).
        return reply.say(kb.message("correction.what_to_change"),
                         ((kb.message("buttons.values_contested_after_all"), "De waarden zijn toch omstreden"),
                          (kb.message("buttons.values_agreed_after_all"), "we zijn het toch eens over het doel"),
                          (kb.message("buttons.knowledge_uncertain_after_all"), "het is toch onzeker wat werkt"),
                          (kb.message("buttons.knowledge_certain_after_all"), "het is toch bekend wat werkt")))
    if not changes:
        return reply.say(kb.message("correction.nothing_changes"))
    new_state = state.updated(changes)
    reply.set(**changes)
    reply.say(kb.message("correction.changed", changes="; ".join(
        kb.message("correction.changed_axis", pole=_pole_label(kb, a, v)) for a, v in changes.items())))
    if new_state.has_both_axes:
        old_type = state.problem_type
        concluded = conclude(kb, replace(new_state, plan_requested=False))
        reply.slots.update(concluded.slots)
        new_type = new_state.updated(concluded.slots).problem_type
        if old_type and old_type != new_type:
            reply.say(kb.message("correction.type_changed", old_type=kb.types[old_type]["short_name"].lower(),
                                 new_type=kb.types[new_type]["short_name"].lower()))
        reply.messages += concluded.messages
        if state.legal_routes:  # routes were given: recompute them too
            routes = legal_routes(kb, state.updated(reply.slots))
            reply.set(legal_routes=list(state.updated(routes.slots).legal_routes))
    else:
        reply.followup = "diagnosis_form"  # a diagnosis in progress: ask what is still missing
    return reply


def explain_why(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """Explain the last conclusion: the type, the advice or the routes."""
    reply = Reply()
    last = state.last_conclusion
    if not state.has_both_axes:
        return reply.say(kb.message("why.no_conclusion_yet"))
    c = classify(kb, state.value_consensus, state.knowledge_certainty)
    t = c.problem_type
    if last == "advice":
        r = recommend(kb, t["id"], state.known_domain, state.known_initiator)
        return reply.say(kb.message("why.advice", reason=r.level_reason,
                                    derived_from=t["participation"]["heuristic"]["derived_from"]))
    if last == "routes":
        return reply.say(kb.message("why.routes"))
    sources = "; ".join(s["short"] for s in kb.source_list(t["sources"]))
    return reply.say(kb.message("why.type", reasons=" ".join(c.reasons), explanation=t["explanation"],
                                sources=sources))


# --- advice, routes and plan --------------------------------------------------------------

def advise(kb: KnowledgeBase, state: ConversationState, named_type: str | None = None) -> Reply:
    """Whom to involve and at which level: for the user's own problem once it is typed,
    or for a type the question names ("wie betrek ik bij een ongestructureerd probleem?")."""
    reply = Reply()
    if named_type in kb.types:
        # About a type in general: the user's own diagnosis (and its slots) stay as they are.
        r = recommend(kb, named_type, state.known_domain, state.known_initiator)
        return reply.say(kb.message("advice.for_type", type_name=kb.types[named_type]["short_name"],
                                    advice=render(kb, "advice.md.j2", r=r)),
                         (() if state.has_both_axes else _start_buttons(kb)[:1]))
    if not state.has_both_axes:
        return reply.say(kb.message("advice.type_first"), _start_buttons(kb)[:1])
    derived = _derived_slots(kb, state)
    reply.set(**derived, last_conclusion="advice")
    r = recommend(kb, state.updated(derived).problem_type, state.known_domain, state.known_initiator)
    return reply.say(render(kb, "advice.md.j2", r=r), _after_type_buttons(kb)[1:3])


def legal_routes(kb: KnowledgeBase, state: ConversationState, text: str = "",
                 named_route: str | None = None) -> Reply:
    """Routes that fit the situation, best first; a route the user names comes first."""
    reply = Reply()
    domain = state.known_domain
    if domain is None and text:
        domain = resolve_domain(kb, None, text)  # "experimenteren in de bijstand": the question names it
        if domain:
            reply.set(policy_domain=domain)
    situation = Situation(domain=domain, initiator=state.known_initiator,
                          deviation=state.known_deviation, question=text,
                          named=(named_route,) if named_route in kb.routes else ())
    matches = match_routes(kb, situation)
    named = [m for m in matches if m.mentioned]
    # A route the user asks about is given even when it cannot be used (the Experimentenwet):
    # the answer then says why and what exists instead. The slot lists what fits, in that order.
    fitting = named + [m for m in matches if not m.mentioned and m.usable]
    shown = fitting[: max(MAX_ROUTES_SHOWN, len(named))]
    reply.set(legal_routes=[m.id for m in fitting], last_conclusion="routes")
    routes = render(kb, "routes.md.j2", matches=shown)
    reply.say(kb.message("routes.answer_named", routes=routes) if named
              else kb.message("routes.best_fitting", routes=routes))
    if not named and state.known_deviation is None:
        reply.say(kb.message("routes.ask_rule"))
    return reply


def mentions_a_route(kb: KnowledgeBase, text: str) -> bool:
    """Does the text name a route outright?"""
    return bool(named_routes(kb, text))


def routes_at_once(kb: KnowledgeBase, text: str) -> bool:
    """A route question that names a route or its domain is answered at once, without
    the routes form's questions ("experimenteren met een bijstand zonder
    sollicitatieplicht": the domain is werk en inkomen)."""
    return mentions_a_route(kb, text) or resolve_domain(kb, None, text) is not None


def read_context(kb: KnowledgeBase, slot: str, text: str, entity: str | None, intent: str | None) -> dict:
    """Fill a question of the routes form: domain, initiator or the rule in the way."""
    # A hedge ("misschien", "twijfel") only means "don't know" when nothing else is named:
    # "werk en inkomen, misschien ook jeugd" names a domain.
    reading = interpret_answer(kb, VALUE_CONSENSUS, text)
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


def prepare_plan(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """Before a plan: say what is still needed; the diagnosis form then asks for it
    and `conclude` hands over the plan (silent when nothing is missing)."""
    missing = plan_input(state).missing()
    names = {"problem_description": kb.message("plan.needs_problem_description"),
             "value_consensus": kb.message("plan.needs_value_consensus"),
             "knowledge_certainty": kb.message("plan.needs_knowledge_certainty")}
    reply = Reply().set(plan_requested=True)
    if missing:
        reply.say(kb.message("plan.still_needed", missing=", ".join(names[m] for m in missing)))
    return reply


def note_context(kb: KnowledgeBase, state: ConversationState, text: str, domain_entity: str | None = None,
                 initiator_entity: str | None = None) -> Reply:
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
    if mentions_a_route(kb, text) or not noted or question_reader(kb).names_a_rule_in_the_way(text):
        reply.set(deviation=" ".join(text.split()))
        noted.append(kb.message("context.noted_rule"))
    return reply.say(kb.message("context.noted", details=", ".join(noted)))


def plan_input(state: ConversationState) -> PlanInput:
    """What the plan is built from, read from the state (also for the plan download)."""
    return PlanInput(state.problem_description, state.value_consensus, state.knowledge_certainty,
                     state.known_domain, state.known_initiator, state.known_deviation)


def plan(kb: KnowledgeBase, state: ConversationState) -> Reply:
    given = plan_input(state)
    if given.missing():
        return prepare_plan(kb, state)
    built = build_plan(kb, given)
    reply = Reply().set(**_derived_slots(kb, state), last_conclusion="plan",
                        legal_routes=[m.id for m in built.routes])
    reply.say(kb.message("plan.handed_over"))
    return reply.say(render(kb, "plan.md.j2", plan=built))


# --- questions, control and fallback ------------------------------------------------------

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
        parts = [kb.message("concept.type", name=entry["name"], summary=entry["summary"],
                            explanation=entry["explanation"])]
    elif kind == "level":
        entry = kb.levels[item_id]
        parts = [kb.message("concept.level", name=entry["name"], description=entry["description"],
                            citizen_role=entry["citizen_role"], professional_style=entry["professional_style"])]
    else:
        entry = kb.routes[item_id]
        parts = [kb.message("concept.route", name=entry["name"], summary=entry["summary"],
                            status=kb.status_on(entry)["text"])]
    if entry.get("caveat"):
        parts.append(kb.message("concept.caveat", caveat=entry["caveat"]))
    sources = "; ".join(s["short"] for s in kb.source_list(entry["sources"]))
    return reply.say(kb.message("concept.with_sources", answer="\n\n".join(parts), sources=sources))


def restart(kb: KnowledgeBase) -> Reply:
    return Reply().say(kb.message("diagnosis.start_over"), _start_buttons(kb))
