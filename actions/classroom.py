"""Demo and quiz for trainers: thin adapters over bot/conversation/classroom.py.

Starting either leaves an active form (a diagnosis in progress stays in its slots, but
the form stops asking), so the trainer's group sees the demo, not the next question.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import ActiveLoop

from actions.common import entity, kb, send, state
from bot.conversation import classroom


class ActionDemoStart(Action):
    def name(self) -> Text:
        return "action_demo_start"

    def run(self, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
        return [ActiveLoop(None), *send(dispatcher, classroom.demo_step(kb(), 0))]


class ActionQuizStart(Action):
    def name(self) -> Text:
        return "action_quiz_start"

    def run(self, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
        seed = f"{tracker.sender_id}:{len(tracker.events)}"  # another round, other cases
        return [ActiveLoop(None), *send(dispatcher, classroom.quiz_start(kb(), seed))]


class ActionQuizAnswer(Action):
    def name(self) -> Text:
        return "action_quiz_answer"

    def run(self, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
        return send(dispatcher, classroom.quiz_answer(kb(), state(tracker), entity(tracker, "quiz_choice")))


class ActionTrainerNext(Action):
    def name(self) -> Text:
        return "action_trainer_next"

    def run(self, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
        return send(dispatcher, classroom.next_step(kb(), state(tracker)))


class ActionTrainerStop(Action):
    def name(self) -> Text:
        return "action_trainer_stop"

    def run(self, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
        return send(dispatcher, classroom.stop(kb(), state(tracker)))
