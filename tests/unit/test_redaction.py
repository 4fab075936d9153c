"""Personal data out of user messages (bot/privacy/): real deduce, no mocks.

The first test that needs deduce loads it through the process-wide redactor: a few
seconds from the lookup cache, about a minute (on a busy machine several) when the
cache still has to be built (see bot/privacy/engine.py).

That the cached model annotates exactly like a freshly built, unmodified
deduce.Deduce() was checked by hand when the cache was written (same annotations on
policy and client sentences); it takes minutes, too long for every `make test`.
"""

from __future__ import annotations

import logging
import marshal
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.privacy import (
    CATEGORIES,
    MAX_DEDUCE_CHARS,
    PLACEHOLDERS,
    Redaction,
    Redactor,
    _chunks,
    engine,
    get_redactor,
)
from bot.privacy.allowlist import AllowList, collect_phrases
from bot.privacy.patterns import IBAN_LENGTHS, is_valid_bsn, is_valid_iban


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return get_redactor().warm_up()


def redacted(redactor: Redactor, text: str) -> str:
    return redactor.redact(text).text


# --- the API -------------------------------------------------------------------------


def test_get_redactor_is_one_instance_per_process():
    results = []
    threads = [threading.Thread(target=lambda: results.append(get_redactor())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(r) for r in results}) == 1
    assert results[0] is get_redactor()


def test_warm_up_is_idempotent_and_quick_the_second_time(redactor):
    model = redactor._model
    started = time.perf_counter()
    assert redactor.warm_up() is redactor
    assert time.perf_counter() - started < 0.1
    assert redactor._model is model and redactor.ready
    assert redactor.load_info["how"] in {"cache", "built", "built-uncached", "given"}


def test_placeholders_and_categories_are_the_contract():
    assert PLACEHOLDERS == {
        "naam": "[NAAM]",
        "adres": "[ADRES]",
        "telefoonnummer": "[TELEFOONNUMMER]",
        "e-mailadres": "[E-MAILADRES]",
        "bsn": "[BSN]",
        "iban": "[IBAN]",
        "geboortedatum": "[GEBOORTEDATUM]",
    }
    assert CATEGORIES == frozenset(PLACEHOLDERS)


def test_empty_and_none_give_empty(redactor):
    assert redactor.redact("") == Redaction("", frozenset())
    assert redactor.redact(None).text == ""
    assert not redactor.redact("")


def test_nothing_found_returns_the_same_text_and_is_falsy(redactor):
    text = "In onze wijk zijn bewoners het oneens over de komst van een opvang"
    result = redactor.redact(text)
    assert result.text == text
    assert result.categories == frozenset()
    assert isinstance(result.categories, frozenset)
    assert not result


def test_result_is_truthy_and_lists_the_categories(redactor):
    result = redactor.redact("Mevrouw Jansen, bsn 123456782, belt morgen.")
    assert result
    assert result.categories == frozenset({"naam", "bsn"})
    assert result.text == "[NAAM], bsn [BSN], belt morgen."


def test_non_str_is_a_type_error_without_the_value(redactor):
    with pytest.raises(TypeError) as raised:
        redactor.redact(123456782)
    assert "123456782" not in str(raised.value)


def test_full_example(redactor):
    text = (
        "Mevrouw Jansen woont op de Kerkstraat 12 in Utrecht, 3512 AB, bsn 123456782, "
        "tel 06-12345678, mail j.jansen@gmail.com, geboren 12-03-1985, rekening NL91 ABNA 0417 1643 00"
    )
    result = redactor.redact(text)
    assert result.text == (
        "[NAAM] woont op de [ADRES] in Utrecht, [ADRES], bsn [BSN], tel [TELEFOONNUMMER], "
        "mail [E-MAILADRES], geboren [GEBOORTEDATUM], rekening [IBAN]"
    )
    assert result.categories == CATEGORIES


# --- BSN -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digits, valid",
    [
        ("123456782", True),
        ("111222333", True),
        ("999999990", True),
        ("123456789", False),
        ("000000000", False),
        ("12345678", False),
        ("1234567820", False),
    ],
)
def test_eleven_test(digits, valid):
    assert is_valid_bsn(digits) is valid


@pytest.mark.parametrize(
    "text, expected",
    [
        ("bsn 123456782", "bsn [BSN]"),
        ("BSN: 1234.56.782.", "BSN: [BSN]."),
        ("bsn 123 456 782", "bsn [BSN]"),
        ("bsn 123-456-782", "bsn [BSN]"),
        ("burgerservicenummer 12.34.56.782", "burgerservicenummer [BSN]"),
    ],
)
def test_bsn_is_replaced(redactor, text, expected):
    result = redactor.redact(text)
    assert result.text == expected
    assert result.categories == {"bsn"}


@pytest.mark.parametrize(
    "text",
    [
        "nummer 123456789",  # fails the 11-proef
        "dossier 1234567820",  # ten digits
        "€ 123.456.782",  # an amount
    ],
)
def test_nine_digits_that_are_no_bsn_stay(redactor, text):
    assert "bsn" not in redactor.redact(text).categories
    assert redacted(redactor, text) == text


def _bsn(eight: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(eight, (9, 8, 7, 6, 5, 4, 3, 2), strict=False))
    last = total % 11
    return eight + str(last) if last < 10 else None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from(["", " ", ".", "-"]))
def test_every_valid_bsn_is_found_in_any_grouping(redactor, eight, sep):
    bsn = _bsn(eight)
    if bsn is None or bsn == "000000000":
        return
    written = bsn[:4] + sep + bsn[4:6] + sep + bsn[6:]
    result = redactor.redact(f"Het BSN van de cliënt is {written}, graag controleren.")
    assert result.text == "Het BSN van de cliënt is [BSN], graag controleren."


# --- IBAN ----------------------------------------------------------------------------


def _iban(country: str, bban: str) -> str:
    digits = "".join(str(int(ch, 36)) for ch in (bban + country + "00").upper())
    check = 98 - int(digits) % 97
    return f"{country}{check:02d}{bban}"


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91 abna 0417 1643 00",
        "BE68539007547034",
        "BE68 5390 0754 7034",
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "GB29NWBK60161331926819",
        "FR1420041010050500013M02606",
    ],
)
def test_valid_ibans_are_replaced(redactor, iban):
    assert is_valid_iban(iban)
    result = redactor.redact(f"Maak het over naar {iban} graag.")
    assert result.text == "Maak het over naar [IBAN] graag."
    assert result.categories == {"iban"}


@pytest.mark.parametrize(
    "text",
    [
        "rekening NL91ABNA0417164301",  # wrong check digits
        "code AB12CDEF3456789012",  # AB is no IBAN country
        "NL91ABNA04171643001 is te lang",
    ],
)
def test_invalid_ibans_stay(redactor, text):
    assert "iban" not in redactor.redact(text).categories
    assert redacted(redactor, text) == text


def test_iban_lengths_are_plausible():
    assert IBAN_LENGTHS["NL"] == 18 and IBAN_LENGTHS["BE"] == 16 and IBAN_LENGTHS["DE"] == 22
    assert all(15 <= n <= 34 for n in IBAN_LENGTHS.values())


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4),
    st.text(alphabet="0123456789", min_size=10, max_size=10),
    st.booleans(),
)
def test_every_valid_dutch_iban_is_found(redactor, bank, account, spaced):
    iban = _iban("NL", bank + account)
    written = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if spaced else iban
    result = redactor.redact(f"IBAN: {written}.")
    assert result.text == "IBAN: [IBAN]."


# --- e-mail and phone ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail j.jansen@gmail.com.", "mail [E-MAILADRES]."),
        ("Jan.de-Vries+zorg@gemeente.utrecht.nl", "[E-MAILADRES]"),
        ("(info@voorbeeld.org)", "([E-MAILADRES])"),
        ("mail naar p.devries@zorgsaam.nl", "mail naar [E-MAILADRES]"),
    ],
)
def test_email(redactor, text, expected):
    result = redactor.redact(text)
    assert result.text == expected
    assert result.categories == {"e-mailadres"}


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "0612345678",
        "06 12345678",
        "06 1234 5678",
        "06 - 1234 5678",
        "+31 6 1234 5678",
        "+31612345678",
        "0031 6 12345678",
        "+31 (0)6 12345678",
        "020-1234567",
        "020 123 4567",
        "(020) 123 45 67",
        "0318-123456",
        "030 - 286 00 00",
        "+32 470 12 34 56",
    ],
)
def test_phone_numbers(redactor, number):
    result = redactor.redact(f"Bel mij op {number} na vijf uur.")
    assert result.text == "Bel mij op [TELEFOONNUMMER] na vijf uur."
    assert result.categories == {"telefoonnummer"}


def test_phone_in_parentheses_keeps_the_parentheses(redactor):
    assert redacted(redactor, "Ahmed Yilmaz (06-87654321) loopt vast") == "[NAAM] ([TELEFOONNUMMER]) loopt vast"


@pytest.mark.parametrize("text", ["Bel gratis 0800-1234567.", "De infolijn is 0900-8844.", "Het kost 1234 euro."])
def test_service_numbers_and_amounts_stay(redactor, text):
    assert redacted(redactor, text) == text


# --- addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hij woont op de Kerkstraat 12 in Utrecht.", "Hij woont op de [ADRES] in Utrecht."),
        ("woont op de Van Goghstraat 5a", "woont op de [ADRES]"),
        ("adres: kerkstraat 12, ergens", "adres: [ADRES], ergens"),
        ("Amsterdamsestraatweg 200 bis", "[ADRES]"),
        ("Laan van Meerdervoort 12, Den Haag", "[ADRES], Den Haag"),
        ("postcode 3512 AB", "postcode [ADRES]"),
        ("3512AB 12", "[ADRES]"),
        ("postcode 3512 ab", "postcode [ADRES]"),
        ("Dorpsstraat 4, 1234 AB Ergens", "[ADRES], [ADRES] Ergens"),
    ],
)
def test_addresses(redactor, text, expected):
    result = redactor.redact(text)
    assert result.text == expected
    assert result.categories == {"adres"}


@pytest.mark.parametrize(
    "text",
    [
        "In de Kerkstraat is veel overlast.",  # a street without a number
        "Tussen 2015 en 2016 steeg de bijstand.",
        "In 2025 EU-breed onderzocht.",
        "Een dosis van 1000mg per dag.",
        "Hij werkt al 2 jaar in het werkveld 2 dagen per week.",
        "In Amsterdam 3 jaar geleden gestart.",
        "Ik ga weg 5 minuten.",
        "Ik ben onderweg 5 minuten later.",
        "Mensen met een afstand tot de arbeidsmarkt 3 jaar lang begeleiden.",
        "De gemeente Utrecht wil in Overvecht experimenteren met de bijstand",
        "We zijn het oneens over de komst van een opvang in Lombok",
        "In Rotterdam-Zuid en Amsterdam-Noord wonen veel jongeren.",
    ],
)
def test_places_and_lookalikes_stay(redactor, text):
    assert redacted(redactor, text) == text


# --- dates of birth ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("geboren 12-03-1985", "geboren [GEBOORTEDATUM]"),
        ("geb. 12 maart 1985", "geb. [GEBOORTEDATUM]"),
        ("Meneer is 12-03-1985 geboren.", "Meneer is [GEBOORTEDATUM] geboren."),
        ("Geboortedatum: 14-07-2001", "Geboortedatum: [GEBOORTEDATUM]"),
        ("geboortedatum 1985-03-12", "geboortedatum [GEBOORTEDATUM]"),
        ("zij is geboren op 3 april 1962 in Tilburg", "zij is geboren op [GEBOORTEDATUM] in Tilburg"),
        ("geboren op 12 maart", "geboren op [GEBOORTEDATUM]"),
        ("geb. 12/3/'85", "geb. [GEBOORTEDATUM]"),
        ("is jarig op 5 mei", "is jarig op [GEBOORTEDATUM]"),
        # A full date in digits without a time word before it: treated as a birth date.
        ("Cliënt (01-02-1990) heeft schulden", "Cliënt ([GEBOORTEDATUM]) heeft schulden"),
        ("cliënt, 12.03.1985, woont alleen", "cliënt, [GEBOORTEDATUM], woont alleen"),
    ],
)
def test_dates_of_birth(redactor, text, expected):
    result = redactor.redact(text)
    assert result.text == expected
    assert result.categories == {"geboortedatum"}


@pytest.mark.parametrize(
    "text",
    [
        "Per 1 januari 2025 gaat de regeling in.",
        "Sinds 1 januari 2015 is de Participatiewet van kracht.",
        "sinds 2015",
        "per 01-01-2025 gaat het in",
        "sinds 1-7-2015 geldt dit",
        "Op 12-03-2024 hadden we overleg.",
        "van 01-01-2024 tot 31-12-2024",
        "vanaf 01-01-2099",
        "De pilot loopt tot 2030-12-31 door.",
        "Participatiewet artikel 83",
        "Omgevingswet art. 23.3",
        "versie 1.2.30",
        "jongeren tot 27 jaar",
        "Hij is 45 jaar.",
        "Het Rijk wil experimenteren met de Participatiewet, per 1 juli 2026",
    ],
)
def test_policy_dates_numbers_and_ages_stay(redactor, text):
    assert redacted(redactor, text) == text


def test_a_future_date_without_cue_is_no_birth_date(redactor):
    assert redacted(redactor, "Evaluatie 12-03-2099") == "Evaluatie 12-03-2099"


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jan de Vries heeft schulden", "[NAAM] heeft schulden"),
        ("J. de Vries belde gisteren", "[NAAM] belde gisteren"),
        ("dhr. Bakker is 45 jaar", "[NAAM] is 45 jaar"),
        ("Mevr. de Boer heeft huurachterstand", "[NAAM] heeft huurachterstand"),
        ("mevrouw el Idrissi belde over haar toeslag", "[NAAM] belde over haar toeslag"),
        ("Fatima belde gisteren over haar uitkering", "[NAAM] belde gisteren over haar uitkering"),
        ("Mijn cliënt Ahmed Yilmaz loopt vast", "Mijn cliënt [NAAM] loopt vast"),
        ("De familie Öztürk heeft vijf kinderen", "De familie [NAAM] heeft vijf kinderen"),
        ("K. Visser-de Groot", "[NAAM]"),
        ("Ik ben Lisa van het wijkteam", "Ik ben [NAAM] van het wijkteam"),
        ("Pieter en Marieke zijn het niet eens", "[NAAM] en [NAAM] zijn het niet eens"),
        # A scholar's name with a form of address is a person, not a citation.
        ("Mevrouw Hoppe heeft schulden", "[NAAM] heeft schulden"),
    ],
)
def test_names(redactor, text, expected):
    result = redactor.redact(text)
    assert result.text == expected
    assert result.categories == {"naam"}


POLICY_SENTENCES = [
    "De gemeente Utrecht wil in Overvecht experimenteren met de bijstand",
    "Right to Challenge",
    "uitdaagrecht",
    "Hisschemöller en Hoppe",
    "Volgens Hisschemöller & Hoppe (1995) is dit een ongestructureerd probleem",
    "wijkteam",
    "Participatiewet art. 83",
    "Experimentenwet",
    "Wat zegt Arnstein over participatie?",
    "Wat is de participatieladder van Edelenbos?",
    "Buurtzorg is een goed voorbeeld van sociale innovatie",
    "Het Rijk regelt zo'n proef in een AMvB.",
    "Hoe werkt het uitdaagrecht in de gemeente Ede?",
    "De Gemeente Bodegraven-Reeuwijk heeft een participatieverordening.",
    "Pas op dat deskundigen niet als wapen worden gebruikt.",
    "Volgens Vaandrager (2014) is het een quasi-concept.",
    "Dat blijkt uit onderzoek (Jans, 2015).",
    "Brandsen e.a. (2016) zien dat anders.",
    "De GGD en de woningcorporatie willen meedoen",
    "Ik heb een vraag over artikel 83 van de Participatiewet",
    "Hoi Taai, kun je me helpen?",
    "Wil je helpen? Mag ik iets vragen?",
    "Kunnen we in Amsterdam-Noord een experiment met de bijstand doen?",
    "We willen samen met ervaringsdeskundigen de regels versoepelen",
]


@pytest.mark.parametrize("text", POLICY_SENTENCES)
def test_policy_sentences_pass_unchanged(redactor, text):
    assert redacted(redactor, text) == text


LABEL_KEYS = ("name", "names", "synonyms", "label", "term", "title", "short", "short_name")


def _label_strings(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LABEL_KEYS:
                if isinstance(value, str):
                    found.add(value)
                elif isinstance(value, list):
                    found.update(v for v in value if isinstance(v, str))
            _label_strings(value, found)
    elif isinstance(node, list):
        for item in node:
            _label_strings(item, found)
    return found


def test_every_name_and_label_in_the_knowledge_base_passes_unchanged(redactor, kb):
    labels = _label_strings(kb.raw, set())
    assert len(labels) > 200  # routes, stakeholders, types, levels, cases, glossary
    changed = {text: result for text in labels if (result := redactor.redact(text).text) != text}
    assert changed == {}


def test_knowledge_base_names_by_id_pass_unchanged(redactor, kb):
    for index in (kb.routes, kb.stakeholders, kb.types, kb.levels, kb.cases, kb.terms):
        for entry in index.values():
            for key in LABEL_KEYS:
                values = entry.get(key)
                for value in [values] if isinstance(values, str) else (values or []):
                    if isinstance(value, str):
                        assert redacted(redactor, value) == value, (entry["id"], key)


def test_scholars_come_from_the_knowledge_base_not_from_code(redactor, kb):
    phrases = collect_phrases(kb.raw)
    for scholar in ("Hisschemöller", "Hoppe", "Arnstein", "Edelenbos", "Pröpper", "Steenbeek", "Pretty"):
        assert scholar in phrases
        assert scholar in redactor.allow_list
    # Without the allow-list, deduce would take "Hoppe" for a client's name.
    bare = Redactor(model=redactor._model, allow_list=AllowList(()))
    assert bare.redact("Hisschemöller en Hoppe").text != "Hisschemöller en Hoppe"


@pytest.mark.parametrize(
    "text",
    [
        "De theory of change van Carol Weiss",  # named in the glossary's prose
        "Jos de Blok begon Buurtzorg met één team",  # named in a case
        "Ahmed Yilmaz ligt in het Sint Antonius Ziekenhuis",
        "Hij is bekend bij Altrecht en Parnassia",
        "Zie https://wetten.overheid.nl/BWBR0015703 of www.jansen.nl",
    ],
)
def test_people_named_in_the_knowledge_base_institutions_and_urls_stay(redactor, text):
    result = redactor.redact(text).text
    if text.startswith("Ahmed"):
        assert result == "[NAAM] ligt in het Sint Antonius Ziekenhuis"
    else:
        assert result == text


def test_names_in_the_knowledge_base_prose_are_cached(monkeypatch, tmp_path):
    from bot.privacy import allowlist

    monkeypatch.setenv("TAAI_CACHE_DIR", str(tmp_path))
    calls = []

    def find_names(text):
        calls.append(text)
        return [word for word in text.split() if word.istitle()]

    texts = ["Volgens Carol Weiss werkt het", "het Rijk en de gemeenten"]
    assert allowlist._cached_names(texts, find_names, "v1") == {"Volgens", "Carol", "Weiss", "Rijk"}
    assert allowlist._cached_names(texts, find_names, "v1") == {"Volgens", "Carol", "Weiss", "Rijk"}
    assert len(calls) == 2  # the second time from the cache file
    allowlist._cached_names(texts + ["Nieuw"], find_names, "v1")
    assert len(calls) == 5  # the knowledge base changed: scanned again
    assert len(list(tmp_path.glob("kb-names_*.json"))) == 1


def test_prose_skips_ids_urls_and_dates():
    raw = {
        "a": [
            {
                "id": "Some_Id",
                "url": "https://X.nl",
                "date": "2026-01-01",
                "summary": "Jos de Blok",
                "lower": "alleen kleine letters",
            }
        ]
    }
    from bot.privacy.allowlist import prose

    assert prose(raw) == ["Jos de Blok"]


def test_allow_list_needs_every_word_of_a_name():
    allow = AllowList(["Hoppe", "Right to Challenge"])
    text = "mevrouw Hoppe en Hoppe en right to challenge"
    covered = allow.covered(text)
    assert AllowList.keeps(text, text.index("Hoppe"), text.index("Hoppe") + 5, covered)
    assert not AllowList.keeps(text, 0, text.index("Hoppe") + 5, covered)  # "mevrouw" is not allowed
    start = text.index("right")
    assert AllowList.keeps(text, start, len(text), covered)


def test_redaction_is_idempotent(redactor):
    for text in (
        "Mevrouw Jansen belt op 06-12345678 over Hoppe",
        "Jan de Vries, Kerkstraat 12, bsn 123456782",
        "Cliënt (geb. 01-02-1990) woont aan de Amsterdamsestraatweg 200 bis",
    ):
        once = redactor.redact(text).text
        assert redactor.redact(once).text == once
        assert not redactor.redact(once)


# --- slash commands ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '/inform{"x":"y"}',
        "/greet",
        '/inform{"problem_description": "Jan de Vries 06-12345678"}',
        "/affirm@0.9",
        "/EXTERNAL_reminder",
    ],
)
def test_slash_commands_pass_unchanged(redactor, text):
    result = redactor.redact(text)
    assert result.text == text and not result


def test_a_slash_in_front_of_free_text_is_no_command(redactor):
    assert redacted(redactor, "/ mijn naam is Jan Jansen") == "/ mijn naam is [NAAM]"


# --- robustness ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        " ",
        "\n\t",
        "\x00",
        "\ud800",
        "😀" * 50,
        "<script>alert('Jan de Vries')</script>",
        "[NAAM]",
        "a" * 5000,
        "Jan " * 2000,
        "0" * 3000,
        "€" * 100,
        "\u202e06-12345678",
        "ǅan",
        "İstanbul",
    ],
)
def test_odd_input_never_raises(redactor, text):
    result = redactor.redact(text)
    assert isinstance(result.text, str) and result.categories <= CATEGORIES


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_never_raises(redactor, text):
    result = redactor.redact(text)
    assert isinstance(result.text, str)
    assert result.categories <= CATEGORIES
    if not result:
        assert result.text == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "Jan",
                "de",
                "Vries",
                "06-12345678",
                "Kerkstraat",
                "12",
                "geboren",
                "12-03-1985",
                "NL91",
                "ABNA",
                "0417",
                "1643",
                "00",
                "123456782",
                ",",
                ".",
                "gemeente",
                "Utrecht",
                "mevrouw",
                "Hoppe",
                "@",
                "x@y.nl",
                "(",
                ")",
            ]
        ),
        max_size=40,
    )
)
def test_word_salad_never_raises(redactor, words):
    result = redactor.redact(" ".join(words))
    assert result.categories <= CATEGORIES


def test_long_text_is_redacted_to_the_end_quickly(redactor):
    unit = "In onze wijk zijn bewoners het oneens over de komst van een opvang. Mevrouw Jansen belde op 06-12345678. "
    text = unit * (100_000 // len(unit))
    started = time.perf_counter()
    result = redactor.redact(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 30, elapsed
    tail = result.text[-300:]
    assert "Jansen" not in tail and "06-12345678" not in tail
    assert "[TELEFOONNUMMER]" in tail and "[NAAM]" in tail
    assert "Jansen" not in result.text and "12345678" not in result.text


def test_beyond_the_deduce_budget_names_are_removed_the_crude_way(redactor):
    filler = "De bewoners en de professionals zijn het niet eens over de aanpak. " * (MAX_DEDUCE_CHARS // 60 + 5)
    result = redactor.redact(filler + "Het gaat om Sanne Vermeulen uit Overvecht. Volgens Hoppe is dat lastig.")
    assert "Sanne" not in result.text and "Vermeulen" not in result.text
    assert "Hoppe" in result.text  # the knowledge base still counts


@pytest.mark.parametrize(
    "junk", ["Jan " * 25_000, "de Vries " * 10_000, "a@" * 50_000, "J. " * 30_000, "NL91 " * 20_000, "1-1-" * 25_000]
)
def test_pathological_input_stays_cheap(redactor, junk):
    started = time.perf_counter()
    result = redactor.redact(junk)
    assert time.perf_counter() - started < 30
    assert "Jan" not in result.text and "Vries" not in result.text


def test_chunks_cover_the_text_exactly():
    text = ("Een zin. " * 150) + ("woord " * 400) + "x" * 2500
    pieces = _chunks(text)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 1000 for _, piece in pieces)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)


def test_concurrent_use_gives_the_same_results(redactor):
    texts = [f"Mevrouw Jansen {i} belt op 06-1234567{i % 10}, bsn 123456782, Kerkstraat {i}" for i in range(60)]
    expected = [redactor.redact(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(redactor.redact, texts))
    assert results == expected


# --- no text in logs or errors --------------------------------------------------------

SECRET = "Zwanenburgh-Oostindiër"


def test_third_party_loggers_are_silenced(redactor):
    for name in ("deduce", "docdeid"):
        assert logging.getLogger(name).level >= logging.WARNING


def test_redacting_logs_no_text(redactor, caplog):
    caplog.set_level(logging.DEBUG)
    redactor.redact(f"Mevrouw {SECRET} belt op 06-12345678")
    for record in caplog.records:
        assert SECRET not in record.getMessage() and "12345678" not in record.getMessage()


class _BrokenModel:
    """A deduce stand-in that fails with the text in its error (failure injection)."""

    processors: list = []

    def deidentify(self, text, **kwargs):
        raise ValueError(f"cannot handle {text!r}")


def test_a_failing_deduce_neither_raises_nor_leaks(caplog):
    caplog.set_level(logging.DEBUG)
    broken = Redactor(model=_BrokenModel(), allow_list=AllowList(["Hoppe"]))
    result = broken.redact(f"Mevrouw {SECRET} belt op 06-12345678 over het boek van Hoppe")
    # Fail closed: capitalised words become [NAAM], knowledge-base words stay.
    assert result.text == "[NAAM] belt op [TELEFOONNUMMER] over het boek van Hoppe"
    assert result.categories == {"naam", "telefoonnummer"}
    assert any(record.levelno >= logging.ERROR for record in caplog.records)
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in str(record.exc_info or "")


def test_deduce_that_cannot_load_neither_raises_nor_keeps_names(monkeypatch, caplog):
    def no_memory(**kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(engine, "load_model", no_memory)
    caplog.set_level(logging.DEBUG)
    unloadable = Redactor(allow_list=AllowList(["Participatiewet"]))
    result = unloadable.redact(f"Mevrouw {SECRET} belt op 06-12345678 over de Participatiewet")
    assert result.text == "[NAAM] belt op [TELEFOONNUMMER] over de Participatiewet"
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    with pytest.raises(MemoryError):
        unloadable.warm_up()  # at start-up, a failure to load is loud


def test_crude_rule_takes_runs_of_capitalised_words():
    from bot.privacy import _capitalised_run, _crude_names, _LazyCoverage

    text = "Gisteren belde Jan van der Berg over Hoppe en de Participatiewet in Utrecht."
    covered = _LazyCoverage(AllowList(["Hoppe", "Participatiewet"]), text)
    found = [text[s.start : s.end] for s in _crude_names(text, 0, len(text), covered)]
    assert found == ["Gisteren", "Jan van der Berg", "Utrecht"]
    assert _capitalised_run("Jan Jan de Jan Jan en Piet") == 4
    assert _capitalised_run("geen hoofdletters hier") == 0


# --- the deduce model and its cache ---------------------------------------------------


def test_cache_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TAAI_CACHE_DIR", str(tmp_path / "mine"))
    assert engine.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("TAAI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert engine.cache_dir() == tmp_path / "xdg" / "taai"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert engine.cache_dir() == Path.home() / ".cache" / "taai"


def test_cache_key_carries_the_versions():
    key = engine.cache_key()
    assert "deduce-2.5.0" in key and "docdeid-0.1.10" in key and "py3." in key
    assert engine.cache_file(Path("/x")).name.startswith("deduce-lookup_")


def test_cache_round_trip_gives_the_same_redactions(redactor, tmp_path):
    payload = engine.snapshot(redactor._model)
    path = engine.cache_file(tmp_path / "cache")
    assert engine.write_cache(path, payload)
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    # Only the word lists read at run time are kept; the huge ones live in the tries.
    loaded = engine.read_cache(path)
    assert loaded["lookup_sets"]["streets"][1] == set()
    assert loaded["lookup_sets"]["whitelist"][1]
    model = engine.model_from_snapshot(loaded)
    again = Redactor(model=model, allow_list=redactor.allow_list)
    corpus = POLICY_SENTENCES + [
        "Mevrouw Jansen woont op de Kerkstraat 12 in Utrecht, 3512 AB",
        "J. P. K. de Vries-van Dam en Ahmed Yilmaz van het Sint Antonius Ziekenhuis",
        "De heer Van den Berg, wonend op Laan van Meerdervoort 12, Den Haag",
        "Contact: Jeroen de Wit, Postbus 123, 3500 AA Utrecht",
    ]
    for text in corpus:
        assert again.redact(text) == redactor.redact(text), text


def test_trie_only_sets_are_the_big_lists(redactor):
    trie_only = engine._trie_only_sets(redactor._model._initialize_config())
    assert {"streets", "healthcare_institutions", "placenames", "first_names", "surnames"} <= trie_only
    assert not {"whitelist", "prefixes", "interfixes", "interfix_surnames"} & trie_only


def test_unreadable_or_foreign_cache_is_ignored(tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    path = engine.cache_file(directory)
    path.write_bytes(marshal.dumps({"key": engine.cache_key()})[:5])  # truncated
    path.chmod(0o600)
    assert engine.read_cache(path) is None
    path.write_bytes(b"not marshal at all")
    assert engine.read_cache(path) is None
    path.write_bytes(marshal.dumps({"key": engine.cache_key()}))
    path.chmod(0o666)  # others could have written it
    assert engine.read_cache(path) is None
    assert engine.read_cache(directory / "missing.marshal") is None


def test_a_cache_of_another_version_is_not_used():
    with pytest.raises(engine.CacheUnusable):
        engine.model_from_snapshot({"key": "deduce-0.0.1", "lookup_sets": {}, "tries": {}})


def test_compact_trie_answers_like_docdeids_trie(redactor):
    import deduce.lookup_sets as lookup_sets
    import docdeid as dd
    from docdeid.str import LowercaseString

    tokenizer = redactor._model.tokenizers["default"]

    lines = (
        Path(lookup_sets.data_path, "locations", "streets", "streets_long.txt").read_text(encoding="utf-8").splitlines()
    )
    sample = random.Random(7).sample(lines, 4000) + ["Laan van Meerdervoort", "Dam", "Van Goghstraat"]
    for pipeline in (None, [LowercaseString()]):
        original = dd.ds.LookupTrie(matching_pipeline=pipeline)
        for value in sample:
            original.add_item([token.text for token in tokenizer.tokenize(value)])
        compact = engine.CompactTrie.from_lookup_trie(original)
        assert len(compact) == len(set(engine._keys_of(original)))
        probes = []
        for value in sample[:1500]:
            tokens = [token.text for token in tokenizer.tokenize(value)]
            probes += [
                tokens,
                tokens[:-1],
                tokens + ["12", "a"],
                [t.upper() for t in tokens],
                tokens[1:],
                ["in", "de"] + tokens,
            ]
        probes += [
            [],
            ["Kerkstraat"],
            ["Laan", "van"],
            ["laan", "van", "meerdervoort", "3"],
            ["D"],
            ["Da"],
            ["Dam", "Dam"],
            ["a\x00b"],
            ["Van\x00Goghstraat"],
            ["Van", "Gogh\x00"],
        ]
        for probe in probes:
            assert compact.longest_matching_prefix(probe) == original.longest_matching_prefix(probe), probe


def test_bounded_context_rules_match_deduce_on_real_text(redactor):
    from deduce.annotator import ContextAnnotator

    corpus = POLICY_SENTENCES + [
        "J. P. K. de Vries-van Dam belde",
        "Mevr. A.B. van der Heijden-Jansen",
        "dhr. P. Bakker",
        "Kerkstraat 12 a",
        "Burgemeester de Withstraat 5 III",
        "Jan Pieter van den Berg en Fatima el Amrani",
    ]
    bounded = [
        sorted(
            (a.start_char, a.end_char, a.tag) for a in redactor._model.deidentify(t, disabled={"redactor"}).annotations
        )
        for t in corpus
    ]
    patched = []

    def walk(group):
        for _, processor in group:
            if hasattr(processor, "_processors"):
                walk(processor)
            elif isinstance(processor, ContextAnnotator) and "_annotate" in vars(processor):
                patched.append((processor, vars(processor).pop("_annotate")))

    with redactor._run_lock:
        walk(redactor._model.processors)
        try:
            assert patched
            unbounded = [
                sorted(
                    (a.start_char, a.end_char, a.tag)
                    for a in redactor._model.deidentify(t, disabled={"redactor"}).annotations
                )
                for t in corpus
            ]
        finally:
            for processor, method in patched:
                processor._annotate = method
    assert bounded == unbounded


# --- cost ----------------------------------------------------------------------------

CLIENT_TEMPLATES = [
    "Mijn cliënt {name} ({phone}) loopt vast in de schuldhulp, kun je helpen?",
    "{name} woont op de {street} en heeft een huurachterstand bij de corporatie.",
    "Het gaat om {name}, geboren {date}, bsn {bsn}. Zij krijgt geen toeslag.",
    "Kun je {name} mailen op {email}? Het gaat over de bijstand in {city}.",
    "In {city} zijn bewoners het oneens over de komst van een opvang in de wijk.",
    "We willen met ervaringsdeskundigen in {city} experimenteren met de Participatiewet.",
]
NAMES = ["Jan de Vries", "mevrouw Jansen", "Fatima el Amrani", "dhr. P. Bakker", "Sanne Vermeulen", "Ahmed Yilmaz"]
CITIES = ["Utrecht", "Rotterdam", "Ede", "Groningen", "Tilburg", "Zwolle"]


def _realistic_messages(count: int) -> list[str]:
    rng = random.Random(42)
    messages = list(POLICY_SENTENCES)
    while len(messages) < count:
        messages.append(
            rng.choice(CLIENT_TEMPLATES).format(
                name=rng.choice(NAMES),
                phone=f"06-{rng.randrange(10**7, 10**8)}",
                street=f"Kerkstraat {rng.randrange(1, 300)}",
                date=f"{rng.randrange(1, 29):02d}-{rng.randrange(1, 13):02d}-{rng.randrange(1940, 2010)}",
                bsn="123456782",
                email="iemand@voorbeeld.nl",
                city=rng.choice(CITIES),
            )
        )
    return messages


def test_a_few_milliseconds_per_message(redactor):
    messages = _realistic_messages(300)
    timings = []
    for message in messages:
        started = time.perf_counter()
        redactor.redact(message)
        timings.append(time.perf_counter() - started)
    p50 = statistics.median(timings) * 1000
    # About 1-3 ms on an idle development machine; the bound leaves room for a busy one.
    assert p50 < 25, f"p50 {p50:.1f} ms"
