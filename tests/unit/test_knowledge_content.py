"""Required content: what the bot must know, with the correct legal status."""

from __future__ import annotations

import datetime as dt

from bot.core.knowledge import FILES, iter_entries, stale_entries

TYPES = {
    "structured": ("agree", "certain"),
    "moderately_structured_values_contested": ("disagree", "certain"),
    "moderately_structured_knowledge_uncertain": ("agree", "uncertain"),
    "unstructured": ("disagree", "uncertain"),
}


def test_four_problem_types_on_two_axes(kb):
    assert set(kb.types) == set(TYPES)
    for type_id, (values, knowledge) in TYPES.items():
        assert kb.types[type_id]["axes"] == {"value_consensus": values, "knowledge_certainty": knowledge}
    for entry in kb.types.values():
        assert entry["pitfall"] and entry["examples"] and entry["approach"]["description"]
        # Participation per type is Taai's own conclusion: it must say so.
        assert entry["participation"]["heuristic"]["derived_from"]


def test_six_participation_levels_in_order(kb):
    order = sorted(kb.levels.values(), key=lambda level: level["rank"])
    assert [level["id"] for level in order] == [
        "passive",
        "information",
        "consultation",
        "functional",
        "interactive",
        "self_mobilisation",
    ]
    for level in order:
        assert level["citizen_role"] and level["professional_style"]
        assert {"edelenbos", "iap2", "arnstein"} <= set(level["maps_to"])


def test_stakeholder_categories_from_the_seed(kb):
    assert {
        "experts_by_experience",
        "researchers",
        "beneficiaries",
        "government",
        "businesses",
        "civil_society_organisations",
    } <= set(kb.stakeholders)
    assert "quadruple_helix" in kb.frameworks


def test_contract_route_ids_exist(kb):
    # docs/architecture.md (slot contract): the legal_routes slot carries at least these ids.
    for route_id in (
        "participatiewet_art83",
        "experimentenwet",
        "uitdaagrecht",
        "omgevingswet_art23_3",
        "sector_experiment_clauses",
        "hardship_maatwerk",
        "existing_room",
    ):
        assert route_id in kb.routes


def test_experimentenwet_never_became_law(kb):
    route = kb.routes["experimentenwet"]
    assert route["usable"] is False
    assert kb.status_on(route)["code"] == "never_enacted"
    assert "nooit" in kb.status_on(route)["text"].lower()
    assert set(route["alternatives"]) >= {"existing_room", "sector_experiment_clauses"}


def test_uitdaagrecht_is_law_through_the_gemeentewet(kb):
    route = kb.routes["uitdaagrecht"]
    assert route["usable"] is True
    for day in (dt.date(2026, 12, 31), dt.date(2027, 1, 1)):  # before and after the end of the transition
        status = kb.status_on(route, day)
        assert status["code"] in ("in_force", "in_force_phased")
        text = " ".join([status["text"], route["summary"], *route["conditions"], *route["steps"]]).lower()
        assert "participatieverordening" in text and "2027" in text
    assert any("BWBR0005416" in t["url"] or "36210" in t["url"] for t in route["official_texts"])


def test_article_83_still_stands(kb):
    route = kb.routes["participatiewet_art83"]
    assert route["usable"] is True
    assert kb.status_on(route)["code"] in ("in_force", "in_force_phased")
    assert "werk_inkomen" in route["applies"]["domains"]
    assert any("BWBR0015703" in t["url"] for t in route["official_texts"])


def test_every_route_links_to_an_official_text(kb):
    for route in kb.routes.values():
        assert route["official_texts"], route["id"]
        for text in route["official_texts"]:
            assert text["url"].startswith(
                (
                    "https://wetten.overheid.nl/",
                    "https://zoek.officielebekendmakingen.nl/",
                    "https://www.officielebekendmakingen.nl/",
                    "https://lokaleregelgeving.overheid.nl/",
                )
            ), route["id"]


def test_process_evidence_and_risks(kb):
    assert len(kb.phases) >= 5 and len(kb.evidence_levels) == 5
    assert [kb.evidence_level(r)["rank"] for r in range(1, 6)] == [1, 2, 3, 4, 5]
    assert kb.process["scalability_criteria"] and kb.process["risks"]
    assert set(kb.process["evidence_targets"]["targets"]) == set(TYPES)


def test_cases_and_glossary(kb):
    assert {"jes", "buurtzorg", "the_colour_kitchen", "bijstand_experiments"} <= set(kb.cases)
    covered = {case.get("problem_type") for case in kb.cases.values()}
    assert set(TYPES) <= covered, "demo and quiz need a case for every type"
    assert len(kb.terms) >= 20


def test_disclaimer_says_orientation_not_legal_advice(kb):
    assert "geen juridisch advies" in kb.disclaimer


def _newest_check(kb) -> dt.date:
    return max(
        dt.date.fromisoformat(e["checked"]["date"])
        for name in FILES
        if name != "sources"
        for e in iter_entries(kb.raw[name])
    )


def test_stale_entries_found_after_the_review_interval(kb):
    later = _newest_check(kb) + dt.timedelta(days=31 * (kb.meta["review_interval_months"] + 1))
    stale = stale_entries(kb, later)
    assert len(stale) == sum(1 for name in FILES if name != "sources" for _ in iter_entries(kb.raw[name]))


def test_uitdaagrecht_names_the_competent_body_and_the_other_governments(kb):
    route = kb.routes["uitdaagrecht"]
    text = " ".join([route["who_decides"], route["summary"], *route["steps"]])
    assert "het college beoordeelt" not in text
    assert "bestuursorgaan" in route["who_decides"] and "Meestal is dat het college" in route["who_decides"]
    assert "provincies en waterschappen" in route["summary"]
    # Nothing outside the dated status may speak of the transition as still running.
    undated = " ".join([route["summary"], route["duration"], *route["conditions"], *route["steps"]])
    assert "inspraakverordening" not in undated and "hebben tot 1 januari 2027" not in undated


def test_pmm_continues_after_the_programme_phase(kb):
    route = kb.routes["hardship_maatwerk"]
    for on in (dt.date(2026, 12, 6), dt.date(2027, 6, 1)):
        text = kb.status_on(route, on)["text"]
        assert "sinds 1 januari 2023" in text and "maatwerkloket" in text
        assert "loopt sinds mei 2019" not in text
    assert "kamerbrief_pmm_2023" in route["sources"]
    citation = kb.sources["programma_maatwerk_multiprobleemhuishoudens"]["citation"]
    assert "SZW, VWS, BZK, JenV en OCW" in citation and "uitvoeringsorganisaties en gemeenten" in citation


def test_ww_four_years_is_said_to_be_the_1999_text(kb):
    route = kb.routes["sector_experiment_clauses"]
    assert "1999" in route["duration"] and "vier jaar" in route["duration"]
    assert all("1999" in e for e in route["examples"] if "vier jaar" in e)


def test_omgevingswet_says_what_it_could_not_check_about_the_energiewet(kb):
    caveat = kb.routes["omgevingswet_art23_3"]["caveat"]
    assert "Energiewet" in caveat and "Elektriciteitswet 1998" in caveat and "gecontroleerd op" in caveat


def test_participatiewet_in_balans_phases_and_the_unconfirmed_experiment_article(kb):
    route = kb.routes["participatiewet_art83"]
    assert "1 januari 2026" in kb.status_on(route, dt.date(2026, 12, 6))["text"]
    assert "structurele wijzigingen" in kb.status_on(route, dt.date(2027, 1, 1))["text"]
    assert "konden we niet" in route["caveat"] and "experimenteerartikel" in route["caveat"]
