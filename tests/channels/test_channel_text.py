"""bot/rasa_ext/channels/text.py: splitting within channel limits, Markdown per channel,
numbered options."""

from __future__ import annotations

import re

import pytest

from bot.core.knowledge import default_knowledge
from bot.core.render import md_escape
from bot.rasa_ext.channels.text import (
    CHOOSE_BY_NUMBER,
    chosen_payload,
    fit,
    split_text,
    text_length,
    to_plain,
    to_slack_mrkdwn,
    to_teams_markdown,
    to_telegram_html,
    to_whatsapp,
    with_numbered_options,
)

BUTTONS = [
    {"title": "Vraagstuk typeren", "payload": "/start_diagnosis"},
    {"title": "Ruimte om te experimenteren", "payload": "/ask_experiment"},
    {"title": "Uitleg over de typologie", "payload": '/ask_concept{"concept":"probleemtypologie"}'},
]


@pytest.fixture(scope="module")
def plan_markdown() -> str:
    """A real plan as Taai renders it, with markup in the user's own words."""
    from bot.conversation.plan import hand_over_plan
    from bot.conversation.state import ConversationState

    state = ConversationState(
        problem_description="Wat doen we met de *bijstand* <b>x</b> & [link](https://x.nl)?",
        value_consensus="disagree",
        knowledge_certainty="uncertain",
    )
    reply = hand_over_plan(default_knowledge(), state)
    text = reply.messages[-1].text
    assert "# Experimentplan" in text  # description and both axes are all a plan needs
    return text


def test_text_length_counts_utf16_units_as_telegram_does():
    assert text_length("abc") == 3
    assert text_length("é") == 1
    assert text_length("😀") == 2


@pytest.mark.parametrize("limit", [1600, 3000, 4000, 4096])
def test_the_plan_is_split_within_each_limit_without_losing_text(plan_markdown, limit):
    parts = split_text(plan_markdown, limit)
    assert len(parts) > 1
    assert all(0 < text_length(part) <= limit for part in parts)
    assert " ".join(parts).split() == plan_markdown.split()  # every word, in order


def test_paragraphs_are_packed_not_sent_one_by_one():
    text = "Eerste alinea.\n\nTweede alinea.\n\nDerde alinea."
    assert split_text(text, 100) == [text]
    assert split_text(text, 32) == ["Eerste alinea.\n\nTweede alinea.", "Derde alinea."]


def test_a_long_paragraph_is_cut_between_words_and_a_long_word_inside():
    words = " ".join(["woord"] * 50)
    assert all(len(part) <= 40 and not part.startswith(" ") for part in split_text(words, 40))
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert all(text_length(part) <= 3 for part in split_text("😀" * 5, 3))  # never half an emoji


def test_rendered_parts_fit_even_when_rendering_makes_them_longer():
    text = "& " * 900  # every & becomes &amp; in Slack and Telegram
    for render in (to_slack_mrkdwn, to_telegram_html):
        parts = fit(text, 1000, render)
        assert all(text_length(part) <= 1000 for part in parts)


def test_telegram_html_has_only_balanced_safe_tags(plan_markdown):
    html = to_telegram_html(plan_markdown)
    assert "<b>Experimentplan</b>" in html
    assert "**" not in html and "\n## " not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&amp;" in html  # the user's markup is text
    assert "*bijstand*" in html  # escaped stars stay stars
    tags = re.findall(r"</?([a-z]+)[^>]*>", html)
    assert set(tags) <= {"b", "i", "a"}
    for line in html.splitlines():
        for tag in ("b", "i", "a"):
            assert len(re.findall(rf"<{tag}[ >]", line)) == line.count(f"</{tag}>"), line


def test_markdown_becomes_each_channels_dialect():
    markdown = "## Kop\n**Vet** en *schuin*, [bron](https://wetten.overheid.nl/x)\n- punt"
    assert to_telegram_html(markdown) == (
        '<b>Kop</b>\n<b>Vet</b> en <i>schuin</i>, <a href="https://wetten.overheid.nl/x">bron</a>\n• punt'
    )
    assert to_slack_mrkdwn(markdown) == "*Kop*\n*Vet* en _schuin_, <https://wetten.overheid.nl/x|bron>\n• punt"
    assert to_whatsapp(markdown) == "*Kop*\n*Vet* en _schuin_, bron (https://wetten.overheid.nl/x)\n• punt"
    assert to_plain(markdown) == "Kop\nVet en schuin, bron (https://wetten.overheid.nl/x)\n• punt"
    assert to_teams_markdown(markdown).startswith("**Kop**\n**Vet**")


def test_user_text_never_becomes_markup():
    user = md_escape("*niet vet* <script> & _niet schuin_")
    assert to_telegram_html(user) == "*niet vet* &lt;script&gt; &amp; _niet schuin_"
    assert to_slack_mrkdwn(user) == "*niet vet* &lt;script&gt; &amp; _niet schuin_"
    assert to_plain(user) == "*niet vet* <script> & _niet schuin_"


def test_snake_case_ids_and_lone_stars_stay_as_they_are():
    assert to_telegram_html("participatiewet_art83 en 2 * 3") == "participatiewet_art83 en 2 * 3"


def test_options_become_a_numbered_list_with_an_instruction():
    text = with_numbered_options("Kies:", [b["title"] for b in BUTTONS])
    assert text == (
        "Kies:\n\n1. Vraagstuk typeren\n2. Ruimte om te experimenteren\n"
        f"3. Uitleg over de typologie\n{CHOOSE_BY_NUMBER}"
    )


@pytest.mark.parametrize(
    "answer, payload",
    [
        ("1", "/start_diagnosis"),
        (" 2 ", "/ask_experiment"),
        ("3.", '/ask_concept{"concept":"probleemtypologie"}'),
        ("2)", "/ask_experiment"),
        ("vraagstuk  TYPEREN", "/start_diagnosis"),
        ("4", None),
        ("0", None),
        ("1 jaar geleden", None),
        ("ja", None),
        ("", None),
    ],
)
def test_an_answer_picks_an_option_by_number_or_title(answer, payload):
    assert chosen_payload(answer, BUTTONS) == payload


def test_without_options_a_number_is_an_ordinary_message():
    assert chosen_payload("1", []) is None
