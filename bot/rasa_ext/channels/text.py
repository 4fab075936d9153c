"""Shape Taai's replies for messaging channels: split long text, convert Markdown.

Plain Python (no Rasa import), so it is tested on its own. Taai writes its replies in
Markdown (bot/core/templates/*.md.j2); user text inside them is escaped with a backslash
(bot.core.render.md_escape). Each channel understands a different dialect, and each has a
size limit per message:

| channel    | dialect                      | limit used here                 |
|------------|------------------------------|---------------------------------|
| Telegram   | HTML subset (parse_mode)     | 4096 characters (API maximum)   |
| Slack      | mrkdwn                       | 3000 (maximum of a text block)  |
| Mattermost | Markdown                     | 4000 (server maximum is 16383)  |
| Teams      | Markdown without headings    | 4000 (activity maximum ≈ 28 KB) |
| WhatsApp   | *bold* _italic_              | 1600 (Twilio maximum)           |

Limits are counted in UTF-16 code units: that is how Telegram counts, and it is never
less than the number of characters, so it is safe for the others too.
"""

from __future__ import annotations

import html
import re
from typing import Callable, Iterable, Optional, Sequence

# --- length and splitting -----------------------------------------------------------


def text_length(text: str) -> int:
    """Length in UTF-16 code units: an emoji counts as two, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Cut text into parts of at most `limit`, at the largest boundary that fits.

    Paragraphs stay together where they fit; a paragraph that does not fit is cut at
    line ends, then between words, and only a single word longer than the limit is cut
    inside. Rasa's channels send every paragraph as its own message instead, which
    turns the plan into some twenty messages and still fails on one long paragraph.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if not text:
        return []
    return [part for part in _pack(text, limit, 0) if part.strip()]


_SEPARATORS = ("\n\n", "\n", " ")


def _pack(text: str, limit: int, level: int) -> list[str]:
    if text_length(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit)
    separator = _SEPARATORS[level]
    parts: list[str] = []
    current = ""
    for piece in text.split(separator):
        if text_length(piece) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.extend(_pack(piece, limit, level + 1))
            continue
        candidate = f"{current}{separator}{piece}" if current else piece
        if text_length(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return [part.strip() for part in parts]


def _hard_cut(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = text_length(char)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return parts


def fit(text: str, limit: int, render: Callable[[str], str] = lambda part: part) -> list[str]:
    """Split Markdown into parts whose rendered form fits the limit.

    Splitting happens on the Markdown, before rendering, so that a cut never falls
    inside an HTML tag or a Slack link. Rendering can make a part longer (`&` becomes
    `&amp;`); such a part is split again with a smaller budget.
    """
    return _fit(text, limit, render, limit)


def _fit(text: str, limit: int, render: Callable[[str], str], budget: int) -> list[str]:
    rendered_parts: list[str] = []
    for part in split_text(text, budget):
        rendered = render(part)
        if text_length(rendered) <= limit or budget <= 16:
            rendered_parts.append(rendered)
        else:
            rendered_parts.extend(_fit(part, limit, render, budget * 3 // 4))
    return rendered_parts


# --- Markdown dialects ----------------------------------------------------------------

# bot.core.render.md_escape puts a backslash before these characters in user text.
_ESCAPED = re.compile(r"\\([\\`*_\[\]<>#|])")
_PROTECT_BASE = 0xE000  # Unicode private use area: never in Taai's text
_PROTECTED = re.compile("[\ue000-\ue07f]")

_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.M)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC_STAR = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?!\w)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s\"<>]+)\)")
# Markers for bold while italics are converted; private use area as well.
_B_OPEN, _B_CLOSE = "\ue100", "\ue101"


def _unbold(text: str) -> str:
    return _BOLD.sub(r"\1", text)


def _protect(text: str) -> str:
    """Hide backslash-escaped characters, so that user text never becomes markup."""
    return _ESCAPED.sub(lambda m: chr(_PROTECT_BASE + ord(m.group(1))), text)


def _restore(text: str, escape: Callable[[str], str] = lambda char: char) -> str:
    return _PROTECTED.sub(lambda m: escape(chr(ord(m.group(0)) - _PROTECT_BASE)), text)


def _bullets(text: str) -> str:
    return _BULLET.sub(lambda m: f"{m.group(1)}• ", text)


def to_plain(text: str) -> str:
    """Markdown without markup, for places that show text as it is."""
    text = _protect(text)
    text = _HEADING.sub(r"\1", text)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC_STAR.sub(r"\1", text)
    text = _ITALIC_UNDERSCORE.sub(r"\1", text)
    return _restore(_bullets(text))


def to_telegram_html(text: str) -> str:
    """Markdown to the HTML subset Telegram accepts with parse_mode=HTML.

    Everything that is not markup is escaped (&, <, >), so user text cannot inject
    tags; only <b>, <i> and <a href> are produced, always balanced on one line.
    """
    text = html.escape(_protect(text), quote=False)
    text = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', text)
    text = _HEADING.sub(lambda m: f"<b>{_unbold(m.group(1))}</b>", text)
    text = _BOLD.sub(r"<b>\1</b>", text)
    text = _ITALIC_STAR.sub(r"<i>\1</i>", text)
    text = _ITALIC_UNDERSCORE.sub(r"<i>\1</i>", text)
    return _restore(_bullets(text), lambda char: html.escape(char, quote=False))


def to_slack_mrkdwn(text: str) -> str:
    """Markdown to Slack's mrkdwn: *bold*, _italic_, <url|text>; &, <, > escaped."""
    text = _protect(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    text = _HEADING.sub(lambda m: f"{_B_OPEN}{_unbold(m.group(1))}{_B_CLOSE}", text)
    text = _BOLD.sub(rf"{_B_OPEN}\1{_B_CLOSE}", text)
    text = _ITALIC_STAR.sub(r"_\1_", text)
    text = text.replace(_B_OPEN, "*").replace(_B_CLOSE, "*")
    slack_escapes = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    return _restore(_bullets(text), lambda char: slack_escapes.get(char, char))


def to_whatsapp(text: str) -> str:
    """Markdown to WhatsApp's formatting: *bold*, _italic_; links as 'text (url)'."""
    text = _protect(text)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _HEADING.sub(lambda m: f"{_B_OPEN}{_unbold(m.group(1))}{_B_CLOSE}", text)
    text = _BOLD.sub(rf"{_B_OPEN}\1{_B_CLOSE}", text)
    text = _ITALIC_STAR.sub(r"_\1_", text)
    text = text.replace(_B_OPEN, "*").replace(_B_CLOSE, "*")
    return _restore(_bullets(text))


def to_teams_markdown(text: str) -> str:
    """Teams renders Markdown in messages, but not headings: make them bold."""
    return _HEADING.sub(lambda m: f"**{_unbold(m.group(1))}**", text)


# --- buttons as text ------------------------------------------------------------------

CHOOSE_BY_NUMBER = "Stuur het nummer van je keuze, of typ zelf je antwoord."


def with_numbered_options(text: str, titles: Sequence[str]) -> str:
    """Text followed by the options as a numbered list, for channels without buttons."""
    options = "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))
    return f"{text.strip()}\n\n{options}\n{CHOOSE_BY_NUMBER}"


_NUMBER_ANSWER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def chosen_payload(answer: str, buttons: Iterable[dict]) -> Optional[str]:
    """The payload of the option a user picked by number ("2") or by its exact title.

    None when the answer is neither: then it is an ordinary message.
    """
    options = [b for b in buttons if isinstance(b, dict) and b.get("payload")]
    if not options or not answer:
        return None
    number = _NUMBER_ANSWER.match(answer)
    if number:
        index = int(number.group(1)) - 1
        return options[index]["payload"] if 0 <= index < len(options) else None
    wanted = " ".join(answer.split()).casefold()
    for option in options:
        if " ".join(str(option.get("title", "")).split()).casefold() == wanted:
            return option["payload"]
    return None
