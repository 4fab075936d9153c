from __future__ import annotations

import pytest

from bot.understanding.infer import infer_axes, interpret_answer


@pytest.mark.parametrize(
    "description, expected",
    [
        (
            "Over het doel zijn we het eens: minder schooluitval. Maar niemand weet wat nou echt werkt.",
            {"value_consensus": "agree", "knowledge_certainty": "uncertain"},
        ),
        (
            "In de raad lopen de meningen sterk uiteen over de tegenprestatie in de bijstand; de effecten zijn goed onderzocht.",
            {"value_consensus": "disagree", "knowledge_certainty": "certain"},
        ),
        (
            "Een opvang voor nieuwkomers in de wijk is omstreden en het is onduidelijk wat integratie echt helpt.",
            {"value_consensus": "disagree", "knowledge_certainty": "uncertain"},
        ),
        (
            "Iedereen wil dat de wachtlijst korter wordt en we hebben een bewezen effectieve aanpak, het is een kwestie van uitvoeren.",
            {"value_consensus": "agree", "knowledge_certainty": "certain"},
        ),
        ("Bewoners en ondernemers zijn het niet met elkaar eens over de hangplek.", {"value_consensus": "disagree"}),
    ],
)
def test_inference_on_realistic_descriptions(kb, description, expected):
    result = infer_axes(kb, description)
    assert {axis: inference.value for axis, inference in result.items()} == expected
    for inference in result.values():
        assert 0.6 <= inference.confidence <= 0.95
        assert inference.cue


@pytest.mark.parametrize(
    "description",
    [
        "Steeds meer jongeren in onze gemeente verlaten school zonder diploma.",
        "Wij willen iets doen aan eenzaamheid onder ouderen in Noord.",
        "De gemeente heeft een nieuw beleidsplan voor de Wmo nodig.",
        "Het is een complex vraagstuk.",  # a weak cue alone is no evidence
    ],
)
def test_no_inference_on_neutral_descriptions(kb, description):
    assert infer_axes(kb, description) == {}


def test_conflicting_cues_give_no_guess(kb):
    assert "value_consensus" not in infer_axes(kb, "Iedereen wil hetzelfde en er is onenigheid.")


def test_a_contrast_decides_for_the_clause_after_it(kb):
    inferred = infer_axes(kb, "Iedereen wil hetzelfde, maar er is veel ruzie en onenigheid.")
    assert inferred["value_consensus"].value == "disagree"


@pytest.mark.parametrize(
    "axis, text, kind, value",
    [
        ("value_consensus", "ja hoor", "value", "agree"),
        ("knowledge_certainty", "ja hoor", "value", "certain"),
        ("value_consensus", "grotendeels wel", "value", "agree"),
        ("value_consensus", "niet echt", "value", "disagree"),
        ("knowledge_certainty", "niet echt", "value", "uncertain"),
        ("value_consensus", "daar lopen de meningen sterk uiteen", "value", "disagree"),
        ("knowledge_certainty", "niemand weet wat werkt", "value", "uncertain"),
        ("knowledge_certainty", "het is bewezen effectief", "value", "certain"),
        ("value_consensus", "iedereen wil dat ze een diploma halen, dat is het punt niet", "value", "agree"),
        ("knowledge_certainty", "nee joh, niemand weet wat nou echt werkt", "value", "uncertain"),
        ("value_consensus", "Wél omstreden!", "value", "disagree"),
        ("knowledge_certainty", "zeker weten van niet", "value", "uncertain"),
        ("value_consensus", "weet ik niet", "dont_know", None),
        ("knowledge_certainty", "geen idee eigenlijk", "dont_know", None),
        ("value_consensus", "banaan", "unclear", None),
        ("value_consensus", "ja nee", "unclear", None),
    ],
)
def test_answers_read_through_the_question(kb, axis, text, kind, value):
    reading = interpret_answer(kb, axis, text)
    assert (reading.kind, reading.value) == (kind, value)


def test_the_axis_buttons_read_as_their_pole(kb):
    for axis in kb.axes.values():
        for pole in axis["poles"]:
            reading = interpret_answer(kb, axis["id"], pole["button"])
            assert reading.value == pole["value"], pole["button"]
