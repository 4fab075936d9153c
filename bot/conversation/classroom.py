"""Demo and quiz modes for trainers, as plain Python (no Rasa).

The demo walks through example cases from the knowledge base with the reasoning shown
step by step; the quiz shows a case, lets the trainee pick a type and a participation
level, and keeps a score. Both use their own slots (TRAINER_SLOTS) and never touch the
contract slots of design.md, so a diagnosis in progress is left as it was.
"""
from __future__ import annotations

import random
from typing import Any, Mapping

from bot.conversation.dialogue import Reply
from bot.core.knowledge import KnowledgeBase
from bot.core.recommend import recommend
from bot.core.render import render

TRAINER_SLOTS = ("trainer_mode", "demo_step", "quiz_cases", "quiz_case", "quiz_stage", "quiz_score", "quiz_total")
QUIZ_LENGTH = 5
STOP_BUTTON = ("Stoppen", "/stop_trainer")
DEMO_BUTTONS = (("Volgende casus", "/next_step"), STOP_BUTTON)
QUIZ_NEXT_BUTTONS = (("Volgende casus", "/next_step"), STOP_BUTTON)


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
        return demo_end(len(cases))
    case = kb.cases[cases[step]]
    level, level_is_heuristic = _level_for(kb, case)
    text = render(kb, "demo_case.md.j2", case=case, number=step + 1, total=len(cases),
                  problem_type=kb.types.get(case.get("problem_type")), level=level,
                  level_is_heuristic=level_is_heuristic, route=kb.routes.get(case.get("legal_route")))
    reply = Reply(slots={"trainer_mode": "demo", "demo_step": step + 1})
    if step == 0:
        reply.say(f"Demo: ik loop {len(cases)} casussen met je door en laat bij elke casus stap voor stap "
                  "zien hoe Taai redeneert.")
    return reply.say(text, DEMO_BUTTONS)


def demo_end(total: int) -> Reply:
    return Reply(slots={"trainer_mode": None, "demo_step": None}).say(
        f"Dat waren alle {total} casussen van de demo. Wil je jezelf testen? Start dan de quiz.",
        (("Start de quiz", "/start_quiz"), ("Vraagstuk typeren", "/start_diagnosis")))


def _quiz_pool(kb: KnowledgeBase) -> list[str]:
    return [c["id"] for c in kb.cases.values() if c.get("problem_type")]


def quiz_start(kb: KnowledgeBase, seed: str) -> Reply:
    # Seeded by the conversation, so a group sees different cases but a test is repeatable.
    pool = _quiz_pool(kb)
    order = random.Random(seed).sample(pool, k=min(QUIZ_LENGTH, len(pool)))
    reply = Reply(slots={"trainer_mode": "quiz", "quiz_cases": order, "quiz_score": 0, "quiz_total": 0,
                         "demo_step": None})
    reply.say(f"Quiz: ik laat je {len(order)} casussen zien. Kies bij elke casus eerst het probleemtype en "
              "daarna het participatieniveau. Per goed antwoord krijg je een punt.")
    return _ask_type(kb, reply, order, 0)


def _ask_type(kb: KnowledgeBase, reply: Reply, order: list[str], index: int) -> Reply:
    case = kb.cases[order[index]]
    reply.slots.update(quiz_case=case["id"], quiz_stage="type")
    buttons = tuple((t["short_name"].capitalize(), f'/quiz_answer{{"quiz_choice":"{t["id"]}"}}')
                    for t in kb.types.values())
    return reply.say(f"**Casus {index + 1} van {len(order)}: {case['name']}**\n\n{case['summary']}\n\n"
                     "Welk probleemtype is dit?", buttons + (STOP_BUTTON,))


def _ask_level(kb: KnowledgeBase, reply: Reply) -> Reply:
    reply.slots["quiz_stage"] = "level"
    buttons = tuple((level["name"], f'/quiz_answer{{"quiz_choice":"{level["id"]}"}}')
                    for level in sorted(kb.levels.values(), key=lambda level: level["rank"]))
    return reply.say("En welk participatieniveau past hier het best?", buttons + (STOP_BUTTON,))


def quiz_answer(kb: KnowledgeBase, state: Mapping[str, Any], choice: str | None) -> Reply:
    """Feedback on the trainee's choice, with the explanation, and the next question."""
    if state.get("trainer_mode") != "quiz" or not state.get("quiz_case"):
        return Reply().say("Er loopt nu geen quiz. Wil je er een starten?", (("Start de quiz", "/start_quiz"),))
    case = kb.cases[state["quiz_case"]]
    stage = state.get("quiz_stage") or "type"
    valid = kb.types if stage == "type" else kb.levels
    if choice not in valid:
        what = "probleemtype" if stage == "type" else "participatieniveau"
        return Reply().say(f"Kies een {what} met een van de knoppen.")
    score, total = int(state.get("quiz_score") or 0), int(state.get("quiz_total") or 0) + 1
    reply = Reply()
    if stage == "type":
        right = kb.types[case["problem_type"]]
        correct = choice == right["id"]
        verdict = "Goed!" if correct else f"Niet helemaal. Volgens Taai is het een **{right['short_name']}** probleem."
        reply.say(f"{verdict} {right['why']}")
        reply.slots.update(quiz_score=score + int(correct), quiz_total=total)
        return _ask_level(kb, reply)
    right_level, heuristic = _level_for(kb, case)
    correct = choice == right_level["id"]
    verdict = "Goed!" if correct else f"Niet helemaal. Hier past **{right_level['name'].lower()}**."
    note = (" _Dit is een vuistregel van Taai voor dit type; de bron zegt het niet letterlijk._" if heuristic else "")
    reply.say(f"{verdict} {right_level['when_fitting']}{note}\n\n*Les uit deze casus:* {case['lesson']}")
    score += int(correct)
    reply.slots.update(quiz_score=score, quiz_total=total)
    order = list(state.get("quiz_cases") or [])
    index = order.index(case["id"]) + 1 if case["id"] in order else len(order)
    if index < len(order):
        reply.slots["quiz_stage"] = "next"
        return reply.say(f"Je score tot nu toe: {score} van {total}.", QUIZ_NEXT_BUTTONS)
    return quiz_end(reply, score, total)


def quiz_next(kb: KnowledgeBase, state: Mapping[str, Any]) -> Reply:
    order = list(state.get("quiz_cases") or [])
    current = state.get("quiz_case")
    index = order.index(current) + 1 if current in order else 0
    if index >= len(order):
        return quiz_end(Reply(), int(state.get("quiz_score") or 0), int(state.get("quiz_total") or 0))
    return _ask_type(kb, Reply(), order, index)


def quiz_end(reply: Reply, score: int, total: int) -> Reply:
    reply.slots.update(trainer_mode=None, quiz_case=None, quiz_stage=None, quiz_cases=None)
    return reply.say(f"Einde van de quiz. Je score: **{score} van {total}**. Goed gedaan! Wil je nog een "
                     "ronde, of een eigen vraagstuk typeren?",
                     (("Nog een ronde", "/start_quiz"), ("Vraagstuk typeren", "/start_diagnosis")))


def next_step(kb: KnowledgeBase, state: Mapping[str, Any]) -> Reply:
    """'Volgende': the next demo case or quiz question, depending on the mode."""
    if state.get("trainer_mode") == "demo":
        return demo_step(kb, int(state.get("demo_step") or 0))
    if state.get("trainer_mode") == "quiz":
        if state.get("quiz_stage") in ("type", "level"):
            return Reply().say("Kies eerst een antwoord met een van de knoppen.")
        return quiz_next(kb, state)
    return Reply().say("Wil je de demo of de quiz starten?",
                       (("Demo", "/start_demo"), ("Quiz", "/start_quiz")))


def stop(state: Mapping[str, Any]) -> Reply:
    reply = Reply(slots={slot: None for slot in TRAINER_SLOTS})
    if state.get("trainer_mode") == "quiz":
        reply.say(f"De quiz is gestopt. Je score: {int(state.get('quiz_score') or 0)} van "
                  f"{int(state.get('quiz_total') or 0)}.")
    else:
        reply.say("De demo is gestopt.")
    return reply.say("Beschrijf een eigen vraagstuk, of kies:",
                     (("Vraagstuk typeren", "/start_diagnosis"), ("Demo", "/start_demo"), ("Quiz", "/start_quiz")))
