"""The message catalogue (knowledge/messages.yml) and the code that uses it.

Every `.message("key", name=...)` call in bot/ and actions/ is found in the source:
its key must be in the catalogue with exactly the placeholders the call fills, and
every key in the catalogue must be used somewhere. One form of address, je/jij/jouw,
in the catalogue and in domain.yml's responses.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.core.knowledge import KnowledgeError, load_knowledge, load_messages
from bot.core.messages import MessageError, Messages, placeholders

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("bot", "actions")
# The accessor itself passes its key on; every other call names its key outright.
DELEGATING = {("bot/core/knowledge.py", "message")}
FORMAL_ADDRESS = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Use:
    where: str
    key: str | None  # None: not a literal
    names: frozenset[str] | None  # None: filled with **values


class _Calls(ast.NodeVisitor):
    """The `.message(...)` calls of one file, with the function each one is in."""

    def __init__(self, relative: str) -> None:
        self.relative, self.function, self.found = relative, None, []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "message" and node.args):
            return  # Rasa's event.message() takes no key
        if (self.relative, self.function) in DELEGATING:
            return
        first = node.args[0]
        key = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        names = None if any(k.arg is None for k in node.keywords) else frozenset(k.arg for k in node.keywords)
        self.found.append(Use(f"{self.relative}:{node.lineno}", key, names))


def _uses() -> list[Use]:
    found = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            calls = _Calls(relative)
            calls.visit(ast.parse(path.read_text(encoding="utf-8"), filename=relative))
            found += calls.found
    return found


USES = _uses()


def test_the_scan_finds_the_calls():
    assert len(USES) > 80
    assert any(use.key == "diagnosis.not_understood" for use in USES)
    assert any(use.key == "service.privacy_notice" and use.where.startswith("bot/conversation/") for use in USES)


def test_every_call_names_its_key_and_its_values():
    dynamic = [use.where for use in USES if use.key is None or use.names is None]
    assert dynamic == [], "name the key as a literal and each placeholder as a keyword, so this test can check it"


def test_every_key_used_in_code_is_in_the_catalogue(kb):
    unknown = [f"{use.where}: {use.key}" for use in USES if use.key is not None and use.key not in kb.messages]
    assert unknown == []


def test_every_key_in_the_catalogue_is_used(kb):
    used = {use.key for use in USES}
    assert sorted(set(kb.messages.texts) - used) == []


def test_each_call_fills_exactly_the_placeholders_of_its_message(kb):
    wrong = []
    for use in USES:
        if use.key in kb.messages and use.names is not None:
            expected = placeholders(kb.messages.texts[use.key])
            if use.names != expected:
                wrong.append(f"{use.where}: {use.key} fills {sorted(use.names)}, the text has {sorted(expected)}")
    assert wrong == []


# --- the accessor fails loudly ----------------------------------------------------------------


def test_the_accessor_fills_placeholders(kb):
    assert kb.message("diagnosis.answer_understood", pole="onenigheid") == "Helder: er is onenigheid."


def test_an_unknown_key_fails_loudly(kb):
    with pytest.raises(MessageError, match="no message 'diagnosis.no_such_thing'"):
        kb.message("diagnosis.no_such_thing")


def test_a_missing_or_extra_value_fails_loudly(kb):
    with pytest.raises(MessageError, match=r"missing \['pole'\]"):
        kb.message("diagnosis.answer_understood")
    with pytest.raises(MessageError, match=r"not in the text \['colour'\]"):
        kb.message("diagnosis.answer_understood", pole="x", colour="rood")


def test_literal_braces_are_no_placeholders():
    messages = Messages({"a.b": "{{letterlijk}} {name}"})
    assert messages.message("a.b", name="x") == "{letterlijk} x"


# --- loading checks the file ------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "template", ["Helder: er is {pole:>10}.", "Helder: er is {0}.", "Helder: er is {pole.x}.", "Helder: er is {pole."]
)
def test_a_broken_placeholder_stops_loading_and_names_the_key(kb_copy, template):
    _edit(kb_copy / "messages.yml", '"Helder: er is {pole}."', f'"{template}"')
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(kb_copy)
    assert error.value.file == "messages" and error.value.entry == "diagnosis.answer_understood"


def test_the_schema_wants_text(kb_copy):
    _edit(kb_copy / "messages.yml", '"Helder: er is {pole}."', "[een, lijst]")
    with pytest.raises(KnowledgeError, match=r"knowledge/messages\.yml"):
        load_messages(kb_copy)


def test_the_catalogue_loads_on_its_own(kb):
    assert load_messages().texts == kb.messages.texts


def test_the_service_messages_keep_their_old_names():
    from bot.conversation import service_messages

    assert service_messages.PRIVACY_NOTICE_NL == service_messages.privacy_notice()
    assert "je bericht" in service_messages.STORAGE_UNAVAILABLE_NL
    assert service_messages.ACTION_SERVER_UNAVAILABLE_NL.startswith("Sorry")
    with pytest.raises(AttributeError):
        service_messages.NO_SUCH_MESSAGE  # noqa: B018


# --- one form of address ----------------------------------------------------------------------


def _response_texts() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [variant.get("text", "") for variants in domain["responses"].values() for variant in variants] + [
        button["title"]
        for variants in domain["responses"].values()
        for variant in variants
        for button in variant.get("buttons", [])
    ]


def test_taai_says_je_not_u(kb):
    formal = [(key, text) for key, text in kb.messages.texts.items() if FORMAL_ADDRESS.search(text)]
    formal += [("domain.yml", text) for text in _response_texts() if FORMAL_ADDRESS.search(text)]
    assert formal == []
    assert any(re.search(r"\bje\b", text) for text in kb.messages.texts.values())
