"""Text normalisation and whole-word phrase matching, shared by every matcher.

Matching works on a normalised form (lower case, accents removed, punctuation to
spaces) so that "Wél omstreden!" and "wel omstreden" read the same.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Generic, Iterable, TypeVar

T = TypeVar("T")

_NON_WORD = re.compile(r"[^a-z0-9'\-]+")


def fold(text: str) -> str:
    """Lower case without accents: "Wél" -> "wel". Every reader of user text starts here."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Folded, with everything but letters, digits, ' and - as single spaces."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def phrase_pattern(phrase: str) -> re.Pattern:
    """Regex for a cue phrase: whole words, '*' = exactly one arbitrary word."""
    parts = [r"[a-z0-9'\-]+" if word == "*" else re.escape(word) for word in normalise_phrase(phrase).split()]
    return re.compile(r"(?<![a-z0-9'\-])" + r"\s+".join(parts) + r"(?![a-z0-9'\-])")


def normalise_phrase(phrase: str) -> str:
    # Keep '*' as a word of its own; normalise the rest like user text.
    return " ".join("*" if word == "*" else normalise(word) for word in phrase.split())


@dataclass(frozen=True)
class Match(Generic[T]):
    start: int
    end: int
    phrase: str
    label: T

    @property
    def length(self) -> int:
        return self.end - self.start


class PhraseMatcher(Generic[T]):
    """Finds labelled phrases in normalised text; of overlapping matches the longest wins."""

    def __init__(self, phrases: Iterable[tuple[str, T]]) -> None:
        self._patterns = [(phrase_pattern(p), p, label) for p, label in phrases]

    def find(self, normalised_text: str) -> list[Match[T]]:
        found = [
            Match(m.start(), m.end(), phrase, label)
            for pattern, phrase, label in self._patterns
            for m in pattern.finditer(normalised_text)
        ]
        found.sort(key=lambda m: (-m.length, m.start))
        kept: list[Match[T]] = []
        for match in found:
            if all(match.end <= k.start or match.start >= k.end for k in kept):
                kept.append(match)
        return sorted(kept, key=lambda m: m.start)
