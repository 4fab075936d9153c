"""The experiment plan in the conversation: say what is still needed, then hand it over.

The plan itself is built by bot/core/plan.py. `plan_input` is the one reading of the
conversation's state that a plan is built from, shared with the plan download
(bot/export/plan_files.py), so the file says what the chat said.
"""

from __future__ import annotations

from bot.conversation.advice import derived_slots
from bot.conversation.reply import Reply
from bot.conversation.state import ConversationState
from bot.core.knowledge import KnowledgeBase
from bot.core.plan import PlanInput, build_plan
from bot.core.render import render


def plan_input(state: ConversationState) -> PlanInput:
    """What the plan is built from, read from the state (also for the plan download)."""
    return PlanInput(
        state.problem_description,
        state.value_consensus,
        state.knowledge_certainty,
        state.known_domain,
        state.known_initiator,
        state.known_deviation,
    )


def prepare_plan(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """Before a plan: say what is still needed; the diagnosis form then asks for it
    and `conclude` hands over the plan (silent when nothing is missing)."""
    missing = plan_input(state).missing()
    names = {
        "problem_description": kb.message("plan.needs_problem_description"),
        "value_consensus": kb.message("plan.needs_value_consensus"),
        "knowledge_certainty": kb.message("plan.needs_knowledge_certainty"),
    }
    reply = Reply().set(plan_requested=True)
    if missing:
        reply.say(kb.message("plan.still_needed", missing=", ".join(names[m] for m in missing)))
    return reply


def hand_over_plan(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """The plan in chat, with the contract slots it rests on; or, when something is
    still missing, what that is (`prepare_plan`)."""
    given = plan_input(state)
    if given.missing():
        return prepare_plan(kb, state)
    built = build_plan(kb, given)
    reply = Reply().set(**derived_slots(kb, state), last_conclusion="plan", legal_routes=[m.id for m in built.routes])
    reply.say(kb.message("plan.handed_over"))
    return reply.say(render(kb, "plan.md.j2", plan=built))
