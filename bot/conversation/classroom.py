"""Demo and quiz modes for trainers, as plain Python (no Rasa).

The demo walks through example cases from the knowledge base with the reasoning shown
step by step; the quiz shows a case, lets the trainee pick a type and a participation
level, and keeps a score. Both use their own slots (TRAINER_SLOTS) and never touch the
contract slots of docs/architecture.md, so a diagnosis in progress is left as it was.
"""

from __future__ import annotations

import random
from typing import Any, Mapping

from bot.conversation.reply import Buttons, Reply
from bot.conversation.state import TRAINER_SLOTS, ConversationState
from bot.core.knowledge import KnowledgeBase
from bot.core.recommend import recommend
from bot.core.render import render

QUIZ_LENGTH = 5


def _stop_button(kb: KnowledgeBase) -> Buttons:
    return ((kb.message("buttons.stop"), "/stop_trainer"),)


def _next_buttons(kb: KnowledgeBase) -> Buttons:
    """Under a demo case and after a quiz case: on to the next one, or stop."""
    return ((kb.message("buttons.next_case"), "/next_step"),) + _stop_button(kb)


def demo_cases(kb: KnowledgeBase) -> list[str]:
    """One case per problem type (in the order of the typology), then the examples
    of legal routes other than 'room within existing rules'."""
    chosen: list[str] = []
    for type_id in kb.types:
        first = next((c["id"] for c in kb.cases.values() if c.get("problem_type") == type_id), None)
        if first:
            chosen.append(first)
    for case in kb.cases.values():
        route = case.get("legal_route")
        if route and route != "existing_room" and case["id"] not in chosen:
            chosen.append(case["id"])
    return chosen


def _level_for(kb: KnowledgeBase, case: Mapping[str, Any]) -> tuple[dict | None, bool]:
    """The case's participation level, or Taai's heuristic for its type (flagged)."""
    if case.get("participation_level"):
        return kb.levels[case["participation_level"]], False
    if case.get("problem_type"):
        return recommend(kb, case["problem_type"]).level, True
    return None, False


def demo_step(kb: KnowledgeBase, step: int) -> Reply:
    cases = demo_cases(kb)
    if step >= len(cases):
        return demo_end(kb, len(cases))
    case = kb.cases[cases[step]]
    level, level_is_heuristic = _level_for(kb, case)
    text = render(
        kb,
        "demo_case.md.j2",
        case=case,
        number=step + 1,
        total=len(cases),
        problem_type=kb.types.get(case.get("problem_type", "")),
        level=level,
        level_is_heuristic=level_is_heuristic,
        route=kb.routes.get(case.get("legal_route", "")),
    )
    reply = Reply().set(trainer_mode="demo", demo_step=step + 1)
    if step == 0:
        reply.say(kb.message("classroom.demo_intro", total=len(cases)))
    return reply.say(text, _next_buttons(kb))


def demo_end(kb: KnowledgeBase, total: int) -> Reply:
    return (
        Reply()
        .set(trainer_mode=None, demo_step=None)
        .say(
            kb.message("classroom.demo_end", total=total),
            (
                (kb.message("buttons.start_quiz"), "/start_quiz"),
                (kb.message("buttons.classify_problem"), "/start_diagnosis"),
            ),
        )
    )


def _quiz_pool(kb: KnowledgeBase) -> list[str]:
    return [c["id"] for c in kb.cases.values() if c.get("problem_type")]


def quiz_start(kb: KnowledgeBase, seed: str) -> Reply:
    # Seeded by the conversation, so a group sees different cases but a test is repeatable.
    pool = _quiz_pool(kb)
    order = random.Random(seed).sample(pool, k=min(QUIZ_LENGTH, len(pool)))
    reply = Reply().set(trainer_mode="quiz", quiz_cases=order, quiz_score=0, quiz_total=0, demo_step=None)
    reply.say(kb.message("classroom.quiz_intro", total=len(order)))
    return _ask_type(kb, reply, order, 0)


def _ask_type(kb: KnowledgeBase, reply: Reply, order: list[str], index: int) -> Reply:
    case = kb.cases[order[index]]
    reply.set(quiz_case=case["id"], quiz_stage="type")
    buttons = tuple(
        (t["short_name"].capitalize(), f'/quiz_answer{{"quiz_choice":"{t["id"]}"}}') for t in kb.types.values()
    )
    return reply.say(
        kb.message(
            "classroom.quiz_case", number=index + 1, total=len(order), name=case["name"], summary=case["summary"]
        ),
        buttons + _stop_button(kb),
    )


def _ask_level(kb: KnowledgeBase, reply: Reply) -> Reply:
    reply.set(quiz_stage="level")
    buttons = tuple(
        (level["name"], f'/quiz_answer{{"quiz_choice":"{level["id"]}"}}')
        for level in sorted(kb.levels.values(), key=lambda level: level["rank"])
    )
    return reply.say(kb.message("classroom.quiz_ask_level"), buttons + _stop_button(kb))


def quiz_answer(kb: KnowledgeBase, state: ConversationState, choice: str | None) -> Reply:
    """Feedback on the trainee's choice, with the explanation, and the next question."""
    if state.trainer_mode != "quiz" or not state.quiz_case:
        return Reply().say(kb.message("classroom.no_quiz"), ((kb.message("buttons.start_quiz"), "/start_quiz"),))
    case = kb.cases[state.quiz_case]
    stage = state.quiz_stage or "type"
    valid = kb.types if stage == "type" else kb.levels
    if choice not in valid:
        return Reply().say(
            kb.message("classroom.choose_type") if stage == "type" else kb.message("classroom.choose_level")
        )
    score, total = state.quiz_score, state.quiz_total + 1
    reply = Reply()
    if stage == "type":
        right = kb.types[case["problem_type"]]
        correct = choice == right["id"]
        verdict = (
            kb.message("classroom.right")
            if correct
            else kb.message("classroom.wrong_type", type_name=right["short_name"])
        )
        reply.say(f"{verdict} {right['why']}")
        reply.set(quiz_score=score + int(correct), quiz_total=total)
        return _ask_level(kb, reply)
    right_level, heuristic = _level_for(kb, case)
    assert right_level is not None  # quiz cases all have a type (_quiz_pool), so a level
    correct = choice == right_level["id"]
    verdict = (
        kb.message("classroom.right")
        if correct
        else kb.message("classroom.wrong_level", level_name=right_level["name"].lower())
    )
    note = " " + kb.message("classroom.heuristic_note") if heuristic else ""
    reply.say(
        f"{verdict} {right_level['when_fitting']}{note}\n\n" + kb.message("classroom.lesson", lesson=case["lesson"])
    )
    score += int(correct)
    reply.set(quiz_score=score, quiz_total=total)
    order = list(state.quiz_cases)
    index = order.index(case["id"]) + 1 if case["id"] in order else len(order)
    if index < len(order):
        reply.set(quiz_stage="next")
        return reply.say(kb.message("classroom.score_so_far", score=score, total=total), _next_buttons(kb))
    return quiz_end(kb, reply, score, total)


def quiz_next(kb: KnowledgeBase, state: ConversationState) -> Reply:
    order = list(state.quiz_cases)
    current = state.quiz_case
    index = order.index(current) + 1 if current in order else 0
    if index >= len(order):
        return quiz_end(kb, Reply(), state.quiz_score, state.quiz_total)
    return _ask_type(kb, Reply(), order, index)


def quiz_end(kb: KnowledgeBase, reply: Reply, score: int, total: int) -> Reply:
    reply.set(trainer_mode=None, quiz_case=None, quiz_stage=None, quiz_cases=None)
    return reply.say(
        kb.message("classroom.quiz_end", score=score, total=total),
        (
            (kb.message("buttons.another_round"), "/start_quiz"),
            (kb.message("buttons.classify_problem"), "/start_diagnosis"),
        ),
    )


def next_step(kb: KnowledgeBase, state: ConversationState) -> Reply:
    """'Volgende': the next demo case or quiz question, depending on the mode."""
    if state.trainer_mode == "demo":
        return demo_step(kb, state.demo_step)
    if state.trainer_mode == "quiz":
        if state.quiz_stage in ("type", "level"):
            return Reply().say(kb.message("classroom.choose_first"))
        return quiz_next(kb, state)
    return Reply().say(
        kb.message("classroom.demo_or_quiz"),
        ((kb.message("buttons.demo"), "/start_demo"), (kb.message("buttons.quiz"), "/start_quiz")),
    )


def stop(kb: KnowledgeBase, state: ConversationState) -> Reply:
    reply = Reply().set(**dict.fromkeys(TRAINER_SLOTS))
    if state.trainer_mode == "quiz":
        reply.say(kb.message("classroom.quiz_stopped", score=state.quiz_score, total=state.quiz_total))
    else:
        reply.say(kb.message("classroom.demo_stopped"))
    return reply.say(
        kb.message("classroom.after_stop"),
        (
            (kb.message("buttons.classify_problem"), "/start_diagnosis"),
            (kb.message("buttons.demo"), "/start_demo"),
            (kb.message("buttons.quiz"), "/start_quiz"),
        ),
    )
