"""Words the bot needs, taken from the knowledge base: never redacted as a name.

deduce knows 25,000 first and last names. Some of them are also the names of
scholars, cases or programmes Taai talks about (Hoppe, Arnstein, Pretty, Buurtzorg).
Instead of a hard-coded list, the allow-list is read from knowledge/*.yml:

- every `name`, `names`, `synonyms`, `label`, `term`, `title`, `short`, `short_name`,
  `place`, `button`, `phrases` and `keywords` string, as a phrase;
- the authors of every source (from `short` and `citation`), as single words;
- every name deduce finds in the knowledge base's own prose (scholars cited there,
  public figures, and ordinary words deduce mistakes for a name: "het Rijk", "Pas op").
  That scan costs a second or two, so its result is cached next to deduce's lists.

A name that deduce finds is kept only when all its words lie inside such phrases
("Hisschemöller en Hoppe" is kept; "mevrouw Hoppe" is not: "mevrouw" is no part of
the knowledge base). Structured data (BSN, IBAN, phone, e-mail, address, date of
birth) is never allow-listed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
from typing import Any, Callable, Iterable, Optional

logger = logging.getLogger(__name__)

PHRASE_KEYS = frozenset(
    {
        "name",
        "names",
        "synonyms",
        "label",
        "term",
        "title",
        "short",
        "short_name",
        "place",
        "button",
        "phrases",
        "keywords",
    }
)

# Words that may join allow-listed words inside one name annotation.
CONNECTORS = frozenset(
    {"en", "&", "e.a", "ea", "van", "de", "der", "den", "het", "in", "op", "and", "of", "the", "to", "s"}
)

# "Hisschemöller, M." / "Van Regenmortel, T." / "Caulier-Grice, J." in a citation.
_CITED_AUTHOR = re.compile(r"((?:(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]en|[Tt]er) )*[A-ZÀ-Ý][\w'’\-]+), (?:[A-ZÀ-Ý]\.)+")
_WORD = re.compile(r"[\w'’\-]+")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item


def collect_phrases(raw: dict) -> set[str]:
    """Every allow-listed phrase in the knowledge base's raw data."""
    phrases: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in PHRASE_KEYS:
                    phrases.update(s for s in _strings(value) if "*" not in s)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(raw)
    for source in (raw.get("sources") or {}).get("sources", []):
        if not isinstance(source, dict):
            continue
        for word in _WORD.findall(str(source.get("short", ""))):
            if word[:1].isupper():
                phrases.add(word)
        for author in _CITED_AUTHOR.findall(str(source.get("citation", ""))):
            phrases.add(author)
            phrases.update(w for w in _WORD.findall(author) if w[:1].isupper())
    return {p.strip() for p in phrases if p and p.strip()}


class AllowList:
    """Finds which words of a text belong to an allow-listed phrase.

    Phrases and texts are split into words the same way (letters, digits, apostrophes
    and hyphens; punctuation is ignored) and compared in lower case, so "Right to
    Challenge" also matches "right to challenge". Linear in the length of the text."""

    def __init__(self, phrases: Iterable[str]) -> None:
        by_first: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            if words:
                by_first.setdefault(words[0], set()).add(words)
        # Per first word: the phrases, longest first.
        self._by_first = {first: sorted(group, key=len, reverse=True) for first, group in by_first.items()}
        self.size = sum(len(group) for group in self._by_first.values())

    def __contains__(self, phrase: str) -> bool:
        words = tuple(w.lower() for w in _WORD.findall(phrase))
        return bool(words) and words in self._by_first.get(words[0], ())

    def covered(self, text: str) -> frozenset[tuple[int, int]]:
        """The (start, end) spans of the words of `text` that lie inside an
        allow-listed phrase."""
        if not self._by_first:
            return frozenset()
        words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
        lowered = [w[2] for w in words]
        covered: set[tuple[int, int]] = set()
        for i, first in enumerate(lowered):
            for phrase in self._by_first.get(first, ()):
                if tuple(lowered[i : i + len(phrase)]) == phrase:
                    covered.update((s, e) for s, e, _ in words[i : i + len(phrase)])
                    break
        return frozenset(covered)

    @staticmethod
    def keeps(text: str, start: int, end: int, covered: frozenset[tuple[int, int]]) -> bool:
        """True when every word of text[start:end] is allow-listed or a connector.
        `covered` must come from `covered(text)` on the same text."""
        found = False
        for word in _WORD.finditer(text, start, end):
            found = True
            if word.group().lower().strip("'’") in CONNECTORS:
                continue
            if word.span() not in covered:
                return False
        return found


# Fields of the knowledge base that are no prose: not scanned for names.
_NOT_PROSE = frozenset(
    {"id", "url", "date", "as_of", "sources", "source", "see_also", "domains", "initiators", "alternatives", "citation"}
)


def prose(raw: dict) -> list[str]:
    """Every text in the knowledge base that could contain a name (it has a capital)."""
    texts: list[str] = []

    def walk(node: Any, key: Optional[str]) -> None:
        if isinstance(node, dict):
            for child_key, value in node.items():
                walk(value, child_key)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key not in _NOT_PROSE and node != node.lower():
            texts.append(node)

    walk(raw, None)
    return sorted(set(texts))


def names_in_knowledge(texts: list[str], find_names: Callable[[str], Iterable[str]]) -> set[str]:
    """What deduce calls a name inside the knowledge base: by definition no client data
    (scholars in the prose such as Carol Weiss, public figures such as the founder of
    Buurtzorg, and words deduce mistakes for a name there: "het Rijk", "Pas op")."""
    names: set[str] = set()
    for text in texts:
        names.update(n.strip() for n in find_names(text) if n.strip())
    return names


def _cached_names(texts: list[str], find_names: Callable[[str], Iterable[str]], version: str) -> set[str]:
    """names_in_knowledge, kept in the cache directory per knowledge-base content."""
    from bot.privacy import engine

    digest = hashlib.sha256("\x00".join([version, *texts]).encode("utf-8")).hexdigest()[:24]
    directory = engine.cache_dir()
    path = directory / f"kb-names_{digest}.json"
    try:
        with open(path, encoding="utf-8") as handle:
            cached = json.load(handle)
        if isinstance(cached, list) and all(isinstance(n, str) for n in cached):
            return set(cached)
    except (OSError, ValueError):
        pass
    names = names_in_knowledge(texts, find_names)
    if engine._private_dir(directory):
        for stale in directory.glob("kb-names_*.json"):
            with contextlib.suppress(OSError):
                stale.unlink()
        with contextlib.suppress(OSError):
            descriptor, temporary = tempfile.mkstemp(prefix=".kb-names-", dir=directory)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(sorted(names), out, ensure_ascii=False)
            os.replace(temporary, path)
    return names


def from_knowledge(find_names: Optional[Callable[[str], Iterable[str]]] = None, version: str = "") -> AllowList:
    """The allow-list of the project's knowledge base: its labels and names
    (collect_phrases) and, with `find_names`, the names found in its prose. Empty (with
    a warning) when the knowledge base cannot be loaded: redaction then still works,
    only stricter."""
    try:
        from bot.core.knowledge import default_knowledge

        raw = default_knowledge().raw
    except Exception as error:  # noqa: BLE001 - a broken knowledge base must not stop redaction
        logger.warning("redaction: knowledge base not loaded for the allow-list (%s)", type(error).__name__)
        return AllowList(())
    phrases = collect_phrases(raw)
    if find_names is not None:
        phrases |= _cached_names(prose(raw), find_names, version)
    return AllowList(phrases)
