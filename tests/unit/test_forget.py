"""Recognising the explicit command to forget the conversation (bot/conversation/forget.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.conversation.forget import ASK_FORGET_INTENT, FORGET_INTENT, gate_forget_intent, is_forget_request

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    [
        "vergeet dit gesprek",
        "vergeet mijn gesprek",
        "wis dit gesprek",
        "verwijder dit gesprek",
        "verwijder mijn gegevens",
        "Vergeet dit gesprek!",
        "VERGEET DIT GESPREK",
        "  vergeet   dit\tgesprek  ",
        "vergeet dit gesprek, alsjeblieft",
        "alsjeblieft vergeet dit gesprek.",
        "Wis dit gesprek graag",
        "graag dit gesprek wissen",
        "verwijder mijn gegevens a.u.b.",
        "Verwijder mijn gegevens aub!!",
        "vergeet dit gesprek alstublieft",
        "wis nu dit gesprek",
        "verwijder al mijn gegevens",
        "wis het gesprek",
        "vergeet ons gesprek",
        "verwijder dit hele gesprek",
        "mijn gegevens verwijderen",
        "dit gesprek wissen",
        "kun je dit gesprek vergeten?",
        "Wilt u mijn gegevens verwijderen?",
        "vergeet dit gesprek 🙏",
        "vérgeet dit gesprek",
    ],
)
def test_explicit_commands_are_recognised(text):
    assert is_forget_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "ik vergeet steeds dingen",
        "vergeet dit gesprek niet",
        "wis dit gesprek niet",
        "vergeet",
        "wis",
        "gesprek",
        "vergeet alles",  # start over, not a deletion (data/nlu/control.yml)
        "opnieuw beginnen",
        "wis de tabel in je plan",
        "verwijder de tweede stap uit het plan",
        "bewoners vergeten vaak dit gesprek met de gemeente",
        "kun je dit gesprek samenvatten",
        "vergeet dit gesprek en vertel me over de experimentenwet",
        "hoe verwijder ik mijn gegevens bij de gemeente",
        "mijn cliënt wil dat de gemeente haar gegevens verwijdert, hoe zit dat",
        "",
        "   ",
        "!!!",
        "vergeet dit gesprek " * 20,
    ],
)
def test_other_messages_are_not_commands(text):
    assert not is_forget_request(text)


def test_non_text_is_not_a_command():
    assert not is_forget_request(None)  # type: ignore[arg-type]
    assert not is_forget_request(42)  # type: ignore[arg-type]


def _examples(intent: str) -> list[str]:
    examples = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") == intent:
                examples += [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
    return examples


def test_the_intents_are_in_the_domain_and_the_training_data():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {FORGET_INTENT, ASK_FORGET_INTENT} <= set(domain["intents"])
    assert "utter_conversation_forgotten" in domain["responses"]
    assert len(_examples(FORGET_INTENT)) >= 20
    assert len(_examples(ASK_FORGET_INTENT)) >= 20
    # The canonical commands are also NLU examples, so phrasings around them work too.
    assert sum(is_forget_request(example) for example in _examples(FORGET_INTENT)) >= 10
    # A question in other words is never taken as the command by the rule-based check.
    assert not any(is_forget_request(example) for example in _examples(ASK_FORGET_INTENT))


def test_asking_first_offers_the_command_as_a_button():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    (variant,) = domain["responses"]["utter_ask_forget"]
    assert [b["payload"] for b in variant["buttons"]] == [f"/{FORGET_INTENT}"]
    assert "vergeet dit gesprek" in variant["text"]
    assert is_forget_request("vergeet dit gesprek")


@pytest.mark.parametrize(
    "text", ["/forget_conversation", " /forget_conversation ", "vergeet dit gesprek", "Wis dit gesprek, graag!"]
)
def test_the_command_and_the_button_may_delete(text):
    assert gate_forget_intent(text, FORGET_INTENT) == FORGET_INTENT


@pytest.mark.parametrize(
    "text",
    ["vergeten", "ik wil mijn gegevens inzien", "verwijder de laatste zin", "mag dit gesprek verwijderd worden", ""],
)
def test_nlu_guesses_of_the_command_ask_first(text):
    assert gate_forget_intent(text, FORGET_INTENT) == ASK_FORGET_INTENT


def test_other_intents_pass_the_gate_unchanged():
    assert gate_forget_intent("vergeet dit gesprek", "start_over") == "start_over"
    assert gate_forget_intent("hoe lang bewaren jullie dit", ASK_FORGET_INTENT) == ASK_FORGET_INTENT
