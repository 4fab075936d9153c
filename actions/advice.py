"""Advice, legal routes (with the routes form), the experiment plan, concept questions and
noted context: thin adapters over bot/conversation/ (advice, context, plan, concepts)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    ExtractingFormValidation,
    entity,
    intent_of,
    kb,
    offer_plan_download,
    requested_slot,
    send,
    state,
    text_of,
)
from actions.diagnosis import INTERRUPTIONS
from bot.conversation import advice, concepts, context, plan
from bot.conversation.state import DEVIATION, INITIATOR, POLICY_DOMAIN, UNKNOWN


class ActionAdvise(Action):
    def name(self) -> Text:
        return "action_advise"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, advice.advise(kb(), state(tracker), entity(tracker, "named_type")))


class ValidateRoutesForm(ExtractingFormValidation):
    """Asks what the route advice needs: domain, initiator, the rule in the way."""

    def name(self) -> Text:
        return "validate_routes_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        # A question that names a route ("bestaat de Experimentenwet?") or its domain
        # ("experimenteren in de bijstand") is answered at once.
        if requested_slot(tracker) is None and advice.routes_at_once(kb(), text_of(tracker)):
            return []
        return domain_slots

    async def _extract(
        self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher | None = None
    ) -> Dict[Text, Any]:
        intent = intent_of(tracker)
        # The rule in the way is told in free words, often about a client ("de
        # sollicitatieplicht: mevrouw X krijgt steeds een boete"), which the model may
        # call out of scope; asked for it, that is the answer.
        free_answer = slot == DEVIATION and requested_slot(tracker) == DEVIATION and intent == "out_of_scope"
        if intent in INTERRUPTIONS - {"ask_experiment"} and not free_answer:
            return {}
        if requested_slot(tracker) != slot:
            # "jeugd" in answer to "who initiates?" still tells us the domain.
            if slot == DEVIATION or requested_slot(tracker) is None or state(tracker).slot(slot):
                return {}
            found = context.read_context(kb(), slot, text_of(tracker), entity(tracker, slot), None)
            return {k: v for k, v in found.items() if v and v != UNKNOWN}
        found = context.read_context(kb(), slot, text_of(tracker), entity(tracker, slot), intent)
        if not found.get(slot) and dispatcher is not None:
            # Not recognised: go on without it rather than ask the same question forever.
            reply = context.context_not_recognised(kb(), slot)
            return {e["name"]: e["value"] for e in send(dispatcher, reply)}
        return {k: v for k, v in found.items() if v}

    async def extract_policy_domain(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return await self._extract(POLICY_DOMAIN, tracker, dispatcher)

    async def extract_initiator(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return await self._extract(INITIATOR, tracker, dispatcher)

    async def extract_deviation(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return await self._extract(DEVIATION, tracker, dispatcher)


class _AskContext(Action, ABC):
    @property
    @abstractmethod  # each subclass names its slot; abstract, so this base is not registered
    def slot(self) -> str: ...

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, context.ask_context(kb(), self.slot))


class ActionAskPolicyDomain(_AskContext):
    slot = POLICY_DOMAIN


class ActionAskInitiator(_AskContext):
    slot = INITIATOR


class ActionAskDeviation(_AskContext):
    slot = DEVIATION


class ActionLegalRoutes(Action):
    def name(self) -> Text:
        return "action_legal_routes"

    def run(self, dispatcher, tracker, domain):
        # The question that started the routes form, or this message for a direct question.
        # Look back only to the previous route answer or a start over: older questions
        # were answered already and must not steer this one.
        question = text_of(tracker)
        named = entity(tracker, "route")
        for event in reversed(tracker.events):
            kind = event.get("event")
            if kind in ("reset_slots", "restart", "session_started") or (
                kind == "action" and event.get("name") in ("action_legal_routes", "action_start_over")
            ):
                break
            if kind == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") in (
                "ask_experiment",
                "ask_route_info",
            ):
                question = event.get("text") or question
                entities = (event.get("parse_data") or {}).get("entities") or []
                named = next((e.get("value") for e in entities if e.get("entity") == "route"), named)
                break
        return send(dispatcher, advice.legal_routes(kb(), state(tracker), question, named))


class ActionPreparePlan(Action):
    def name(self) -> Text:
        return "action_prepare_plan"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, plan.prepare_plan(kb(), state(tracker)))


class ActionPlan(Action):
    def name(self) -> Text:
        return "action_plan"

    def run(self, dispatcher, tracker, domain):
        reply = plan.hand_over_plan(kb(), state(tracker))
        events = send(dispatcher, reply)
        offer_plan_download(dispatcher, tracker, reply)
        return events


class ActionAnswerConcept(Action):
    def name(self) -> Text:
        return "action_answer_concept"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, concepts.answer_concept(kb(), text_of(tracker), entity(tracker, "concept")))


class ActionNoteContext(Action):
    def name(self) -> Text:
        return "action_note_context"

    def run(self, dispatcher, tracker, domain):
        return send(
            dispatcher,
            context.note_context(
                kb(), text_of(tracker), entity(tracker, "policy_domain"), entity(tracker, "initiator")
            ),
        )
