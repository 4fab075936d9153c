"""Demo and quiz over REST against the real servers, as a trainer runs them in a course."""

from __future__ import annotations

import json

from bot.conversation import classroom

CONTRACT_SLOTS = (
    "value_consensus",
    "knowledge_certainty",
    "problem_type",
    "participation_level",
    "stakeholders",
    "legal_routes",
)


def texts(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def test_the_demo_walks_through_cases_with_the_reasoning(server, sender, kb):
    first = texts(server.say(sender, "demo"))
    assert "Casus 1 van" in first and "Stap 3, type" in first
    second = texts(server.say(sender, "volgende"))
    assert "Casus 2 van" in second
    slots = server.tracker(sender)["slots"]
    assert slots["trainer_mode"] == "demo" and slots["demo_step"] == 2
    assert all(slots[s] is None for s in CONTRACT_SLOTS)


def test_a_quiz_keeps_score_and_leaves_a_diagnosis_alone(server, sender, kb):
    for message in (
        "Veel jongeren in onze gemeente verlaten school zonder diploma. Wat moeten we doen?",
        "ja hoor",
        "ja, het is bewezen effectief",
    ):
        server.say(sender, message)
    diagnosis = {s: server.tracker(sender)["slots"][s] for s in CONTRACT_SLOTS}
    assert diagnosis["problem_type"] == "structured"

    question = server.say(sender, "quiz")
    assert any(b["payload"].startswith("/quiz_answer") for r in question for b in r.get("buttons") or [])
    case = kb.cases[server.tracker(sender)["slots"]["quiz_case"]]

    answer = "/quiz_answer" + json.dumps({"quiz_choice": case["problem_type"]})
    assert texts(server.say(sender, answer)).startswith("Goed!")
    level = classroom._level_for(kb, case)[0]["id"]
    feedback = texts(server.say(sender, "/quiz_answer" + json.dumps({"quiz_choice": level})))
    assert "2 van 2" in feedback

    stopped = texts(server.say(sender, "stop de quiz"))
    assert "2 van 2" in stopped
    slots = server.tracker(sender)["slots"]
    assert {s: slots[s] for s in CONTRACT_SLOTS} == diagnosis
    assert slots["trainer_mode"] is None
