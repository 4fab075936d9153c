"""The experiment plan as files to keep: a printable HTML page and an editable Word file.

Built on demand from a conversation's slots, with the same `build_plan` the chat
uses, so the download says what the bot said. Plain Python (Jinja2, python-docx):
the Rasa-facing routes are in bot/rasa_ext/channels/web.py.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, Mapping

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from bot.conversation.plan import plan_input
from bot.conversation.state import ConversationState
from bot.core.knowledge import KnowledgeBase
from bot.core.plan import ExperimentPlan, PlanIncomplete, PlanInput, build_plan
from bot.core.render import nl_date, render

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_FILENAME = "experimentplan-taai.docx"
LINK_COLOUR = RGBColor(0x01, 0x68, 0x9B)  # the link colour of plan.html.j2

# Characters XML 1.0 cannot hold: python-docx refuses them, and a user may have typed them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plan_input_from_slots(slots: Mapping[str, Any]) -> PlanInput:
    """What the plan is built from: the same reading of the slots as the chat's plan
    (bot.conversation.plan.plan_input), so the download says what the bot said."""
    return plan_input(ConversationState.from_slots(slots))


def plan_from_slots(kb: KnowledgeBase, slots: Mapping[str, Any]) -> ExperimentPlan | None:
    """The plan for these slots, or None when the conversation does not have one yet."""
    try:
        return build_plan(kb, plan_input_from_slots(slots))
    except (PlanIncomplete, ValueError, KeyError, TypeError):
        # Missing slots, or values no plan can be built from (a slot set by hand).
        return None


def plan_html(kb: KnowledgeBase, plan: ExperimentPlan, on: dt.date | None = None) -> str:
    """A complete HTML page (plan.html.j2, autoescaped, with print CSS); route statuses as on `on`, default today."""
    return render(kb, "plan.html.j2", plan=plan, on=on)


# --- Word ---------------------------------------------------------------------------------


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def _paragraph(doc: docx.document.Document, *parts: str | tuple[str, str], style: str | None = None) -> Paragraph:
    """A paragraph of runs: a plain string, or ("b" | "i", text) for bold or italic."""
    paragraph = doc.add_paragraph(style=style)
    for part in parts:
        kind, text = part if isinstance(part, tuple) else ("", part)
        run = paragraph.add_run(_clean(text))
        run.bold = kind == "b" or None
        run.italic = kind == "i" or None
    return paragraph


def _hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    """A clickable link; python-docx has no API for one, so it is built in OOXML."""
    rel_id = paragraph.part.relate_to(_clean(url), RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), str(LINK_COLOUR))
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([colour, underline])
    text_element = OxmlElement("w:t")
    text_element.text = _clean(text)
    text_element.set(qn("xml:space"), "preserve")
    run.extend([props, text_element])
    link.append(run)
    paragraph._p.append(link)


def _set_dutch(doc: docx.document.Document) -> None:
    """Dutch as the document language, so Word checks the spelling in Dutch."""
    props = doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-NL")
    props.append(lang)
    doc.core_properties.language = "nl-NL"


def plan_docx(kb: KnowledgeBase, plan: ExperimentPlan, on: dt.date | None = None) -> bytes:
    """The plan as a .docx, with the sections and wording of the HTML page; route statuses as on `on`, default today."""
    c, r = plan.classification, plan.recommendation
    t = c.problem_type
    doc = docx.Document()
    _set_dutch(doc)
    doc.core_properties.title = "Experimentplan"
    doc.core_properties.author = "Taai"
    doc.styles["Normal"].font.size = Pt(11)

    doc.add_heading("Experimentplan", level=0)

    doc.add_heading("1. Het vraagstuk", level=1)
    for line in _clean(plan.problem_description).splitlines() or [""]:
        _paragraph(doc, line)

    doc.add_heading("2. Type en waarom", level=1)
    _paragraph(doc, ("b", t["name"]), ". " + " ".join(c.reasons))

    doc.add_heading("3. Aanpak", level=1)
    _paragraph(doc, f"{t['approach']['name']}. {t['approach']['description']}")
    if t["approach"].get("what_it_asks"):
        _paragraph(doc, t["approach"]["what_it_asks"])
    _paragraph(doc, ("i", "Valkuil:"), " " + t["pitfall"])

    doc.add_heading("4. Betrokkenen", level=1)
    for s in r.stakeholders:
        _paragraph(doc, ("b", s.name), f" — {s.role}", style="List Bullet")

    doc.add_heading("5. Participatieniveau", level=1)
    level = r.level
    _paragraph(
        doc,
        ("b", level["name"]),
        f": de inwoner of cliënt is {level['citizen_role']}, de professional werkt in een "
        f"{level['professional_style']}. {level['asks_of_professional']}",
    )

    doc.add_heading("6. Juridische route", level=1)
    if not plan.routes:
        _paragraph(doc, "Nog geen route gekozen. Kijk eerst of de huidige regels al ruimte geven.", style="List Bullet")
    for m in plan.routes:
        route = m.route
        _paragraph(
            doc,
            ("b", route["name"]),
            f" ({kb.status_on(route, on)['text']}; gecontroleerd op {nl_date(route['checked']['date'])}).",
            style="List Bullet",
        )
        # Bullets with "Stap n", not Word numbering: a numbered list would go on counting
        # from one route to the next.
        for number, step in enumerate(route["steps"], start=1):
            _paragraph(doc, f"Stap {number}: {step}", style="List Bullet 2")
        official = route["official_texts"][0]
        _hyperlink(_paragraph(doc, "Officiële tekst: ", style="List Continue"), official["url"], official["title"])

    doc.add_heading("7. Fasen en eerstvolgende stappen", level=1)
    for phase in plan.phases:
        _paragraph(doc, ("b", phase["name"]), f" — {phase['description']}", style="List Number")
        for step in phase.get("next_steps", []):
            _paragraph(doc, step, style="List Bullet 2")

    doc.add_heading("8. Bewijs", level=1)
    low, high = plan.evidence_from, plan.evidence_to
    _paragraph(
        doc,
        "Streef naar ",
        ("b", f"niveau {low['rank']} → {high['rank']}"),
        f": van “{low['name']}” naar “{high['name']}”. {high['how_to_get_there']}",
    )

    doc.add_heading("9. Risico's", level=1)
    for risk in plan.risks:
        _paragraph(doc, ("b", risk["name"]), f" — {risk['mitigation']}", style="List Bullet")

    doc.add_heading("10. Bronnen", level=1)
    for source in plan.sources:
        paragraph = _paragraph(doc, source["citation"], style="List Bullet")
        if source.get("url"):
            paragraph.add_run(" ")
            _hyperlink(paragraph, source["url"], source["url"])

    note = _paragraph(doc, ("i", f"{plan.heuristics_note} {plan.disclaimer}"))
    for run in note.runs:
        run.font.size = Pt(9)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
