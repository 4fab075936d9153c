"""Statuses that change with the date: a route's status history, resolved on the day the bot
answers (not the day it loaded), and the `make validate` warning once a known change has passed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
import yaml

from bot.conversation import concepts
from bot.core.check_knowledge import main as check_knowledge
from bot.core.knowledge import KnowledgeError, load_knowledge, passed_changes, status_on
from bot.core.plan import PlanInput, build_plan
from bot.core.render import render
from bot.core.routes import Situation, match_routes
from bot.export.plan_files import plan_docx, plan_html

BEFORE = dt.date(2026, 12, 31)  # last day of the uitdaagrecht's transition period
AFTER = dt.date(2027, 1, 1)  # the participatieverordening is due
TRANSITION = "Van kracht, met een overgangstijd"
ENDED = "De overgangstijd is voorbij"


def _uitdaagrecht_reply(kb, on: dt.date) -> str:
    """The routes reply as the bot renders it when a user names the uitdaagrecht."""
    matches = [m for m in match_routes(kb, Situation(question="Kan het uitdaagrecht hier?")) if m.mentioned]
    assert matches and matches[0].id == "uitdaagrecht"
    return render(kb, "routes.md.j2", matches=matches[:1], on=on)


def _plan(kb):
    return build_plan(
        kb,
        PlanInput(
            "Bewoners willen het buurthuis zelf runnen.",
            "agree",
            "uncertain",
            "leefomgeving",
            "bewoners",
            "uitdaagrecht",
        ),
    )


# --- the uitdaagrecht, through the paths the bot answers with --------------------------------


def test_routes_reply_shows_the_transition_on_the_last_day_of_2026(kb):
    reply = _uitdaagrecht_reply(kb, BEFORE)
    assert TRANSITION in reply and "inspraakverordening" in reply
    assert ENDED not in reply


def test_routes_reply_shows_the_end_of_the_transition_from_1_january_2027(kb):
    reply = _uitdaagrecht_reply(kb, AFTER)
    assert ENDED in reply
    assert TRANSITION not in reply and "inspraakverordening" not in reply
    assert "Let op: vanaf" not in reply  # the new status is known: no "may be out of date" note


def test_the_same_loaded_knowledge_answers_differently_across_midnight(kb):
    # One knowledge base, loaded once (as a running server has it): the status is resolved per answer.
    before, after = kb.status_on("uitdaagrecht", BEFORE), kb.status_on("uitdaagrecht", AFTER)
    assert (before["code"], after["code"]) == ("in_force_phased", "in_force")
    assert before["valid_until"] == after["valid_from"] == "2027-01-01"


def test_plan_chat_html_and_word_show_the_status_of_the_day(kb):
    plan = _plan(kb)
    assert "uitdaagrecht" in [m.id for m in plan.routes]
    for on, shown, hidden in ((BEFORE, TRANSITION, ENDED), (AFTER, ENDED, TRANSITION)):
        for text in (render(kb, "plan.md.j2", plan=plan, on=on), plan_html(kb, plan, on=on)):
            assert shown in text and hidden not in text
        word = "\n".join(p.text for p in docx.Document(io.BytesIO(plan_docx(kb, plan, on=on))).paragraphs)
        assert shown in word and hidden not in word


def test_answer_concept_gives_the_status_that_holds_today(kb):
    # The route's own name picks the route branch (the bare word picks the glossary term).
    text = concepts.answer_concept(kb, "wat houdt uitdaagrecht (right to challenge) in").messages[0].text
    assert "*Status:*" in text
    assert kb.status_on("uitdaagrecht")["text"] in text  # resolved now, by the same rule as above


def test_demo_case_shows_the_status_of_the_day(kb):
    case = kb.cases["right_to_challenge_wmo"]
    route = kb.routes[case["legal_route"]]
    for on, shown in ((BEFORE, TRANSITION), (AFTER, ENDED)):
        text = render(
            kb,
            "demo_case.md.j2",
            case=case,
            number=1,
            total=1,
            problem_type=None,
            level=None,
            level_is_heuristic=False,
            route=route,
            on=on,
        )
        assert shown in text


def test_route_match_status_is_resolved_when_asked(kb):
    match = next(m for m in match_routes(kb, Situation(question="uitdaagrecht")) if m.id == "uitdaagrecht")
    assert match.status_on(BEFORE)["code"] == "in_force_phased"
    assert match.status_on(AFTER)["code"] == "in_force"
    assert match.status == kb.status_on("uitdaagrecht")


# --- resolution rules ---------------------------------------------------------------------------


def test_a_single_status_holds_on_any_date(kb):
    for on in (dt.date(2000, 1, 1), BEFORE, dt.date(2100, 1, 1)):
        status = kb.status_on("experimentenwet", on)
        assert status["code"] == "never_enacted" and status["outdated_since"] is None


def test_history_boundaries_and_the_out_of_date_note():
    entry = {
        "status": [
            {
                "valid_from": "2025-01-01",
                "valid_until": "2026-01-01",
                "code": "in_force_phased",
                "text": "Eerst.",
                "as_of": "2025-01-01",
            },
            {
                "valid_from": "2026-01-01",
                "valid_until": "2027-07-01",
                "code": "in_force",
                "text": "Daarna.",
                "as_of": "2026-01-01",
                "next_change": "2027-03-01",
            },
        ]
    }
    assert status_on(entry, dt.date(2024, 6, 1))["text"] == "Eerst."  # before the first: the first
    assert status_on(entry, dt.date(2025, 12, 31))["text"] == "Eerst."
    assert status_on(entry, dt.date(2026, 1, 1))["text"] == "Daarna."  # valid_from is inclusive
    announced = status_on(entry, dt.date(2027, 3, 1))  # next_change has come
    assert announced["outdated_since"] == "2027-03-01"
    assert announced["text"].startswith("Daarna. Let op: vanaf 1 maart 2027 kan dit anders zijn.")
    assert "Controleer de actuele wettekst." in announced["text"]
    assert status_on(entry, dt.date(2027, 8, 1))["outdated_since"] == "2027-03-01"  # the earliest passed date
    assert status_on(entry, dt.date(2027, 2, 28))["outdated_since"] is None


def test_the_status_of_a_route_with_history_is_dated_every_time(kb):
    for route in kb.routes.values():
        for status in route["status"] if isinstance(route["status"], list) else [route["status"]]:
            assert status["as_of"], route["id"]


# --- the schema and the integrity check reject a malformed history --------------------------------

# libyaml when PyYAML has it, for editing the copies: the same data and output, faster.
# The knowledge loader itself reads them as it always does.
LOADER, DUMPER = getattr(yaml, "CSafeLoader", yaml.SafeLoader), getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _edit_routes(kb_copy: Path, route_id: str, change) -> None:
    path = kb_copy / "legal_routes.yml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    change(next(r for r in data["routes"] if r["id"] == route_id))
    path.write_text(yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _set_status(kb_copy: Path, route_id: str, status) -> None:
    _edit_routes(kb_copy, route_id, lambda route: route.update(status=status))


def _two(**changes):
    first = {
        "valid_from": "2025-01-01",
        "valid_until": "2027-01-01",
        "code": "in_force_phased",
        "text": "Overgangstijd.",
        "as_of": "2026-12-06",
    }
    second = {"valid_from": "2027-01-01", "code": "in_force", "text": "Voorbij.", "as_of": "2027-01-01"}
    for key, value in changes.items():
        which, field = key.split("__")
        target = first if which == "first" else second
        if value is None:
            target.pop(field)
        else:
            target[field] = value
    return [first, second]


@pytest.mark.parametrize(
    "status, problem",
    [
        (_two(second__valid_from=None), "'valid_from' is a required property"),
        (_two(second__vanaf="2027-01-01"), "Additional properties are not allowed ('vanaf' was unexpected)"),
        (_two(first__code="van_kracht"), "'van_kracht' is not one of"),
        (_two(first__valid_until="1-1-2027"), "does not match"),
        ([], "is too short"),
        ("Van kracht.", "is not of type 'object'"),
        (_two(first__valid_until="2027-02-30"), "not a real date"),
        (_two(first__valid_until="2024-12-31"), "valid_until 2024-12-31 is not after valid_from 2025-01-01"),
        (_two(second__valid_from="2024-06-01", first__valid_until=None), "is not after the valid_from"),
        (_two(second__valid_from="2027-02-01"), "does not start where the status before it ends"),
        (_two(second__next_change="2026-06-01"), "next_change 2026-06-01 is not after valid_from"),
    ],
)
def test_a_malformed_history_stops_loading(kb_copy, status, problem):
    _set_status(kb_copy, "uitdaagrecht", status)
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(kb_copy)
    assert error.value.file == "legal_routes" and error.value.entry == "uitdaagrecht"
    assert problem in error.value.problem


def test_both_forms_load_from_a_copy(kb_copy):
    _set_status(kb_copy, "existing_room", _two())
    _set_status(kb_copy, "uitdaagrecht", {"code": "in_force", "text": "Van kracht.", "as_of": "2027-01-01"})
    kb = load_knowledge(kb_copy)
    assert kb.status_on("existing_room", AFTER)["text"] == "Voorbij."
    assert kb.status_on("uitdaagrecht", BEFORE)["text"] == "Van kracht."


# --- make validate: a warning once a known change date has passed --------------------------------


def _validate(capsys, *args: str) -> tuple[int, str]:
    code = check_knowledge(list(args))
    return code, capsys.readouterr().out


def test_validate_warns_once_the_uitdaagrecht_change_has_passed(capsys):
    code, out = _validate(capsys, "--datum", "2027-01-02")
    assert code == 0
    warnings = [line for line in out.splitlines() if "entry 'uitdaagrecht'" in line]
    assert len(warnings) == 1 and warnings[0].startswith("WAARSCHUWING: knowledge/legal_routes.yml")
    assert "verandert volgens de kennisbank op 2027-01-01, en die datum is voorbij" in warnings[0]
    assert "statuswijziging die nog niet is nagekeken" in out


def test_validate_is_quiet_before_the_change(capsys):
    code, out = _validate(capsys, "--datum", "2026-12-31")
    assert code == 0 and "statuswijziging" not in out


def test_a_new_check_after_the_change_ends_the_warning(kb_copy, capsys):
    _edit_routes(
        kb_copy,
        "uitdaagrecht",
        lambda route: route.update(
            checked={"date": "2027-01-04", "basis": "Artikel 150 Gemeentewet, geldende tekst op 4 januari 2027."}
        ),
    )
    code, out = _validate(capsys, "--map", str(kb_copy), "--datum", "2027-01-05")
    assert code == 0 and "entry 'uitdaagrecht'" not in out


def test_an_announced_change_warns_too(kb_copy, capsys):
    _set_status(
        kb_copy,
        "existing_room",
        {"code": "practice", "text": "Praktijk.", "as_of": "2026-01-01", "next_change": "2026-12-20"},
    )
    assert [
        (c.entry, c.change) for c in passed_changes(load_knowledge(kb_copy), BEFORE) if c.entry == "existing_room"
    ] == [("existing_room", "2026-12-20")]
    code, out = _validate(capsys, "--map", str(kb_copy), "--datum", "2026-12-31")
    assert code == 0 and "entry 'existing_room': de status verandert volgens de kennisbank op 2026-12-20" in out


def test_validate_rejects_a_date_it_cannot_read(capsys):
    with pytest.raises(SystemExit):
        check_knowledge(["--datum", "31-12-2026"])
    assert "JJJJ-MM-DD" in capsys.readouterr().err
