"""The conversation logic without Rasa (bot/conversation/): what Taai says and which slots change."""

from __future__ import annotations

import pytest

from bot.conversation import advice, concepts, context, diagnosis, plan
from bot.conversation.state import ConversationState


def S(slots: dict) -> ConversationState:
    return ConversationState.from_slots(slots)


SCHOOL = (
    "steeds meer jongeren in onze gemeente verlaten school zonder diploma. het onderwijs, "
    "de jeugdzorg en werkgevers wijzen naar elkaar"
)


def test_description_starts_the_diagnosis_and_reads_context(kb):
    reply = diagnosis.start_diagnosis(kb, SCHOOL)
    assert reply.slots["problem_description"] == SCHOOL
    assert reply.slots["policy_domain"] in ("onderwijs", "jeugd")  # both are named twice
    assert reply.slots["value_consensus"] is None and reply.slots["knowledge_certainty"] is None
    assert "Ik lees" in reply.messages[0].text and "Twee vragen" in reply.messages[0].text


def test_clear_description_fills_an_axis_and_says_so(kb):
    reply = diagnosis.start_diagnosis(kb, "Over de tegenprestatie in de bijstand lopen de meningen sterk uiteen.")
    assert reply.slots["value_consensus"] == "disagree"
    assert reply.slots["knowledge_certainty"] is None
    assert "lopen" in reply.messages[0].text and "Zeg het gerust" in reply.messages[0].text


def test_the_echo_is_short_and_escaped(kb):
    reply = diagnosis.start_diagnosis(kb, "**vet** " + "woord " * 200)
    assert "\\*\\*vet\\*\\*" in reply.messages[0].text and "…" in reply.messages[0].text


@pytest.mark.parametrize("axis", ["value_consensus", "knowledge_certainty"])
def test_questions_have_buttons_and_a_sharper_second_form(kb, axis):
    first = diagnosis.ask_axis(kb, axis, 0).messages[0]
    second = diagnosis.ask_axis(kb, axis, 1).messages[0]
    assert [payload for _, payload in first.buttons] == ["/affirm", "/deny", "/dont_know"]
    assert first.text != second.text


def test_short_answers_read_through_the_question(kb):
    assert diagnosis.read_axis_answer(kb, "value_consensus", "ja hoor", 0).slots["value_consensus"] == "agree"
    assert diagnosis.read_axis_answer(kb, "knowledge_certainty", "ja hoor", 0).slots["knowledge_certainty"] == "certain"
    # A button payload carries no words, only the intent.
    assert diagnosis.read_axis_answer(kb, "knowledge_certainty", "/deny", 0).slots["knowledge_certainty"] == "uncertain"


def test_unclear_asks_again_then_dont_know_takes_the_less_structured_pole(kb):
    first = diagnosis.read_axis_answer(kb, "value_consensus", "banaan", 0)
    assert first.slots == {"axis_attempts": 1} and "anders" in first.messages[0].text
    second = diagnosis.read_axis_answer(kb, "value_consensus", "weet ik niet", 1)
    assert second.slots["value_consensus"] == "disagree"
    assert "klassieke fout" in second.messages[0].text
    third = diagnosis.read_axis_answer(kb, "knowledge_certainty", "geen idee", 1)
    assert third.slots["knowledge_certainty"] == "uncertain"


def test_conclusion_sets_the_contract_slots(kb):
    state = {
        "problem_description": SCHOOL,
        "value_consensus": "agree",
        "knowledge_certainty": "uncertain",
        "policy_domain": "onderwijs",
    }
    reply = diagnosis.conclude(kb, S(state))
    assert reply.slots["problem_type"] == "moderately_structured_knowledge_uncertain"
    assert reply.slots["participation_level"] == "interactive"
    assert reply.slots["stakeholders"] and all(s in kb.stakeholders for s in reply.slots["stakeholders"])
    assert kb.types["moderately_structured_knowledge_uncertain"]["name"] in reply.messages[0].text
    assert ("Maak een plan", "/ask_plan") in reply.messages[0].buttons


def test_correction_reclassifies_and_updates_advice(kb):
    state = {
        "problem_description": SCHOOL,
        "value_consensus": "agree",
        "knowledge_certainty": "uncertain",
        "problem_type": "moderately_structured_knowledge_uncertain",
        "legal_routes": ["existing_room"],
    }
    reply = diagnosis.correct(kb, S(state), "nee, eigenlijk zijn de waarden wel omstreden")
    assert reply.slots["value_consensus"] == "disagree"
    assert reply.slots["problem_type"] == "unstructured"
    assert reply.slots["participation_level"] and reply.slots["stakeholders"]
    assert "existing_room" in reply.slots["legal_routes"]
    assert any("verandert" in m.text for m in reply.messages)


def test_correction_without_a_clear_change_asks_with_buttons(kb):
    reply = diagnosis.correct(
        kb, S({"problem_description": "schooluitval", "value_consensus": "agree"}), "ik wil iets aanpassen"
    )
    assert reply.slots == {} and len(reply.messages[0].buttons) == 4


def test_an_axis_sentence_before_any_description_starts_the_diagnosis(kb):
    reply = diagnosis.correct(kb, S({}), "Bewoners en ondernemers zijn het hier helemaal over eens.")
    assert reply.slots["problem_description"].startswith("Bewoners") and reply.followup == "diagnosis_form"
    assert reply.slots["value_consensus"] == "agree"


def test_why_explains_the_last_conclusion(kb):
    state = {"value_consensus": "disagree", "knowledge_certainty": "uncertain", "last_conclusion": "type"}
    assert "Bron:" in diagnosis.explain_why(kb, S(state)).messages[0].text
    advice = diagnosis.explain_why(kb, S({**state, "last_conclusion": "advice"})).messages[0].text
    assert kb.types["unstructured"]["participation"]["heuristic"]["derived_from"] in advice
    assert "nog geen conclusie" in diagnosis.explain_why(kb, S({})).messages[0].text


def test_advice_needs_a_type_first(kb):
    assert "Beschrijf eerst" in advice.advise(kb, S({})).messages[0].text
    reply = advice.advise(kb, S({"value_consensus": "agree", "knowledge_certainty": "certain", "initiator": "unknown"}))
    assert reply.slots["problem_type"] == "structured" and "Betrek" in reply.messages[0].text


def test_routes_for_a_bijstand_experiment(kb):
    state = {
        "policy_domain": "werk_inkomen",
        "initiator": "gemeente",
        "deviation": "de sollicitatieplicht in de bijstand",
    }
    reply = advice.legal_routes(kb, S(state), "moeten we van regels afwijken?")
    assert reply.slots["legal_routes"][0] == "participatiewet_art83"
    assert "gecontroleerd op" in reply.messages[0].text and kb.disclaimer in reply.messages[0].text


def test_direct_question_about_the_experimentenwet(kb):
    reply = advice.legal_routes(kb, S({}), "bestaat de Experimentenwet?")
    text = reply.messages[0].text
    assert "Experimentenwet" in text and "Nooit wet geworden" in text
    # The slot holds the routes given, best first: the one asked about, then what can be used.
    assert reply.slots["legal_routes"][0] == "experimentenwet"
    assert len(reply.slots["legal_routes"]) > 1


def test_context_answers(kb):
    assert context.read_context(kb, "policy_domain", "het gaat om de bijstand", None, "inform_context") == {
        "policy_domain": "werk_inkomen"
    }
    assert context.read_context(kb, "initiator", "Bewoners", None, None) == {"initiator": "bewoners"}
    assert context.read_context(kb, "initiator", "weet ik niet", None, "dont_know") == {"initiator": "unknown"}
    assert context.read_context(kb, "deviation", "de jeugdwet", None, None) == {"deviation": "de jeugdwet"}


def test_plan_asks_for_what_is_missing_then_hands_over(kb):
    prepared = plan.prepare_plan(kb, S({"problem_description": SCHOOL}))
    assert prepared.slots == {"plan_requested": True}
    assert "of men het eens is" in prepared.messages[0].text
    state = {
        "problem_description": SCHOOL,
        "value_consensus": "agree",
        "knowledge_certainty": "uncertain",
        "plan_requested": True,
        "problem_type": "moderately_structured_knowledge_uncertain",
        "last_conclusion": "type",
    }
    reply = diagnosis.conclude(kb, S(state))
    assert reply.slots["plan_requested"] is False and reply.slots["last_conclusion"] == "plan"
    assert any("# Experimentplan" in m.text for m in reply.messages)
    assert not any("Valkuil" in m.text and "Experimentplan" not in m.text for m in reply.messages)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("wat is sociale innovatie", "sociale_innovatie"),
        ("wat betekent transdisciplinair?", "transdisciplinair"),
        ("vertel eens over buurtzorg", "buurtzorg"),
        ("wat zijn bewijsniveaus", "bewijsniveaus"),
    ],
)
def test_concept_answers_come_from_the_knowledge_base(kb, question, expected):
    text = concepts.answer_concept(kb, question).messages[0].text
    entry = kb.terms.get(expected) or kb.cases[expected]
    assert (entry.get("definition") or entry["summary"]) in text and "Bron:" in text


def test_unknown_concept_says_what_it_can_explain(kb):
    assert "geen uitleg" in concepts.answer_concept(kb, "wat is kwantumfysica").messages[0].text


def test_note_context(kb):
    reply = context.note_context(kb, "bewoners in de wijk willen het zelf doen", None, None)
    assert reply.slots.get("initiator") == "bewoners"
