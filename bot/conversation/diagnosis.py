"""The diagnosis: from a problem description to its type (Hisschemöller & Hoppe).

Two questions decide the type: do people agree on the values at stake, and is it
known what works. Where the description already makes an axis clear, Taai fills it
and says what it understood; the rest the diagnosis form asks (domain.yml). An
answer Taai does not understand is never turned into one: it asks again, sharper,
and then stops asking rather than guess. "Don't know" twice takes the less
structured pole, because treating a problem as more structured than it is, is the
classic mistake. Once both axes are known, the type and the advice that follows
from it are concluded, explained on request, and recomputed after a correction.
"""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.advice import derived_slots, legal_routes
from bot.conversation.context import resolve_domain, resolve_initiator
from bot.conversation.plan import hand_over_plan
from bot.conversation.reply import Buttons, Reply, after_type_buttons, start_buttons, what_next_buttons
from bot.conversation.state import DERIVED_SLOTS, REQUESTED_SLOT, ConversationState
from bot.core.classify import classify
from bot.core.knowledge import KnowledgeBase
from bot.core.recommend import recommend
from bot.core.render import md_escape, render
from bot.understanding.infer import AXES, NO_POLE, YES_POLE, infer_axes, interpret_answer

QUOTE_CHARS = 160  # how much of the user's description is echoed back
DIAGNOSIS_FORM = "diagnosis_form"  # domain.yml: the form that asks what is still missing

# The answer buttons under an axis question send intents, so a click never depends on
# NLU; a payload is an explicit answer, whatever NLU would make of free text.
ANSWER_BUTTONS = ("/affirm", "/deny", "/dont_know")
BUTTON_ANSWERS = {"/affirm": "yes", "/deny": "no", "/dont_know": "dont_know"}


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return md_escape(text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…")


def _pole_label(kb: KnowledgeBase, axis: str, value: str) -> str:
    return next(p["label"] for p in kb.axes[axis]["poles"] if p["value"] == value)


def _answer_buttons(kb: KnowledgeBase, axis: str) -> Buttons:
    labels = [p["button"] for p in kb.axes[axis]["poles"]] + [kb.message("buttons.dont_know")]
    return tuple(zip(labels, ANSWER_BUTTONS, strict=True))  # two poles and don't know


def start_diagnosis(
    kb: KnowledgeBase, text: str, domain_entity: str | None = None, initiator_entity: str | None = None
) -> Reply:
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
        understood.append(
            kb.message("diagnosis.noted_domain_and_initiator", domain=domain_name, initiator=initiator_name)
        )
    elif domain:
        understood.append(kb.message("diagnosis.noted_domain", domain=domain_name))
    elif initiator:
        understood.append(kb.message("diagnosis.noted_initiator", initiator=initiator_name))
    inferred = infer_axes(kb, text)
    for axis, inference in inferred.items():
        reply.set(**{axis: inference.value})
        understood.append(
            kb.message("diagnosis.inferred_axis", pole=_pole_label(kb, axis, inference.value), cue=inference.cue)
        )
    missing = [axis for axis in AXES if axis not in inferred]
    if len(missing) == 2:
        understood.append(kb.message("diagnosis.two_questions_left"))
    elif missing:
        understood.append(kb.message("diagnosis.one_question_left"))
    return reply.say(" ".join(understood))


def ask_problem_description(kb: KnowledgeBase) -> Reply:
    return Reply().say(kb.message("diagnosis.ask_description"))


def ask_axis(kb: KnowledgeBase, axis: str, attempts: int) -> Reply:
    """The form question for an axis; after an unclear answer, the sharper one."""
    entry = kb.axes[axis]
    question = entry.get("sharper_question") if attempts else None
    return Reply().say(question or entry["question"], _answer_buttons(kb, axis))


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
    loosely = False
    if button == "dont_know":
        kind, value = "dont_know", None
    elif button:
        kind, value = "value", YES_POLE[axis] if button == "yes" else NO_POLE[axis]
    else:
        reading = interpret_answer(kb, axis, text)
        kind, value, loosely = reading.kind, reading.value, reading.learned
    if kind == "value":
        assert value is not None  # a reading of kind "value" always carries its pole
        reply.set(**{axis: value}, axis_attempts=0)
        # A reading by the answer model rather than a cue: say it is Taai's reading, and
        # how to put it right.
        pole = _pole_label(kb, axis, value)
        if loosely:
            reply.say(kb.message("diagnosis.answer_read_loosely", pole=pole))
        else:
            reply.say(kb.message("diagnosis.answer_understood", pole=pole))
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
        return Reply().say(kb.message("diagnosis.what_next"), what_next_buttons(kb))
    read = read_axis_answer(kb, axis, text, state.axis_attempts)
    new_state = state.updated(read.slots)
    if not new_state.slot(axis):
        if REQUESTED_SLOT not in read.slots:
            read.followup = DIAGNOSIS_FORM  # it said it asks differently: the form asks
        return read
    if new_state.has_both_axes:
        return read.extend(conclude(kb, new_state))
    read.followup = DIAGNOSIS_FORM
    return read


def conclude(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """Both axes known: the type with its explanation, and the derived contract slots.
    When a plan was asked for, the plan follows (the type only if it is news)."""
    reply = Reply()
    derived = derived_slots(kb, state)
    already_told = state.problem_type == state.updated(derived).problem_type and state.last_conclusion
    reply.set(**derived)
    reply.set(last_conclusion="type")
    if not (state.plan_requested and already_told):
        c = classify(kb, *state.both_axes())
        buttons = () if state.plan_requested else after_type_buttons(kb)
        reply.say(render(kb, "classification.md.j2", c=c), buttons)
    if state.plan_requested:
        reply.extend(hand_over_plan(kb, state.updated(reply.slots))).set(plan_requested=False)
    return reply


def correct(kb: KnowledgeBase, state: ConversationState, text: str) -> Reply:
    """ "Eigenlijk zijn de waarden wél omstreden": change the axis, recompute everything."""
    reply = Reply()
    if not state.problem_description:
        # Nothing to correct yet: a sentence about values or knowledge describes the problem.
        started = start_diagnosis(kb, text)
        started.followup = DIAGNOSIS_FORM
        return started
    inferred = infer_axes(kb, text)
    changes = {axis: inf.value for axis, inf in inferred.items() if inf.value != state.slot(axis)}
    if not inferred:
        # The payloads are sentences the reader understands as corrections (tested).
        return reply.say(
            kb.message("correction.what_to_change"),
            (
                (kb.message("buttons.values_contested_after_all"), "De waarden zijn toch omstreden"),
                (kb.message("buttons.values_agreed_after_all"), "we zijn het toch eens over het doel"),
                (kb.message("buttons.knowledge_uncertain_after_all"), "het is toch onzeker wat werkt"),
                (kb.message("buttons.knowledge_certain_after_all"), "het is toch bekend wat werkt"),
            ),
        )
    if not changes:
        return reply.say(kb.message("correction.nothing_changes"))
    new_state = state.updated(changes)
    reply.set(**changes)
    reply.say(
        kb.message(
            "correction.changed",
            changes="; ".join(
                kb.message("correction.changed_axis", pole=_pole_label(kb, a, v)) for a, v in changes.items()
            ),
        )
    )
    if new_state.has_both_axes:
        old_type = state.problem_type
        concluded = conclude(kb, replace(new_state, plan_requested=False))
        reply.slots.update(concluded.slots)
        new_type = new_state.updated(concluded.slots).problem_type
        if old_type and new_type and old_type != new_type:
            reply.say(
                kb.message(
                    "correction.type_changed",
                    old_type=kb.types[old_type]["short_name"].lower(),
                    new_type=kb.types[new_type]["short_name"].lower(),
                )
            )
        reply.messages += concluded.messages
        if state.legal_routes:  # routes were given: recompute them too
            routes = legal_routes(kb, state.updated(reply.slots))
            reply.set(legal_routes=list(state.updated(routes.slots).legal_routes))
    else:
        reply.followup = DIAGNOSIS_FORM  # a diagnosis in progress: ask what is still missing
    return reply


def explain_why(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """Explain the last conclusion: the type, the advice or the routes."""
    reply = Reply()
    last = state.last_conclusion
    if not state.has_both_axes:
        return reply.say(kb.message("why.no_conclusion_yet"))
    c = classify(kb, *state.both_axes())
    t = c.problem_type
    if last == "advice":
        r = recommend(kb, t["id"], state.known_domain, state.known_initiator)
        return reply.say(
            kb.message(
                "why.advice", reason=r.level_reason, derived_from=t["participation"]["heuristic"]["derived_from"]
            )
        )
    if last == "routes":
        return reply.say(kb.message("why.routes"))
    sources = "; ".join(s["short"] for s in kb.source_list(t["sources"]))
    return reply.say(kb.message("why.type", reasons=" ".join(c.reasons), explanation=t["explanation"], sources=sources))


def start_over(kb: KnowledgeBase) -> Reply:
    """After "opnieuw beginnen" (the action clears every slot): ask for the new problem."""
    return Reply().say(kb.message("diagnosis.start_over"), start_buttons(kb))
