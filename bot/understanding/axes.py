"""Read the two axes (values, knowledge) from free Dutch text.

Two uses:
- `read_answer`: a reply to the question about one axis. Short replies ("ja",
  "nee joh") are read through the question asked; sentences through their cues.
- `infer_axes`: a free problem description; an axis is only filled where the text
  makes it clear, because what Taai fills in, the user did not explicitly answer.

How a message is read (all word lists live in knowledge/cues.yml, none in code):
1. Cut into clauses (bot/understanding/clauses.py); questions back count for nothing.
2. Per clause, find cue phrases (bot/understanding/phrases.py): axis cues (a pole of
   an axis), "don't know" phrases, and phrases that stop a cue from counting
   ("ik weet niet of ...": what follows is not a claim).
3. Negation scope: each negator in the clause that is not part of a cue ("niet",
   "geen", "niemand", "nooit", "zonder", ...) flips every axis cue in it. Two flips
   cancel: "daar twijfelt niemand aan" reads as certain, "het is niet zo dat we het
   niet eens zijn" as agree.
4. Hedges ("grotendeels", "min of meer") keep the pole but lower the weight; a clause
   after "maar"/"alleen" weighs more than the one before it.
5. Short answers ("ja", "zeker niet", "welnee") count only in clauses without an axis
   cue, and not in a clause that is only about the other axis ("over de aanpak niet"
   says nothing about the values).

The decision keeps one rule above all: when the evidence is weak or contradicts
itself, the answer is `unclear` and the bot asks. It never picks a pole on a guess.
Only a reply to an axis question gets a second opinion: where the cues decide nothing,
the answer model (answer_model.py) may read it when it is sure, never against a cue,
and the reading says so (`learned`), so that Taai tells the user it read it loosely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from bot.core.knowledge import KnowledgeBase
from bot.understanding.answer_model import AnswerModel, answer_examples
from bot.understanding.clauses import CONTRAST_WEIGHT, Clause, ClauseWords, join, split_clauses
from bot.understanding.lexicon import Token, finite_verb, tokenize, within_one_edit
from bot.understanding.phrases import MIN_TYPO_LENGTH, Hit, PhraseFinder, compile_phrase

AXES = ("value_consensus", "knowledge_certainty")
YES_POLE = {"value_consensus": "agree", "knowledge_certainty": "certain"}
NO_POLE = {"value_consensus": "disagree", "knowledge_certainty": "uncertain"}
OPPOSITE = {"agree": "disagree", "disagree": "agree", "certain": "uncertain", "uncertain": "certain"}
# What a clause is about moves a cue between the axes (topics in knowledge/cues.yml):
# - values ("doel", "waarom"): a knowledge cue speaks of the values
#   ("over het doel twijfelt niemand" = agree);
# - evidence ("onderzoek", "deskundigen"): a values cue speaks of the knowledge
#   ("de deskundigen zijn het oneens" = uncertain);
# - means ("aanpak", "geld", "regie"): a values cue does not count, because the values
#   question is about goals, not means ("we botsen over geld" says nothing of values);
# - resources ("geld", "uren"): a knowledge cue does not count either, unless the clause
#   is also about evidence ("wat werkt weten we, maar het geld is er niet": certain).
VALUES_FROM_KNOWLEDGE = {"certain": "agree", "uncertain": "disagree"}
KNOWLEDGE_FROM_VALUES = {"agree": "certain", "disagree": "uncertain"}

# Tuning values, not facts: how much evidence an answer or a description needs.
ANSWER_MIN_WEIGHT = 0.45  # one hedged cue is enough in a reply; a vague word ("complex") is not
DESCRIPTION_MIN_WEIGHT = 0.6  # a description must say it clearly
MIN_MARGIN = 0.5  # the winning pole must outweigh the other by this share of its weight
HEDGE_FACTOR = 0.7
QUESTION_FACTOR = 0.0
NOT_ABOUT_VALUES_WEIGHT = 0.6  # "..., maar dat gaat over geld, niet over wat we willen bereiken"
NEEDLESS_AFTER_REACH = 2  # "geen onderzoek (meer) nodig"
OWN_VERB_REACH = 4  # "maar de wethouder wil ...": the verb of a contrast clause stands this early
DOUBT_WEIGHT = 0.8  # "..., maar wat werkt er dan?": a question set against a claim doubts what works
ELLIPSIS_MAX_WORDS = 8
MIXED_UNCERTAIN = 0.5  # knowledge: this much evidence of uncertainty wins over certainty,
MIXED_MIN_STRENGTH = 0.5  # if it comes from a clear cue (not a vague one like "complex")
SHORT_CLAUSE = 5
OPPOSED_PARTIES_WEIGHT = 0.5  # two parties each with their own wish or belief: a weak cue
SELF_ANSWER_WORDS = 3  # "Weinig." / "Geen idee eigenlijk." after the user's own question
OPENING_ANSWER_WORDS = 2  # "Nee hoor," as a clause of its own at the start of a reply
ANSWER_FACTOR = 0.8  # a short answer weighs a little less than a cue of its own
WISHFUL = "<wishful>"
INTERJECTION_WORDS = 1  # "hahaha", "pff": a clause this short before "was het maar zo" says nothing
MILD = "mild"  # a negator phrase that negates a cue but is no "nee" of its own
GENERIC_MAX_WORDS = 6  # "geen twijfel over" answers; "dan hoor je zekerheid en een fijne werkplek" does not
# From here the answer model's reading counts: leaving one author of the examples out at a
# time, it is right on 82 of the 83 replies the cues leave open that it reads.
MODEL_MIN_PROBABILITY = 0.75
KNOWLEDGE_GROUP_STRENGTH = 0.8  # "we hebben geen idee of het werkt" weighs like "niemand weet"
CONCEDED_REACH = 4  # words after "ondanks" that it concedes
CONCEDED_FACTOR = 0.4
NEGATION_REACH = 6  # words between a negator and the cue it negates, at most
SNEER_CONFIDENCE = 0.7  # a sarcastic yes read as a no: Taai's reading, said as such
NEEDLESS_REACH = 4  # words between "hoeven" and a cue with its own negator ("hoeven we geen onderzoek")
SPEECH_TAG_WORDS = 6  # "zegt de wethouder", "dat zegt de gemeente ook steeds": a clause that only reports who says it
PAST_WEIGHT = 0.3  # "vroeger ..., nu ...": the past clause hardly counts
YEAR_DIGITS = 4  # "in 2015"
SHORT_CONTRAST = 3  # words after "maar" before a comma that still belong to the clause after it
MINOR_FACTOR = 0.3  # words; in longer clauses only an opening "ja"/"nee" is a short answer


LabelKind = Literal[
    "axis", "answer", "dont_know", "blocker", "neutral", "hedge", "not_a_claim", "negator", "means_marker", "denial"
]


@dataclass(frozen=True)
class Label:
    kind: LabelKind
    axis: str | None = None
    value: str | None = None  # a pole; or yes/no for answers
    weight: float = 1.0
    negatable: bool = True  # False: a negation does not turn the cue around (parties set against each other)


@dataclass(frozen=True)
class Evidence:
    axis: str | None
    value: str
    weight: float
    cue: str
    negated: bool = False
    clause: int = 0
    topics: frozenset[str] = frozenset()  # for short answers: what the clause is about
    covered: frozenset[str] = frozenset()  # for short answers: axes the clause has a cue for
    strength: float = 1.0  # the cue's own weight in cues.yml
    contrast: bool = False  # from a clause that opens with "maar", "alleen", ...
    source: str = ""  # the cue phrase as written in cues.yml


@dataclass
class Reading:
    """Everything found in one message."""

    axis: list[Evidence] = field(default_factory=list)
    answers: list[Evidence] = field(default_factory=list)  # yes / no, per clause, with topic
    dont_know: list[str] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)  # the whole message, as `AxisReader.tokens` gives it
    after_means: bool = False  # the last clause said the one before it was about means
    last_topics: set[str] = field(default_factory=set)
    answer: bool = True  # a reply to a question (questions back count for nothing)
    torn: bool = False  # a clause said yes and no at once ("ja nee"): the user is of two minds
    conceded_dont_know: list[str] = field(default_factory=list)  # "..., al weet ik het niet zeker"


@dataclass(frozen=True)
class AxisInference:
    axis: str
    value: str
    confidence: float
    cue: str  # the phrase that decided it, as written in cues.yml


@dataclass(frozen=True)
class AnswerReading:
    kind: Literal["value", "dont_know", "unclear"]
    value: str | None = None
    cue: str | None = None
    confidence: float = 0.0
    learned: bool = False  # read by the answer model or through sarcasm, not by a cue: Taai says it read it so


class AxisReader:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._model: AnswerModel | None = None
        cues = kb.cues
        lexicon = cues["lexicon"]
        self.overrides = dict(lexicon.get("lemma_overrides", {}))
        phrases = []
        for cue in cues["axis_cues"]:
            label = Label("axis", cue["axis"], cue["pole"], cue["weight"], cue.get("negatable", True))
            # An entry may allow fewer words between its phrase words than the finder does:
            # "de een vindt" must not be found in "de corporatie een goed resultaat vindt".
            phrases += [compile_phrase(p, label, self.overrides, max_gap=cue.get("max_gap")) for p in cue["phrases"]]
        for answer in cues["answers"]:
            meaning = answer["meaning"]
            kind: LabelKind = "dont_know" if meaning == "dont_know" else "answer"
            # Short answers are fixed expressions: "dat wel", not "dat is wel".
            gap = None if kind == "dont_know" else 0
            phrases += [
                compile_phrase(p, Label(kind, None, meaning), self.overrides, max_gap=gap) for p in answer["phrases"]
            ]
        phrases += [compile_phrase(p, Label("blocker"), self.overrides, priority=0) for p in lexicon["claim_blockers"]]
        self.wishful = PhraseFinder(compile_phrase(p, "wishful", self.overrides) for p in lexicon["wishful"])
        other_kinds: tuple[tuple[LabelKind, str], ...] = (
            ("neutral", "neutral_phrases"),
            ("hedge", "hedges"),
            ("not_a_claim", "not_a_claim"),
            ("negator", "negator_phrases"),
            ("means_marker", "means_markers"),
            ("denial", "denials"),
        )
        for other, key in other_kinds:
            phrases += [compile_phrase(p, Label(other), self.overrides) for p in lexicon[key]]
        # "De verdeeldheid valt wel mee" = not divided; "Dat valt wel mee" alone answers nothing.
        phrases += [compile_phrase(p, Label("negator", value=MILD), self.overrides) for p in lexicon["mild_negators"]]
        self.finder = PhraseFinder(phrases)
        self.negators = frozenset(lexicon["negators"])
        self.quantity_negators = frozenset(lexicon["quantity_negators"])
        self.volition = frozenset(lexicon["volition"])
        opposed = lexicon["opposed_parties"]
        self.self_answers = {p: frozenset(words) for p, words in lexicon["self_answers"].items()}
        self.plain_no = frozenset(lexicon["plain_no"])
        self.wish_verbs = frozenset(opposed["wish_verbs"])
        self.belief_verbs = frozenset(opposed["belief_verbs"])
        self.shared_markers = frozenset(opposed["shared"])
        self.not_a_party = frozenset(opposed["not_a_party"])
        self.party_cuts = frozenset(opposed["cuts"])
        self.past = PhraseFinder(compile_phrase(p, "past", self.overrides) for p in lexicon["past_markers"])
        self.present = PhraseFinder(compile_phrase(p, "present", self.overrides) for p in lexicon["present_markers"])
        self.collective = frozenset(lexicon["collective_subjects"])
        self.first_person = frozenset(lexicon["first_person"])
        self.knowing = frozenset(lexicon["knowing"])
        self.working = frozenset(lexicon["working"])
        self.unknown_openers = frozenset(lexicon["unknown_openers"])
        self.clause_words = ClauseWords(
            breaks=frozenset(lexicon["clause_breaks"]),
            contrast=frozenset(lexicon["contrast"]),
            question_openers=frozenset(lexicon["question_openers"]),
            tag_questions=frozenset(lexicon["tag_questions"]),
            and_before=frozenset(lexicon["and_before"]),
            restrictive=frozenset(lexicon["restrictive"]),
            wh_words=frozenset(lexicon["wh_words"]),
            subordinators=frozenset(lexicon["subordinators"]),
            not_a_break_after_maar=frozenset(lexicon["not_a_break_after_maar"]),
            not_a_break_before_maar=frozenset(lexicon["not_a_break_before_maar"]),
            concessive=frozenset(lexicon["concessive"]),
            concessive_after_comma=frozenset(lexicon["concessive_after_comma"]),
            concessive_openings=frozenset(tuple(p.split()) for p in lexicon["concessive_openings"]),
            concession_tags=frozenset(tuple(p.split()) for p in lexicon["concession_tags"]),
            maar_phrases=frozenset(tuple(p.split()) for p in lexicon["maar_phrases"]),
            conclusive=frozenset(lexicon["conclusive"]),
            and_after=frozenset(lexicon["and_after"]["before"]),
            and_after_next=frozenset(lexicon["and_after"]["after"]),
            and_after_verbs=frozenset(lexicon["and_after"].get("verbs", [])),
            and_inverted=frozenset(lexicon["and_inverted"]),
        )
        self.counterfactual_openers = frozenset(lexicon["counterfactual_openers"])
        self.resumptive = frozenset(lexicon["resumptive"])
        self.pronoun_dat_before = frozenset(lexicon["pronoun_dat_before"])
        self.degree_words = frozenset(lexicon["degree_words"])
        self.cue_gap_breakers = frozenset(lexicon["cue_gap_breakers"]["words"])
        self.gap_subjects = frozenset(lexicon["cue_gap_breakers"]["subjects"])
        self.year_prepositions = frozenset(lexicon["year_prepositions"])
        self.elliptic_openers = frozenset(lexicon["elliptic_openers"])
        self.own_claim_verbs = frozenset(lexicon["own_claim_verbs"])
        self.not_even_before = frozenset(lexicon["not_even_before"])
        self.agreement_followers = frozenset(lexicon["agreement_followers"])
        self.not_even_verbs = frozenset(lexicon["not_even_verbs"])
        self.alternatives = frozenset(tuple(p.split()) for p in lexicon["alternatives"])
        self.long_negators = sorted(n for n in self.negators if len(n) >= MIN_TYPO_LENGTH)
        self.denial_openers = frozenset(lexicon["denial_openers"])
        self.fronted_openers = frozenset(lexicon["fronted_openers"])
        self.subordinators = frozenset(lexicon["subordinators"])
        self.conjunct_openers = frozenset(lexicon["conjunct_openers"])
        self.quantifiers = frozenset(lexicon["quantifiers"])
        self.irony_markers = tuple(lexicon["irony_markers"])
        self.needless = frozenset(lexicon["needless"])
        self.needless_after = frozenset(lexicon["needless_after"])
        self.exception_openers = frozenset(lexicon["exception_frame"]["openers"])
        self.exception_closers = frozenset(lexicon["exception_frame"]["closers"])
        self.denial_closers = frozenset(lexicon["denial_closers"])
        self.said_claims = frozenset(tuple(p.split()) for p in lexicon["said_claims"])
        self.corrections = PhraseFinder(
            compile_phrase(p, "correction", self.overrides, max_gap=0) for p in lexicon["corrections"]
        )
        elsewhere = lexicon["elsewhere"]
        self.elsewhere_openers = frozenset(elsewhere["openers"])
        self.set_apart = PhraseFinder(
            compile_phrase(p, "set apart", self.overrides, max_gap=0) for p in lexicon["set_apart_openings"]
        )
        self.here = PhraseFinder(compile_phrase(p, "here", self.overrides, max_gap=0) for p in elsewhere["here"])
        self.irony_openers = tuple(" ".join(t.text for t in tokenize(p)) for p in lexicon["irony_pattern"]["openers"])
        self.irony_consequences = frozenset(lexicon["irony_pattern"]["consequences"])
        self.sneers = tuple(lexicon["irony_pattern"]["sneers"])
        self.sneer_closers = frozenset(lexicon["irony_pattern"]["closers"])
        self.appearance = PhraseFinder(compile_phrase(p, "appearance", self.overrides) for p in lexicon["appearance"])
        self.disputes = PhraseFinder(
            compile_phrase(p, "dispute", self.overrides, max_gap=1) for p in lexicon["disputes"]
        )
        self.asking_back = PhraseFinder(
            compile_phrase(p, "asking_back", self.overrides, max_gap=0) for p in lexicon["asking_back"]
        )
        self.concessive_before = frozenset(lexicon["concessive_prepositions"])
        self.parentheticals = PhraseFinder(
            compile_phrase(p, "aside", self.overrides, max_gap=1) for p in lexicon["parentheticals"]
        )
        self.axis_cues = PhraseFinder(p for p in phrases if p.label.kind == "axis")
        self.rhetorical = PhraseFinder(compile_phrase(p, "rhetorical", self.overrides) for p in lexicon["rhetorical"])
        self.rhetorical_denials = PhraseFinder(
            compile_phrase(p, "rhetorical denial", self.overrides, max_gap=0) for p in lexicon["rhetorical_denials"]
        )
        self.generic = frozenset(lexicon["generic_certainty"])
        self.denied_doubts = frozenset(lexicon["denied_doubts"])
        self.negating_conjunctions = frozenset(lexicon["negating_conjunctions"])
        self.echo_rejections = tuple(" ".join(t.text for t in tokenize(r)) for r in lexicon["echo_rejections"])
        self.topics = {
            group: PhraseFinder(compile_phrase(p, group, self.overrides) for p in words)
            for group, words in lexicon["topics"].items()
        }

    # --- finding ------------------------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        tokens = [self._negator_typo(t) for t in tokenize(text, self.overrides)]
        # "we weten niet eens zeker ...", "ik ken de partijen niet eens": "niet eens" means
        # "not even" there; drop the "eens" so that it is no cue of agreement and the
        # "niet" reaches the claim.
        tokens = [t for i, t in enumerate(tokens) if not (t.text == "eens" and self._not_even(tokens, i))]
        # "we weten goed wat werkte en wat niet": the alternative names no denial of the claim.
        return self._without_alternatives(tokens)

    def _without_alternatives(self, tokens: list[Token]) -> list[Token]:
        kept: list[Token] = []
        i = 0
        while i < len(tokens):
            words = tuple(t.text for t in tokens[i : i + 3])
            if words in self.alternatives:
                i += 3
                continue
            kept.append(tokens[i])
            i += 1
        return kept

    def _not_even(self, tokens: list[Token], i: int) -> bool:
        if i == 0 or tokens[i - 1].text != "niet":
            return False
        if i + 1 < len(tokens) and tokens[i + 1].text in self.not_even_before:
            return True
        start = max((j + 1 for j in range(i) if tokens[j].is_punctuation), default=0)
        sentence = tokens[start:i]
        agreement_frame = any(t.lemma in ("zijn", "worden") or t.text in ("ben", "is", "het") for t in sentence)
        # ... also closing a sentence about knowing, not one about being agreed ("zijn het niet eens")
        if (
            (i + 1 == len(tokens) or tokens[i + 1].is_punctuation)
            and any(t.lemma in self.not_even_verbs for t in sentence)
            and not agreement_frame
        ):
            return True
        # ... and after another verb, with no "het" or "zijn" to be agreed with: "de helft
        # van de partners reageert niet eens op mijn mails".
        following = tokens[i + 1].text if i + 1 < len(tokens) else ""
        words = [t for t in sentence[:-1] if not t.is_punctuation]
        return len(words) >= 2 and not agreement_frame and following not in self.agreement_followers

    def _negator_typo(self, token: Token) -> Token:
        """ "onderbouwd is het nauwlijks": a long negator with one typo still negates."""
        if token.known or len(token.text) < MIN_TYPO_LENGTH or token.text in self.negators:
            return token
        for negator in self.long_negators:
            if within_one_edit(token.text, negator):
                return Token(negator, negator)
        return token

    def clauses(self, text: str) -> list[Clause]:
        return self._split(self.tokens(text))

    def _split(self, tokens: list[Token]) -> list[Clause]:
        tokens = list(tokens)  # the marker below replaces tokens in place; the caller keeps its own
        # "Was het maar zo" must stay one piece although "maar" opens a clause: it
        # becomes one marker token in a clause of its own.
        for hit in self.wishful.find([t for t in tokens]):
            first, last = hit.positions[0], hit.positions[-1]
            tokens[first : last + 1] = [Token(".", "."), Token(WISHFUL, WISHFUL), Token(".", ".")]
            break
        clauses = self._drop_parentheticals(split_clauses(tokens, self.clause_words))
        return self._weigh_past(self._join_short_contrast(clauses))

    def _drop_parentheticals(self, clauses: list[Clause]) -> list[Clause]:
        """ "Over het doel zijn wij het, naar mijn inschatting, in grote lijnen eens": an
        aside between commas does not cut the clause around it."""
        index = 1
        while index + 1 < len(clauses):
            aside, before, after = clauses[index], clauses[index - 1], clauses[index + 1]
            if (
                before.ended_by == ","
                and aside.ended_by == ","
                and not after.contrast
                and after.tokens[0].text not in self.clause_words.breaks
                and any(
                    len(h.positions) >= len(aside.tokens) - 1 for h in self.parentheticals.find(aside.tokens, set())
                )
            ):
                join(before, after)
                del clauses[index : index + 2]
                continue
            index += 1
        return clauses

    def _join_short_contrast(self, clauses: list[Clause]) -> list[Clause]:
        """ "..., maar de raad, de corporaties en de bewoners willen wat anders": a comma
        inside the subject after "maar" does not end the point; the few words before it
        and the clause after them are one clause, and it carries the contrast."""
        joined: list[Clause] = []
        index = 0
        while index < len(clauses):
            clause = clauses[index]
            following = clauses[index + 1] if index + 1 < len(clauses) else None
            if (
                following is not None
                and clause.contrast
                and clause.ended_by == ","
                and len(clause.tokens) <= SHORT_CONTRAST
                and not any(t.text in self.negators for t in clause.tokens)
                and not any(h.label.kind == "answer" for h in self.finder.find(clause.tokens, set()))
                and following.tokens[0].text not in self.clause_words.breaks
                and not following.contrast
            ):
                joined.append(join(clause, following))
                index += 2
                continue
            joined.append(clause)
            index += 1
        for before, clause in zip(joined, joined[1:], strict=False):  # pairs of neighbours
            if (
                before.contrast
                and before.ended_by == ","
                and not clause.contrast
                and clause.tokens[0].text not in self.clause_words.breaks
            ):
                # "Wij menen de oorzaak te kennen, doch of de aanpak werkt, is allerminst
                # zeker": the point after "doch" goes on after the comma.
                clause.contrast = True
                clause.weight *= CONTRAST_WEIGHT
        return joined

    def _weigh_past(self, clauses: list[Clause]) -> list[Clause]:
        """ "Tien jaar terug tastten we in het duister, nu weten we wat helpt": when a later
        clause says how it is now, what was so before weighs little."""
        now = [bool(self.present.find(c.tokens, set())) for c in clauses]
        for index, clause in enumerate(clauses):
            if (
                not now[index]
                and any(now[index + 1 :])
                and (self.past.find(clause.tokens, set()) or self._names_a_year(clause.tokens))
            ):
                clause.weight *= PAST_WEIGHT
        return clauses

    def _names_a_year(self, tokens: list[Token]) -> bool:
        """ "In 2015 zaten we op één lijn. Inmiddels niet meer": a year named is a time before now."""
        return any(
            t.text.isdigit() and len(t.text) == YEAR_DIGITS and i > 0 and tokens[i - 1].text in self.year_prepositions
            for i, t in enumerate(tokens)
        )

    def read(self, text: str, answer: bool = True) -> Reading:
        """What the text says; `answer` False reads a description or question, where a
        clause that asks still describes ("als we het eens zijn maar niemand weet ...?")."""
        reading = Reading(answer=answer, tokens=self.tokens(text))
        previous: list[Hit[Label]] = []
        clauses = self._split(reading.tokens)
        self._mark_self_answers(clauses)
        for index, clause in enumerate(clauses):
            if clause.answers_own_question:
                reading.clauses.append(clause)  # "Weinig." after "Wat weten we?": read with the question
                previous = []
                continue
            if index > 0 and clauses[index - 1].echo:
                self._answer_echo(clause, reading)
                if clause.tokens[0].text == WISHFUL:  # the echo took the "was het maar zo"
                    reading.clauses.append(clause)
                    previous = []
                    continue
            previous = self._read_clause(clause, reading, previous)  # an ellipsis refers to the clause before
        self._appearance_before_contrast(reading)
        self._corrected(reading)
        self._elsewhere(reading)
        self._set_apart(reading)
        self._opposed_parties(reading)
        if not reading.answers and not reading.axis:
            # "Ik denk het wel, al weet ik het niet zeker": a doubt conceded beside an answer
            # hedges it; alone ("al weet ik het niet zeker") it is a don't-know.
            reading.dont_know.extend(reading.conceded_dont_know)
        if clauses and clauses[-1].echo:
            # "Hoe bedoel je, zekerheid?": an echo nobody answered is no claim.
            last = len(reading.clauses) - 1
            reading.axis[:] = [e for e in reading.axis if e.clause != last]
        return reading

    def _corrected(self, reading: Reading) -> None:
        """ "Nee, dat is onzeker... nou ja, eigenlijk is de oorzaak wel duidelijk. Dus toch
        bekend.": a clause that opens with a self-correction takes back what came before."""
        last = max(
            (
                i
                for i, c in enumerate(reading.clauses)
                if any(h.positions[0] == 0 for h in self.corrections.find(c.tokens))
            ),
            default=0,
        )
        if last:
            reading.axis[:] = [e for e in reading.axis if e.clause >= last]
            reading.answers[:] = [a for a in reading.answers if a.clause >= last]

    def _elsewhere(self, reading: Reading) -> None:
        """ "In Leiden zijn ze het er allemaal over eens, maar bij ons in Zoetermeer?": a
        clause about another place, set against "bij ons" in the contrast after it, says
        nothing about the user's own case."""
        for index, (there, here) in enumerate(zip(reading.clauses, reading.clauses[1:], strict=False)):
            if (
                there.tokens
                and there.tokens[0].text in self.elsewhere_openers
                and (here.contrast or self._set_against_here(reading, index + 1))
                and self.here.find(here.tokens)
                and not self.here.find(there.tokens)  # "In principe zijn we het eens, maar ...": our own case
            ):
                reading.axis[:] = [e for e in reading.axis if e.clause != index]
                reading.answers[:] = [a for a in reading.answers if a.clause != index]

    def _set_apart(self, reading: Reading) -> None:
        """ "Anders dan bij de jeugdhulp, waar niemand weet wat werkt, is het bij inburgering
        vrij duidelijk": the clause that sets another case apart, and the subordinate
        clauses right after it, say nothing about the user's own case. Only where a clause
        of the user's own follows."""
        clauses = reading.clauses
        index = 0
        while index < len(clauses):
            if not any(h.positions[0] == 0 for h in self.set_apart.find(clauses[index].tokens, set())):
                index += 1
                continue
            end = index + 1
            while end < len(clauses) and clauses[end].tokens[0].text in self.clause_words.subordinators:
                end += 1
            if end < len(clauses):
                apart = set(range(index, end))
                reading.axis[:] = [e for e in reading.axis if e.clause not in apart]
                reading.answers[:] = [a for a in reading.answers if a.clause not in apart]
            index = end

    def _set_against_here(self, reading: Reading, index: int) -> bool:
        """ "In Zwolle zitten ze op een lijn, hier in Deventer totaal niet": without "maar", a
        clause that opens with "hier" or "bij ons" and says something of its own is set
        against the place before it."""
        clause = reading.clauses[index]
        return any(hit.positions[0] == 0 for hit in self.here.find(clause.tokens)) and (
            any(e.clause == index for e in reading.axis) or any(a.clause == index for a in reading.answers)
        )

    def _mark_self_answers(self, clauses: list[Clause]) -> None:
        """ "Wat weten we over wat werkt? Weinig." / "Waar zijn we het over eens? Niks.":
        a question the user answers at once is a claim; the short answer says which way."""
        for clause, after in zip(clauses, clauses[1:], strict=False):
            if not clause.ends_with_question or clause.echo or not 1 <= len(after.tokens) <= SELF_ANSWER_WORDS:
                continue
            first = after.tokens[0].text
            polarity = next((p for p, words in self.self_answers.items() if first in words), None)
            if polarity is not None:
                clause.self_answer = polarity
                after.answers_own_question = True

    def _opposed_parties(self, reading: Reading) -> None:
        """ "De school wil dat hij terugkomt, de ouders vinden dat hij thuis beter af is":
        two parties, each with its own wish, and nothing that says they share it, is a
        split over what should happen. "De wijkagent denkt dat het aan drugs ligt, de school
        denkt dat het thuis misgaat": two parties, each with its own belief about the
        cause, is knowledge that is not certain. Weak evidence, only where no cue for that
        axis was found: a cue for the other pole makes the reply unclear, not a pole."""
        if not reading.clauses or reading.dont_know:
            # ("..., ik zie alleen mijn eigen kant en weet niet wat de gemeente wil": what the
            # user says they do not know is no party's wish.)
            return
        segments: list[list[Token]] = [[]]
        for token in reading.tokens:
            if token.is_punctuation or token.text in self.party_cuts:
                segments.append([])
            else:
                segments[-1].append(token)
        if any(t.text in self.shared_markers for words in segments for t in words):
            return  # "... en de raad wil dat ook": shared
        for axis, pole, verbs, skip in (
            ("value_consensus", "disagree", self.wish_verbs, {"means", "evidence"}),  # "een andere aanpak": means
            ("knowledge_certainty", "uncertain", self.belief_verbs, set()),
        ):
            if any(e.axis == axis and e.weight >= ANSWER_MIN_WEIGHT for e in reading.axis):
                continue  # (a conceded cue does not count: "Hoewel het akkoord eensgezindheid suggereert, ...")
            parties = self._parties(segments, verbs, skip)
            # Different parties with different wishes: "politie wil minder overlast, de
            # bewoners willen minder overlast" is one wish, shared.
            said_alike = all(p[2] for p in parties) and len({p[2] for p in parties}) == 1
            if len({p[0] for p in parties}) >= 2 and not said_alike:
                # Shown to the user as what they wrote: "school wil … ouders vinden".
                quote = " … ".join(p[1] for p in parties[:2])
                reading.axis.append(
                    Evidence(
                        axis,
                        pole,
                        OPPOSED_PARTIES_WEIGHT,
                        quote,
                        clause=len(reading.clauses) - 1,
                        strength=OPPOSED_PARTIES_WEIGHT,
                        source="opposed parties",
                    )
                )

    def _parties(
        self, segments: list[list[Token]], verbs: frozenset[str], skip: set[str]
    ) -> list[tuple[str, str, tuple[str, ...]]]:
        """Per segment with one of `verbs`: the party (the first word that is no article,
        before the verb or, when the verb opens the segment, "wil de school ...", after it),
        the words to quote and what the party wants or believes (its other words)."""
        parties = []
        for words in segments:
            verb = next((i for i, t in enumerate(words) if t.lemma in verbs), None)
            if verb is None or self._topics(words) & skip:
                continue
            around = words[:verb] if verb > 0 else words[verb + 1 :]
            at = next((i for i, t in enumerate(around) if t.text not in self.not_a_party), None)
            if at is None:
                continue
            party = around[at].text
            # Quoted as written ("de school wil", "wil de school"), or shortened ("zij …
            # willen") when other words stand between.
            span = words[at : verb + 1] if verb > 0 else words[: at + 2]
            if all(t.text in self.not_a_party for t in span[1:-1]):
                said = " ".join(t.text for t in span)
            else:
                said = f"{party} … {words[verb].text}" if verb > 0 else f"{words[verb].text} … {party}"
            wish = tuple(
                t.lemma for i, t in enumerate(words) if i != verb and t.text not in self.not_a_party and t.text != party
            )
            parties.append((party, said, wish))
        return parties

    def _appearance_before_contrast(self, reading: Reading) -> None:
        """ "Iedereen zegt dat ie hetzelfde wil, maar als je doorvraagt ...": what people
        say or how it looks, set against a "maar", is not what the speaker claims. The
        clause counts for nothing; the one after the contrast decides (or nothing does)."""
        clauses = reading.clauses
        for index in range(len(clauses) - 1):
            disputed = any(h.positions[0] <= 1 for h in self.disputes.find(clauses[index + 1].tokens, set()))
            # The report with the clauses that go on with it: "Iedereen roept dat het een
            # wicked problem is | en dat niemand weet wat werkt, | maar ...".
            report = [index]
            while report[0] > 0 and clauses[report[0]].tokens[0].text in self.conjunct_openers:
                report.insert(0, report[0] - 1)
            if (clauses[index + 1].contrast or disputed) and any(
                self.appearance.find(clauses[i].tokens, set()) for i in report
            ):
                # ("Onze teamleider zegt dat ..., ik zie dat anders": disputed without "maar";
                # the dispute itself is no claim either.)
                dropped = set(report) | ({index + 1} if disputed else set())
                reading.axis[:] = [e for e in reading.axis if e.clause not in dropped]
                reading.answers[:] = [a for a in reading.answers if a.clause not in set(report)]
            elif (
                index + 2 < len(clauses)
                and clauses[index + 2].contrast
                and len(clauses[index + 1].tokens) <= SPEECH_TAG_WORDS
                and self.appearance.find(clauses[index + 1].tokens, set())
            ):
                # "We willen allemaal hetzelfde, zegt de wethouder, maar ...": the speech tag
                # after the clause makes that clause what someone says.
                reading.axis[:] = [e for e in reading.axis if e.clause != index]
                reading.answers[:] = [a for a in reading.answers if a.clause != index]

    def _answer_echo(self, clause: Clause, reading: Reading) -> None:
        """ "Zekerheid? Welnee." / "Eens? Ha.": the clause after an echo question says
        whether the echoed word holds. A rejection flips it; anything else but a yes
        leaves the echo as no claim at all."""
        echoed = len(reading.clauses) - 1
        words = " ".join(clause.words)
        rejected = clause.tokens[0].text == WISHFUL or any(
            words == r or words.startswith(r + " ") for r in self.echo_rejections
        )
        accepted = any(
            h.label.kind == "answer" and h.label.value == "yes" and h.positions[0] == 0
            for h in self.finder.find(clause.tokens, set())
        )
        kept = []
        for e in reading.axis:
            if e.clause != echoed:
                kept.append(e)
            elif rejected:
                kept.append(
                    Evidence(e.axis, OPPOSITE[e.value], e.weight, e.cue, not e.negated, e.clause, strength=e.strength)
                )
            elif accepted:
                kept.append(e)
        reading.axis[:] = kept

    def _topics(self, tokens: list[Token]) -> set[str]:
        return {group for group, finder in self.topics.items() if finder.find(tokens, set())}

    def _axis_for(self, hit_axis: str, value: str, topics: set[str]) -> tuple[str, str] | None:
        """Where a cue counts, given what the clause is about (see TOPIC_RULES)."""
        if hit_axis == "value_consensus":
            if "values" in topics:
                return hit_axis, value
            if "evidence" in topics:  # "de deskundigen zijn het oneens": knowledge
                return "knowledge_certainty", KNOWLEDGE_FROM_VALUES[value]
            if "means" in topics:  # "eens over de aanpak": not about the values
                return None
            return hit_axis, value
        if "values" in topics and not topics & {"means", "evidence"}:
            return "value_consensus", VALUES_FROM_KNOWLEDGE[value]  # "over het doel twijfelt niemand"
        if "resources" in topics and "evidence" not in topics:
            return None
        return hit_axis, value

    def _read_clause(self, clause: Clause, reading: Reading, previous: list[Hit[Label]]) -> list[Hit[Label]]:
        """Add what one clause says to `reading`; return its axis cues (for an ellipsis
        in the next clause)."""
        tokens = clause.tokens
        taken: set[int] = set()
        hits = self.finder.find(
            tokens,
            taken,
            accept=lambda hit: (
                not self._negated_dont_know(hit, tokens)
                and not self._said_claim(hit, tokens)
                and not self._across_that(hit, tokens)
                and not self._denied_doubt(hit, tokens)
            ),
        )
        kinds = {hit.label.kind for hit in hits}
        # The word after an opening "maar" plays the part of the first word.
        start = 1 if len(tokens) > 1 and tokens[0].text in self.clause_words.contrast else 0
        # "iedereen is het eens, maar niks gebeurt": a negator that is the subject of a verb
        # of its own makes a new claim; it repeats no cue from before and is no "nee". (Not
        # for what works: "..., maar niets helpt" still says the approach is unknown.)
        # So is "niet iedereen" before a verb: "..., alleen niet iedereen vindt dat we dat moeten doen".
        subject_end = start + 1 if start + 1 < len(tokens) and tokens[start + 1].text in self.quantifiers else start
        negator_subject = (
            subject_end + 1 < len(tokens)
            and tokens[start].text in self.negators
            and finite_verb(tokens[subject_end + 1])
            and tokens[subject_end + 1].lemma not in self.working
        ) or self._own_verb_after_contrast(clause, start)
        denied_after_contrast = (
            clause.contrast and start == 1 and tokens[1].text in self.negators and not negator_subject
        )
        if "means_marker" in kinds and denied_after_contrast and previous:
            # "ze zijn het eens dat er een probleem is, maar niet over wat het doel moet
            # zijn": after "maar" the denial repeats the clause before (an ellipsis), it
            # does not say that clause was about means.
            taken = set()
            hits = self.finder.find(
                tokens,
                taken,
                accept=lambda hit: hit.label.kind != "means_marker" and not self._negated_dont_know(hit, tokens),
            )
            kinds = {hit.label.kind for hit in hits}
        topics_override: set[str] | None = None
        if "means_marker" in kinds and any(h.label.kind == "axis" for h in hits):
            topics_override = {"means"}  # "de ruzie gaat puur over wie het betaalt": this clause is about means
        elif "means_marker" in kinds:
            # "..., maar dat is uitvoering": the clause before was about means, not values;
            # unless it named the goal itself ("we zijn het eens over het doel, het gedoe
            # gaat over wie wat doet").
            before = len(reading.clauses) - 1
            friction = any(
                e.clause == before and e.axis == "value_consensus" and e.value == "disagree" for e in reading.axis
            ) or (before >= 0 and "means" in self._topics(reading.clauses[before].tokens))
            reading.axis[:] = [
                e
                for e in reading.axis
                if not (e.clause == before and e.axis == "value_consensus" and "values" not in e.topics)
            ]
            reading.answers[:] = [a for a in reading.answers if a.clause != before or "values" in a.topics]
            denied = next(
                (h for h in hits if h.label.kind == "means_marker" and h.phrase.source.split()[0] in self.negators),
                None,
            )
            if denied and friction:
                # "er is gedoe over de aanpak, niet over de doelen": those are shared. (Without
                # friction before it, "wel over dát er iets moet gebeuren, niet over het doel"
                # says the goal is not agreed.)
                self._goals_shared(reading, clause, denied.phrase.source)
            reading.clauses.append(clause)
            reading.after_means = True
            return []
        if reading.after_means and tokens[0].text in self.negators:
            # "... dat gaat over wie de leiding heeft, niet over wat we willen bereiken":
            # the denial belongs to the means marker, it says nothing against the values;
            # it says the friction is not about them, so they are shared.
            reading.after_means = False
            if "values" in self._topics(tokens):
                self._goals_shared(reading, clause, " ".join(t.text for t in tokens))
            reading.clauses.append(clause)
            return []
        reading.after_means = False
        fronted = (
            bool(reading.clauses)
            and reading.clauses[-1].tokens[0].text in self.fronted_openers
            and not any(h.label.kind == "axis" for h in hits)
        )
        if "denial" in kinds and fronted:
            # "Dat het bewezen is, zou ik niet durven zeggen": the fronted claim is denied.
            before = len(reading.clauses) - 1
            reading.axis[:] = [
                e
                if e.clause != before
                else Evidence(e.axis, OPPOSITE[e.value], e.weight, e.cue, not e.negated, e.clause, strength=e.strength)
                for e in reading.axis
            ]
            reading.clauses.append(clause)
            return []
        # Clauses that claim nothing still take their place, so that "the clause before"
        # stays the one the user wrote before ("..., al zou je dat niet zeggen als je de
        # raad hoort, daar gaat het over geld": the means marker speaks of the raad).
        if "not_a_claim" in kinds:
            reading.clauses.append(clause)
            return []  # "ik had meer weerstand verwacht": not about how things are
        if "blocker" in kinds:
            # "ik weet niet of iedereen het eens is": the rest is not a claim.
            source = next(h.phrase.source for h in hits if h.label.kind == "blocker")
            if clause.conceded:
                reading.conceded_dont_know.append(source)  # "..., al weet ik niet zeker of ..."
                reading.clauses.append(clause)
                return []
            reading.dont_know.append(source)
            if self._topics(tokens) & {"means", "evidence"} or any(t.lemma in self.working for t in tokens):
                # "we hebben geen idee of de aanpak werkt", not "we twijfelen of we het moeten doen"
                self._group_does_not_know(tokens, source, clause.weight, len(reading.clauses), reading)
            reading.clauses.append(clause)
            return []
        if (
            tokens[0].text == WISHFUL
            and reading.answer
            and not reading.axis
            and not reading.answers
            and all(len(c.tokens) <= INTERJECTION_WORDS for c in reading.clauses)
        ):
            # "Was het maar zo! ...", "hahaha was dat maar zo": opening a reply, after at most
            # an interjection, it says no to the question.
            reading.answers.append(Evidence(None, "no", clause.weight, "was het maar zo", clause=0))
            reading.clauses.append(clause)
            return []
        if tokens[0].text == WISHFUL:
            # "Eensgezind? Was het maar zo.": what came before is not so. Unless the user
            # denied it already: "Het is niet zo dat iedereen hetzelfde wil, dat zou mooi
            # zijn" wishes for what was denied, it does not deny the denial.
            before = len(reading.clauses) - 1
            already_denied = before >= 0 and any(
                h.label.kind == "negator" and h.label.value != MILD
                for h in self.finder.find(reading.clauses[before].tokens, set())
            )
            reading.axis[:] = [
                e
                if e.clause != before or already_denied
                else Evidence(e.axis, OPPOSITE[e.value], e.weight, e.cue, not e.negated, e.clause, strength=e.strength)
                for e in reading.axis
            ]
            reading.clauses.append(clause)
            return []
        # Short answers do not hide a negator: in "echt nog niet" the "niet" still
        # negates "weten we".
        answer_positions = {p for h in hits if h.label.kind == "answer" for p in h.positions}
        negator_positions = [
            i for i, t in enumerate(tokens) if (i not in taken or i in answer_positions) and t.text in self.negators
        ]  # not lemmas: "minder" has lemma "weinig"
        negator_positions += [
            h.positions[0]
            for h in hits
            if h.label.kind in ("negator", "denial") and not self._degree_before_that(tokens, h)
        ]  # "zou ik niet noemen"
        if tokens[0].text in self.counterfactual_openers:
            negator_positions.append(0)  # "Alsof iemand dat weet": nobody does
        denying_question = any(h.positions[0] <= start for h in self.rhetorical_denials.find(tokens, set()))
        if denying_question:
            negator_positions.append(start)  # "Denk je nou echt dat iemand weet waarom ...?": nobody does
        negations = len(negator_positions)
        subordinate = [
            i
            for i, t in enumerate(tokens)
            if t.text in self.subordinators
            and not (t.text == "dat" and i + 1 < len(tokens) and tokens[i + 1].text in self.pronoun_dat_before)
            or t.text in self.conjunct_openers
            and i + 1 < len(tokens)
            and tokens[i + 1].text in self.negators
        ]  # ("... met twee verklaringen en geen onderzoek": a conjunct with its own negation)
        clause_negators = frozenset(
            i for i in negator_positions if tokens[i].text in self.negating_conjunctions and i + 1 in subordinate
        )  # "zonder dat ...": a negation of the clause it opens
        hedged = "hedge" in kinds
        # "Wie wil dat nou niet?" asks nothing: it says everyone does.
        asks_back = clause.question or bool(self.asking_back.find(tokens, set()))  # "wat bedoel je met zekerheid"
        if clause.self_answer is not None:
            asks_back = False  # answered by the user at once: a claim
            if clause.self_answer == "low":
                negator_positions.append(0)  # "Waar zijn we het over eens? Niks.": not agreed
                negations += 1
        asked = asks_back and reading.answer and not self.rhetorical.find(tokens, set()) and not denying_question
        weight = clause.weight * (HEDGE_FACTOR if hedged else 1.0) * (QUESTION_FACTOR if asked else 1.0)
        index = len(reading.clauses)
        reading.clauses.append(clause)
        if (asked or clause.ends_with_question) and reading.answer and self._doubts_what_works(clause):
            # "De oorzaak kennen we wel, ... maar welke aanpak daar nou echt tegen helpt?":
            # a question set against what came before doubts what works.
            reading.axis.append(
                Evidence(
                    "knowledge_certainty",
                    "uncertain",
                    DOUBT_WEIGHT * clause.weight,
                    " ".join(t.text for t in tokens),
                    clause=index,
                    topics=frozenset({"evidence"}),
                    strength=DOUBT_WEIGHT,
                    contrast=clause.contrast,
                    source="doubting question",
                )
            )
        if weight == 0:
            return []
        topics = topics_override or self._topics(tokens)
        opener = tokens[start]  # "maar daar ..."
        if not topics and opener.text in self.resumptive:
            topics = reading.last_topics  # "Hoe je daar komt, daar verschillen ze in": still about means
        if "resources" in topics and any(t.lemma in self.working for t in tokens):
            topics = topics - {"resources"}  # "behalve dat meer geld helpt": what works, after all
        reading.last_topics = topics
        if tokens[0].text in self.exception_openers and tokens[-1].text in self.exception_closers:
            topics = topics | {"minor"}  # "jawel, op wat gemopper van één buurman na": an exception
        if "minor" in topics:
            weight *= MINOR_FACTOR  # "er zijn nog wat details onduidelijk" does not outweigh the main line
        axis_hits = [h for h in hits if h.label.kind == "axis"]
        unknown = [h.positions[-1] for h in hits if h.label.kind == "dont_know"]
        if unknown:
            # "ik heb echt geen zicht op wat er bekend is": a cue after the don't-know in its
            # own clause is what the user does not know, no claim.
            axis_hits = [h for h in axis_hits if h.positions[0] < min(unknown)]
            # "of we het eens zijn kan ik echt niet zeggen": so is a cue in an embedded
            # question before it.
            said = min(h.positions[0] for h in hits if h.label.kind == "dont_know")
            embedded = next((i for i, t in enumerate(tokens[:said]) if t.text in self.unknown_openers), None)
            if embedded is not None:
                axis_hits = [h for h in axis_hits if not embedded < h.positions[0] <= h.positions[-1] < said]
        inherited = False
        # An elliptic clause has no verb of its own: "maar niet over waarom", "ook niet",
        # "de oplossing totaal niet". A clause like "en het onderzoek geeft geen antwoord"
        # has its own claim and inherits nothing.
        elliptic = (
            clause.contrast
            or tokens[0].text in self.negators | self.elliptic_openers
            or (len(tokens) <= SHORT_CLAUSE and tokens[-1].text in self.negators)
            or self._denied_at_close(tokens)
        )
        closing_denial = (
            len(tokens) <= 3 and tokens[-1].text in self.negators and tokens[-1].text not in self.quantity_negators
        ) or (  # "verder niemand"; not "(weinig)", an amount
            len(tokens) <= 3 and self._denied_at_close(tokens)
        )  # "vroeger tastten we in het duister, nu niet meer"
        if (
            not axis_hits
            and previous
            and (negations or tokens[0].text in self.elliptic_openers)
            and elliptic
            and len(tokens) <= ELLIPSIS_MAX_WORDS
            and (topics or closing_denial or denied_after_contrast)
            and not any(t.text in self.own_claim_verbs for t in tokens)
            # "en onderzoek is er nauwelijks": a subject and a verb of its own, no ellipsis
            and not (len(tokens) > 2 and tokens[0].text == "en" and tokens[2].text in self.clause_words.and_after_verbs)
            and not negator_subject
        ):
            # Ellipsis: "we zijn het eens over de aanpak, alleen niet over waarom":
            # the second clause reuses the first one's cue with its own negation.
            axis_hits, inherited = previous, True
        covered: set[str] = set()
        for hit in axis_hits:
            base, cue_axis = hit.label.value, hit.label.axis
            assert base is not None and cue_axis is not None  # axis cues always name both (schema)
            # A negation inside a later subordinate clause does not reach back: in "ze willen
            # allemaal dat jongeren niet op straat belanden" the wish is not negated.
            owns_negation = any(word in self.negators for word in hit.phrase.source.split())
            scope = (
                negations
                if inherited
                else self._negations_of(hit, axis_hits, negator_positions, subordinate, owns_negation, clause_negators)
            )
            if (
                owns_negation
                and not inherited  # an inherited cue's positions are in the clause before
                and any(
                    tokens[i].lemma in self.needless
                    for i in range(max(0, hit.positions[0] - NEEDLESS_REACH), hit.positions[0])
                )
            ):
                scope += 1  # "daar hoeven we geen onderzoek meer naar te doen": not needed, not missing
            if (
                scope % 2 == 1
                and not inherited
                and any(
                    tokens[i].lemma in self.needless_after
                    for i in range(
                        hit.positions[-1] + 1, min(len(tokens), hit.positions[-1] + 1 + NEEDLESS_AFTER_REACH)
                    )
                )
            ):
                scope += 1  # "er is geen bewijs nodig, het werkt gewoon": not needed, not missing
            if not hit.label.negatable:
                scope = 0  # "de een wil het niet, de ander wel": still a split
            value = base if scope % 2 == 0 else OPPOSITE[base]
            placed = self._axis_for(cue_axis, value, topics)
            if placed is None:
                continue
            axis, value = placed
            if (
                axis == "knowledge_certainty"
                and value == "uncertain"
                and not inherited  # an inherited cue's positions are in the clause before
                and self._speaker_does_not_know(tokens, hit)
            ):
                reading.dont_know.append(hit.phrase.source)  # "daar heb ik geen zicht op"
                continue
            if hit.label.weight * weight >= ANSWER_MIN_WEIGHT:
                covered.update(AXES)  # the "wel" in "dat is wel bekend" belongs to the cue
            cue = self._quote(tokens, hit, taken) if not inherited else hit.phrase.source
            conceded = not inherited and any(
                tokens[i].text in self.concessive_before
                for i in range(max(0, hit.positions[0] - CONCEDED_REACH), hit.positions[0])
            )  # "ondanks wat gemopper van de ondernemers willen alle partijen ...": conceded
            reading.axis.append(
                Evidence(
                    axis,
                    value,
                    hit.label.weight * weight * (CONCEDED_FACTOR if conceded else 1.0),
                    cue,
                    scope % 2 == 1,
                    index,
                    topics=frozenset(topics),
                    strength=hit.label.weight,
                    contrast=clause.contrast,
                    source=hit.phrase.source,
                )
            )
        for hit in hits:
            if hit.label.kind == "dont_know" and clause.conceded:
                reading.conceded_dont_know.append(hit.phrase.source)  # weighed once the message is read
            elif hit.label.kind == "dont_know":
                reading.dont_know.append(hit.phrase.source)
                self._group_does_not_know(tokens, hit.phrase.source, weight, index, reading)
        # Short answers count at the start or end of a clause, or in a short one: "wel" in
        # "over het doel wel" is an answer, in "dat is wel lastig" it is not. A one-word
        # answer closing a long clause is none ("ik stuur je straks de notulen wel").
        short = len(tokens) <= SHORT_CLAUSE
        last = len(tokens) - 1
        opening = start  # "maar niet echt als je doorvraagt"
        answers = [
            h
            for h in hits
            if h.label.kind == "answer"
            and not inherited
            and (
                h.positions[0] == opening
                or h.positions[-1] == last
                and (len(tokens) <= ELLIPSIS_MAX_WORDS or len(h.positions) > 1)
                or short
                and (len(h.positions) > 1 or len(tokens) <= 3)
            )
        ]  # not the "wel" of "er zijn wel methoden"
        # A bare negation is an answer in a short clause, or where it opens or closes one
        # ("niet voor deze doelgroep", "de coalitiepartijen bij lange na niet").
        opens_denial = denied_after_contrast or (
            bool(negator_positions)
            and min(negator_positions) == 0
            and tokens[0].text in self.denial_openers
            and len(tokens) <= 7
            and index == 0
        )  # "Niet voor deze doelgroep", not "niemand wil dat ..."
        at_edge = (
            opens_denial
            or bool(negator_positions)
            and max(negator_positions) >= last - 3
            and tokens[last].text in self.negators
        )
        asked_back = clause.ends_with_question and tokens[-1].text not in self.clause_words.tag_questions
        if asked_back:
            return axis_hits
        asked_before = reading.clauses[index - 1] if index > 0 else None
        if (
            asked_before is not None
            and asked_before.ends_with_question
            and self.rhetorical.find(asked_before.tokens, set())
        ):
            # "Wie is er nou tegen? Niemand toch.": a short answer after the user's own
            # rhetorical question answers that question, not Taai's.
            return axis_hits
        # "Te weinig betaalbare woningen" is no "nee": a negator that counts an amount
        # negates a cue, but before a noun it is no answer of its own; closing the clause
        # it is ("dat begrijpen we nog onvoldoende").
        mild = {h.positions[0] for h in hits if h.label.kind == "negator" and h.label.value == MILD}
        bare = not negator_subject and any(
            (tokens[i].text not in self.quantity_negators or i == last) and i not in mild for i in negator_positions
        )
        if answers or (bare and (short or at_edge) and not axis_hits):
            yes = any(h.label.value == "yes" for h in answers)
            no = any(h.label.value == "no" for h in answers)
            reading.torn = reading.torn or bool(yes and no and not negations % 2)
            if not (yes and no) or negations % 2:  # "ja nee" is no answer; "nee, zeker niet" is
                value = ("no" if negations % 2 else "yes") if yes else "no"
                cue = answers[0].phrase.source if answers else "niet"
                if any(t.lemma in self.volition for t in tokens):
                    # "..., alleen willen de partijen het niet": a yes or no about what
                    # people want answers the values question, never the knowledge one.
                    topics = topics | {"values"}
                reading.answers.append(
                    Evidence(
                        None,
                        value,
                        weight,
                        cue,
                        clause=index,
                        topics=frozenset(topics),
                        covered=frozenset(covered),
                        contrast=clause.contrast,
                    )
                )
        return axis_hits

    def _across_that(self, hit: Hit[Label], tokens: list[Token]) -> bool:
        """ "de cliëntenraad wil dat iedereen een kans krijgt": the words of a cue ("iedereen
        wil") on both sides of a "dat" belong to two clauses; nobody said everyone wants it."""
        first, last = hit.positions[0], hit.positions[-1]
        return hit.label.kind == "axis" and any(
            t.text in self.cue_gap_breakers and tokens[i + 1].text in self.gap_subjects
            for i, t in enumerate(tokens[first:last], first)
            if i not in hit.positions
        )

    def _degree_before_that(self, tokens: list[Token], hit: Hit[Label]) -> bool:
        """ "hier is de situatie zo anders dat we het niet zeker weten": "zo ... dat" says how
        much, it denies nothing ("is anders" elsewhere does: "de werkelijkheid is anders")."""
        first, last = hit.positions[0], hit.positions[-1]
        return (
            any(t.text in self.degree_words for t in tokens[first:last])
            and last + 1 < len(tokens)
            and tokens[last + 1].text == "dat"
        )

    def _group_does_not_know(
        self, tokens: list[Token], source: str, weight: float, index: int, reading: Reading
    ) -> None:
        """ "We hebben geen idee of dit gaat werken": a "weet ik niet" said of a group is a
        claim about what is known. It stays a don't-know for the values question and is
        evidence of uncertain knowledge, unless the clause is about the values only ("we
        weten niet wat de raad wil")."""
        if not reading.answer or not any(t.text in self.collective for t in tokens):
            return  # in a description "we weten niet of ..." often weighs a choice, not what is known
        topics = self._topics(tokens)
        if "values" in topics and not topics & {"means", "evidence"}:
            return
        strength = KNOWLEDGE_GROUP_STRENGTH
        reading.axis.append(
            Evidence(
                "knowledge_certainty",
                "uncertain",
                strength * weight,
                " ".join(t.text for t in tokens),
                clause=index,
                topics=frozenset(topics),
                strength=strength,
                source=source,
            )
        )

    def _speaker_does_not_know(self, tokens: list[Token], hit: Hit[Label]) -> bool:
        """ "Daar heb ik geen zicht op", "dat heb ik nooit uitgezocht": not knowing, said of
        the speaker alone, is a "weet ik niet", not a claim that nobody knows."""
        words = {t.text for t in tokens}
        return (
            bool(words & self.first_person)
            and not words & self.collective
            and any(tokens[p].text in self.knowing or tokens[p].lemma in self.knowing for p in hit.positions)
        )

    def _denied_doubt(self, hit: Hit[Label], tokens: list[Token]) -> bool:
        """ "geen enkele onderzoeker die nog twijfelt of het werkt": nobody doubts, so the
        "twijfelt of" blocks no claim; the doubt cue is then read with its negator."""
        first = hit.positions[0]
        return (
            hit.label.kind == "blocker"
            and tokens[first].lemma in self.denied_doubts
            and any(tokens[i].text in self.negators for i in range(max(0, first - NEGATION_REACH), first))
        )

    def _said_claim(self, hit: Hit[Label], tokens: list[Token]) -> bool:
        """ "Ik kan niet zeggen dat er niemand dwarsligt": a don't-know phrase that goes on
        with "dat" and a claim denies that claim (a litotes); the speaker knows."""
        if hit.label.kind != "dont_know":
            return False
        after = hit.positions[-1] + 1
        return after < len(tokens) and (tokens[hit.positions[-1]].text, tokens[after].text) in self.said_claims

    def _negated_dont_know(self, hit: Hit[Label], tokens: list[Token]) -> bool:
        """ "Ik heb er weinig twijfel over" is no "ik twijfel": a negator in a gap of a
        don't-know phrase says the opposite (the words are then read as cues)."""
        if hit.label.kind != "dont_know":
            return False
        own = set(hit.positions)
        gap = [tokens[i] for i in range(hit.positions[0], hit.positions[-1] + 1) if i not in own]
        if gap and tokens[hit.positions[0]].text in self.negators and self.axis_cues.find(gap, set()):
            return True  # "geen pasklaar antwoord op": the "geen" negates the cue, it is no "geen antwoord op"
        return any(
            tokens[i].text in self.negators for i in range(hit.positions[0], hit.positions[-1] + 1) if i not in own
        )

    @staticmethod
    def _negations_of(
        hit: Hit[Label],
        cues: list[Hit[Label]],
        negators: list[int],
        subordinate: list[int],
        owns_negation: bool,
        clause_openers: frozenset[int] = frozenset(),
    ) -> int:
        """The negators that belong to this cue: each negator goes to the nearest cue in
        its clause ("niemand het eens ... en ook niemand weet wat werkt": one each), and a
        negator in a later subordinate clause does not reach back ("ze willen allemaal
        dat jongeren niet op straat belanden")."""

        def distance(cue: Hit[Label], n: int) -> int:
            return (
                0
                if cue.positions[0] <= n <= cue.positions[-1]
                else min(abs(n - cue.positions[0]), abs(n - cue.positions[-1]))
            )

        count = 0
        for n in negators:
            if any(hit.positions[-1] <= s < n for s in subordinate):
                # (also when the cue ends in the subordinator: "we snappen niet waarom
                # mensen niet reageren" has one negation for "snappen waarom")
                continue
            if owns_negation and n < hit.positions[0] and n in clause_openers:
                # "hoe je ze ontlast zonder dat ze zich gecontroleerd voelen weet niemand": the
                # "zonder" negates its own "dat" clause, not a cue with a negator of its own.
                continue
            if distance(hit, n) > NEGATION_REACH and (
                any(hit.positions[-1] < m < n for m in negators) or owns_negation
            ):
                # "dat weten we niet de wetenschap is er ook niet uit": a run-on, two claims;
                # the cue has its own negator, the far one belongs to the other claim. So
                # for a cue with a negator in it ("nooit eerder gedaan en er is geen
                # onderzoek naar"): a far negator is another claim's.
                continue
            nearest = min(cues, key=lambda cue: (distance(cue, n), -cue.positions[0]))
            count += nearest is hit
        return count

    def _quote(self, tokens: list[Token], hit: Hit[Label], taken: set[int]) -> str:
        """The user's own words for a cue, with a negation just before it ("niemand weet
        wat werkt"), shown when Taai says what it understood."""
        first = hit.positions[0]
        start = next(
            (i for i in range(first - 1, max(-1, first - 4), -1) if tokens[i].text in self.negators and i not in taken),
            first,
        )
        return " ".join(t.text for t in tokens[start : hit.positions[-1] + 1])

    # --- deciding -----------------------------------------------------------------------

    @staticmethod
    def _decide(evidence: list[Evidence], axis: str, min_weight: float) -> AxisInference | None:
        totals: dict[str, float] = {}
        best: dict[str, Evidence] = {}
        for item in evidence:
            if item.axis != axis:
                continue
            totals[item.value] = totals.get(item.value, 0.0) + item.weight
            if item.value not in best or item.weight > best[item.value].weight:
                best[item.value] = item
        if not totals:
            return None
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])
        pole, top = ranked[0]
        other = ranked[1][1] if len(ranked) > 1 else 0.0
        doubts = [e for e in evidence if e.axis == axis and e.value == "uncertain" and e.strength >= MIXED_MIN_STRENGTH]
        concluded = any(
            e.axis == axis and e.value == "certain" and e.contrast and all(e.clause > d.clause for d in doubts)
            for e in evidence
        )  # "Er zijn wat open vragen, maar de kern van de aanpak is goed onderbouwd": the point is certain
        clear_doubt = bool(doubts) and not concluded
        if axis == "knowledge_certainty" and len(ranked) > 1 and clear_doubt and totals["uncertain"] >= MIXED_UNCERTAIN:
            # "De oorzaak weten we, de oplossing totaal niet": knowledge that is only
            # partly certain is uncertain; the user said so for the part that matters.
            return AxisInference(axis, "uncertain", round(min(0.8, totals["uncertain"]), 2), best["uncertain"].cue)
        if top < min_weight or (top - other) < MIN_MARGIN * top:
            return None
        confidence = round(min(0.95, top) * (top - other) / top, 2)
        return AxisInference(axis, pole, confidence, best[pole].cue)

    def _opening_answer_against(self, reading: Reading, axis: str, value: str) -> bool:
        """The reply opens with a bare "nee" ("nee hoor, ...") for the other pole,
        in a clause of its own, and says nothing else for or against that pole."""
        if len(reading.clauses) < 2 or len(reading.clauses[0].tokens) > OPENING_ANSWER_WORDS:
            return False
        if reading.clauses[0].tokens[0].text not in self.plain_no:
            return False
        if any(e.clause == 0 for e in reading.axis) or any(a.clause != 0 for a in reading.answers):
            return False
        if any(e.clause == 1 and e.negated for e in reading.axis):
            # "Nee, daar is geen discussie over.", "Nee, daar twijfelt niemand aan. Iedereen
            # wil ...": the "nee" goes with the denial
            return False
        opening = [a for a in reading.answers if a.clause == 0]
        return len(opening) == 1 and (YES_POLE[axis] if opening[0].value == "yes" else NO_POLE[axis]) == OPPOSITE[value]

    @staticmethod
    def _no_before_denial(reading: Reading, answer: Evidence, axis: str) -> bool:
        """ "..., maar nee, er is geen onenigheid over het doel": a bare "nee" right before a
        denial goes with the denial; it does not answer the question against it. After a
        "maar" it denies what came before, and the claim after it says what is so: "Je zou
        denken dat het onzeker is, maar nee: we weten echt wat werkt"."""
        return (
            answer.value == "no"
            and len(reading.clauses[answer.clause].tokens) <= OPENING_ANSWER_WORDS
            and any(
                e.clause == answer.clause + 1 and e.axis == axis and (e.negated or answer.contrast)
                for e in reading.axis
            )
        )

    @staticmethod
    def _answer_counts(answer: Evidence, axis: str) -> bool:
        """Does a short answer ("wel", "totaal niet") speak of this axis?"""
        if axis in answer.covered:
            return False  # the clause has a cue for this axis: that decides
        if not answer.topics:
            return True
        if axis == "value_consensus":
            return "values" in answer.topics
        if "resources" in answer.topics and "evidence" not in answer.topics:
            return False  # "het geld is er wel, de kennis niet": money says nothing of what is known
        return bool(answer.topics & {"means", "evidence"})

    def read_answer(self, axis: str, text: str, second_opinion: bool = True) -> AnswerReading:
        """Read a reply to the question about `axis`. With `second_opinion`, a reply
        whose cues decide nothing goes to the answer model (see `_second_opinion`)."""
        if axis not in AXES:
            raise ValueError(f"unknown axis {axis!r}")
        reading = self.read(text)
        own = [e for e in reading.axis if e.axis == axis]
        if not own and axis == "value_consensus":
            # "Geen twijfel over" answers the question asked: in reply to the values
            # question, a plain word of (un)certainty without a topic is a yes or no.
            own = [
                Evidence(
                    axis, VALUES_FROM_KNOWLEDGE[e.value], e.weight, e.cue, e.negated, e.clause, strength=e.strength
                )
                for e in reading.axis
                if e.axis == "knowledge_certainty"
                and e.source in self.generic
                and not e.topics
                and len(reading.clauses[e.clause].tokens) <= GENERIC_MAX_WORDS
            ]
        # Where the text has cues, a "ja" or "zeker" beside them mostly confirms what was
        # said; only a short answer after a contrast weighs against them: "Eens ben je het
        # nooit over alles, maar over waar we naartoe willen wel".
        strong = any(e.weight >= ANSWER_MIN_WEIGHT for e in own)
        answers = [
            Evidence(
                axis,
                YES_POLE[axis] if a.value == "yes" else NO_POLE[axis],
                a.weight * ANSWER_FACTOR,
                a.cue,
                clause=a.clause,
                strength=0.0,
                contrast=a.contrast,
            )
            for a in reading.answers
            if self._answer_counts(a, axis)
            and (a.contrast or not strong)
            and not self._no_before_denial(reading, a, axis)
        ]
        if reading.dont_know and not own:
            return AnswerReading("dont_know", None, reading.dont_know[0], 0.9)
        if reading.dont_know and all(self._reported(reading.clauses[e.clause]) for e in own + answers):
            # "Mijn manager zegt dat we het eens zijn, de projectleider zegt van niet. Ik weet
            # het gewoon niet.": what others say, and the user's own don't-know.
            return AnswerReading("dont_know", None, reading.dont_know[0], 0.9)
        if own or not reading.dont_know:
            decided = self._decide(own + answers, axis, ANSWER_MIN_WEIGHT)
            if (
                decided
                and decided.value == YES_POLE[axis]
                and self._ironic(text, reading)
                and not any(e.negated for e in own if e.value == decided.value)
            ):
                # "Ja, iedereen is het eens... dat de ander het fout heeft 😅": an eye-roll
                # turns a plain yes around; rather ask than record either pole. A no with
                # an eye-roll stays a no ("iedereen trekt aan een ander eind 🙄").
                if self._sneering(text, reading):
                    # "Ja hoor, we weten precies wat werkt. Elk jaar een ander antwoord 😂":
                    # a sarcastic opener and a sneer mean the opposite. Recorded as Taai's
                    # own reading, which it says and asks to correct when wrong.
                    return AnswerReading("value", NO_POLE[axis], decided.cue, SNEER_CONFIDENCE, learned=True)
                return AnswerReading("unclear")
            if decided and self._opening_answer_against(reading, axis, decided.value):
                # "Nee hoor, de gemeente wil iedereen snel aan het werk en de cliënten willen
                # eerst rust": a plain "nee" up front against what the cues say: ask.
                return AnswerReading("unclear")
            if decided:
                return AnswerReading("value", decided.value, decided.cue, decided.confidence)
        if any(e.weight >= ANSWER_MIN_WEIGHT for e in own + answers):
            # Evidence for both poles: ask rather than pick one, unless the answer model is
            # sure which of the two the reply means ("ja op papier wel, maar zodra het
            # concreet wordt wil de ene wethouder ... en de andere ...").
            if not second_opinion or self._ironic(text, reading):
                return AnswerReading("unclear")
            return self._settle(axis, text, own + answers)
        if reading.dont_know:
            return AnswerReading("dont_know", None, reading.dont_know[0], 0.9)
        if not second_opinion or reading.torn and not own:
            # ("ja nee": said to be of two minds, and nothing else; the model may not pick one.)
            return AnswerReading("unclear")
        return self._second_opinion(axis, text, own + answers)

    @property
    def model(self) -> AnswerModel:
        if self._model is None:  # trained on first use: descriptions and questions never need it
            self._model = AnswerModel(answer_examples(self.kb))
        return self._model

    def _settle(self, axis: str, text: str, both: list[Evidence]) -> AnswerReading:
        """The cues found both poles: the model may pick one of them, never a third reading."""
        learned = self.model.read(axis, text)
        found = {e.value for e in both if e.weight >= ANSWER_MIN_WEIGHT}
        if learned.probability >= MODEL_MIN_PROBABILITY and learned.reading in found:
            return AnswerReading("value", learned.reading, None, learned.probability, learned=True)
        return AnswerReading("unclear")

    def _second_opinion(self, axis: str, text: str, weak: list[Evidence]) -> AnswerReading:
        """The cues found nothing that decides: ask the answer model. Its reading counts
        only when it is sure, and never against what the cues did find, however weak
        ("complex" leans uncertain: the model may not make that certain)."""
        learned = self.model.read(axis, text)
        if learned.probability < MODEL_MIN_PROBABILITY or learned.reading == "unclear":
            return AnswerReading("unclear")
        if learned.reading == "dont_know":
            return AnswerReading("dont_know", None, None, learned.probability, learned=True)
        if any(e.value == OPPOSITE[learned.reading] for e in weak):
            return AnswerReading("unclear")
        return AnswerReading("value", learned.reading, None, learned.probability, learned=True)

    @staticmethod
    def _goals_shared(reading: Reading, clause: Clause, cue: str) -> None:
        """Friction said not to be about the goals: weak evidence that they are shared."""
        reading.axis.append(
            Evidence(
                "value_consensus",
                "agree",
                NOT_ABOUT_VALUES_WEIGHT * clause.weight,
                cue,
                clause=len(reading.clauses),
                topics=frozenset({"values"}),
                strength=NOT_ABOUT_VALUES_WEIGHT,
                source="not about the goals",
            )
        )

    def _denied_at_close(self, tokens: list[Token]) -> bool:
        """A short clause closing with "niet meer" ("inmiddels niet meer")."""
        return (
            2 <= len(tokens) <= SHORT_CLAUSE
            and tokens[-1].text in self.denial_closers
            and tokens[-2].text in self.negators
        )

    def _own_verb_after_contrast(self, clause: Clause, start: int) -> bool:
        """ "..., alleen gebeurt er niks mee", "..., maar de wethouder wil het niet betalen":
        a contrast clause with a verb of its own up front (not in a subordinate clause, not
        a verb of working) makes its own claim; its negator denies that, not the cue before."""
        tokens = clause.tokens
        if not clause.contrast or start == 0 or tokens[start].text in self.negators:
            return False
        for token in tokens[start : start + OWN_VERB_REACH]:
            if token.text in self.subordinators or token.text in self.clause_words.wh_words:
                return False
            if token.lemma in self.working:
                return False
            if finite_verb(token) or token.lemma in self.volition:
                return True
        return False

    def _doubts_what_works(self, clause: Clause) -> bool:
        """A question that opens with "maar" or "dus" and asks whether or what works."""
        tokens = clause.tokens
        opens = clause.contrast or tokens[0].text in self.clause_words.conclusive
        return opens and len(tokens) > 2 and any(t.lemma in self.working for t in tokens)

    def _reported(self, clause: Clause) -> bool:
        return bool(self.appearance.find(clause.tokens, set()))

    def _sneering(self, text: str, reading: Reading) -> bool:
        words = [t.text for t in reading.tokens if not t.is_punctuation]
        sneer = any(marker in text for marker in self.sneers) or bool(words) and words[-1] in self.sneer_closers
        return sneer and self._opens_ironically(reading)

    def _opens_ironically(self, reading: Reading) -> bool:
        words = " ".join(t.text for t in reading.tokens if not t.is_punctuation)
        return any(words == o or words.startswith(o + " ") for o in self.irony_openers)

    def _ironic(self, text: str, reading: Reading) -> bool:
        if any(marker in text for marker in self.irony_markers) or self._sneering(text, reading):
            return True
        # "O ja hoor, volledig eens. Daarom liep de bewonersavond uit op een schreeuwpartij."
        if not self._opens_ironically(reading):
            return False
        return any(c.tokens and c.tokens[0].text in self.irony_consequences for c in reading.clauses[1:])

    def infer_axes(self, text: str, min_weight: float = DESCRIPTION_MIN_WEIGHT) -> dict[str, AxisInference]:
        reading = self.read(text, answer=False)
        result = {}
        for axis in AXES:
            decided = self._decide(reading.axis, axis, min_weight)
            if decided:
                result[axis] = decided
        return result


@lru_cache(maxsize=4)
def axis_reader(kb: KnowledgeBase) -> AxisReader:
    return AxisReader(kb)
