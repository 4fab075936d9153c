"""Diagnosis: start from a description, ask the two axes, conclude, correct, explain."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset
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
    slot_values,
    state,
    text_of,
)
from bot.conversation import diagnosis
from bot.conversation.state import KNOWLEDGE_CERTAINTY, PROBLEM_DESCRIPTION, VALUE_CONSENSUS
from bot.understanding.router import earlier_description

# While the form asks, these intents are questions or commands, not answers: the form
# lets them through and the rules handle them (then the form asks again).
INTERRUPTIONS = {
    "ask_why",
    "ask_concept",
    "ask_capabilities",
    "start_over",
    "goodbye",
    "greet",
    "bot_challenge",
    "ask_stakeholders",
    "ask_experiment",
    "ask_route_info",
    "ask_plan",
    "thank",
    "start_demo",
    "start_quiz",
    "next_step",
    "quiz_answer",
    "stop_trainer",
    "out_of_scope",
    "forget_conversation",
    "ask_forget",
}

RECENT_MESSAGES = 3  # how far "typeer dit" looks back for the description


def recent_user_texts(tracker: Tracker) -> List[str]:
    """The user's messages before the current one, newest first, back to a start over."""
    texts: List[str] = []
    current_seen = False
    for event in reversed(tracker.events):
        if event.get("event") in ("restart", "session_started") or (
            event.get("event") == "action" and event.get("name") == "action_start_over"
        ):
            break
        if event.get("event") == "user":
            if current_seen:
                texts.append(event.get("text") or "")
            current_seen = True
            if len(texts) >= RECENT_MESSAGES:
                break
    return texts


class ActionStartDiagnosis(Action):
    def name(self) -> Text:
        return "action_start_diagnosis"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        reply = diagnosis.start_diagnosis(
            kb(), text_of(tracker), entity(tracker, "policy_domain"), entity(tracker, "initiator")
        )
        return send(dispatcher, reply)


class ValidateDiagnosisForm(ExtractingFormValidation):
    def name(self) -> Text:
        return "validate_diagnosis_form"

    def _answering(self, tracker: Tracker, slot: str) -> bool:
        return requested_slot(tracker) == slot and intent_of(tracker) not in INTERRUPTIONS

    async def extract_problem_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = text_of(tracker)
        if not self._answering(tracker, PROBLEM_DESCRIPTION):
            # "Typeer dit" right after a description Taai did not take for one: use that.
            if (
                requested_slot(tracker) is not None
                or state(tracker).problem_description
                or intent_of(tracker) != "start_diagnosis"
            ):
                return {}
            earlier = earlier_description(kb(), recent_user_texts(tracker))
            if earlier is None:
                return {}
            text = earlier
        reply = diagnosis.start_diagnosis(kb(), text, entity(tracker, "policy_domain"), entity(tracker, "initiator"))
        return slot_values(send(dispatcher, reply))

    async def _extract_axis(self, axis: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if not self._answering(tracker, axis):
            return {}
        reply = diagnosis.read_axis_answer(kb(), axis, text_of(tracker), state(tracker).axis_attempts)
        return slot_values(send(dispatcher, reply))

    async def extract_value_consensus(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return await self._extract_axis(VALUE_CONSENSUS, dispatcher, tracker)

    async def extract_knowledge_certainty(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return await self._extract_axis(KNOWLEDGE_CERTAINTY, dispatcher, tracker)


class ActionAskValueConsensus(Action):
    def name(self) -> Text:
        return "action_ask_value_consensus"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, diagnosis.ask_axis(kb(), VALUE_CONSENSUS, state(tracker).axis_attempts))


class ActionAskKnowledgeCertainty(Action):
    def name(self) -> Text:
        return "action_ask_knowledge_certainty"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, diagnosis.ask_axis(kb(), KNOWLEDGE_CERTAINTY, state(tracker).axis_attempts))


class ActionAskProblemDescription(Action):
    def name(self) -> Text:
        return "action_ask_problem_description"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, diagnosis.ask_problem_description(kb()))


class ActionConclude(Action):
    def name(self) -> Text:
        return "action_conclude"

    def run(self, dispatcher, tracker, domain):
        current = state(tracker)
        if not current.has_both_axes:
            return []  # the form was left before it finished; nothing to conclude
        reply = diagnosis.conclude(kb(), current)
        events = send(dispatcher, reply)
        offer_plan_download(dispatcher, tracker, reply)  # when a plan was asked for first
        return events


class ActionCorrect(Action):
    def name(self) -> Text:
        return "action_correct"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, diagnosis.correct(kb(), state(tracker), text_of(tracker)))


class ActionAnswerOutsideQuestion(Action):
    """ "ja", "nee", "weet ik niet" while no question is open: after a paused diagnosis
    they answer the question left open; otherwise Taai offers what can come next."""

    def name(self) -> Text:
        return "action_answer_outside_question"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, diagnosis.answer_outside_question(kb(), state(tracker), text_of(tracker)))


class ActionExplainWhy(Action):
    def name(self) -> Text:
        return "action_explain_why"

    def run(self, dispatcher, tracker, domain):
        return send(dispatcher, diagnosis.explain_why(kb(), state(tracker)))


class ActionStartOver(Action):
    """Start over: clear every slot (contract slots included), keep the history."""

    def name(self) -> Text:
        return "action_start_over"

    def run(self, dispatcher, tracker, domain):
        send(dispatcher, diagnosis.start_over(kb()))
        return [ActiveLoop(None), AllSlotsReset()]
