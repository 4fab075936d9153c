"""Demo and quiz for trainers (bot/conversation/classroom.py)."""

from __future__ import annotations

from bot.conversation import classroom
from bot.conversation.state import CONTRACT_SLOTS, ConversationState


def S(slots: dict) -> ConversationState:
    return ConversationState.from_slots(slots)


def texts(reply):
    return "\n".join(m.text for m in reply.messages)


def test_the_demo_shows_every_problem_type_and_the_legal_route_examples(kb):
    cases = [kb.cases[c] for c in classroom.demo_cases(kb)]
    assert {c["problem_type"] for c in cases if c.get("problem_type")} == set(kb.types)
    routes = {c.get("legal_route") for c in cases}
    assert {"participatiewet_art83", "experimentenwet", "uitdaagrecht"} <= routes


def test_a_demo_step_shows_the_reasoning_step_by_step_with_sources(kb):
    reply = classroom.demo_step(kb, 0)
    text = texts(reply)
    for step in ("Stap 1, waarden", "Stap 2, kennis", "Stap 3, type", "Stap 4, participatie", "Les:", "Bron:"):
        assert step in text
    assert reply.slots == {"trainer_mode": "demo", "demo_step": 1}
    assert ("Volgende casus", "/next_step") in reply.messages[-1].buttons


def test_the_demo_walks_through_all_cases_and_ends(kb):
    state = classroom.demo_step(kb, 0).slots
    seen = 1
    while state.get("trainer_mode") == "demo":
        reply = classroom.next_step(kb, S(state))
        state = {**state, **reply.slots}
        seen += 1
    assert seen == len(classroom.demo_cases(kb)) + 1
    assert "alle" in texts(reply) and "quiz" in texts(reply).lower()


def play_quiz(kb, pick):
    """Answer every question with pick(stage, case); return the replies and the final state."""
    reply = classroom.quiz_start(kb, "seed")
    state, replies = dict(reply.slots), [reply]
    while state.get("trainer_mode") == "quiz":
        if state["quiz_stage"] == "next":
            reply = classroom.next_step(kb, S(state))
        else:
            reply = classroom.quiz_answer(kb, S(state), pick(state["quiz_stage"], kb.cases[state["quiz_case"]]))
        state.update(reply.slots)
        replies.append(reply)
    return replies, state


def right_answer(kb):
    def pick(stage, case):
        if stage == "type":
            return case["problem_type"]
        return classroom._level_for(kb, case)[0]["id"]

    return pick


def test_a_perfect_quiz_scores_every_answer(kb):
    replies, _ = play_quiz(kb, right_answer(kb))
    assert f"{2 * classroom.QUIZ_LENGTH} van {2 * classroom.QUIZ_LENGTH}" in texts(replies[-1])


def test_a_wrong_type_gets_the_right_one_with_the_explanation(kb):
    start = classroom.quiz_start(kb, "seed")
    case = kb.cases[start.slots["quiz_case"]]
    wrong = next(t for t in kb.types if t != case["problem_type"])
    reply = classroom.quiz_answer(kb, S(start.slots), wrong)
    assert "Niet helemaal" in texts(reply) and kb.types[case["problem_type"]]["why"] in texts(reply)
    assert reply.slots["quiz_score"] == 0 and reply.slots["quiz_total"] == 1
    assert reply.slots["quiz_stage"] == "level"


def test_a_quiz_answer_that_is_no_choice_asks_for_a_button(kb):
    start = classroom.quiz_start(kb, "seed")
    reply = classroom.quiz_answer(kb, S(start.slots), "interactive")  # a level while a type is asked
    assert "knoppen" in texts(reply) and reply.slots == {}


def test_the_quiz_order_depends_on_the_seed_and_repeats_for_the_same_seed(kb):
    assert classroom.quiz_start(kb, "a").slots["quiz_cases"] == classroom.quiz_start(kb, "a").slots["quiz_cases"]
    orders = {tuple(classroom.quiz_start(kb, seed).slots["quiz_cases"]) for seed in "abcdef"}
    assert len(orders) > 1


def test_demo_and_quiz_never_touch_the_contract_slots(kb):
    replies, _ = play_quiz(kb, right_answer(kb))
    replies.append(classroom.demo_step(kb, 0))
    replies.append(classroom.stop(kb, S({"trainer_mode": "quiz", "quiz_score": 3, "quiz_total": 4})))
    for reply in replies:
        assert not set(reply.slots) & set(CONTRACT_SLOTS)
        assert set(reply.slots) <= set(classroom.TRAINER_SLOTS)


def test_stopping_the_quiz_reports_the_score_and_clears_the_trainer_slots(kb):
    reply = classroom.stop(kb, S({"trainer_mode": "quiz", "quiz_score": 3, "quiz_total": 4}))
    assert "3 van 4" in texts(reply)
    assert all(value is None for value in reply.slots.values())


def test_next_without_a_mode_offers_demo_and_quiz(kb):
    reply = classroom.next_step(kb, S({}))
    assert ("Quiz", "/start_quiz") in reply.messages[-1].buttons
