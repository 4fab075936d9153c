from __future__ import annotations

import pytest

from bot.core.routes import Situation, match_routes, mentioned_routes, named_routes


def ids(matches):
    return [m.id for m in matches]


def test_bijstand_experiment_points_to_article_83(kb):
    matches = match_routes(
        kb,
        Situation(
            domain="werk_inkomen",
            initiator="gemeente",
            deviation="we willen de sollicitatieplicht in de bijstand loslaten",
        ),
    )
    assert ids(matches)[0] == "participatiewet_art83"
    best = matches[0]
    assert best.reasons and best.open_conditions
    assert best.status["code"] in ("in_force", "in_force_phased")
    assert "experimentenwet" not in ids(matches)  # unusable routes only when asked


def test_residents_taking_over_a_task_point_to_the_uitdaagrecht(kb):
    matches = match_routes(
        kb,
        Situation(
            domain="zorg_wmo",
            initiator="bewoners",
            deviation="bewoners willen de dagbesteding in de wijk zelf overnemen",
        ),
    )
    assert ids(matches)[0] == "uitdaagrecht"


def test_asking_for_the_experimentenwet_gives_status_and_alternatives(kb):
    matches = match_routes(kb, Situation(question="Kunnen we de Experimentenwet gebruiken?"))
    first = matches[0]
    assert first.id == "experimentenwet" and first.mentioned and not first.usable
    assert first.status["code"] == "never_enacted"
    assert {a["id"] for a in first.alternatives} >= {"existing_room", "sector_experiment_clauses"}


def test_existing_room_is_always_offered(kb):
    for situation in (Situation(), Situation(domain="jeugd"), Situation(domain="werk_inkomen", initiator="bewoners")):
        assert "existing_room" in ids(match_routes(kb, situation))


def test_domain_mismatch_drops_a_route(kb):
    matches = match_routes(
        kb, Situation(domain="jeugd", initiator="gemeente", deviation="jeugdhulp zonder beschikking")
    )
    assert "participatiewet_art83" not in ids(matches)
    assert "omgevingswet_art23_3" not in ids(matches)


def test_environment_question_points_to_the_omgevingswet(kb):
    matches = match_routes(
        kb,
        Situation(
            domain="leefomgeving", initiator="gemeente", deviation="afwijken van de omgevingswet voor een duurzame wijk"
        ),
    )
    assert ids(matches)[0] == "omgevingswet_art23_3"


def test_direct_mentions(kb):
    assert "participatiewet_art83" in mentioned_routes(kb, "kan artikel 83 hier?")
    assert "uitdaagrecht" in mentioned_routes(kb, "wat is right to challenge?")
    assert "experimentenwet" in mentioned_routes(kb, "bestaat de Experimentenwet?")
    assert mentioned_routes(kb, "hoe gaat het met je?") == {}


def test_limit(kb):
    assert len(match_routes(kb, Situation(domain="werk_inkomen"), limit=2)) <= 2


@pytest.mark.parametrize(
    "question, route_id",
    [
        ("kan artikel 83 hier?", "participatiewet_art83"),
        ("bestaat de Experimentenwet?", "experimentenwet"),
        ("wat is right to challenge?", "uitdaagrecht"),
        ("mogen we een hardheidsclausule gebruiken", "hardship_maatwerk"),
    ],
)
def test_a_question_that_names_a_route_is_recognised(kb, question, route_id):
    assert named_routes(kb, question)[0] == route_id


def test_a_domain_word_points_to_a_route_without_naming_it(kb):
    # "bijstand" helps rank art. 83, but the bot should still ask about the situation.
    text = "mogen we iets nieuws proberen in de bijstand?"
    assert "participatiewet_art83" in mentioned_routes(kb, text)
    assert named_routes(kb, text) == []


def test_the_route_a_question_is_about_comes_before_others_it_mentions(kb):
    # "Participatiewet" is mentioned too, but the question is about the other laws.
    matches = match_routes(
        kb,
        Situation(
            question="Welke wetten naast de Participatiewet hebben een experimenteerartikel?",
            named=("sector_experiment_clauses",),
        ),
    )
    assert matches[0].id == "sector_experiment_clauses"
    assert "participatiewet_art83" in [m.id for m in matches if m.mentioned]
