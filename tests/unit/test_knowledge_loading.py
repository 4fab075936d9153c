"""Schema validation and reference integrity: a broken file stops loading with a
message that names the file, the entry and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.knowledge import FILES, KnowledgeError, iter_entries, load_knowledge


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_project_knowledge_loads(kb):
    assert kb.types and kb.levels and kb.routes and kb.sources


def test_every_file_has_a_schema():
    schema_dir = Path(__file__).resolve().parents[2] / "knowledge" / "schema"
    for name in FILES:
        assert (schema_dir / f"{name}.schema.json").exists(), name


def test_missing_file_is_named(kb_copy):
    (kb_copy / "glossary.yml").unlink()
    with pytest.raises(KnowledgeError, match=r"knowledge/glossary\.yml: file is missing"):
        load_knowledge(kb_copy)


def test_invalid_yaml_reports_line(kb_copy):
    (kb_copy / "cases.yml").write_text("cases:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"knowledge/cases\.yml: is not valid YAML \(line \d+"):
        load_knowledge(kb_copy)


def test_top_level_must_be_a_mapping(kb_copy):
    (kb_copy / "meta.yml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="mapping at the top level"):
        load_knowledge(kb_copy)


def test_missing_required_field_names_entry(kb_copy):
    path = kb_copy / "legal_routes.yml"
    text = path.read_text(encoding="utf-8")
    # Remove the `who_decides:` line of the uitdaagrecht entry.
    start = text.index("id: uitdaagrecht")
    line = re.compile(r"\n(\s+)who_decides:.*").search(text, start)
    path.write_text(text[: line.start()] + text[line.end() :], encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(kb_copy)
    assert error.value.file == "legal_routes"
    assert error.value.entry == "uitdaagrecht"
    assert "who_decides" in error.value.problem


def test_wrong_value_names_entry(kb_copy):
    _edit(kb_copy / "participation_levels.yml", "rank: 3", "rank: drie")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(kb_copy)
    assert error.value.file == "participation_levels"
    assert error.value.entry == "consultation"
    assert "rank" in error.value.problem


def test_unknown_source_reference(kb_copy):
    _edit(kb_copy / "glossary.yml", "sources: [", "sources: [no_such_source, ")
    with pytest.raises(KnowledgeError, match="unknown source 'no_such_source'"):
        load_knowledge(kb_copy)


def test_unknown_stakeholder_in_problem_type(kb_copy):
    _edit(kb_copy / "problem_types.yml", "- id: beneficiaries", "- id: nobody_at_all")
    with pytest.raises(KnowledgeError, match="unknown stakeholder category 'nobody_at_all'") as error:
        load_knowledge(kb_copy)
    assert error.value.file == "problem_types"


def test_unknown_route_alternative(kb_copy):
    path = kb_copy / "legal_routes.yml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"alternatives:\s*\[", "alternatives: [no_such_route, ", text, count=1)
    if "no_such_route" not in text:  # block-style list
        text = re.sub(r"(alternatives:\s*\n(\s+)- )", r"\1no_such_route\n\2- ", text, count=1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="unknown legal route 'no_such_route'"):
        load_knowledge(kb_copy)


def test_duplicate_id(kb_copy):
    _edit(kb_copy / "context.yml", "- id: wonen", "- id: jeugd")
    with pytest.raises(KnowledgeError, match="'jeugd': this id is used twice"):
        load_knowledge(kb_copy)


def test_impossible_date(kb_copy):
    _edit(kb_copy / "meta.yml", 'date: "2026-11-22"', 'date: "2026-02-31"')
    with pytest.raises(KnowledgeError, match="not a real date"):
        load_knowledge(kb_copy)


def test_official_text_must_be_an_official_site(kb_copy):
    path = kb_copy / "legal_routes.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"https://wetten\.overheid\.nl/", "https://example.com/", text, count=1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="legal_routes.yml"):
        load_knowledge(kb_copy)


def test_every_entry_names_sources_and_check(kb):
    count = 0
    for name in FILES:
        if name == "sources":
            continue
        for entry in iter_entries(kb.raw[name]):
            count += 1
            assert entry["sources"], (name, entry.get("id"))
            assert entry["checked"]["date"] and entry["checked"]["basis"], (name, entry.get("id"))
    assert count > 80
