"""Whole conversations over the REST channel against the real servers (started once per
test session by the `server` fixture), checked through the tracker API with the token.

One conversation per problem type, each walked from a description to a plan, plus
corrections, direct route questions and starting over. The slot names and values are
the contract of docs/architecture.md.
"""

from __future__ import annotations

import pytest

from tests.e2e.replies import payloads, slots, texts

CONTRACT_SLOTS = (
    "value_consensus",
    "knowledge_certainty",
    "problem_type",
    "participation_level",
    "stakeholders",
    "legal_routes",
)


# (description, answer about values, answer about knowledge, expected slots)
CONVERSATIONS = {
    "structured": (
        "Veel jongeren in onze gemeente verlaten school zonder diploma. Wat moeten we doen?",
        "ja hoor",
        "ja, het is bewezen effectief",
        {"value_consensus": "agree", "knowledge_certainty": "certain", "problem_type": "structured"},
    ),
    "moderately_structured_values_contested": (
        "We moeten kiezen waar de nieuwe daklozenopvang in de stad komt.",
        "nee, daar lopen de meningen sterk uiteen",
        "grotendeels wel",
        {
            "value_consensus": "disagree",
            "knowledge_certainty": "certain",
            "problem_type": "moderately_structured_values_contested",
        },
    ),
    "moderately_structured_knowledge_uncertain": (
        "Eenzaamheid onder ouderen in onze wijk neemt toe en we willen er iets aan doen.",
        "ja, iedereen wil hetzelfde",
        "niemand weet wat werkt",
        {
            "value_consensus": "agree",
            "knowledge_certainty": "uncertain",
            "problem_type": "moderately_structured_knowledge_uncertain",
        },
    ),
    "unstructured": (
        "Wat doen we met de bijstand: mensen vertrouwen geven of juist strenger controleren?",
        "niet echt",
        "nee, dat weten we niet",
        {"value_consensus": "disagree", "knowledge_certainty": "uncertain", "problem_type": "unstructured"},
    ),
}


@pytest.mark.parametrize("problem_type", list(CONVERSATIONS))
def test_a_description_is_walked_to_a_type_advice_routes_and_a_plan(server, sender, problem_type):
    description, values_answer, knowledge_answer, expected = CONVERSATIONS[problem_type]

    first = server.say(sender, description)
    assert "/affirm" in payloads(first), texts(first)  # asks the first axis with buttons
    assert slots(server, sender)["requested_slot"] == "value_consensus"

    server.say(sender, values_answer)
    assert slots(server, sender)["value_consensus"] == expected["value_consensus"]

    concluded = server.say(sender, knowledge_answer)
    state = slots(server, sender)
    for slot, value in expected.items():
        assert state[slot] == value, (slot, texts(concluded))
    assert state["participation_level"] in (
        "passive",
        "information",
        "consultation",
        "functional",
        "interactive",
        "self_mobilisation",
    )
    assert state["stakeholders"] and all(isinstance(s, str) for s in state["stakeholders"])
    assert state["legal_routes"] is None  # routes only once they are given
    assert "/ask_plan" in payloads(concluded)

    advice = texts(server.say(sender, "wie moet ik betrekken?"))
    assert "Betrek" in advice

    why = texts(server.say(sender, "waarom?"))
    assert why.strip()

    # Experimenting: the bot asks for what it does not know yet, then gives routes.
    replies = server.say(sender, "mogen we experimenteren?")
    for _ in range(4):
        if slots(server, sender)["legal_routes"]:
            break
        asked = slots(server, sender)["requested_slot"]
        answer = {
            "policy_domain": "werk en inkomen",
            "initiator": "de gemeente",
            "deviation": "de regels over de sollicitatieplicht",
        }[asked]
        replies = server.say(sender, answer)
    routes = slots(server, sender)["legal_routes"]
    assert routes and routes[0] == "participatiewet_art83", texts(replies)
    answer = texts(replies)
    assert "gecontroleerd op" in answer and "wetten.overheid.nl" in answer and "geen juridisch advies" in answer

    plan = texts(server.say(sender, "maak het plan"))
    for heading in (
        "Het vraagstuk",
        "Type en waarom",
        "Betrokkenen",
        "Participatieniveau",
        "Juridische route",
        "Fasen",
        "Bewijs",
        "Risico",
        "Bronnen",
    ):
        assert heading in plan, heading

    final = slots(server, sender)
    for slot, value in expected.items():
        assert final[slot] == value


def test_a_correction_reclassifies_and_updates_the_advice(server, sender):
    description, values_answer, knowledge_answer, _ = CONVERSATIONS["structured"]
    for message in (description, values_answer, knowledge_answer):
        server.say(sender, message)
    before = slots(server, sender)
    assert before["problem_type"] == "structured"

    reply = texts(server.say(sender, "nee, eigenlijk zijn de waarden wel omstreden"))
    after = slots(server, sender)
    assert after["value_consensus"] == "disagree"
    assert after["problem_type"] == "moderately_structured_values_contested"
    assert after["participation_level"] != before["participation_level"]
    assert "verandert" in reply


def test_dont_know_twice_takes_the_less_structured_pole_and_says_so(server, sender):
    server.say(sender, "Er is onenigheid over de opvang van dak- en thuislozen in onze gemeente")
    assert slots(server, sender)["requested_slot"] == "knowledge_certainty"  # values read from the text

    sharper = server.say(sender, "weet ik niet")
    assert "/dont_know" in payloads(sharper)
    assert slots(server, sender)["knowledge_certainty"] is None

    reply = texts(server.say(sender, "weet ik niet"))
    state = slots(server, sender)
    assert state["knowledge_certainty"] == "uncertain"
    assert state["problem_type"] == "unstructured"
    assert "klassieke fout" in reply


@pytest.mark.parametrize(
    "question, route, words",
    [
        ("bestaat de Experimentenwet?", "experimentenwet", "Nooit wet geworden"),
        ("wat is right to challenge?", "uitdaagrecht", "participatieverordening"),
        ("kan artikel 83 hier?", "participatiewet_art83", "AMvB"),
    ],
)
def test_direct_route_questions_are_answered_at_once(server, sender, question, route, words):
    replies = server.say(sender, question)
    assert words in texts(replies)
    assert slots(server, sender)["legal_routes"][0] == route


def test_a_concept_question_is_answered_from_the_knowledge_base_with_its_source(server, sender):
    reply = texts(server.say(sender, "wat is transdisciplinair werken?"))
    assert "Bron:" in reply


def test_starting_over_clears_the_contract_slots(server, sender):
    description, values_answer, knowledge_answer, _ = CONVERSATIONS["unstructured"]
    for message in (description, values_answer, knowledge_answer):
        server.say(sender, message)
    assert slots(server, sender)["problem_type"] == "unstructured"

    server.say(sender, "opnieuw beginnen")
    state = slots(server, sender)
    assert all(state[slot] is None for slot in CONTRACT_SLOTS)


def test_a_question_during_the_diagnosis_is_answered_and_the_question_comes_back(server, sender):
    server.say(sender, CONVERSATIONS["structured"][0])
    replies = server.say(sender, "wat is sociale innovatie?")
    assert "Bron:" in texts(replies)
    assert "/affirm" in payloads(replies)  # the values question again
    assert slots(server, sender)["requested_slot"] == "value_consensus"


def test_the_greeting_buttons_work_as_sent(server, sender):
    greeting = server.say(sender, "hoi")
    typology = '/ask_concept{"concept":"probleemtypologie"}'
    assert typology in payloads(greeting)  # the JSON arrives intact
    assert "Bron:" in texts(server.say(sender, typology))
    # ...and Rasa did not try (and fail) to fill it in as a {slot} template.
    log = (server.var_dir / "logs" / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "interpolator.interpolate.text" not in log
