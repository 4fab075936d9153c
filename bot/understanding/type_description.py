"""A problem type described by its two axes inside a question.

"Hoe noem je het soort probleem waarbij iedereen hetzelfde wil, maar de aanpak
onbekend is?" asks for the name of a type and describes it by where people stand and
what is known. The axis reader finds both in a description, but here the description
sits inside a question clause, and a question clause answers nothing. So the
description is read as what follows the conditional word ("als", "waarbij", ...).

"Een probleem waarbij over de doelen en over de kennis geen discussie is" says one
thing of both axes. Dutch coordination ("de doelen en de kennis", "zowel de waarden
als de kennis") is read as two sentences, one per conjunct: "over de doelen geen
discussie is" and "over de kennis geen discussie is".

Plain Python over the knowledge base: the conditional words and coordinators are in
knowledge/cues.yml (`questions`), the topic words of the axes in `lexicon.topics`.
"""

from __future__ import annotations

from functools import lru_cache

from bot.core.knowledge import KnowledgeBase
from bot.understanding.axes import axis_reader
from bot.understanding.lexicon import Token, tokenize

# A type described in a question is described on purpose, so a weak cue counts, also in
# the clause before a contrast ("waarbij de feiten wel duidelijk zijn, maar ..."): a lower
# bar than for a story (axes.DESCRIPTION_MIN_WEIGHT).
QUESTION_MIN_WEIGHT = 0.35
# How many words (a preposition, an article) may stand between a coordinator and the
# topic word of the second conjunct: "en over de kennis".
MAX_WORDS_BEFORE_TOPIC = 2


class TypeDescriptionReader:
    def __init__(self, kb: KnowledgeBase) -> None:
        cues = kb.cues["questions"]
        topics = kb.cues["lexicon"]["topics"]
        overrides = kb.cues["lexicon"].get("lemma_overrides", {})
        self.conditionals = frozenset(cues["conditionals"])
        self.coordinators = frozenset(cues["coordinators"])
        self.both_markers = frozenset(cues["both_markers"])
        self.clause_breaks = frozenset(kb.cues["lexicon"]["clause_breaks"])
        # Single-word topics only: a conjunct is a short noun phrase ("de doelen").
        self.topic_words = {
            group: frozenset(tokenize(w, overrides)[0].lemma for w in topics[group] if " " not in w)
            for group in ("values", "evidence")
        }
        self.kb = kb
        self.overrides = overrides
        # The question reader asks for the same message's axes up to three times in a turn
        # (a named type, "hoe heet dat", a typology term); read it once.
        self.axes = lru_cache(maxsize=32)(self._axes)

    def _axes(self, text: str) -> dict[str, str]:
        """The axes a text describes: {"value_consensus": "agree", ...}, possibly incomplete.
        Callers read the result; it is shared between them (see `axes`)."""
        reader = axis_reader(self.kb)
        found = {axis: inference.value for axis, inference in reader.infer_axes(text).items()}
        if len(found) == 2:
            return found
        described = self._after_conditional(text)
        if not described:
            return found
        # Each clause of the description first ("iedereen het eens is | en de oplossing
        # bekend is": read together, the topic of the second would pull the first to the
        # knowledge axis), then the whole and its conjuncts for what is still open.
        pieces = self._clauses(described)
        by_clause: dict[str, str] = {}
        for piece in pieces if len(pieces) > 1 else []:
            for axis, inference in reader.infer_axes(piece, QUESTION_MIN_WEIGHT).items():
                by_clause.setdefault(axis, inference.value)
        if len(by_clause) == 2:
            return by_clause
        for variant in [described, *self._conjuncts(described)]:
            for axis, inference in reader.infer_axes(variant, QUESTION_MIN_WEIGHT).items():
                found.setdefault(axis, inference.value)
        return found

    def loose_axes(self, text: str) -> dict[str, str]:
        """The axes the whole text describes, weak cues counting as after a conditional."""
        found = axis_reader(self.kb).infer_axes(text, QUESTION_MIN_WEIGHT)
        return {axis: inference.value for axis, inference in found.items()}

    def _clauses(self, text: str) -> list[str]:
        """The description cut before "en", "maar", ... and at commas."""
        pieces: list[list[str]] = [[]]
        for token in tokenize(text, self.overrides):
            if token.text in self.clause_breaks or token.text in self.coordinators or token.text in ",;":
                pieces.append([])
            else:
                pieces[-1].append(token.text)
        return [" ".join(p) for p in pieces if p]

    def _after_conditional(self, text: str) -> str | None:
        tokens = tokenize(text, self.overrides)
        for i, token in enumerate(tokens):
            if token.text in self.conditionals:
                return " ".join(t.text for t in tokens[i + 1 :] if t.text != "?") or None
        return None

    def _conjuncts(self, text: str) -> list[str]:
        """ "zowel de waarden als de kennis ter discussie": two texts, one per conjunct."""
        tokens = tokenize(text, self.overrides)
        for i, token in enumerate(tokens):
            if token.text not in self.coordinators:
                continue
            first = self._topic_before(tokens, i)
            second = self._topic_after(tokens, i)
            if first is None or second is None:
                continue
            start, first_group = first
            end, second_group = second
            if first_group == second_group:
                continue
            opening = start
            while opening > 0 and tokens[opening - 1].text not in self.both_markers and start - opening < 2:
                opening -= 1  # "over de doelen": the conjunct starts at its preposition
            if opening > 0 and tokens[opening - 1].text in self.both_markers:
                opening -= 1
            before = tokens[:opening]
            marker = [t for t in tokens[opening:start] if t.text not in self.both_markers]
            first_conjunct = marker + tokens[start:i]
            second_conjunct = tokens[i + 1 : end + 1]
            rest = tokens[end + 1 :]
            return [_joined(before + first_conjunct + rest), _joined(before + second_conjunct + rest)]
        return []

    def _topic_before(self, tokens: list[Token], index: int) -> tuple[int, str] | None:
        if index == 0:
            return None
        group = self._group(tokens[index - 1])
        return (index - 1, group) if group else None

    def _topic_after(self, tokens: list[Token], index: int) -> tuple[int, str] | None:
        for j in range(index + 1, min(index + 2 + MAX_WORDS_BEFORE_TOPIC, len(tokens))):
            group = self._group(tokens[j])
            if group:
                return j, group
        return None

    def _group(self, token: Token) -> str | None:
        return next((g for g, words in self.topic_words.items() if token.lemma in words), None)


def _joined(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


@lru_cache(maxsize=4)
def type_description_reader(kb: KnowledgeBase) -> TypeDescriptionReader:
    return TypeDescriptionReader(kb)
