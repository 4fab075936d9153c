"""The plan as a download: built from slots, as an escaped HTML page and as a real .docx."""

from __future__ import annotations

import io

import docx
import pytest

from bot.conversation.state import UNKNOWN
from bot.export.plan_files import plan_docx, plan_from_slots, plan_html, plan_input_from_slots

EVIL = "<img src=x onerror=alert(1)> & <script>alert('x')</script>"
HEADINGS = (
    "Experimentplan",
    "1. Het vraagstuk",
    "2. Type en waarom",
    "3. Aanpak",
    "4. Betrokkenen",
    "5. Participatieniveau",
    "6. Juridische route",
    "7. Fasen en eerstvolgende stappen",
    "8. Bewijs",
    "9. Risico's",
    "10. Bronnen",
)


def _slots(**changes):
    slots = {
        "problem_description": "Bewoners zijn het oneens over de nieuwe opvang. " + EVIL,
        "value_consensus": "disagree",
        "knowledge_certainty": "certain",
        "problem_type": None,
        "policy_domain": "werk_inkomen",
        "initiator": "gemeente",
        "deviation": "de sollicitatieplicht",
    }
    slots.update(changes)
    return slots


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _all_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_the_plan_input_reads_the_slots_as_the_dialogue_does():
    given = plan_input_from_slots(_slots(initiator=UNKNOWN, deviation=None))
    assert given.problem_description.startswith("Bewoners")
    assert (given.value_consensus, given.knowledge_certainty) == ("disagree", "certain")
    assert given.domain == "werk_inkomen" and given.initiator is None and given.deviation is None


@pytest.mark.parametrize("missing", ["problem_description", "value_consensus", "knowledge_certainty"])
def test_no_plan_without_the_slots_it_needs(kb, missing):
    assert plan_from_slots(kb, _slots(**{missing: None})) is None


@pytest.mark.parametrize("changes", [{"value_consensus": "misschien"}, {"problem_description": ["geen", "tekst"]}])
def test_no_plan_from_slot_values_that_make_no_sense(kb, changes):
    assert plan_from_slots(kb, _slots(**changes)) is None


def test_an_empty_conversation_has_no_plan(kb):
    assert plan_from_slots(kb, {}) is None


def test_html_is_a_complete_page_with_print_css_and_escaped_user_text(kb):
    html = plan_html(kb, plan_from_slots(kb, _slots()))
    assert html.lstrip().startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert 'lang="nl"' in html and "@media print" in html
    for heading in HEADINGS:
        assert heading in html
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;" in html
    assert "Participatiewet artikel 83" in html  # the route that fits werk en inkomen


def test_docx_opens_with_python_docx_and_has_every_section(kb):
    plan = plan_from_slots(kb, _slots())
    document = _open(plan_docx(kb, plan))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == list(HEADINGS)
    text = _all_text(document)
    assert plan.classification.problem_type["name"] in text
    assert plan.recommendation.level["name"] in text
    assert kb.disclaimer in text
    assert document.core_properties.title == "Experimentplan"


def test_docx_holds_the_users_markup_as_plain_text(kb):
    document = _open(plan_docx(kb, plan_from_slots(kb, _slots())))
    description = document.paragraphs[2]  # right under "1. Het vraagstuk"
    assert description.text == "Bewoners zijn het oneens over de nieuwe opvang. " + EVIL


def test_docx_links_to_the_official_texts(kb):
    plan = plan_from_slots(kb, _slots())
    document = _open(plan_docx(kb, plan))
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert plan.routes and plan.routes[0].route["official_texts"][0]["url"] in targets


def test_docx_survives_control_characters_and_keeps_line_breaks(kb):
    slots = _slots(problem_description="eerste regel\x00\x07\x1b[31m\ntweede regel 😀")
    document = _open(plan_docx(kb, plan_from_slots(kb, slots)))
    text = _all_text(document)
    assert "eerste regel[31m" in text and "tweede regel 😀" in text and "\x07" not in text


def test_a_plan_without_domain_or_initiator_still_exports(kb):
    slots = _slots(policy_domain=UNKNOWN, initiator=None, deviation=UNKNOWN)
    plan = plan_from_slots(kb, slots)
    assert plan is not None
    assert "Experimentplan" in plan_html(kb, plan)
    assert _open(plan_docx(kb, plan)).paragraphs[0].text == "Experimentplan"
