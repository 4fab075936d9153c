"""The explicit command to forget a conversation (AVG: the right to erasure).

`is_forget_request` recognises the plain commands ("vergeet dit gesprek", "wis dit
gesprek", "verwijder mijn gegevens", ...) without the language model, so that they
always work, also in the middle of a form: the server turns such a message into the
intent `/forget_conversation` before NLU. Freer phrasings ("ik wil niet dat jullie
dit bewaren", "hoe lang bewaren jullie dit?") are left to NLU as `ask_forget`
(data/nlu/forget.yml): deleting cannot be undone, so Taai then asks first, with a
button that sends `/forget_conversation`.

The whole message must be the command, apart from politeness words ("alsjeblieft",
"graag", "nu"), case, punctuation and spaces: "ik vergeet steeds dingen" or
"vergeet dit gesprek niet" are not commands.

Plain Python, no Rasa import.
"""

from __future__ import annotations

import re

from bot.core.text import fold

FORGET_INTENT = "forget_conversation"
ASK_FORGET_INTENT = "ask_forget"  # said in other words: ask before deleting

# Politeness and filler words that may surround the command.
_FILLERS = {
    "alsjeblieft",
    "alsjeblief",
    "alstublieft",
    "aub",
    "svp",
    "graag",
    "please",
    "pls",
    "nu",
    "maar",
    "even",
    "ff",
    "meteen",
    "direct",
    "dan",
    "oke",
    "ok",
    "okay",
    "hoi",
    "hallo",
}
_IMPERATIVES = {"vergeet", "wis", "verwijder"}
_INFINITIVES = {"vergeten", "wissen", "verwijderen"}
_MODAL_OPENINGS = {
    ("kun", "je"),
    ("kun", "jij"),
    ("kunt", "u"),
    ("kan", "je"),
    ("kan", "jij"),
    ("wil", "je"),
    ("wil", "jij"),
    ("wilt", "u"),
}
# What may be forgotten: the conversation or "my data".
_OBJECTS = {
    ("dit", "gesprek"),
    ("mijn", "gesprek"),
    ("ons", "gesprek"),
    ("het", "gesprek"),
    ("dit", "hele", "gesprek"),
    ("het", "hele", "gesprek"),
    ("dit", "chatgesprek"),
    ("deze", "chat"),
    ("mijn", "chat"),
    ("de", "chat"),
    ("mijn", "gegevens"),
    ("al", "mijn", "gegevens"),
    ("mijn", "data"),
    ("dit", "gesprek", "en", "mijn", "gegevens"),
}


def _words(text: str) -> list[str]:
    # Accents off (é -> e), lower case, everything that is not a letter or digit is a space.
    plain = fold(text or "").replace("a.u.b", "aub").replace("s.v.p", "svp")
    return re.sub(r"[^0-9a-z]+", " ", plain).split()


def _without_fillers(words: list[str]) -> list[str]:
    return [w for w in words if w not in _FILLERS]


def is_forget_request(text: str) -> bool:
    """True when the whole message is an explicit command to forget this conversation."""
    if not isinstance(text, str) or len(text) > 200:
        return False
    words = _without_fillers(_words(text))
    if len(words) < 2:
        return False
    # "vergeet dit gesprek", "wis mijn gegevens"
    if words[0] in _IMPERATIVES and tuple(words[1:]) in _OBJECTS:
        return True
    # "dit gesprek wissen", "mijn gegevens verwijderen"
    if words[-1] in _INFINITIVES and tuple(words[:-1]) in _OBJECTS:
        return True
    # "kun je dit gesprek vergeten", "wilt u mijn gegevens verwijderen"
    if (
        len(words) > 3
        and tuple(words[:2]) in _MODAL_OPENINGS
        and words[-1] in _INFINITIVES
        and tuple(words[2:-1]) in _OBJECTS
    ):
        return True
    return False


def gate_forget_intent(text: str, intent: str | None) -> str | None:
    """The intent to act on after NLU: deleting only on the command itself.

    NLU sometimes labels unrelated messages `forget_conversation` ("vergeten", "ik wil
    mijn gegevens inzien"). Only the explicit command (already turned into the payload
    `/forget_conversation` before NLU) or that payload from the button may delete; any
    other message NLU gives this intent becomes `ask_forget`, so Taai asks first.
    """
    if intent != FORGET_INTENT:
        return intent
    stripped = (text or "").strip()
    if stripped.startswith(f"/{FORGET_INTENT}") or is_forget_request(stripped):
        return intent
    return ASK_FORGET_INTENT
