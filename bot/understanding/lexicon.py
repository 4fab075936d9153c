"""Words as the reader sees them: a normalised surface form and a Dutch lemma.

People write "twijfelt", "twijfelden" and "twijfel"; the cue lists name a word once.
Matching on lemmas (simplemma, a pure-Python lemmatizer that ships its Dutch data)
as well as on the surface form makes one cue cover every inflection. The few lemmas
simplemma gets wrong for our purpose are overridden in knowledge/cues.yml
(`lexicon.lemma_overrides`), so that editors can fix them without code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from bot.core.text import fold

# Words, numbers, words with an inner hyphen or apostrophe ("co-creatie", "zo'n"),
# and the punctuation that ends or splits a clause.
_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[.,;:!?]")
PUNCTUATION = frozenset(".,;:!?")


@dataclass(frozen=True)
class Token:
    text: str  # folded surface form
    lemma: str
    known: bool = True  # a Dutch word (or number): never read as a typo of another word

    @property
    def is_punctuation(self) -> bool:
        return self.text in PUNCTUATION


@lru_cache(maxsize=65536)
def _simplemma_lemma(word: str) -> str:
    import simplemma  # imported on first use: its Dutch data costs ~2.5 s and ~55 MB

    try:
        return fold(simplemma.lemmatize(word, lang="nl"))
    except Exception:  # a lemmatizer failure must never stop a conversation
        return word


@lru_cache(maxsize=65536)
def is_known(word: str) -> bool:
    """Is this a Dutch word? "wetten" is, so it is not a typo of "weten"; "onzeeker" is not."""
    if not word.isalpha() or len(word) < 4:
        return True
    import simplemma

    try:
        return bool(simplemma.is_known(word, lang="nl"))
    except Exception:
        return True


def lemma(word: str, overrides: Mapping[str, str] | None = None) -> str:
    if overrides and word in overrides:
        return overrides[word]
    if not word.isalpha() or len(word) < 3:
        return word
    return _simplemma_lemma(word)


def tokenize(text: str, overrides: Mapping[str, str] | None = None) -> list[Token]:
    folded = fold(text).replace("’", "'").replace("‘", "'")
    folded = folded.replace("(", ",").replace(")", ",")  # "(weinig)" is an aside, as between commas
    return [Token(word, lemma(word, overrides), is_known(word)) for word in _TOKEN.findall(folded)]


MIN_JOINED_COMPOUND = 8  # "bij stand" joins to "bijstand"; shorter pairs ("de ze") are real words


def join_split_compounds(tokens: list[Token], vocabulary: frozenset[str], overrides=None) -> list[Token]:
    """ "participatie wet", "bij stand": a compound typed (or dictated) as two words is
    read as the one word when the reader knows that word."""
    joined: list[Token] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and not tokens[i].is_punctuation and not tokens[i + 1].is_punctuation:
            word = tokens[i].text + tokens[i + 1].text
            if len(word) >= MIN_JOINED_COMPOUND and word in vocabulary:
                joined.append(Token(word, lemma(word, overrides), True))
                i += 2
                continue
        joined.append(tokens[i])
        i += 1
    return joined


def warm_up() -> None:
    """Load the lemmatizer's data now rather than during the first conversation."""
    _simplemma_lemma("twijfelden")


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one typo: a letter wrong, missing, extra or swapped)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    if la > lb:
        a, b = b, a
    # b is one longer: deleting one letter of b gives a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def finite_verb(token: Token) -> bool:
    """A verb in the present tense, third person ("gebeurt", "doet"): its lemma is the
    infinitive. Rough, but without a tagger it tells "niks gebeurt" from "niks meer"."""
    return token.text != token.lemma and token.text.endswith("t") and token.lemma.endswith("en")
