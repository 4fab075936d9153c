"""A small learned reader for replies to the axis questions, beside the rules.

The rule reader (axes.py) is precise but literal: a reply phrased unlike any cue
("zou me verbazen als iemand iets anders noemt") leaves it without evidence, and it
answers `unclear`. This model has learned from example replies written for it
(knowledge/answer_examples.yml, never the evaluation corpus) and offers a second
opinion for exactly those replies. axes.py decides when that opinion may count; this
module only says what the model thinks and how sure it is.

Why this model: word and character n-grams (typos, Dutch compounds, inflections)
with a logistic regression are small, deterministic, train in a few seconds when
the reader is first built, and give probabilities that can be held to a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from bot.core.knowledge import KnowledgeBase
from bot.core.text import normalise

QUESTION_OF_AXIS = {"value_consensus": "values", "knowledge_certainty": "knowledge"}
POLES = {"values": ("agree", "disagree"), "knowledge": ("certain", "uncertain")}
NOT_A_POLE = ("dont_know", "unclear")
# Inverse regularisation strength: chosen on the development corpus parts (docs/understanding.md).
REGULARISATION_C = 10.0


@dataclass(frozen=True)
class ModelReading:
    reading: str  # a pole of the asked axis, "dont_know" or "unclear"
    probability: float


def _features(text: str) -> str:
    return normalise(text)


class AnswerModel:
    """Reads a reply to the question about one axis; trained on the answer examples."""

    def __init__(self, examples: list[tuple[str, str, str]]) -> None:
        """`examples`: (question, text, reading) with question "values" or "knowledge"."""
        if not examples:
            raise ValueError("the answer model needs examples (knowledge/answer_examples.yml)")
        # One model for both questions: the readings are the poles of both axes plus
        # dont_know and unclear, so "niemand weet wat werkt" teaches `uncertain` and
        # nothing about values. A pole of the other axis, read in a reply to this one,
        # counts as unclear: the reply answered the other question.
        self.pipeline = make_pipeline(
            FeatureUnion(
                [
                    ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
                    ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
                ]
            ),
            LogisticRegression(C=REGULARISATION_C, max_iter=2000),
        )
        self.pipeline.fit([_features(text) for _, text, _ in examples], [reading for *_, reading in examples])
        self.classes = list(self.pipeline.classes_)

    def read(self, axis: str, text: str) -> ModelReading:
        question = QUESTION_OF_AXIS[axis]
        probabilities = dict(zip(self.classes, self.pipeline.predict_proba([_features(text)])[0], strict=True))
        scores = {label: probabilities.get(label, 0.0) for label in POLES[question] + NOT_A_POLE}
        other = next(q for q in POLES if q != question)
        scores["unclear"] += sum(probabilities.get(label, 0.0) for label in POLES[other])
        label = max(scores, key=lambda key: scores[key])
        return ModelReading(label, round(float(scores[label]), 3))


def answer_examples(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    return [
        (answer["question"], answer["text"], answer["reading"])
        for example_set in kb.raw["answer_examples"]["sets"]
        for answer in example_set["answers"]
    ]
