"""What Taai says in its own words: the message catalogue in knowledge/messages.yml.

Sentences that are not facts (questions, confirmations, feedback, button labels, the
notices about personal data and outages) live in one file, keyed by English ids such
as `diagnosis.not_understood`, so an editor can change the wording without reading
code. Placeholders are plain `str.format` names (`{type_name}`).

A wrong key or a missing or extra value fails loudly instead of showing a user an
empty hole; tests/unit/test_messages.py checks every key the code uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import Formatter
from typing import Any, Mapping

PLACEHOLDER = re.compile(r"^[a-z][a-z0-9_]*$")


class MessageError(LookupError):
    """A message key that is not in the catalogue, or values that do not fit its placeholders."""


def placeholders(template: str) -> frozenset[str]:
    """The placeholder names of a template: "Helder: er is {pole}." -> {"pole"}."""
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name is not None)


def template_problem(template: str) -> str | None:
    """Why a template cannot be used, or None: only named placeholders, no format specs."""
    try:
        parts = list(Formatter().parse(template))
    except ValueError as error:  # a lone "{" or "}"
        return f"{error}; write a literal brace as {{{{ or }}}}"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not PLACEHOLDER.match(name) or spec or conversion:
            return f"placeholder {{{name}}} must be a plain lower-case name such as {{type_name}}"
    return None


@dataclass(eq=False)
class Messages:
    """The catalogue: "group.name" -> template."""

    texts: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_groups(cls, groups: Mapping[str, Mapping[str, str]]) -> "Messages":
        """From the file's shape (group -> name -> text) to flat keys ("group.name")."""
        return cls({f"{group}.{name}": text for group, entries in groups.items() for name, text in entries.items()})

    def __len__(self) -> int:
        return len(self.texts)

    def __contains__(self, key: object) -> bool:
        return key in self.texts

    def message(self, key: str, **values: Any) -> str:
        """The text for `key` with its placeholders filled; every placeholder needs a value."""
        try:
            template = self.texts[key]
        except KeyError:
            raise MessageError(f"no message '{key}' in knowledge/messages.yml") from None
        expected = placeholders(template)
        missing, extra = expected - values.keys(), values.keys() - expected
        if missing or extra:
            raise MessageError(
                f"message '{key}' has placeholders {sorted(expected)}; "
                f"missing {sorted(missing)}, not in the text {sorted(extra)}"
            )
        return template.format(**values)
