"""Understanding free Dutch text, end to end: REST conversations against the real
servers, checked through the tracker API.

Two kinds of conversation:
- the phrasings the understanding issue was about (a short statement or a policy
  question as the first message, answers phrased apart from any cue list, direct
  questions about a named type, evidence and routes);
- a sample of the development corpus (tests/understanding/corpus/dev*.yml): for each
  problem type a description and answers whose labels give that type, plus "weet ik
  niet" twice and "not understood" twice. The held-out part is never used here.
"""

from __future__ import annotations

import pytest
import yaml

from tests.e2e.replies import payloads, slots, texts
from tests.understanding.evaluate import CORPUS_DIR, DEV_PARTS

NOT_UNDERSTOOD = "begrijp ik niet"


def converse(server, sender, messages: list[str]) -> str:
    """Send the messages in order; return everything the bot said."""
    return "\n".join(texts(server.say(sender, message)) for message in messages)


# --- the phrasings of the issue -------------------------------------------------------------


def test_a_policy_question_starts_the_diagnosis_and_clear_answers_are_understood(server, sender):
    said = converse(
        server,
        sender,
        [
            "Zullen we de toeristenbelasting verhogen?",
            "Bewoners en ondernemers zijn het hier helemaal over eens.",
            "Daar twijfelt niemand aan.",
        ],
    )
    state = slots(server, sender)
    assert state["problem_description"] == "Zullen we de toeristenbelasting verhogen?"
    assert (state["value_consensus"], state["knowledge_certainty"]) == ("agree", "certain")
    assert state["problem_type"] == "structured"
    assert NOT_UNDERSTOOD not in said


def test_a_short_statement_is_a_description_with_its_domain(server, sender):
    said = converse(
        server,
        sender,
        [
            "Eenzame ouderen in onze wijk.",
            "Over het doel is iedereen het er wel mee eens.",
            "nee joh, niemand weet wat nou echt werkt",
        ],
    )
    state = slots(server, sender)
    assert state["policy_domain"] == "zorg_wmo"  # not leefomgeving: "wijk" says little
    assert state["problem_type"] == "moderately_structured_knowledge_uncertain"
    assert NOT_UNDERSTOOD not in said


def test_a_question_about_a_named_type_is_answered_without_a_diagnosis(server, sender):
    reply = texts(server.say(sender, "Wie moet ik betrekken bij een ongestructureerd probleem?"))
    assert "Betrek in elk geval" in reply and "ongestructureerd" in reply
    state = slots(server, sender)
    assert state["problem_type"] is None and state["value_consensus"] is None  # nothing recorded for the user


def test_how_to_show_that_it_works_gets_the_evidence_levels(server, sender):
    reply = texts(server.say(sender, "Hoe laat ik zien dat mijn aanpak werkt?"))
    assert "Bewijsniveaus" in reply


def test_an_experiment_in_an_obvious_domain_gets_the_routes_at_once(server, sender):
    replies = server.say(
        sender, "We willen experimenteren met een bijstand zonder sollicitatieplicht, welke juridische ruimte is er?"
    )
    state = slots(server, sender)
    assert "participatiewet_art83" in state["legal_routes"]
    assert state["policy_domain"] == "werk_inkomen"
    assert state["requested_slot"] is None  # no "om welk beleidsdomein gaat het?"
    assert "artikel 83" in texts(replies).lower()


def test_an_answer_only_the_answer_model_reads_is_recorded_and_said_to_be_read_loosely(server, sender):
    server.say(sender, "De wachtlijst voor schuldhulp wordt steeds langer.")
    said = texts(server.say(sender, "iedereen trekt aan een ander touw"))  # no cue has these words
    assert slots(server, sender)["value_consensus"] == "disagree"
    assert "Ik lees je antwoord zo" in said and NOT_UNDERSTOOD not in said


# --- not understood, and "weet ik niet" ------------------------------------------------------


def test_not_understood_twice_pauses_without_recording_then_a_button_goes_on(server, sender):
    server.say(sender, "De wachtlijst voor schuldhulp wordt steeds langer.")
    assert slots(server, sender)["requested_slot"] == "value_consensus"

    first = server.say(sender, "blauw")
    assert NOT_UNDERSTOOD in texts(first) and "/affirm" in payloads(first)
    second = server.say(sender, "fiets")
    tracker = server.tracker(sender)
    assert tracker["slots"]["value_consensus"] is None  # never a pole the user did not give
    assert not (tracker.get("active_loop") or {}).get("name")  # paused: the question is not repeated
    assert "/affirm" in payloads(second) and "vul niets in" in texts(second)

    resumed = server.say(sender, "/affirm")  # the button "Ja, grotendeels eens"
    state = slots(server, sender)
    assert state["value_consensus"] == "agree"
    assert state["requested_slot"] == "knowledge_certainty" and "/dont_know" in payloads(resumed)
    server.say(sender, "/deny")
    assert slots(server, sender)["problem_type"] == "moderately_structured_knowledge_uncertain"


# --- a sample of the development corpus ------------------------------------------------------


def _dev_corpus() -> dict[str, list[dict]]:
    merged: dict[str, list[dict]] = {"axis_answers": [], "first_messages": []}
    for part in DEV_PARTS:
        path = CORPUS_DIR / f"{part}.yml"
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for key in merged:
                merged[key] += data[key]
    return merged


CORPUS = _dev_corpus()
TYPES = {
    ("agree", "certain"): "structured",
    ("disagree", "certain"): "moderately_structured_values_contested",
    ("agree", "uncertain"): "moderately_structured_knowledge_uncertain",
    ("disagree", "uncertain"): "unstructured",
}
SAMPLE = 2  # conversations per problem type


def _answers(question: str, expected: str) -> list[str]:
    return [
        a["text"]
        for a in CORPUS["axis_answers"]
        if a["question"] == question and a["expected"] == expected and not a.get("sharper")
    ]


def _descriptions() -> list[str]:
    return [
        f["text"]
        for f in CORPUS["first_messages"]
        if f["expected"] == "describe" and f.get("values") == "open" and f.get("knowledge") == "open"
    ]


def _sample() -> list[tuple[str, str, str, str]]:
    """(description, values answer, knowledge answer, type): the first items of each kind,
    spread over the types, so the sample is fixed and readable in the corpus."""
    descriptions = _descriptions()
    cases = []
    for n, ((values, knowledge), type_id) in enumerate(TYPES.items()):
        for k in range(SAMPLE):
            index = n * SAMPLE + k
            cases.append(
                (
                    descriptions[index % len(descriptions)],
                    _answers("values", values)[index],
                    _answers("knowledge", knowledge)[index],
                    type_id,
                )
            )
    return cases


@pytest.mark.parametrize("description, values_answer, knowledge_answer, problem_type", _sample())
def test_corpus_conversations_end_in_the_right_type(
    server, sender, description, values_answer, knowledge_answer, problem_type
):
    first = server.say(sender, description)
    assert slots(server, sender)["requested_slot"] == "value_consensus", texts(first)
    said = converse(server, sender, [values_answer, knowledge_answer])
    state = slots(server, sender)
    assert state["problem_type"] == problem_type, said
    assert NOT_UNDERSTOOD not in said


def test_corpus_dont_know_twice_takes_the_less_structured_pole(server, sender):
    dont_know = _answers("knowledge", "dont_know")
    server.say(sender, _descriptions()[0])
    converse(server, sender, [_answers("values", "agree")[0], dont_know[0]])
    assert slots(server, sender)["knowledge_certainty"] is None  # asked again, sharper
    reply = texts(server.say(sender, dont_know[1]))
    state = slots(server, sender)
    assert state["knowledge_certainty"] == "uncertain" and "klassieke fout" in reply
    assert state["problem_type"] == "moderately_structured_knowledge_uncertain"


def test_corpus_a_correction_after_the_type_changes_it(server, sender):
    server.say(sender, _descriptions()[1])
    converse(server, sender, [_answers("values", "agree")[1], _answers("knowledge", "certain")[1]])
    assert slots(server, sender)["problem_type"] == "structured"
    server.say(sender, "nee, eigenlijk zijn de waarden wel omstreden")
    assert slots(server, sender)["problem_type"] == "moderately_structured_values_contested"


def test_corpus_unclear_twice_records_nothing(server, sender):
    unclear = [a["text"] for a in CORPUS["axis_answers"] if a["question"] == "values" and a["expected"] == "unclear"]
    server.say(sender, _descriptions()[2])
    converse(server, sender, unclear[:2])
    assert slots(server, sender)["value_consensus"] is None
