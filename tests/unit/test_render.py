from __future__ import annotations

import jinja2
import pytest

from bot.core.classify import classify
from bot.core.plan import PlanIncomplete, PlanInput, build_plan
from bot.core.recommend import recommend
from bot.core.render import md_escape, nl_date, render
from bot.core.routes import Situation, match_routes

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _plan(kb, description="Jongeren verlaten school zonder diploma.", **kw):
    given = dict(
        problem_description=description,
        value_consensus="agree",
        knowledge_certainty="uncertain",
        domain="onderwijs",
        initiator="gemeente",
    )
    given.update(kw)
    return build_plan(kb, PlanInput(**given))


def test_plan_contains_every_section(kb):
    text = render(kb, "plan.md.j2", plan=_plan(kb))
    for heading in (
        "Het vraagstuk",
        "Type en waarom",
        "Aanpak",
        "Betrokkenen",
        "Participatieniveau",
        "Juridische route",
        "Fasen",
        "Bewijs",
        "Risico's",
        "Bronnen",
    ):
        assert heading in text
    assert kb.types["moderately_structured_knowledge_uncertain"]["name"] in text
    assert kb.disclaimer in text


def test_plan_html_escapes_user_text(kb):
    html = render(kb, "plan.html.j2", plan=_plan(kb, description=EVIL))
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.lstrip().startswith("<!DOCTYPE html>") and 'lang="nl"' in html


def test_plan_markdown_neutralises_user_markup(kb):
    text = render(kb, "plan.md.j2", plan=_plan(kb, description="**vet** [link](https://x) <b>"))
    assert "\\*\\*vet\\*\\*" in text and "\\[link\\]" in text and "\\<b\\>" in text


def test_plan_needs_the_axes_first(kb):
    with pytest.raises(PlanIncomplete) as error:
        build_plan(kb, PlanInput(problem_description="iets", value_consensus="agree"))
    assert error.value.missing == ["knowledge_certainty"]


def test_plan_lists_usable_routes_and_sources(kb):
    plan = _plan(kb, domain="werk_inkomen", deviation="bijstand zonder sollicitatieplicht")
    assert plan.routes and plan.routes[0].id == "participatiewet_art83"
    assert all(m.usable for m in plan.routes)
    assert len({s["id"] for s in plan.sources}) == len(plan.sources) > 3
    assert plan.evidence_from["rank"] <= plan.evidence_to["rank"]


@pytest.mark.parametrize(
    "values, knowledge",
    [("agree", "certain"), ("disagree", "certain"), ("agree", "uncertain"), ("disagree", "uncertain")],
)
def test_replies_render_for_every_type(kb, values, knowledge):
    c = classify(kb, values, knowledge)
    text = render(kb, "classification.md.j2", c=c)
    assert c.problem_type["name"] in text and "Valkuil" in text and "veranderen" in text
    advice = render(kb, "advice.md.j2", r=recommend(kb, c.type_id, "jeugd", "bewoners"))
    assert "Betrek" in advice and "1." in advice


def test_routes_reply_has_status_link_and_disclaimer(kb):
    text = render(kb, "routes.md.j2", matches=match_routes(kb, Situation(question="bestaat de experimentenwet?")))
    assert "Experimentenwet" in text and "gecontroleerd op" in text.lower() or "Gecontroleerd op" in text
    assert "https://" in text and kb.disclaimer in text


def test_missing_template_values_fail_loudly(kb):
    with pytest.raises(jinja2.UndefinedError):
        render(kb, "advice.md.j2")


def test_helpers():
    assert md_escape("*a* _b_ [c] <d>") == "\\*a\\* \\_b\\_ \\[c\\] \\<d\\>"
    assert nl_date("2026-11-22") == "22 november 2026"
