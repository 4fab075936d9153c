"""Exact detectors for personal data with a fixed shape.

Each detector returns `Span`s (start, end, category). They complement deduce, which
finds names and street addresses but not, for example, a full IBAN or a BSN written
with dots; where both find the same thing, the spans are merged later.

Checks, not guesses: a BSN must pass the 11-proef, an IBAN the ISO 13616 mod-97 check,
a date must exist in the calendar. What is deliberately NOT redacted is documented in
docs/privacy.md (years alone, ages, dates in words without a birth cue, 0800/0900
service numbers, street names without a house number).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator, NamedTuple

NAME = "naam"
ADDRESS = "adres"
PHONE = "telefoonnummer"
EMAIL = "e-mailadres"
BSN = "bsn"
IBAN = "iban"
BIRTH_DATE = "geboortedatum"


class Span(NamedTuple):
    start: int
    end: int
    category: str


# --- BSN -----------------------------------------------------------------------------

# Nine digits, optionally grouped with one space, dot or dash between any two of them
# (123456782, 1234.56.782, 123 456 782), not part of a longer number.
_BSN = re.compile(r"(?<!\d)(?<!\d[ .\-])\d(?:[ .\-]?\d){8}(?![ .\-]?\d)")
_MONEY_BEFORE = re.compile(r"(?:€|eur|euro)\s*$", re.IGNORECASE)


def is_valid_bsn(digits: str) -> bool:
    """The 11-proef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def find_bsn(text: str) -> Iterator[Span]:
    for match in _BSN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if not is_valid_bsn(digits):
            continue
        if _MONEY_BEFORE.search(text, max(0, match.start() - 6), match.start()):
            continue  # € 123.456.782 is an amount
        yield Span(match.start(), match.end(), BSN)


# --- IBAN ----------------------------------------------------------------------------

# Length of the IBAN per country (ISO 13616 register). A country code that is not
# here is not an IBAN country; knowing the length tells where the IBAN ends.
IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BI": 27,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DJ": 27,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FK": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "LY": 25,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MN": 20,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NI": 28,
    "NL": 18,
    "NO": 15,
    "OM": 23,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "RU": 33,
    "SA": 24,
    "SC": 31,
    "SD": 18,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "SO": 23,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
    "YE": 30,
}
# Country code and two check digits at the start of a word; the rest (letters and
# digits, maybe in groups separated by single spaces) is counted out by IBAN_LENGTHS.
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})\d{2}")


def is_valid_iban(candidate: str) -> bool:
    """ISO 13616: the right length for the country; the first four characters moved to
    the end, letters as 10..35, the number mod 97 must be 1."""
    compact = candidate.replace(" ", "").upper()
    if not compact.isascii() or not compact.isalnum() or len(compact) != IBAN_LENGTHS.get(compact[:2]):
        return False
    if not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def find_iban(text: str) -> Iterator[Span]:
    for match in _IBAN_START.finditer(text):
        length = IBAN_LENGTHS.get(match.group(1).upper())
        if length is None:
            continue
        # Count out the remaining characters, allowing one space between groups.
        position, count = match.end(), 4
        while count < length and position < len(text):
            char = text[position]
            if char.isascii() and char.isalnum():
                count += 1
                position += 1
            elif (
                char == " "
                and position + 1 < len(text)
                and text[position + 1].isascii()
                and text[position + 1].isalnum()
                and text[position - 1] != " "
            ):
                position += 1
            else:
                break
        if count != length:
            continue
        if position < len(text) and text[position].isalnum():
            continue  # the word goes on: not this IBAN
        if is_valid_iban(text[match.start() : position]):
            yield Span(match.start(), position, IBAN)


# --- e-mail --------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+\-])[\w.+%'\-]+@(?:[\w\-]+\.)+[A-Za-z]{2,24}(?![\w\-]|\.[A-Za-z])",
)


def find_email(text: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(text):
        yield Span(match.start(), match.end(), EMAIL)


# --- phone numbers -------------------------------------------------------------------

# Dutch: 0 + nine digits (06-12345678, 020-1234567, (020) 123 45 67, 06 - 1234 5678),
# or +31 / 0031 + nine digits, optionally with (0) (+31 (0)6 1234 5678).
_PHONE_NL = re.compile(
    r"(?<![\w+])(?<!\d[ .\-])"
    r"(?:(?:\+|00)31[ .\-]?(?:\(0\)[ .\-]?)?\(?|\(0|0)"
    r"[1-9](?:\)?[ ]?[.\-/]?[ ]?\d){8}"
    r"(?![ .\-]?\d)"
)
# Any other international number written with a plus: +32 470 12 34 56.
_PHONE_INTL = re.compile(r"(?<![\w+])\+[1-9]\d{0,2}(?:[ .\-]?\(?\d\)?){7,13}(?![ .\-]?\d)")
# Service numbers of organisations (0800 gratis, 090x betaald) are no personal data.
_SERVICE = re.compile(r"^0(?:800|90[069])")


def find_phone(text: str) -> Iterator[Span]:
    seen = set()
    for match in _PHONE_NL.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if _SERVICE.match(digits):
            continue
        start = match.start()
        if text[start] == "(" and ")" not in match.group():
            start += 1  # "(06-12345678)": the parenthesis belongs to the sentence
        seen.add((start, match.end()))
        yield Span(start, match.end(), PHONE)
    for match in _PHONE_INTL.finditer(text):
        if (match.start(), match.end()) not in seen:
            yield Span(match.start(), match.end(), PHONE)


# --- postcode and street address -----------------------------------------------------

_HOUSE_NUMBER = r"\d{1,5}(?:[ ]?-?[ ]?(?:[A-Za-z](?![A-Za-z])|\d{1,4}(?!\d)|bis|hs|I{1,3}(?![A-Za-z])))?"
# Dutch postcode: 1234 AB / 1234AB / 1234ab (no SA, SD, SS in real postcodes), maybe
# followed by a house number. Lower case with a space ("tussen 2015 en 2016") is too
# ambiguous: only right after the word postcode.
_POSTCODE_STRICT = re.compile(
    r"(?<![\w\-])[1-9]\d{3}(?: ?[A-Z]{2}|[a-z]{2})(?![\w\-])"
    rf"(?:,?[ ](?:nr\.?[ ]?)?{_HOUSE_NUMBER}(?![\w\-]|[.,]\d))?"
)
_POSTCODE_AFTER_WORD = re.compile(
    r"(?i)(?<=postcode)[: ]+(?P<code>[1-9]\d{3} ?[a-z]{2}(?![\w\-])"
    rf"(?:,?[ ](?:nr\.?[ ]?)?{_HOUSE_NUMBER}(?![\w\-]|[.,]\d))?)"
)
_NOT_POSTCODE_LETTERS = {"SA", "SD", "SS"}
# Units and the like that follow four digits: 1000mg, 2500kg, 2000km.
_UNITS = {
    "mg",
    "kg",
    "km",
    "cm",
    "mm",
    "ml",
    "cl",
    "dl",
    "gr",
    "kb",
    "mb",
    "gb",
    "tb",
    "kw",
    "ha",
    "ie",
    "st",
    "nd",
    "th",
    "pk",
    "px",
    "hz",
    "gw",
    "mw",
    "kj",
    "ms",
}

# Street words: a word ending in one of these, followed by a house number. deduce
# already knows hundreds of thousands of street names; this catches the rest, also
# typed in lower case. Suffixes that end many ordinary words or place names (-veld,
# -wijk, -dam, -berg, -baan, -pad: werkveld, Harderwijk, Amsterdam, loopbaan) are left
# to deduce; typed in lower case, -markt, -park and -hof are too (arbeidsmarkt).
_STREET_SUFFIXES = (
    "straat",
    "laan",
    "weg",
    "plein",
    "gracht",
    "kade",
    "singel",
    "steeg",
    "dreef",
    "plantsoen",
    "dijk",
    "boulevard",
    "allee",
    "allée",
    "hof",
    "markt",
    "park",
)
_LOWER_CASE_SUFFIXES = tuple(s for s in _STREET_SUFFIXES if s not in ("hof", "markt", "park"))
_STREET = re.compile(
    r"(?<![\w\-])"
    r"(?:(?:[A-ZÀ-Ý][\w'’.\-]*|van|de|der|den|het|'t|ter|ten|in|op|aan|la|le|du)[ ]){0,3}"
    rf"(?P<street>[A-ZÀ-Ý][A-Za-zÀ-ÿ'’\-]{{2,}}(?:{'|'.join(_STREET_SUFFIXES)})"
    rf"|[a-zà-ÿ][a-zà-ÿ'’\-]{{2,}}(?:{'|'.join(_LOWER_CASE_SUFFIXES)})"
    rf"|(?:{'|'.join(s.capitalize() for s in _STREET_SUFFIXES)})|[Ss]tr\.)"
    rf"[ ](?:nr\.?[ ]?)?{_HOUSE_NUMBER}(?![\w\-]|[.,]\d)"
)
_STREET_LEAD_WORDS = {"van", "de", "der", "den", "het", "'t", "ter", "ten", "in", "op", "aan", "la", "le", "du"}
# Words that end like a street but are none: "onderweg 5 minuten".
_NOT_STREETS = {
    "onderweg",
    "snelweg",
    "uitweg",
    "omweg",
    "halfweg",
    "zijweg",
    "tussenweg",
    "arbeidsmarkt",
    "woningmarkt",
    "huizenmarkt",
    "zorgmarkt",
}


def find_postcode(text: str) -> Iterator[Span]:
    for match in _POSTCODE_STRICT.finditer(text):
        letters = re.sub(r"[^A-Za-z]", "", match.group()[4:7])[:2]
        if letters.upper() in _NOT_POSTCODE_LETTERS or letters.lower() in _UNITS:
            continue
        yield Span(match.start(), match.end(), ADDRESS)
    for match in _POSTCODE_AFTER_WORD.finditer(text):
        yield Span(match.start("code"), match.end("code"), ADDRESS)


def find_street_address(text: str) -> Iterator[Span]:
    for match in _STREET.finditer(text):
        if match.group("street").lower() in _NOT_STREETS:
            continue
        start, words = match.start(), match.group().split(" ")
        # Leading lower-case words ("in", "op de") only belong to the street when a
        # capitalised word follows them ("op de Van Goghstraat" keeps "op de").
        while len(words) > 2 and words[0].lower() in _STREET_LEAD_WORDS and words[0].islower():
            start += len(words[0]) + 1
            words = words[1:]
        yield Span(start, match.end(), ADDRESS)


# --- dates of birth ------------------------------------------------------------------

_MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))

# 12-03-1985, 12/3/1985, 12.03.1985, 12-03-85 (two-digit years only with - or /).
_DATE_NUMERIC = re.compile(
    r"(?<![\w.\-/])(?P<d>0?[1-9]|[12]\d|3[01])(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)"
    r"(?P<y>(?:19|20)\d{2}|['’]?\d{2})(?![\w\-/]|[.]\d)"
)
# 1985-03-12
_DATE_ISO = re.compile(
    r"(?<![\w.\-/])(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\w\-/]|[.]\d)"
)
# 12 maart 1985, 12 mrt. '85, 12 maart (the year is optional: only used with a cue)
_DATE_WORDS = re.compile(
    rf"(?i)(?<![\w\-])(?P<d>0?[1-9]|[12]\d|3[01])(?:e|ste|de)?[ \-]*(?P<m>{_MONTH_WORDS})\.?"
    r"(?:[ \-]*(?P<y>(?:19|20)\d{2}|['’]\d{2}))?(?![\w\-])"
)

_BIRTH_CUE = re.compile(
    r"(?i)(?<!\w)(?:geboren|geb\.|geb\b|geboortedatum|geboortedag|geboorte-datum|gebdat|geb\.datum|"
    r"geb\.dat\.?|geboren op|geboortejaar|d\.o\.b\.?|dob|date of birth|born|jarig)(?!\w)"
)
# The words that make a numeric date an agenda or policy date rather than a birth
# date, when they come right before it: "per 01-01-2025", "sinds 1-7-2015".
_TIME_WORDS_BEFORE = re.compile(
    r"(?i)(?:^|[\s(])(?:per|sinds|vanaf|van|tot|t/m|tm|tot en met|uiterlijk|voor|vóór|na|op|om|"
    r"d\.d\.|dd|datum|ingangsdatum|einddatum|startdatum|ingang|deadline|tussen|en|of|"
    r"week|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo)"
    r"[\s:,]*$"
)
_CUE_WINDOW_BEFORE = 40
_CUE_WINDOW_AFTER = 25
_SENTENCE_BREAK = re.compile(r"[!?;\n]|\.\s")


def _year(raw: str) -> int:
    digits = int(raw.strip("'’"))
    if len(raw.strip("'’")) == 4:
        return digits
    this_year = dt.date.today().year % 100
    return 2000 + digits if digits <= this_year else 1900 + digits


def _real_date(day: str, month: int, year: str | None) -> dt.date | None:
    try:
        return dt.date(_year(year) if year else 2000, month, int(day))  # 2000: leap year
    except ValueError:
        return None


def _near_birth_cue(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - _CUE_WINDOW_BEFORE) : start]
    for cue in _BIRTH_CUE.finditer(before):
        if not _SENTENCE_BREAK.search(before[cue.end() :]):
            return True
    after = text[end : end + _CUE_WINDOW_AFTER]
    following = _BIRTH_CUE.search(after)
    return bool(following and not _SENTENCE_BREAK.search(after[: following.start()]))


def find_birth_dates(text: str) -> Iterator[Span]:
    """A date near a birth cue is a date of birth, in any notation ("geboren op 12
    maart 1985", "geb. 12-03-1985", "is 12-03-1985 geboren").

    Without a cue, a full date written in digits (12-03-1985, 1985-03-12) is treated as
    a date of birth too, unless it lies in the future or a time word comes right
    before it ("per 01-01-2025", "sinds 1-7-2015", "op 12-03-2024"): client systems
    print birth dates in digits, while policy text writes dates in words or with
    such a word. Dates in words without a cue ("per 1 januari 2025") are kept."""
    today = dt.date.today()
    for pattern, numeric in ((_DATE_NUMERIC, True), (_DATE_ISO, True), (_DATE_WORDS, False)):
        for match in pattern.finditer(text):
            month_raw = match.group("m")
            month = int(month_raw) if month_raw.isdigit() else _MONTHS[month_raw.lower()]
            year = match.group("y")
            if numeric and pattern is _DATE_NUMERIC and match.group("sep") == "." and len(year) < 4:
                continue  # 1.2.30 is more likely a version or a section number
            date = _real_date(match.group("d"), month, year)
            if date is None:
                continue
            if _near_birth_cue(text, match.start(), match.end()):
                yield Span(match.start(), match.end(), BIRTH_DATE)
            elif (
                numeric
                and date <= today
                and not _TIME_WORDS_BEFORE.search(text[max(0, match.start() - 30) : match.start()])
            ):
                yield Span(match.start(), match.end(), BIRTH_DATE)


DETECTORS = (find_email, find_iban, find_bsn, find_phone, find_postcode, find_street_address, find_birth_dates)


def find_all(text: str) -> list[Span]:
    spans: list[Span] = []
    for detector in DETECTORS:
        spans.extend(detector(text))
    return spans
