"""The answer model: a second opinion on replies the cue lists leave without evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.conversation.diagnosis import read_axis_answer
from bot.understanding.answer_model import AnswerModel, ModelReading, answer_examples
from bot.understanding.axes import AnswerReading, axis_reader
from bot.understanding.infer import interpret_answer

CORPUS_DIR = Path(__file__).resolve().parents[1] / "understanding" / "corpus"
VALUES, KNOWLEDGE = "value_consensus", "knowledge_certainty"


def test_the_examples_cover_every_reading_of_both_questions(kb):
    seen = {(question, reading) for question, _, reading in answer_examples(kb)}
    assert seen == {
        (question, reading)
        for question, poles in (("values", ("agree", "disagree")), ("knowledge", ("certain", "uncertain")))
        for reading in (*poles, "dont_know", "unclear")
    }


def test_no_example_is_taken_from_the_evaluation_corpus(kb):
    """The corpus measures understanding; an example copied from it would make the figures lie."""
    fold = lambda text: " ".join(str(text).lower().split())  # noqa: E731
    corpus = {
        fold(item["text"])
        for path in CORPUS_DIR.glob("*.yml")
        for part in yaml.safe_load(path.read_text(encoding="utf-8")).values()
        if isinstance(part, list)
        for item in part
    }
    assert [text for _, text, _ in answer_examples(kb) if fold(text) in corpus] == []


def test_a_reply_in_words_no_cue_knows_is_read_by_the_model_and_marked_as_such(kb):
    assert axis_reader(kb).read_answer(VALUES, "iedereen trekt aan een ander touw", second_opinion=False).kind == (
        "unclear"
    )
    reading = interpret_answer(kb, VALUES, "iedereen trekt aan een ander touw")
    assert (reading.kind, reading.value, reading.learned) == ("value", "disagree", True)


def test_a_reply_the_cues_read_keeps_the_cue_reading(kb):
    reading = interpret_answer(kb, VALUES, "we lopen allemaal dezelfde kant op met dit plan")
    assert (reading.kind, reading.value, reading.learned) == ("value", "agree", False)


@pytest.mark.parametrize(
    "axis, text",
    [
        (VALUES, "mooi weer vandaag"),
        (KNOWLEDGE, "wat bedoel je precies?"),
        (VALUES, "de wmo"),
        (KNOWLEDGE, "dat hebben we al vaak zo gedaan"),  # the model leans certain, but not enough
    ],
)
def test_what_the_model_is_not_sure_of_stays_unclear(kb, axis, text):
    assert interpret_answer(kb, axis, text).kind == "unclear"


class Sure(AnswerModel):
    """A stand-in model that is always sure of one reading (to test the rules around it)."""

    def __init__(self, reading: str) -> None:
        self.reading = reading

    def read(self, axis, text):
        return ModelReading(self.reading, 0.99)


@pytest.fixture
def sure(kb):
    reader = axis_reader(kb)
    trained = reader.model

    def install(reading: str):
        reader._model = Sure(reading)
        return reader

    yield install
    reader._model = trained


def test_the_model_never_overrules_a_cue_for_the_other_pole(sure):
    # "complex" leans uncertain, too weakly to decide: the model may not make it certain.
    assert sure("certain").read_answer(KNOWLEDGE, "het is complex").kind == "unclear"
    assert sure("uncertain").read_answer(KNOWLEDGE, "het is complex").value == "uncertain"


MIXED = "sommigen zijn het eens, anderen zijn het oneens"


def test_where_the_cues_find_both_poles_the_model_may_pick_one_of_them_and_nothing_else(sure):
    assert sure("agree").read_answer(VALUES, MIXED, second_opinion=False).kind == "unclear"
    picked = sure("disagree").read_answer(VALUES, MIXED)
    assert (picked.value, picked.learned) == ("disagree", True)
    assert sure("dont_know").read_answer(VALUES, MIXED).kind == "unclear"


def test_an_eye_roll_beside_both_poles_stays_unclear(sure):
    assert sure("agree").read_answer(VALUES, MIXED + " 🙄").kind == "unclear"


def test_the_diagnosis_says_when_it_read_an_answer_loosely(kb):
    loose = read_axis_answer(kb, VALUES, "iedereen trekt aan een ander touw", attempts=0)
    firm = read_axis_answer(kb, VALUES, "we zijn het er allemaal over eens", attempts=0)
    assert loose.slots[VALUES] == "disagree" and firm.slots[VALUES] == "agree"
    assert "Ik lees je antwoord zo" in loose.messages[0].text and "Klopt dat niet" in loose.messages[0].text
    assert firm.messages[0].text.startswith("Helder")


def test_the_routes_form_reads_without_the_model(kb):
    # A reply to "in welk domein?" is no reply to an axis question: only the cues read it.
    assert AnswerReading("unclear") == interpret_answer(kb, VALUES, "de wmo", second_opinion=False)
