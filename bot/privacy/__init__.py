"""Personal data out of a user's message, before it is stored or reaches NLU.

    from bot.privacy import get_redactor, Redaction
    r = get_redactor()          # one per process; loads deduce once (thread-safe)
    r.warm_up()                 # load now, at process start; idempotent
    result = r.redact(text)     # never raises on a str; "" -> ""
    result.text                 # the text with placeholders such as [NAAM]
    result.categories           # frozenset({"naam", "bsn"}), empty when nothing found
    bool(result)                # True when something was replaced

What is replaced, by which placeholder:

    naam            [NAAM]            names (deduce: name lists, initials, "mevrouw Jansen")
    adres           [ADRES]           street + house number, postcode (+ house number), postbus
    telefoonnummer  [TELEFOONNUMMER]  Dutch numbers (06-, 0xx-, +31, 0031) and +international
    e-mailadres     [E-MAILADRES]
    bsn             [BSN]             nine digits that pass the 11-proef
    iban            [IBAN]            any IBAN country, valid by ISO 13616 mod 97
    geboortedatum   [GEBOORTEDATUM]   a date near "geboren"/"geb."/...; a full date in
                                      digits unless a time word precedes it ("per", "sinds")

Kept on purpose: place, municipality and neighbourhood names, institutions, URLs,
ages, years, dates in words without a birth cue, everything in the knowledge base
(bot/privacy/allowlist.py), and slash commands (button payloads such as
`/inform{"x":"y"}`). docs/privacy.md explains this to users and privacy officers.

Cost and its bound: deduce takes about 1 ms for a short message but grows with the
text, and some inputs ("Jan Jan Jan ..." pasted a thousand times) are pathological for
it. deduce therefore reads at most MAX_DEDUCE_CHARS characters, in pieces of CHUNK
characters; beyond that, and in a piece that is mostly capitalised words, names are
found the crude way: every capitalised word that is not in the knowledge base becomes
[NAAM]. That also happens when deduce fails. It errs on the side of removing too much
(place names in a very long text), never on the side of keeping a name. The exact
detectors (patterns.py) always read the whole text.

Nothing here logs or raises anything that contains the text: failures are logged by
exception type only.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from bot.privacy import engine
from bot.privacy.allowlist import AllowList, from_knowledge
from bot.privacy.patterns import (
    ADDRESS,
    BIRTH_DATE,
    BSN,
    EMAIL,
    IBAN,
    NAME,
    PHONE,
    Span,
    find_all,
)

__all__ = ["CATEGORIES", "PLACEHOLDERS", "Redaction", "Redactor", "get_redactor"]

logger = logging.getLogger(__name__)

PLACEHOLDERS: dict[str, str] = {
    NAME: "[NAAM]",
    ADDRESS: "[ADRES]",
    PHONE: "[TELEFOONNUMMER]",
    EMAIL: "[E-MAILADRES]",
    BSN: "[BSN]",
    IBAN: "[IBAN]",
    BIRTH_DATE: "[GEBOORTEDATUM]",
}
CATEGORIES = frozenset(PLACEHOLDERS)

# deduce reads at most this much of a message (twice the longest message NLU reads),
# in pieces of about CHUNK characters cut at a sentence or a space.
MAX_DEDUCE_CHARS = 4000
CHUNK = 1000
# A piece with a run of more capitalised words than this is no prose (deduce's cost
# explodes on such runs): the crude name rule handles it.
MAX_CAPITALISED_RUN = 12

# When spans of different categories overlap, they become one span of the category
# that is most specific: an e-mail address containing a name is an e-mail address.
_PRIORITY = {EMAIL: 70, IBAN: 60, BSN: 50, PHONE: 40, BIRTH_DATE: 35, ADDRESS: 30, NAME: 10}

# deduce's processors that Taai does not use: dates, ages and identifiers have exact
# detectors here (patterns.py), and deduce's redactor text is not needed. Names,
# locations, institutions and URLs stay on: institutions and URLs win their overlap
# with a name inside them ("Sint Antonius Ziekenhuis", "www.jansen.nl"), and are
# then dropped, so they are kept.
_DEDUCE_DISABLED = frozenset({"dates", "ages", "identifiers", "phone_numbers", "email_addresses", "redactor"})
_NAME_TAGS = frozenset({"persoon", "patient"})
_BARE_POSTCODE = re.compile(r"\d{4} ?[A-Za-z]{2}")

# Slash commands: an intent name, optionally with a confidence and JSON entities.
_SLASH_COMMAND = re.compile(r"^/[A-Za-z0-9_][\w.\-]*(?:@[\d.]+)?(?:\{.*\})?\s*$", re.DOTALL)


@dataclass(frozen=True)
class Redaction:
    text: str
    categories: frozenset = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.categories)


class Redactor:
    """Replaces personal data in a text by placeholders. Use `get_redactor()`.

    `model` and `allow_list` are for tests and tools that already have them."""

    def __init__(self, use_cache: bool = True, allow_list: Optional[AllowList] = None, model: Any = None) -> None:
        self._use_cache = use_cache
        self._allow_list = allow_list
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self.load_info: dict[str, Any] = {}
        if model is not None:
            self._install(model, "given", 0.0)

    # --- loading ---------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._model is not None

    @property
    def allow_list(self) -> Optional[AllowList]:
        return self._allow_list

    def warm_up(self) -> "Redactor":
        """Load deduce and the allow-list now; later calls return at once."""
        if self._model is not None:
            return self
        with self._load_lock:
            if self._model is None:
                started = time.perf_counter()
                model, how = engine.load_model(use_cache=self._use_cache)
                self._install(model, how, started)
        return self

    def _install(self, model: Any, how: str, started: float) -> None:
        engine.silence_third_party_loggers()
        engine.bound_context_rules(model)
        if self._allow_list is None:
            self._allow_list = from_knowledge(
                lambda text: [a.text for a in _deduce_annotations(model, text) if a.tag in _NAME_TAGS],
                engine.cache_key(),
            )
        seconds = round(time.perf_counter() - started, 2) if started else 0.0
        self.load_info = {"how": how, "seconds": seconds, "allow_list_phrases": self._allow_list.size}
        self._model = model
        logger.info("redaction: ready (%s, %.1f s)", how, seconds)

    # --- redacting -------------------------------------------------------------------

    def redact(self, text: Optional[str]) -> Redaction:
        """The text with personal data replaced. Never raises for a str (or None)."""
        if text is None or text == "":
            return Redaction("")
        if not isinstance(text, str):
            raise TypeError(f"redact() needs a str, not {type(text).__name__}")
        if _SLASH_COMMAND.match(text):
            return Redaction(text)
        try:
            spans = self._spans(text)
        except Exception as error:  # noqa: BLE001 - never raise, never echo the text
            # Not reached in practice (the exact detectors are plain regular
            # expressions); if it is, nothing of the message is kept.
            logger.error("redaction: detection failed (%s); the message is withheld", type(error).__name__)
            return Redaction(PLACEHOLDERS[NAME], frozenset({NAME}))
        if not spans:
            return Redaction(text)
        return _apply(text, spans)

    __call__ = redact

    def _spans(self, text: str) -> list[Span]:
        spans = find_all(text)
        try:
            self.warm_up()
            usable = True
        except Exception as error:  # noqa: BLE001 - e.g. out of memory while loading
            logger.error(
                "redaction: deduce could not be loaded (%s); capitalised words removed instead", type(error).__name__
            )
            usable = False
        covered = _LazyCoverage(self._allow_list, text)
        analysed = 0
        for offset, chunk in _chunks(text):
            if not usable or analysed >= MAX_DEDUCE_CHARS or _capitalised_run(chunk) > MAX_CAPITALISED_RUN:
                spans.extend(_crude_names(text, offset, offset + len(chunk), covered))
                continue
            analysed += len(chunk)
            try:
                spans.extend(self._deduce_spans(text, offset, chunk, covered))
            except Exception as error:  # noqa: BLE001 - fail closed, never echo the text
                logger.error("redaction: deduce failed (%s); capitalised words removed instead", type(error).__name__)
                spans.extend(_crude_names(text, offset, offset + len(chunk), covered))
        return spans

    def _deduce_spans(self, text: str, offset: int, chunk: str, covered: "_LazyCoverage") -> list[Span]:
        spans: list[Span] = []
        with self._run_lock:
            annotations = _deduce_annotations(self._model, chunk)
        for annotation in annotations:
            start, end = offset + annotation.start_char, offset + annotation.end_char
            if annotation.tag in _NAME_TAGS:
                if not _not_a_client_name(text, start, end, covered.get()):
                    spans.append(Span(start, end, NAME))
            elif annotation.tag == "locatie" and any(ch.isdigit() for ch in annotation.text):
                # Street + number, postbus. Postcodes: patterns.find_postcode decides
                # (deduce also takes "2025 EU" in "2025 EU-breed" for one).
                if not _BARE_POSTCODE.fullmatch(annotation.text) and not self._place_and_number(annotation.text):
                    spans.append(Span(start, end, ADDRESS))
            # Anything else (place names, institutions, URLs) is kept.
        return spans

    def _place_and_number(self, text: str) -> bool:
        """deduce's street pattern takes any capitalised word ending in -dam, -dijk,
        -hof ... for a street: "Amsterdam 3" in "in Amsterdam 3 jaar". A known place
        name followed by a number is no address."""
        words = text.split()
        if len(words) < 2 or not words[-1][:1].isdigit():
            return False
        try:
            trie = self._model.processors["locations"]["placename"].trie
            tokens = [t.text for t in self._model.tokenizers["default"].tokenize(" ".join(words[:-1]))]
        except (KeyError, AttributeError):
            return False
        match = trie.longest_matching_prefix(tokens)
        return bool(match) and len(match) == len(tokens)


# --- names: what deduce finds that is no client --------------------------------------

_WORD = re.compile(r"[\w'’\-]+")
_CONNECTORS = frozenset({"en", "van", "de", "der", "den", "het", "ter", "ten", "in", "op", "&"})
_PLACE_NOUNS = frozenset(
    {
        "gemeente",
        "gemeenten",
        "provincie",
        "wijk",
        "buurt",
        "stadsdeel",
        "dorp",
        "stad",
        "regio",
        "kern",
        "waterschap",
        "plaats",
    }
)
_PLACE_NOUN_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:gemeenten?|provincie|wijk|buurt|stadsdeel|dorp|stad|regio|kern|waterschap)\s*$"
)
_DETERMINERS = frozenset(
    {
        "het",
        "een",
        "dit",
        "dat",
        "deze",
        "ons",
        "onze",
        "elk",
        "elke",
        "ieder",
        "iedere",
        "geen",
        "welk",
        "welke",
        "zo'n",
        "hun",
        "jullie",
    }
)
_FORMS_OF_ADDRESS = frozenset(
    {"mevrouw", "mevr", "mw", "meneer", "mnr", "dhr", "heer", "juffrouw", "cliënt", "client", "cliënte"}
)
_CITATION_AFTER = re.compile(r"(?:\s*(?:&|en|and|,)\s*[A-ZÀ-Ý][\w'’\-]+)*\s*(?:e\.a\.|et al\.?)?\s*\(\s*(?:19|20)\d{2}")
_OPEN_PARENTHESIS_BEFORE = re.compile(r"\([^()]*$")
_CITATION_YEAR_AFTER = re.compile(
    r"(?:\s*(?:&|en|and)\s*[A-ZÀ-Ý][\w'’\-]+)*\s*(?:e\.a\.|et al\.?)?\s*,\s*(?:19|20)\d{2}\s*[),;]"
)


def _not_a_client_name(text: str, start: int, end: int, covered: frozenset) -> bool:
    """deduce's name lists also hold scholars, places and ordinary words."""
    before = text[max(0, start - 40) : start]
    words = [w for w in _WORD.findall(text, start, end) if w.lower() not in _CONNECTORS]
    first = words[0].lower() if words else ""
    # Knowledge-base words: scholars, cases, programmes, names in its prose.
    if covered and AllowList.keeps(text, start, end, covered):
        return True
    # A place: "gemeente Bodegraven-Reeuwijk", "de wijk Lombok", "Gemeente Ede".
    if _PLACE_NOUN_BEFORE.search(before) or first in _PLACE_NOUNS:
        return True
    # One word after an article: "het Rijk", "een Nota", "deze Stap".
    if len(words) == 1:
        lead = text[max(0, start - 20) : start + text[start:end].find(words[0])]
        preceding = _WORD.findall(lead)
        if preceding and preceding[-1].lower() in _DETERMINERS:
            return True
    # A citation: "Vaandrager (2014)", "Brandsen e.a. (2016)", "(Jans, 2015)";
    # never with a form of address ("mevrouw Jansen (1985)").
    if first not in _FORMS_OF_ADDRESS:
        after = text[end : end + 80]
        if _CITATION_AFTER.match(after):
            return True
        if _OPEN_PARENTHESIS_BEFORE.search(before) and _CITATION_YEAR_AFTER.match(after):
            return True
    return False


class _LazyCoverage:
    """The allow-listed words of the whole text, found only when first needed."""

    def __init__(self, allow_list: Optional[AllowList], text: str) -> None:
        self._allow_list, self._text = allow_list, text
        self._covered: Optional[frozenset] = None

    def get(self) -> frozenset:
        if self._covered is None:
            self._covered = self._allow_list.covered(self._text) if self._allow_list else frozenset()
        return self._covered


# --- the crude rule, for what deduce does not read -----------------------------------

_NAME_PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "ter",
        "ten",
        "te",
        "het",
        "'t",
        "la",
        "le",
        "el",
        "al",
        "von",
        "di",
        "da",
        "du",
        "dos",
        "bin",
        "ben",
        "ibn",
    }
)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _capitalised_run(chunk: str) -> int:
    """The longest run of capitalised words (particles in between count along)."""
    longest = run = 0
    for word in _WORD.findall(chunk):
        if _is_capitalised(word):
            run += 1
            longest = max(longest, run)
        elif word.lower() not in _NAME_PARTICLES:
            run = 0
    return longest


def _crude_names(text: str, start: int, end: int, covered: "_LazyCoverage") -> Iterable[Span]:
    """Every run of capitalised words in text[start:end] that is not in the knowledge
    base, as a name. Removes too much on purpose (it is the fallback)."""
    allowed = covered.get()
    run_start: Optional[int] = None
    run_end = 0
    for word in _WORD.finditer(text, start, end):
        if _is_capitalised(word.group()) and word.span() not in allowed:
            if run_start is None:
                run_start = word.start()
            run_end = word.end()
        elif run_start is not None and word.group().lower() in _NAME_PARTICLES:
            continue
        elif run_start is not None:
            yield Span(run_start, run_end, NAME)
            run_start = None
    if run_start is not None:
        yield Span(run_start, run_end, NAME)


# --- helpers -------------------------------------------------------------------------


def _deduce_annotations(model: Any, text: str) -> Any:
    return model.deidentify(text, disabled=set(_DEDUCE_DISABLED)).annotations


_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def _chunks(text: str, size: int = CHUNK) -> list[tuple[int, str]]:
    """Pieces of at most `size` characters, cut after a sentence end if there is one
    in the second half of the piece, else after a space, else hard."""
    if len(text) <= size:
        return [(0, text)]
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            half = start + size // 2
            sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text, half, end)]
            if sentence_ends:
                end = sentence_ends[-1]
            else:
                space = text.rfind(" ", half, end)
                if space > start:
                    end = space + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def _apply(text: str, spans: list[Span]) -> Redaction:
    """Merge overlapping spans (the most specific category wins) and replace them."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[list] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], span.end)
            if _PRIORITY[span.category] > _PRIORITY[last[2]]:
                last[2] = span.category
        else:
            merged.append([span.start, span.end, span.category])
    parts, position, categories = [], 0, set()
    for start, end, category in merged:
        parts.append(text[position:start])
        parts.append(PLACEHOLDERS[category])
        categories.add(category)
        position = end
    parts.append(text[position:])
    return Redaction("".join(parts), frozenset(categories))


_singleton: Optional[Redactor] = None
_singleton_lock = threading.Lock()


def get_redactor() -> Redactor:
    """The process-wide redactor (created on first use; call warm_up() at start-up)."""
    global _singleton
    if _singleton is None:
        with _singleton_lock:
            if _singleton is None:
                _singleton = Redactor()
    return _singleton
