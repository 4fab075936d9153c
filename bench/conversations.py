"""The conversations the simulated users hold.

Each turn is (message, marker): the marker is a piece of text the reply should contain
when the conversation follows its intended path. Markers are checked strictly in the
verification conversation before any load; under load a missing marker is only
counted as "off script" (it is no error by the bench's definition, but it shows when
load changes what the bot answers).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[tuple[str, str], ...]
    # Slots the tracker must hold after the verification conversation (None: any
    # non-empty value). Only checked when the API token is known.
    final_slots: tuple[tuple[str, str | None], ...] = ()

    @property
    def messages(self) -> list[str]:
        return [message for message, _ in self.turns]


# The "unstructured" conversation of tests/e2e/test_conversations.py, walked from a
# greeting to the plan. The description already names the policy domain, so the
# routes form asks only for the initiator and the rule in the way.
TAAI = Script(
    name="taai-unstructured",
    turns=(
        ("hoi", "Taai"),
        (
            "Wat doen we met de bijstand: mensen vertrouwen geven of juist strenger controleren?",
            "Zijn de betrokken partijen het eens",
        ),
        ("niet echt", "Is er zekerheid"),
        ("nee, dat weten we niet", "Ongestructureerd"),
        ("wie moet ik betrekken?", "Betrek"),
        ("waarom?", ""),
        ("mogen we experimenteren?", "initiatief"),
        ("de gemeente", "Welke regel"),
        ("de regels over de sollicitatieplicht", "Participatiewet"),
        ("maak het plan", "Experimentplan"),
    ),
    final_slots=(
        ("value_consensus", "disagree"),
        ("knowledge_certainty", "uncertain"),
        ("problem_type", "unstructured"),
        ("legal_routes", None),
    ),
)

# Rasa's `rasa init` example, following its data/stories.yml: "sad path 1" (greet,
# mood_unhappy, affirm), then "happy path" (greet, mood_great), then the goodbye rule.
REFERENCE = Script(
    name="reference-moodbot",
    turns=(
        ("hello", "How are you"),
        ("I am sad", "Did that help"),
        ("yes", "carry on"),
        ("good morning", "How are you"),
        ("I am feeling very good", "carry on"),
        ("bye", "Bye"),
    ),
)


def reply_text(replies: list) -> str:
    """All text of a REST reply (text, image URLs, button titles), for marker checks."""
    parts = []
    for reply in replies:
        if isinstance(reply, dict):
            parts.append(str(reply.get("text") or ""))
            parts.append(str(reply.get("image") or ""))
            parts.extend(str(b.get("title") or "") for b in reply.get("buttons") or [] if isinstance(b, dict))
    return "\n".join(parts)
