"""Which path a message takes: the NLU model's intent, checked by rules that read the text.

The NLU model (DIET) knows the phrasings it was trained on. Where it is unsure or
where one intent is not enough, these rules decide, with what the conversation knows:

- a clear direct question (a named type, concept or route; "wie betrek ik bij een
  taai probleem?") is answered directly, at any point, also while a form asks;
- while the diagnosis asks about an axis, a text that answers it goes to the form,
  whatever intent the model gave it ("nee joh, niemand weet wat werkt" is no
  out-of-scope remark);
- without a problem described yet, a message that describes a situation or a policy
  choice starts the diagnosis, even when the model gave it a fallback, an axis answer
  or a greeting;
- "typeer dit" after such a message uses it (see `earlier_description`).

Everything here is plain Python over the knowledge base; bot/rasa_ext/nlu/understanding.py
applies it to Rasa's parse result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from bot.core.knowledge import KnowledgeBase
from bot.understanding.axes import AXES, axis_reader
from bot.understanding.lexicon import Token, tokenize
from bot.understanding.phrases import PhraseFinder, compile_phrase
from bot.understanding.questions import CHOICE, Question, question_reader
from bot.understanding.situation import situation_reader

# Intents the rules never override: commands and the service's own markers.
FIXED = frozenset({"too_long", "forget_conversation", "ask_forget", "start_over"})
PRIVACY_QUESTION = "ask_forget"  # what happens to the conversation; a sure model reading stands
# Social intents the model knows well; a long description that opens with "hoi" is still a description.
SOCIAL = frozenset({"greet", "goodbye", "thank", "bot_challenge", "ask_capabilities", "start_demo", "start_quiz"})
# Intents that lead nowhere useful before a problem is described.
WEAK_OPENINGS = frozenset(
    {
        "nlu_fallback",
        "inform_axis",
        "inform_context",
        "affirm",
        "deny",
        "dont_know",
        "out_of_scope",
        "ask_why",
        "start_diagnosis",
    }
)
# While the diagnosis asks an axis, these model intents are answers it could not read.
NOT_UNDERSTOOD_IN_FORM = frozenset(
    {"nlu_fallback", "out_of_scope", "inform_context", "describe_problem", "start_diagnosis"}
)
CONFIDENT = 0.8  # a model intent this sure stands unless a rule clearly knows better
NAMED_SITUATION = 1.0  # a first message the model calls context needs this much of a situation score ...
NAMED_SITUATION_WORDS = 3  # ... and this many words ("de wmo" names a domain, not a situation)
TOPIC_WORDS = 5  # a first message this short that names a topic is the problem to type
AXIS_ANSWER_INTENT = "inform_axis"
START_OVER = "start_over"
DESCRIPTION_NOT_RESTART_WORDS = 6  # "begin maar opnieuw" is a restart; a policy question is not


@dataclass(frozen=True)
class Turn:
    """What the router knows of the conversation so far."""

    active_form: str | None = None
    requested_slot: str | None = None
    has_description: bool = False
    trainer_mode: str | None = None


@dataclass(frozen=True)
class Routed:
    intent: str
    entities: dict[str, str] = field(default_factory=dict)
    rule: str = "model"  # which rule decided, for logs and the evaluation report


def route(kb: KnowledgeBase, text: str, intent: str | None, confidence: float, turn: Turn) -> Routed:
    intent = intent or "nlu_fallback"
    stripped = text.strip()
    if intent == START_OVER and not turn.active_form and len(stripped.split()) >= DESCRIPTION_NOT_RESTART_WORDS:
        # The model hears "opnieuw" or "nieuwe" in a longer message: "Hoe maak je snel een
        # ruwe versie van een nieuwe dienst?" asks; "Moeten we de energietoeslag opnieuw
        # invoeren?" is a policy choice to be typed; nothing is to be started over.
        asked = question_reader(kb).read(stripped)
        if asked is not None and asked.asked:
            return Routed(asked.intent, asked.entities, "direct question, no restart")
        if asked is None and situation_reader(kb).score(stripped).describes:
            return Routed("describe_problem", {}, "describes a situation, no restart")
    if intent == PRIVACY_QUESTION and confidence < CONFIDENT and not turn.active_form:
        # "dat kader met eenvoudig, gecompliceerd, complex en chaotisch, hoe gebruik ik dat
        # naast jullie indeling": "gebruik" and "jullie" sound like a question about the
        # user's data, but a concept is named and asked about.
        asked = question_reader(kb).read(stripped)
        concept = asked.entities.get("concept", "") if asked else ""
        if asked and asked.asked and asked.intent == "ask_concept" and concept and not concept.startswith(CHOICE):
            return Routed(asked.intent, asked.entities, "asks about a concept, not about the data")
    if not stripped or stripped.startswith("/") or intent in FIXED or turn.trainer_mode:
        return Routed(intent)
    question = question_reader(kb).read(stripped)

    asks = question is not None and (question.intent == intent or question.asked)
    if turn.active_form == "diagnosis_form" and turn.requested_slot in AXES:
        if question is not None and asks:
            return Routed(question.intent, question.entities, "direct question during the diagnosis")
        reading = axis_reader(kb).read_answer(turn.requested_slot, stripped)
        if reading.kind != "unclear" and intent not in SOCIAL | {AXIS_ANSWER_INTENT, "affirm", "deny", "dont_know"}:
            return Routed(AXIS_ANSWER_INTENT, {}, "an answer to the question asked")
        if intent in NOT_UNDERSTOOD_IN_FORM:
            # Not an answer and not a question Taai knows: the form says it did not
            # understand and counts it, so "not understood twice" holds on this path too
            # (an out-of-scope reply and the question again would go on forever).
            return Routed(AXIS_ANSWER_INTENT, {}, "not understood: the form says so")
        return Routed(intent)
    if turn.active_form:
        return Routed(intent)  # the routes form reads its answers from the text

    # A question stands against the model's intent when it is plainly asked (a question
    # mark, a request) or the model is unsure: "Zijn de waarden toch omstreden" after a
    # diagnosis is a correction the model recognised, not a question about a type.
    if (
        question
        and (question.intent == "ask_experiment" or _names_a_case(question))
        and not turn.has_description
        and _described_with_axes(kb, stripped)
    ):
        # "Mogen we bijstand zonder voorwaarden geven? De raad is enthousiast, maar of het
        # werkt weet niemand.": a choice told with where people stand and what is known is
        # a problem to type; the routes follow the diagnosis.
        return Routed("describe_problem", {}, "describes a choice with its axes")
    if question and not turn.has_description and _story_then_open_question(kb, stripped, question):
        # "Steeds meer statushouders komen niet aan het werk onder de Participatiewet en
        # niemand weet wat helpt. Wat moeten we doen?": the law is part of the story; the
        # story is the problem to type, the routes follow the diagnosis.
        return Routed("describe_problem", {}, "a story with an open question")
    if (
        not turn.has_description
        and intent == "nlu_fallback"
        and "personal" in situation_reader(kb).score(stripped).signals
        and question is None
    ):
        # "kan ik bijzondere bijstand krijgen voor een wasmachine?": a personal question the
        # model could not place; the out-of-scope answer says where to go with it.
        return Routed("out_of_scope", {}, "a personal question")
    if question and intent == "out_of_scope" and "personal" in situation_reader(kb).score(stripped).signals:
        # "Heb ik recht op huurtoeslag als mijn vriend bij mij komt wonen?": a personal
        # question the model sees as such; a glossary word in it ("recht") is no subject.
        return Routed("out_of_scope", {}, "a personal question")
    if question and social_reader(kb).asks_about_taai(stripped):
        # "Waar is Taai eigenlijk voor bedoeld?": the assistant's name, not the type.
        return Routed("ask_capabilities", {}, "asks what Taai does")
    if question and (
        asks
        and (intent not in SOCIAL or question.request or _names_a_concept(question, intent))
        or confidence < CONFIDENT
    ):
        if question.intent == "start_diagnosis" and not turn.has_description and _carries_a_case(kb, stripped):
            # "Ik zoek een casus: een gemeente die ... terwijl ... fel tegen zijn. Hoe zou jij
            # die typeren?": the case to type is in the message itself.
            return Routed("describe_problem", {}, "asks to type the case it describes")
        return Routed(question.intent, question.entities, "direct question")
    thanks = thanks_reader(kb).read(stripped)
    if thanks and intent != "thank":
        return Routed("thank", {}, "thanks")
    situation = situation_reader(kb).score(stripped)
    social = social_reader(kb)
    if social.asks_capabilities(stripped) and (
        intent in WEAK_OPENINGS
        and not situation.describes
        or (intent in WEAK_OPENINGS | {"describe_problem"} or confidence < CONFIDENT)
        and not set(situation.signals) & {"problem", "choice", "axis", "personal"}
    ):
        # "Kun je uitleggen wat je doet en hoe je me kunt helpen bij een beleidsprobleem?",
        # "Ik ben net begonnen bij de gemeente en moest deze chat proberen. Waar kun je me
        # mee helpen?": who is typing and why, no problem yet.
        return Routed("ask_capabilities", {}, "asks what Taai does")
    if (
        not turn.has_description
        and (intent in WEAK_OPENINGS or intent == "describe_problem")
        and not set(situation.signals) & {"problem", "choice", "axis", "personal"}
        and social.introduces(stripped)
        and not question
    ):
        # "hallo, ik ben coördinator van een wijkteam in Harderwijk": who is typing, not
        # yet what about; greeted, Taai asks for the problem.
        return Routed("greet", {}, "introduces themselves")
    if (
        not turn.has_description
        and situation.describes
        and (intent in WEAK_OPENINGS or intent in SOCIAL and len(stripped.split()) >= 6 or confidence < CONFIDENT)
    ):
        return Routed("describe_problem", {}, "describes a situation")
    if (
        not turn.has_description
        and intent in ("inform_context", "nlu_fallback")
        and situation.score >= NAMED_SITUATION
        and len(stripped.split()) >= NAMED_SITUATION_WORDS
    ):
        # Nothing was asked yet, so this names no answer to a question: "zorgmijders bij
        # ons", "jeugdzorgkosten rijzen de pan uit, wat nu" name the situation to type.
        return Routed("describe_problem", {}, "names a situation")
    if not turn.has_description and question is None and _names_a_topic(kb, stripped, intent, confidence):
        return Routed("describe_problem", {}, "names a topic")
    if turn.has_description and situation.describes and intent == "nlu_fallback":
        return Routed("describe_problem", {}, "a new situation")
    if intent == "ask_stakeholders" and question is None:
        # "bij een ongestructureerd probleem, is meebeslissen dan het juiste niveau": the
        # model knows whom-to-involve questions; the type they name is read from the text.
        named = question_reader(kb).type_named(stripped)
        if named:
            return Routed(intent, {"named_type": named}, "the type named")
    return Routed(intent)


def _story_then_open_question(kb: KnowledgeBase, text: str, question: Question) -> bool:
    if question.intent not in ("ask_route_info", "ask_concept", "ask_plan"):
        return False
    reader = question_reader(kb)
    story = reader.told_before_open_question(text)
    if story is None or not situation_reader(kb).score(story).describes:
        return False
    if question.intent == "ask_plan":
        # "... elk jaar weer een nieuw plan tegen eenzaamheid ... Wat nu?" tells of a plan;
        # "We willen een experiment opzetten. Wat moeten we doen?" asks for one.
        return not reader.names_an_experiment(story)
    return not question.request


def _names_a_case(question: Question) -> bool:
    """ "Moeten we een experiment met een basisinkomen starten? De raad is verdeeld ...":
    an example case named in a choice the user tells with its axes is their own problem."""
    return question.intent == "ask_concept" and question.entities.get("concept", "").startswith("case:")


def _names_a_concept(question: Question, intent: str) -> bool:
    """ "Hoe werkt het Cynefin-model?" reads like "hoe werkt het?" to the model (what Taai
    can do), but it asks about one concept; a choice between concepts is not that sure."""
    concept = question.entities.get("concept", "")
    return intent == "ask_capabilities" and question.intent == "ask_concept" and not concept.startswith(CHOICE)


def _names_a_topic(kb: KnowledgeBase, text: str, intent: str, confidence: float) -> bool:
    """A first message like a subject line: "thuiszitters", "huisuitzettingen voorkomen",
    "hittestress in versteende wijken". Nothing was asked yet, so it answers nothing; it
    names what the user wants to talk about. The model calls such words context or is
    unsure; a word Taai knows as a domain or a problem must be in it ("asdf" is no topic).
    A question is no topic, also when no frame Taai knows is in it."""
    if (
        len(text.split()) > TOPIC_WORDS
        or intent in SOCIAL
        or "?" in text
        or question_reader(kb).opens_with_question_word(text)
    ):
        return False  # ("welke fasen heeft een experiment" asks)
    labels = situation_reader(kb).labels(text)
    if labels & {"personal", "other"}:
        return False
    if intent == "inform_context":
        return True
    unsure = intent == "nlu_fallback" or confidence < CONFIDENT
    return unsure and bool(labels & {"context", "problem", "choice"})


def _carries_a_case(kb: KnowledgeBase, text: str) -> bool:
    """A description with content (a domain and where people stand or what is known), not
    only words like "probleem" ("ik heb een vraagstuk waar ik niet uitkom, wat voor soort
    probleem is het?"). Or a part beside the request that names a domain: "kun je mijn
    probleem typeren? het gaat om wachtlijsten in de ggz", "typeer dit: eenzaamheid onder
    ouderen" ("heb een casus uit mijn wijk" names none; "hoe gaat dat in zijn werk?" asks)."""
    situation = situation_reader(kb).score(text)
    if situation.describes and {"context", "axis"} <= set(situation.signals):
        return True
    reader = question_reader(kb)
    for part in re.split(r"[.?!:;,]", text):
        tokens = [t for t in tokenize(part) if not t.is_punctuation]
        if (
            tokens
            and tokens[0].text not in reader.question_words
            and "start" not in reader.frames_in(tokens)
            and "context" in situation_reader(kb).labels(part)
        ):
            return True
    return False


def _described_with_axes(kb: KnowledgeBase, text: str) -> bool:
    return situation_reader(kb).score(text).describes and bool(axis_reader(kb).infer_axes(text))


class ThanksReader:
    """ "Dankjewel, hier kan ik echt wat mee!": a short message that opens with thanks."""

    MAX_WORDS = 10

    def __init__(self, kb: KnowledgeBase) -> None:
        self.words = frozenset(kb.cues["questions"]["thanks"])

    def read(self, text: str) -> bool:
        words = [t.text for t in tokenize(text) if not t.is_punctuation]
        return bool(words) and len(words) <= self.MAX_WORDS and words[0] in self.words


@lru_cache(maxsize=4)
def thanks_reader(kb: KnowledgeBase) -> ThanksReader:
    return ThanksReader(kb)


class SocialReader:
    """Turns about the conversation itself: "ik ben jongerenwerker in ..." introduces the
    user; "ben je daar voor?" asks what Taai can do."""

    INTRODUCTION_AT = 3  # an introduction opens the message, after at most a greeting and a comma
    NAME_WORDS = 5  # "Goedemorgen, Pieter de Vries hier, ...": a name and "hier" within the first words
    MAX_WORDS = 15  # longer, and the message says more than who is typing
    GREETING_WORDS = 2  # "goedemorgen!", "hoi daar!": a first sentence this short only greets

    def __init__(self, kb: KnowledgeBase) -> None:
        cues = kb.cues["questions"]
        overrides = kb.cues["lexicon"].get("lemma_overrides", {})
        self.introductions = PhraseFinder(
            [compile_phrase(p, "introduction", overrides) for p in cues["introductions"]], max_gap=0
        )
        self.name_markers = frozenset(cues["introduction_name_markers"])
        self.more_than_an_introduction = frozenset(cues["more_than_an_introduction"])
        self.about_taai = PhraseFinder(
            [compile_phrase(p, "about_taai", overrides) for p in cues["taai_questions"]], max_gap=1
        )
        self.capabilities = PhraseFinder(
            [compile_phrase(p, "capabilities", overrides) for p in cues["capability_questions"]], max_gap=1
        )

    @staticmethod
    def _words(tokens: list[Token]) -> list[Token]:
        return [t for t in tokens if not t.is_punctuation]

    def introduces(self, text: str) -> bool:
        all_tokens = tokenize(text)
        tokens = self._words(all_tokens)
        if len(tokens) > self.MAX_WORDS or any(t.text in self.more_than_an_introduction for t in tokens):
            return False  # "Ik ben net begonnen als beleidsmedewerker en ik moet iets met eenzaamheid"
        sentences = [part.split() for part in re.split(r"[.!?]+", text) if part.split()]
        if sentences and len(sentences[0]) <= self.GREETING_WORDS:
            sentences = sentences[1:]  # "moi! Jelle hier, ...": a greeting of its own
        if len(sentences) > 1:
            return False  # "Hallo, Karin hier. Bij ons in de wijk is veel eenzaamheid."
        if any(hit.positions[0] < self.INTRODUCTION_AT for hit in self.introductions.find(tokens)):
            return True
        # "moi! Jelle hier, wijkteam winschoten": a name, then "hier", as on the phone.
        words = 0
        for index, token in enumerate(all_tokens):
            if token.is_punctuation:
                continue
            words += 1
            if words > self.NAME_WORDS:
                return False
            closes = index + 1 == len(all_tokens) or all_tokens[index + 1].is_punctuation
            if token.text in self.name_markers and words > 1 and closes:
                return True
        return False

    def asks_about_taai(self, text: str) -> bool:
        return bool(self.about_taai.find(self._words(tokenize(text))))

    def asks_capabilities(self, text: str) -> bool:
        return bool(self.capabilities.find(self._words(tokenize(text))))


@lru_cache(maxsize=4)
def social_reader(kb: KnowledgeBase) -> SocialReader:
    return SocialReader(kb)


def earlier_description(kb: KnowledgeBase, recent_texts: Iterable[str]) -> str | None:
    """For "typeer dit": the most recent earlier message that describes a situation."""
    for text in recent_texts:
        if text and not text.startswith("/") and situation_reader(kb).score(text).describes:
            return text
    return None
