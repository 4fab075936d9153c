"""Advice once the type is known: whom to involve, at which participation level, and
which legal routes give room to experiment.

The reasoning lives in bot/core (recommend, match_routes) and its facts in knowledge/;
this module decides what to say and which contract slots change (docs/architecture.md): the
type, level and stakeholders follow from the axes, the routes from the situation.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.context import resolve_domain
from bot.conversation.reply import Reply, after_advice_buttons, start_diagnosis_button
from bot.conversation.state import ConversationState, check_slot_names
from bot.core.classify import classify
from bot.core.knowledge import KnowledgeBase
from bot.core.recommend import recommend
from bot.core.render import render
from bot.core.routes import Situation, match_routes, named_routes

MAX_ROUTES_SHOWN = 3


def derived_slots(kb: KnowledgeBase, state: ConversationState) -> dict[str, Any]:
    """The contract slots that follow from the axes (and the context): type, level, stakeholders.

    Recomputed wherever the type is used, so a correction or new context never leaves
    an old advice in the slots."""
    c = classify(kb, *state.both_axes())
    r = recommend(kb, c.type_id, state.known_domain, state.known_initiator)
    derived = dict(problem_type=c.type_id, participation_level=r.level["id"], stakeholders=r.stakeholder_ids)
    check_slot_names(derived)
    return derived


def advise(kb: KnowledgeBase, state: ConversationState, named_type: str | None = None) -> Reply:
    """Whom to involve and at which level: for the user's own problem once it is typed,
    or for a type the question names ("wie betrek ik bij een ongestructureerd probleem?")."""
    reply = Reply()
    if named_type in kb.types:
        # About a type in general: the user's own diagnosis (and its slots) stay as they are.
        r = recommend(kb, named_type, state.known_domain, state.known_initiator)
        return reply.say(
            kb.message(
                "advice.for_type", type_name=kb.types[named_type]["short_name"], advice=render(kb, "advice.md.j2", r=r)
            ),
            (() if state.has_both_axes else start_diagnosis_button(kb)),
        )
    if not state.has_both_axes:
        return reply.say(kb.message("advice.type_first"), start_diagnosis_button(kb))
    derived = derived_slots(kb, state)
    reply.set(**derived, last_conclusion="advice")
    r = recommend(kb, derived["problem_type"], state.known_domain, state.known_initiator)
    return reply.say(render(kb, "advice.md.j2", r=r), after_advice_buttons(kb))


def legal_routes(kb: KnowledgeBase, state: ConversationState, text: str = "", named_route: str | None = None) -> Reply:
    """Routes that fit the situation, best first; a route the user names comes first."""
    reply = Reply()
    domain = state.known_domain
    if domain is None and text:
        domain = resolve_domain(kb, None, text)  # "experimenteren in de bijstand": the question names it
        if domain:
            reply.set(policy_domain=domain)
    situation = Situation(
        domain=domain,
        initiator=state.known_initiator,
        deviation=state.known_deviation,
        question=text,
        named=(named_route,) if named_route in kb.routes else (),
    )
    matches = match_routes(kb, situation)
    named = [m for m in matches if m.mentioned]
    # A route the user asks about is given even when it cannot be used (the Experimentenwet):
    # the answer then says why and what exists instead. The slot lists what fits, in that order.
    fitting = named + [m for m in matches if not m.mentioned and m.usable]
    shown = fitting[: max(MAX_ROUTES_SHOWN, len(named))]
    reply.set(legal_routes=[m.id for m in fitting], last_conclusion="routes")
    routes = render(kb, "routes.md.j2", matches=shown)
    reply.say(
        kb.message("routes.answer_named", routes=routes) if named else kb.message("routes.best_fitting", routes=routes)
    )
    if not named and state.known_deviation is None:
        reply.say(kb.message("routes.ask_rule"))
    return reply


def routes_at_once(kb: KnowledgeBase, text: str) -> bool:
    """A route question that names a route or its domain is answered at once, without
    the routes form's questions ("experimenteren met een bijstand zonder
    sollicitatieplicht": the domain is werk en inkomen)."""
    return bool(named_routes(kb, text)) or resolve_domain(kb, None, text) is not None
