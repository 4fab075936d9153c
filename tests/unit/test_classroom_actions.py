"""The demo and quiz actions on real rasa_sdk trackers."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop

from actions.classroom import ActionDemoStart, ActionQuizAnswer, ActionQuizStart, ActionTrainerNext, ActionTrainerStop
from bot.conversation.state import CONTRACT_SLOTS
from tests.unit.tracker_fixtures import make_tracker, run_action


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_demo_start_ends_an_active_form_and_shows_the_first_case():
    events, dispatcher = run_action(ActionDemoStart(), make_tracker("demo", "start_demo"))
    assert events[0] == ActiveLoop(None)
    assert slots_set(events) == {"trainer_mode": "demo", "demo_step": 1}
    assert "Stap 3, type" in dispatcher.messages[-1]["text"]


def test_quiz_round_through_the_actions_keeps_score_and_leaves_the_diagnosis_alone():
    diagnosis = {"problem_type": "structured", "value_consensus": "agree", "knowledge_certainty": "certain"}
    events, _ = run_action(ActionQuizStart(), make_tracker("quiz", "start_quiz", slots=diagnosis))
    state = {**diagnosis, **slots_set(events)}
    case = state["quiz_case"]

    from bot.core.knowledge import default_knowledge

    right_type = default_knowledge().cases[case]["problem_type"]
    events, dispatcher = run_action(
        ActionQuizAnswer(), make_tracker("", "quiz_answer", slots=state, entities={"quiz_choice": right_type})
    )
    assert dispatcher.messages[0]["text"].startswith("Goed!")
    state.update(slots_set(events))
    assert state["quiz_score"] == 1 and state["quiz_stage"] == "level"

    events, dispatcher = run_action(ActionTrainerStop(), make_tracker("stop de quiz", "stop_trainer", slots=state))
    assert "1 van 1" in dispatcher.messages[0]["text"]
    assert not set(slots_set(events)) & set(CONTRACT_SLOTS)


def test_next_during_the_demo_shows_the_next_case():
    events, dispatcher = run_action(
        ActionTrainerNext(), make_tracker("volgende", "next_step", slots={"trainer_mode": "demo", "demo_step": 1})
    )
    assert slots_set(events)["demo_step"] == 2
    assert "Casus 2 van" in dispatcher.messages[0]["text"]
