"""Cue phrases found in a clause, with small gaps, inflections and one typo allowed.

A cue phrase is a few words from knowledge/cues.yml. It matches a clause when its
words occur in order with at most `MAX_GAP` other words between two of them, so
"het eens" also finds "het er helemaal over eens". Per word:

- a word written in its dictionary form (its own lemma: "weten", "twijfel") matches
  every inflection ("weet", "wisten"; "twijfels");
- a word written in an inflected form ("verdeeld", "bewezen") matches only itself,
  because its lemma would match too much ("verdelen", "bewijzen");
- a word of six letters or more also matches a non-word with one typo ("onzeeker"),
  never another real word ("wetten" is no typo of "weten");
- '*' matches exactly one arbitrary word.

Of overlapping matches the one with the most words wins, then the shortest span, then
the phrase with priority (claim blockers before "weet ik niet"): the
words it uses are not available to other phrases (so "geen idee wat werkt" is one
cue, not "geen" + "idee" + "werkt").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Mapping, Sequence, TypeVar

from bot.understanding.lexicon import Token, lemma, tokenize, within_one_edit

T = TypeVar("T")
MAX_GAP = 3
MIN_TYPO_LENGTH = 6
MIN_COMPOUND_HEAD = 6
MIN_MODIFIER = 3  # "vertrouwens|bijstand": the part before a compound's head


@dataclass(frozen=True)
class _Word:
    text: str
    lemma: str
    wildcard: bool

    def matches(self, token: Token, compounds: bool = False) -> bool:
        if self.wildcard:
            return True
        if token.text == self.text:
            return True
        if "-" in token.text and self.text in token.text.split("-"):
            return True  # "wmo" in "wmo-aanvraag"
        if compounds and len(self.text) >= MIN_COMPOUND_HEAD and _in_compound(token.text, self.text):
            return True  # "bijstand" in "bijstandsaanvragen" and in "vertrouwensbijstand"
        if token.lemma == self.text:
            return True  # the cue is written as this token's dictionary form ("onderbouwen": "onderbouwt")
        if self.lemma == self.text and token.lemma == self.lemma:
            return True
        return len(self.text) >= MIN_TYPO_LENGTH and not token.known and within_one_edit(token.text, self.text)


@dataclass(frozen=True)
class Phrase(Generic[T]):
    source: str  # as written in the knowledge base
    words: tuple[_Word, ...]
    label: T
    priority: int = 1  # on equal length and span, the lower number wins
    max_gap: int | None = None  # None: the finder's; 0 for fixed expressions ("dat wel")


@dataclass(frozen=True)
class Hit(Generic[T]):
    phrase: Phrase[T]
    positions: tuple[int, ...]  # token indices in the clause

    @property
    def span(self) -> int:
        return self.positions[-1] - self.positions[0] + 1

    @property
    def label(self) -> T:
        return self.phrase.label


def compile_phrase(
    source: str, label: T, overrides: Mapping[str, str] | None = None, priority: int = 1, max_gap: int | None = None
) -> Phrase[T]:
    words = []
    for token in tokenize(source.replace("*", " WILDCARD "), overrides):
        if token.text == "wildcard":
            words.append(_Word("*", "*", True))
        elif not token.is_punctuation:
            words.append(_Word(token.text, lemma(token.text, overrides), False))
    if not words:
        raise ValueError(f"empty cue phrase {source!r}")
    return Phrase(source, tuple(words), label, priority, max_gap)


def _find_at(
    words: Sequence[_Word], tokens: Sequence[Token], start: int, taken: set[int], max_gap: int, compounds: bool
) -> tuple[int, ...] | None:
    """Positions of the phrase's words starting at `start` with the tightest gaps, or None."""
    if start in taken or not words[0].matches(tokens[start], compounds and len(words) == 1):
        return None
    if len(words) == 1:
        return (start,)
    for nxt in range(start + 1, min(len(tokens), start + 2 + max_gap)):
        rest = _find_at(words[1:], tokens, nxt, taken, max_gap, compounds)
        if rest is not None:
            return (start, *rest)
    return None


def _in_compound(word: str, part: str) -> bool:
    """ "bijstand" in "bijstandsaanvragen" (the modifier) and in "vertrouwensbijstand" (the
    head: Dutch compounds put it last, so the word is a kind of bijstand)."""
    return word.startswith(part) or len(word) >= len(part) + MIN_MODIFIER and word.endswith(part)


def _as_head(hit: Hit[T], tokens: Sequence[Token]) -> bool:
    """Found only as the end of a compound."""
    word, part = tokens[hit.positions[0]].text, hit.phrase.words[0].text
    return len(hit.phrase.words) == 1 and word != part and not word.startswith(part) and word.endswith(part)


def _exact(hit: Hit[T], tokens: Sequence[Token]) -> bool:
    return all(
        word.wildcard or tokens[p].text == word.text or tokens[p].lemma == word.lemma
        for word, p in zip(hit.phrase.words, hit.positions, strict=True)
    )


class PhraseFinder(Generic[T]):
    """Finds phrases in a clause. Phrases are indexed by their first word, so a clause
    only tries the phrases that can start at each of its words."""

    def __init__(self, phrases: Iterable[Phrase[T]], max_gap: int = MAX_GAP, compounds: bool = False) -> None:
        self.max_gap = max_gap
        self.compounds = compounds  # a one-word phrase also matches as part of a compound
        self._by_text: dict[str, list[Phrase[T]]] = {}
        self._by_lemma: dict[str, list[Phrase[T]]] = {}  # first word written in its dictionary form
        self._typo: list[Phrase[T]] = []  # first word long enough to match with a typo
        self._heads: list[Phrase[T]] = []  # one-word phrases that may be part of a compound
        self._wildcard: list[Phrase[T]] = []
        self._order: dict[int, int] = {}
        for number, phrase in enumerate(phrases):
            self._order[id(phrase)] = number
            first = phrase.words[0]
            if first.wildcard:
                self._wildcard.append(phrase)
                continue
            self._by_text.setdefault(first.text, []).append(phrase)
            if first.lemma == first.text:
                self._by_lemma.setdefault(first.lemma, []).append(phrase)
            if len(first.text) >= MIN_TYPO_LENGTH:
                self._typo.append(phrase)
            if compounds and len(phrase.words) == 1 and len(first.text) >= MIN_COMPOUND_HEAD:
                self._heads.append(phrase)

    def _starting_at(self, token: Token) -> list[Phrase[T]]:
        found = list(self._wildcard)
        found += self._by_text.get(token.text, [])
        found += self._by_text.get(token.lemma, [])  # "onderbouwt": a cue written "onderbouwen"
        found += self._by_lemma.get(token.lemma, [])
        if "-" in token.text:
            for part in token.text.split("-"):
                found += self._by_text.get(part, [])
        if not token.known:
            found += [p for p in self._typo if within_one_edit(token.text, p.words[0].text)]
        if self.compounds:
            found += [p for p in self._heads if _in_compound(token.text, p.words[0].text)]
        return found

    def find(
        self, tokens: Sequence[Token], taken: set[int] | None = None, accept: Callable[[Hit[T]], bool] | None = None
    ) -> list[Hit[T]]:
        """Non-overlapping hits in one clause; `taken` positions are not available
        and receive the positions of every hit. Longest phrases claim their words first.
        A hit `accept` turns down claims nothing, so shorter phrases may use its words."""
        taken = taken if taken is not None else set()
        candidates: dict[int, list[Hit[T]]] = {}
        for start, token in enumerate(tokens):
            seen: set[int] = set()
            for phrase in self._starting_at(token):
                if id(phrase) in seen:
                    continue
                seen.add(id(phrase))
                gap = self.max_gap if phrase.max_gap is None else phrase.max_gap
                positions = _find_at(phrase.words, tokens, start, taken, gap, self.compounds)
                if positions and (accept is None or accept(Hit(phrase, positions))):
                    candidates.setdefault(len(phrase.words), []).append(Hit(phrase, positions))
        hits: list[Hit[T]] = []
        for length in sorted(candidates, reverse=True):
            # Equal length and span: higher priority, then the phrase's own word (not a
            # compound or typo), then the earlier position, then the order of the lists.
            ordered = sorted(
                candidates[length],
                key=lambda h: (
                    h.span,
                    h.phrase.priority,
                    not _exact(h, tokens),
                    _as_head(h, tokens),  # "jeugdzorg|kosten" before "jeugd|zorgkosten"
                    h.positions[0],
                    self._order[id(h.phrase)],
                ),
            )
            for hit in ordered:
                if not taken.intersection(hit.positions):
                    taken.update(hit.positions)
                    hits.append(hit)
        return sorted(hits, key=lambda h: h.positions[0])
