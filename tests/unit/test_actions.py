"""The custom actions (actions/diagnosis.py, actions/advice.py) on real rasa_sdk trackers.

The actions are thin adapters over bot/conversation/: these tests check that each one
reads the right slots, entities and text from the tracker, sends what the conversation
returns (text and buttons) and sets the slots of the contract in docs/architecture.md. Form
validation runs through `FormValidationAction.run`, the way the action server calls
it, so extraction, validation and the returned SlotSet events are all exercised.

Expected ids and wording come from knowledge/*.yml (messages.yml for Taai's own sentences).
"""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import ActiveLoop, AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import (
    ActionAdvise,
    ActionAnswerConcept,
    ActionAskDeviation,
    ActionAskInitiator,
    ActionAskPolicyDomain,
    ActionLegalRoutes,
    ActionNoteContext,
    ActionPlan,
    ActionPreparePlan,
    ValidateRoutesForm,
)
from actions.diagnosis import (
    ActionAnswerOutsideQuestion,
    ActionAskKnowledgeCertainty,
    ActionAskProblemDescription,
    ActionAskValueConsensus,
    ActionConclude,
    ActionCorrect,
    ActionExplainWhy,
    ActionStartDiagnosis,
    ActionStartOver,
    ValidateDiagnosisForm,
)
from bot.core.render import nl_date
from tests.unit.tracker_fixtures import (
    DOMAIN,
    all_text,
    buttons,
    form_tracker,
    make_tracker,
    run_action,
    run_extract,
    slots_set,
    texts,
    user_event,
)

DIAGNOSIS = "diagnosis_form"
ROUTES = "routes_form"

# Both axes are clear from this description: "lopen de meningen sterk uiteen" (values
# disagree) and "niemand weet" (knowledge uncertain); "bijstand" names the domain and
# "de gemeente" the initiator (knowledge/cues.yml, knowledge/context.yml).
CLEAR = (
    "Over de tegenprestatie in de bijstand lopen de meningen sterk uiteen en niemand weet wat werkt. "
    "De gemeente wil iets doen."
)
# No axis cue, no domain, no initiator.
VAGUE = "Er is een probleem met de samenwerking tussen een paar partijen."
ANSWER_PAYLOADS = ["/affirm", "/deny", "/dont_know"]

TYPES = {  # (value_consensus, knowledge_certainty) -> problem_type, participation level (problem_types.yml)
    ("agree", "certain"): ("structured", "information"),
    ("disagree", "certain"): ("moderately_structured_values_contested", "functional"),
    ("agree", "uncertain"): ("moderately_structured_knowledge_uncertain", "interactive"),
    ("disagree", "uncertain"): ("unstructured", "interactive"),
}


def diagnosed(vc: str = "agree", kc: str = "uncertain", **extra) -> dict:
    """Slots after a finished diagnosis (no context unless given)."""
    problem_type, level = TYPES[(vc, kc)]
    return {
        "problem_description": VAGUE,
        "value_consensus": vc,
        "knowledge_certainty": kc,
        "problem_type": problem_type,
        "participation_level": level,
        "last_conclusion": "type",
        **extra,
    }


def run_diagnosis_form(requested: str, text: str, intent: str | None = None, **slots):
    return run_action(ValidateDiagnosisForm(), form_tracker(DIAGNOSIS, requested, text, intent, slots=slots))


def run_routes_form(requested: str | None, text: str, intent: str | None = "inform_context", entities=None, **slots):
    return run_action(
        ValidateRoutesForm(), form_tracker(ROUTES, requested, text, intent, slots=slots, entities=entities)
    )


# --- action names match the domain --------------------------------------------------------

ALL_ACTIONS = [
    ActionStartDiagnosis,
    ValidateDiagnosisForm,
    ActionAskValueConsensus,
    ActionAskKnowledgeCertainty,
    ActionAskProblemDescription,
    ActionConclude,
    ActionCorrect,
    ActionExplainWhy,
    ActionStartOver,
    ActionAdvise,
    ValidateRoutesForm,
    ActionAskPolicyDomain,
    ActionAskInitiator,
    ActionAskDeviation,
    ActionLegalRoutes,
    ActionPreparePlan,
    ActionPlan,
    ActionAnswerConcept,
    ActionNoteContext,
]


def test_every_action_tested_here_is_declared_in_the_domain():
    # The full set (trainer actions included) is checked by the registration test below.
    names = [action().name() for action in ALL_ACTIONS]
    assert len(set(names)) == len(names) and set(names) <= set(DOMAIN["actions"])


# --- action_start_diagnosis -----------------------------------------------------------------


def test_start_diagnosis_prefills_axes_and_context_from_a_clear_description():
    events, dispatcher = run_action(ActionStartDiagnosis(), make_tracker(CLEAR, "describe_problem"))
    slots = slots_set(events)
    assert slots["problem_description"] == CLEAR
    assert slots["value_consensus"] == "disagree"
    assert slots["knowledge_certainty"] == "uncertain"
    assert slots["policy_domain"] == "werk_inkomen"
    assert slots["initiator"] == "gemeente"
    message = texts(dispatcher)[0]
    assert "Ik lees" in message and "Zeg het gerust" in message
    assert "werk en inkomen" in message and "de gemeente" in message
    assert "Twee vragen" not in message and "Nog één vraag" not in message  # nothing left to ask


def test_start_diagnosis_without_cues_announces_two_questions_and_clears_old_results():
    old = diagnosed("disagree", "certain", stakeholders=["politics"], legal_routes=["existing_room"])
    events, dispatcher = run_action(ActionStartDiagnosis(), make_tracker(VAGUE, "describe_problem", slots=old))
    slots = slots_set(events)
    assert slots["value_consensus"] is None and slots["knowledge_certainty"] is None
    for derived in ("problem_type", "participation_level", "stakeholders", "legal_routes", "last_conclusion"):
        assert slots[derived] is None
    assert slots["axis_attempts"] == 0
    assert "Twee vragen" in texts(dispatcher)[0]


def test_start_diagnosis_uses_entity_ids_for_context():
    tracker = make_tracker(VAGUE, "describe_problem", entities={"policy_domain": "jeugd", "initiator": "bewoners"})
    slots = slots_set(run_action(ActionStartDiagnosis(), tracker)[0])
    assert slots["policy_domain"] == "jeugd" and slots["initiator"] == "bewoners"


def test_start_diagnosis_maps_an_entity_surface_form_to_its_id():
    tracker = make_tracker(VAGUE, "describe_problem", entities={"policy_domain": "bijstand"})
    assert slots_set(run_action(ActionStartDiagnosis(), tracker)[0])["policy_domain"] == "werk_inkomen"


# --- validate_diagnosis_form: problem_description ------------------------------------------


def test_form_reads_a_requested_description_and_prefills_its_axes():
    events, dispatcher = run_diagnosis_form("problem_description", CLEAR, "describe_problem")
    slots = slots_set(events)
    assert slots["problem_description"] == CLEAR
    assert slots["value_consensus"] == "disagree"
    assert slots["knowledge_certainty"] == "uncertain"
    assert "Ik lees" in texts(dispatcher)[0]


def test_extract_problem_description_also_reads_the_context():
    tracker = form_tracker(DIAGNOSIS, "problem_description", CLEAR, "describe_problem")
    extracted, _ = run_extract(ValidateDiagnosisForm(), "extract_problem_description", tracker)
    assert extracted["policy_domain"] == "werk_inkomen" and extracted["initiator"] == "gemeente"
    assert "plan_requested" not in extracted  # a pending plan request survives a new description


def test_form_run_keeps_the_context_read_from_a_description():
    slots = slots_set(run_diagnosis_form("problem_description", CLEAR, "describe_problem")[0])
    assert slots.get("policy_domain") == "werk_inkomen"


# --- validate_diagnosis_form: the axes ------------------------------------------------------


@pytest.mark.parametrize("axis, expected", [("value_consensus", "agree"), ("knowledge_certainty", "certain")])
def test_yes_is_read_through_the_question_asked(axis, expected):
    events, dispatcher = run_diagnosis_form(axis, "ja", "affirm", problem_description=VAGUE)
    assert slots_set(events)[axis] == expected
    assert texts(dispatcher)[0].startswith("Helder:")


@pytest.mark.parametrize("axis, expected", [("value_consensus", "disagree"), ("knowledge_certainty", "uncertain")])
def test_no_is_read_through_the_question_asked(axis, expected):
    assert slots_set(run_diagnosis_form(axis, "nee", "deny", problem_description=VAGUE)[0])[axis] == expected


@pytest.mark.parametrize(
    "payload, intent, expected", [("/affirm", "affirm", "certain"), ("/deny", "deny", "uncertain")]
)
def test_a_button_payload_is_read_from_its_intent(payload, intent, expected):
    events, _ = run_diagnosis_form("knowledge_certainty", payload, intent, problem_description=VAGUE)
    assert slots_set(events)["knowledge_certainty"] == expected


def test_an_answer_with_a_cue_beats_the_intent():
    events, _ = run_diagnosis_form(
        "value_consensus", "de meningen lopen sterk uiteen", "affirm", problem_description=VAGUE
    )
    assert slots_set(events)["value_consensus"] == "disagree"


def test_an_answer_fills_only_the_requested_axis():
    events, _ = run_diagnosis_form(
        "knowledge_certainty", "ja", "affirm", problem_description=VAGUE, value_consensus="disagree"
    )
    # The other axis is left alone; the retry counter starts again for the next question.
    assert slots_set(events) == {"knowledge_certainty": "certain", "axis_attempts": 0}


def test_an_unclear_answer_counts_an_attempt_and_says_it_will_ask_differently():
    tracker = form_tracker(DIAGNOSIS, "value_consensus", "banaan", "nlu_fallback", slots={"problem_description": VAGUE})
    extracted, dispatcher = run_extract(ValidateDiagnosisForm(), "extract_value_consensus", tracker)
    assert extracted == {"axis_attempts": 1}
    assert "Ik stel de vraag iets anders" in texts(dispatcher)[0]


def test_unclear_twice_ends_the_form_without_a_pole_and_offers_the_buttons():
    events, dispatcher = run_diagnosis_form(
        "value_consensus", "fiets", "nlu_fallback", problem_description=VAGUE, axis_attempts=1.0
    )
    assert slots_set(events) == {"axis_attempts": 0, "requested_slot": None}  # the form stops: no question loop
    assert "vul niets in" in all_text(dispatcher)
    assert [payload for _, payload in buttons(dispatcher.messages[-1])] == ANSWER_PAYLOADS


def test_after_a_pause_a_button_answers_the_open_question_and_the_form_goes_on():
    tracker = make_tracker("/affirm", "affirm", slots={"problem_description": VAGUE})
    events, dispatcher = run_action(ActionAnswerOutsideQuestion(), tracker)
    assert slots_set(events)["value_consensus"] == "agree"
    assert {"event": "followup", "name": "diagnosis_form"} in [
        {k: e[k] for k in ("event", "name")} for e in events if e.get("event") == "followup"
    ]


def test_after_a_pause_the_last_answer_concludes_at_once():
    tracker = make_tracker("nee", "deny", slots={"problem_description": VAGUE, "value_consensus": "agree"})
    events, dispatcher = run_action(ActionAnswerOutsideQuestion(), tracker)
    assert slots_set(events)["problem_type"] == "moderately_structured_knowledge_uncertain"
    assert not [e for e in events if e.get("event") == "followup"]


def test_a_yes_with_no_open_question_offers_what_comes_next():
    events, dispatcher = run_action(ActionAnswerOutsideQuestion(), make_tracker("ja", "affirm", slots=diagnosed()))
    assert slots_set(events) == {} and "/ask_plan" in [p for _, p in buttons(dispatcher.messages[0])]


def test_typeer_dit_uses_the_description_just_before():
    earlier = [user_event("Zullen we de toeristenbelasting verhogen?", "nlu_fallback")]
    tracker = make_tracker("typeer dit vraagstuk", "start_diagnosis", earlier=earlier, active_loop=DIAGNOSIS)
    extracted, _ = run_extract(ValidateDiagnosisForm(), "extract_problem_description", tracker)
    assert extracted["problem_description"] == "Zullen we de toeristenbelasting verhogen?"


def test_a_first_dont_know_counts_an_attempt_without_choosing_a_pole():
    tracker = form_tracker(
        DIAGNOSIS, "knowledge_certainty", "weet ik niet", "dont_know", slots={"problem_description": VAGUE}
    )
    extracted, dispatcher = run_extract(ValidateDiagnosisForm(), "extract_knowledge_certainty", tracker)
    assert extracted == {"axis_attempts": 1}
    assert texts(dispatcher)[0].startswith("Geen probleem.")


def test_form_run_counts_an_attempt_after_an_unclear_answer():
    events, _ = run_diagnosis_form("value_consensus", "banaan", "nlu_fallback", problem_description=VAGUE)
    assert slots_set(events).get("axis_attempts") == 1


@pytest.mark.parametrize("axis, pole", [("value_consensus", "disagree"), ("knowledge_certainty", "uncertain")])
def test_dont_know_after_one_retry_takes_the_less_structured_pole_and_says_so(axis, pole):
    events, dispatcher = run_diagnosis_form(
        axis, "weet ik niet", "dont_know", problem_description=VAGUE, axis_attempts=1.0
    )  # a float slot, as Rasa stores it
    assert slots_set(events)[axis] == pole
    message = texts(dispatcher)[0]
    assert message.startswith("Dan ga ik uit van") and "klassieke fout" in message


def test_after_a_retry_a_clear_answer_resets_the_attempts():
    tracker = form_tracker(
        DIAGNOSIS, "value_consensus", "ja", "affirm", slots={"problem_description": VAGUE, "axis_attempts": 1}
    )
    extracted, _ = run_extract(ValidateDiagnosisForm(), "extract_value_consensus", tracker)
    assert extracted == {"value_consensus": "agree", "axis_attempts": 0}


@pytest.mark.parametrize("intent", ["ask_why", "ask_concept", "start_over", "out_of_scope"])
def test_an_interruption_does_not_fill_the_requested_axis(intent):
    events, dispatcher = run_diagnosis_form(
        "value_consensus", "ja, maar waarom vraag je dat?", intent, problem_description=VAGUE
    )
    assert "value_consensus" not in slots_set(events)
    assert dispatcher.messages == []


def test_nothing_is_extracted_when_the_form_asks_nothing():
    events, dispatcher = run_diagnosis_form(None, "ja", "affirm")
    assert slots_set(events) == {} and dispatcher.messages == []


# --- the form's questions -------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, axis", [(ActionAskValueConsensus, "value_consensus"), (ActionAskKnowledgeCertainty, "knowledge_certainty")]
)
def test_an_axis_question_has_answer_buttons(kb, action, axis):
    events, dispatcher = run_action(action(), make_tracker())
    message = dispatcher.messages[0]
    assert events == []
    assert message["text"] == kb.axes[axis]["question"]
    assert buttons(message) == list(
        zip([p["button"] for p in kb.axes[axis]["poles"]] + ["Weet ik niet"], ANSWER_PAYLOADS, strict=False)
    )


@pytest.mark.parametrize(
    "action, axis", [(ActionAskValueConsensus, "value_consensus"), (ActionAskKnowledgeCertainty, "knowledge_certainty")]
)
def test_after_an_unclear_answer_the_question_is_sharper(kb, action, axis):
    _, dispatcher = run_action(action(), make_tracker(slots={"axis_attempts": 1.0}))
    message = dispatcher.messages[0]
    assert message["text"] == kb.axes[axis]["sharper_question"] != kb.axes[axis]["question"]
    assert [payload for _, payload in buttons(message)] == ANSWER_PAYLOADS


def test_ask_problem_description_asks_for_a_few_sentences():
    events, dispatcher = run_action(ActionAskProblemDescription(), make_tracker())
    assert events == []
    assert "Beschrijf je vraagstuk" in texts(dispatcher)[0]


# --- action_conclude ------------------------------------------------------------------------


@pytest.mark.parametrize("axes, expected", list(TYPES.items()))
def test_conclude_sets_type_level_and_stakeholders(kb, axes, expected):
    vc, kc = axes
    problem_type, level = expected
    tracker = make_tracker(
        "ja", "affirm", slots={"problem_description": VAGUE, "value_consensus": vc, "knowledge_certainty": kc}
    )
    events, dispatcher = run_action(ActionConclude(), tracker)
    slots = slots_set(events)
    assert slots["problem_type"] == problem_type
    assert slots["participation_level"] == level
    # Without domain or initiator: the type's own stakeholders, in order.
    assert slots["stakeholders"] == [s["id"] for s in kb.types[problem_type]["stakeholders"]][:6]
    assert slots["last_conclusion"] == "type"
    message = dispatcher.messages[0]
    assert kb.types[problem_type]["name"] in message["text"]
    assert ("Maak een plan", "/ask_plan") in buttons(message)


def test_conclude_puts_the_initiators_partners_first(kb):
    tracker = make_tracker(
        slots={
            "value_consensus": "agree",
            "knowledge_certainty": "uncertain",
            "initiator": "gemeente",
            "policy_domain": "werk_inkomen",
        }
    )
    stakeholders = slots_set(run_action(ActionConclude(), tracker)[0])["stakeholders"]
    partners = [c["id"] for c in kb.stakeholders.values() if "gemeente" in c["initiators"]]
    assert partners and stakeholders[0] == partners[0]
    assert set(stakeholders) <= set(kb.stakeholders) and len(stakeholders) <= 6


@pytest.mark.parametrize("missing", ["value_consensus", "knowledge_certainty"])
def test_conclude_does_nothing_when_an_axis_is_missing(missing):
    slots = {"value_consensus": "agree", "knowledge_certainty": "certain", missing: None}
    events, dispatcher = run_action(ActionConclude(), make_tracker(slots=slots))
    assert events == [] and dispatcher.messages == []


def test_conclude_hands_over_the_plan_when_one_was_asked_for():
    slots = {
        "problem_description": VAGUE,
        "value_consensus": "disagree",
        "knowledge_certainty": "uncertain",
        "plan_requested": True,
    }
    events, dispatcher = run_action(ActionConclude(), make_tracker(slots=slots))
    result = slots_set(events)
    assert result["plan_requested"] is False
    assert result["last_conclusion"] == "plan" and result["problem_type"] == "unstructured"
    assert "# Experimentplan" in all_text(dispatcher)


# --- action_correct -------------------------------------------------------------------------


def test_correct_reclassifies_and_recomputes_the_advice():
    tracker = make_tracker(
        "nee, eigenlijk zijn de waarden wel omstreden",
        "inform_axis",
        slots=diagnosed("agree", "uncertain", stakeholders=["experts_by_experience"]),
    )
    events, dispatcher = run_action(ActionCorrect(), tracker)
    slots = slots_set(events)
    assert slots["value_consensus"] == "disagree"
    assert "knowledge_certainty" not in slots  # unchanged
    assert slots["problem_type"] == "unstructured"
    assert slots["participation_level"] == "interactive" and slots["stakeholders"]
    assert any("Het type verandert van" in t and "ongestructureerd" in t for t in texts(dispatcher))


def test_correct_recomputes_routes_that_were_already_given():
    tracker = make_tracker(
        "we weten wat werkt",
        "inform_axis",
        slots=diagnosed(
            "agree", "uncertain", legal_routes=["uitdaagrecht"], policy_domain="werk_inkomen", initiator="gemeente"
        ),
    )
    slots = slots_set(run_action(ActionCorrect(), tracker)[0])
    assert slots["knowledge_certainty"] == "certain" and slots["problem_type"] == "structured"
    assert slots["legal_routes"][0] == "participatiewet_art83"


def test_correct_without_an_axis_cue_offers_the_corrections():
    events, dispatcher = run_action(ActionCorrect(), make_tracker("dat klopt niet", "inform_axis", slots=diagnosed()))
    assert events == []
    assert texts(dispatcher)[0].startswith("Wat wil je aanpassen?")
    assert len(buttons(dispatcher.messages[0])) == 4


# The payloads action_correct offers as buttons; each goes back through NLU as text.
CORRECTIONS = [
    ("De waarden zijn toch omstreden", "value_consensus", "disagree"),
    ("we zijn het toch eens over het doel", "value_consensus", "agree"),
    ("het is toch onzeker wat werkt", "knowledge_certainty", "uncertain"),
    ("het is toch bekend wat werkt", "knowledge_certainty", "certain"),
]
OPPOSITE = {"agree": "disagree", "disagree": "agree", "certain": "uncertain", "uncertain": "certain"}


def test_the_offered_corrections_are_the_ones_tested_here():
    _, dispatcher = run_action(ActionCorrect(), make_tracker("dat klopt niet", slots=diagnosed()))
    assert [payload for _, payload in buttons(dispatcher.messages[0])] == [c[0] for c in CORRECTIONS]


@pytest.mark.parametrize("payload, axis, value", CORRECTIONS)
def test_every_offered_correction_changes_its_axis(payload, axis, value):
    slots = {**diagnosed(), axis: OPPOSITE[value]}
    events, _ = run_action(ActionCorrect(), make_tracker(payload, slots=slots))
    assert slots_set(events).get(axis) == value


def test_correct_with_the_same_answer_changes_nothing():
    events, dispatcher = run_action(
        ActionCorrect(), make_tracker("we zijn het eens over het doel", slots=diagnosed("agree"))
    )
    assert events == []
    assert "Er verandert niets" in texts(dispatcher)[0]


# --- action_explain_why ---------------------------------------------------------------------


def test_explain_why_explains_the_type_with_its_source(kb):
    tracker = make_tracker("waarom?", "ask_why", slots=diagnosed("disagree", "certain"))
    events, dispatcher = run_action(ActionExplainWhy(), tracker)
    message = texts(dispatcher)[0]
    assert events == []
    assert kb.types["moderately_structured_values_contested"]["why"] in message
    assert "Bron:" in message


def test_explain_why_after_routes_explains_the_ranking():
    tracker = make_tracker("waarom?", "ask_why", slots=diagnosed(last_conclusion="routes"))
    assert "Ik rangschik routes" in texts(run_action(ActionExplainWhy(), tracker)[1])[0]


def test_explain_why_after_advice_explains_the_level(kb):
    tracker = make_tracker("waarom?", "ask_why", slots=diagnosed("agree", "uncertain", last_conclusion="advice"))
    message = texts(run_action(ActionExplainWhy(), tracker)[1])[0]
    assert kb.types["moderately_structured_knowledge_uncertain"]["participation"]["implication"] in message


def test_explain_why_before_any_conclusion_says_so():
    message = texts(run_action(ActionExplainWhy(), make_tracker("waarom?", "ask_why"))[1])[0]
    assert "nog geen conclusie" in message


# --- action_start_over ----------------------------------------------------------------------


def test_start_over_closes_the_form_and_resets_all_slots():
    tracker = make_tracker("opnieuw beginnen", "start_over", slots=diagnosed(), active_loop=DIAGNOSIS)
    events, dispatcher = run_action(ActionStartOver(), tracker)
    assert events == [ActiveLoop(None), AllSlotsReset()]
    assert "opnieuw" in texts(dispatcher)[0]
    assert ("Vraagstuk typeren", "/start_diagnosis") in buttons(dispatcher.messages[0])


# --- action_advise --------------------------------------------------------------------------


def test_advise_names_level_and_stakeholders_for_the_type(kb):
    tracker = make_tracker("wie betrek ik?", "ask_stakeholders", slots=diagnosed("disagree", "certain"))
    events, dispatcher = run_action(ActionAdvise(), tracker)
    slots = slots_set(events)
    assert slots["problem_type"] == "moderately_structured_values_contested"
    assert slots["participation_level"] == "functional"
    assert slots["last_conclusion"] == "advice"
    message = dispatcher.messages[0]
    assert kb.levels["functional"]["name"].lower() in message["text"]
    assert kb.stakeholders[slots["stakeholders"][0]]["name"] in message["text"]
    assert [p for _, p in buttons(message)] == ["/ask_experiment", "/ask_plan"]


def test_advise_before_a_diagnosis_offers_to_start_one():
    events, dispatcher = run_action(ActionAdvise(), make_tracker("wie betrek ik?", "ask_stakeholders"))
    assert events == []
    assert buttons(dispatcher.messages[0]) == [("Vraagstuk typeren", "/start_diagnosis")]


# --- validate_routes_form -------------------------------------------------------------------


def required_routes_slots(text: str, requested: str | None = None) -> list:
    form = ValidateRoutesForm()
    tracker = form_tracker(ROUTES, requested, text, "ask_experiment")
    return asyncio.run(form.required_slots(form.domain_slots(DOMAIN), CollectingDispatcher(), tracker, DOMAIN))


def test_routes_form_asks_nothing_when_the_question_names_a_route():
    assert required_routes_slots("bestaat de Experimentenwet?") == []


def test_routes_form_asks_domain_initiator_and_rule_otherwise():
    assert required_routes_slots("welke ruimte is er om te experimenteren?") == [
        "policy_domain",
        "initiator",
        "deviation",
    ]


def test_routes_form_keeps_asking_once_a_question_is_open():
    assert required_routes_slots("de experimentenwet", requested="deviation") == [
        "policy_domain",
        "initiator",
        "deviation",
    ]


def test_routes_form_run_ends_at_once_for_a_named_route():
    events, _ = run_routes_form(None, "bestaat de Experimentenwet?", "ask_experiment")
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": None}]


def test_routes_form_reads_a_domain_entity_as_id():
    events, _ = run_routes_form("policy_domain", "bijstand", entities={"policy_domain": "werk_inkomen"})
    assert slots_set(events) == {"policy_domain": "werk_inkomen"}


def test_routes_form_reads_a_domain_from_words():
    events, _ = run_routes_form("policy_domain", "het gaat over jeugdzorg")
    assert slots_set(events) == {"policy_domain": "jeugd"}


def test_routes_form_reads_the_initiator():
    events, _ = run_routes_form("initiator", "de buurtbewoners zelf")
    assert slots_set(events) == {"initiator": "bewoners"}


def test_routes_form_takes_the_rule_in_the_users_words():
    events, _ = run_routes_form("deviation", "de  kostendelersnorm   in de bijstand")
    # The rule is kept in the user's words; the domain it names is noted on the way.
    assert slots_set(events) == {"deviation": "de kostendelersnorm in de bijstand", "policy_domain": "werk_inkomen"}


def test_the_rule_in_the_way_is_taken_also_when_the_model_calls_it_out_of_scope():
    text = "de sollicitatieplicht: meneer krijgt daardoor steeds een boete"
    events, _ = run_routes_form("deviation", text, "out_of_scope")
    assert slots_set(events)["deviation"] == text
    # Asked for the domain, an out-of-scope message is no answer: the rules reply to it.
    events, _ = run_routes_form("policy_domain", "wat voor weer wordt het morgen", "out_of_scope")
    assert "policy_domain" not in slots_set(events)


@pytest.mark.parametrize("requested", ["policy_domain", "initiator", "deviation"])
def test_routes_form_accepts_dont_know_as_unknown(requested):
    events, _ = run_routes_form(requested, "weet ik niet", "dont_know")
    assert slots_set(events) == {requested: "unknown"}


def test_routes_form_keeps_a_named_domain_despite_a_hedge():
    events, _ = run_routes_form("policy_domain", "werk en inkomen, misschien ook jeugd")
    assert slots_set(events) == {"policy_domain": "werk_inkomen"}


def test_routes_form_goes_on_without_an_unrecognised_domain():
    # Asking the same question again would loop; the bot says it goes on without it.
    events, dispatcher = run_routes_form("policy_domain", "iets met bananen")
    assert slots_set(events)["policy_domain"] == "unknown"
    assert "herken ik niet" in texts(dispatcher)[0]


def test_routes_form_notes_a_domain_given_in_answer_to_another_question():
    events, _ = run_routes_form("initiator", "het gaat om jeugd")
    assert slots_set(events).get("policy_domain") == "jeugd"


def test_routes_form_lets_a_why_question_through():
    events, _ = run_routes_form("initiator", "waarom wil je dat weten, gemeente?", "ask_why")
    assert "initiator" not in slots_set(events)


def test_routes_form_reads_an_answer_nlu_took_for_ask_experiment():
    events, _ = run_routes_form("deviation", "de sollicitatieplicht", "ask_experiment")
    # The answer also names its domain (werk en inkomen), which the form notes.
    assert slots_set(events) == {"deviation": "de sollicitatieplicht", "policy_domain": "werk_inkomen"}


def test_every_domain_button_fills_its_own_domain(kb):
    _, dispatcher = run_action(ActionAskPolicyDomain(), make_tracker())
    by_name = {d["name"]: d["id"] for d in kb.domains.values()}
    for title, payload in buttons(dispatcher.messages[0])[:-1]:
        events, _ = run_routes_form("policy_domain", payload)
        assert slots_set(events) == {"policy_domain": by_name[title]}


def test_every_initiator_button_fills_its_own_initiator(kb):
    _, dispatcher = run_action(ActionAskInitiator(), make_tracker())
    by_name = {i["name"]: i["id"] for i in kb.initiators.values()}
    for title, payload in buttons(dispatcher.messages[0])[:-1]:
        events, _ = run_routes_form("initiator", payload)
        assert slots_set(events) == {"initiator": by_name[title]}


# --- the routes form's questions ------------------------------------------------------------


@pytest.mark.parametrize(
    "action, question, options",
    [
        (ActionAskPolicyDomain, "Om welk beleidsdomein gaat het?", "domains"),
        (ActionAskInitiator, "Wie neemt het initiatief?", "initiators"),
    ],
)
def test_context_questions_offer_every_option_and_dont_know(kb, action, question, options):
    events, dispatcher = run_action(action(), make_tracker())
    message = dispatcher.messages[0]
    assert events == [] and message["text"] == question
    names = [entry["name"] for entry in getattr(kb, options).values()]
    assert buttons(message) == [(n, n) for n in names] + [("Weet ik niet", "/dont_know")]


def test_ask_deviation_invites_own_words_or_dont_know():
    _, dispatcher = run_action(ActionAskDeviation(), make_tracker())
    message = dispatcher.messages[0]
    assert "Welke regel zit in de weg" in message["text"]
    assert buttons(message) == [("Weet ik niet", "/dont_know")]


# --- action_legal_routes --------------------------------------------------------------------


def test_legal_routes_for_the_bijstand_and_the_gemeente_start_with_article_83(kb):
    tracker = make_tracker(
        "de gemeente", "inform_context", slots={"policy_domain": "werk_inkomen", "initiator": "gemeente"}
    )
    events, dispatcher = run_action(ActionLegalRoutes(), tracker)
    slots = slots_set(events)
    assert slots["legal_routes"][0] == "participatiewet_art83"
    assert "experimentenwet" not in slots["legal_routes"]  # never enacted: only when asked
    assert slots["last_conclusion"] == "routes"
    routes = texts(dispatcher)[0]
    assert "**1. Participatiewet artikel 83" in routes
    assert "(https://wetten.overheid.nl/BWBR0015703)" in routes
    assert kb.status_on("participatiewet_art83")["text"] in routes  # the status that holds today
    checked = kb.routes["participatiewet_art83"]["checked"]["date"]
    assert f"gecontroleerd op {nl_date(checked)}" in routes


def test_legal_routes_without_a_rule_asks_which_rule():
    tracker = make_tracker(
        "de gemeente",
        "inform_context",
        slots={"policy_domain": "werk_inkomen", "initiator": "gemeente", "deviation": "unknown"},
    )
    _, dispatcher = run_action(ActionLegalRoutes(), tracker)
    assert texts(dispatcher)[-1] == "Over welke regel gaat het precies? Dan zoek ik gerichter."


def test_legal_routes_with_a_known_rule_does_not_ask_again():
    tracker = make_tracker(
        "/dont_know",
        "dont_know",
        slots={"policy_domain": "werk_inkomen", "initiator": "gemeente", "deviation": "de sollicitatieplicht"},
    )
    assert len(run_action(ActionLegalRoutes(), tracker)[1].messages) == 1


def test_a_question_about_the_experimentenwet_says_it_was_never_enacted():
    tracker = make_tracker("Bestaat de Experimentenwet nog?", "ask_route_info")
    events, dispatcher = run_action(ActionLegalRoutes(), tracker)
    message = texts(dispatcher)[0]
    assert message.startswith("Goede vraag.")
    assert "**1. Experimentenwet gemeenten" in message and "Nooit wet geworden" in message
    assert "Wat wél kan:" in message
    # The route asked about comes first in the slot, even though it cannot be used.
    assert slots_set(events)["legal_routes"][0] == "experimentenwet"


def test_legal_routes_answer_the_question_that_started_the_form():
    earlier = [
        user_event("Bestaat de Experimentenwet nog?", "ask_experiment"),
        {"event": "action", "name": "routes_form"},
    ]
    tracker = make_tracker("de gemeente", "inform_context", slots={"initiator": "gemeente"}, earlier=earlier)
    message = texts(run_action(ActionLegalRoutes(), tracker)[1])[0]
    assert "**1. Experimentenwet gemeenten" in message


def test_legal_routes_forget_a_question_from_before_a_start_over():
    earlier = [
        user_event("Bestaat de Experimentenwet nog?", "ask_experiment"),
        {"event": "action", "name": "action_legal_routes"},
        user_event("opnieuw beginnen", "start_over"),
        {"event": "action", "name": "action_start_over"},
        {"event": "reset_slots"},
    ]
    tracker = make_tracker("het gaat om wonen", "inform_context", slots={"policy_domain": "wonen"}, earlier=earlier)
    message = texts(run_action(ActionLegalRoutes(), tracker)[1])[0]
    assert "Experimentenwet gemeenten" not in message


# --- plans ----------------------------------------------------------------------------------


def test_prepare_plan_names_what_is_missing():
    tracker = make_tracker("maak een plan", "ask_plan", slots={"value_consensus": "agree"})
    events, dispatcher = run_action(ActionPreparePlan(), tracker)
    assert slots_set(events) == {"plan_requested": True}
    message = texts(dispatcher)[0]
    assert "een korte beschrijving van je vraagstuk" in message and "of bekend is wat werkt" in message
    assert "waarden" not in message  # that one is known


def test_prepare_plan_is_silent_when_nothing_is_missing():
    events, dispatcher = run_action(ActionPreparePlan(), make_tracker("maak een plan", "ask_plan", slots=diagnosed()))
    assert slots_set(events) == {"plan_requested": True} and dispatcher.messages == []


PLAN_SECTIONS = [
    "# Experimentplan",
    "## 1. Het vraagstuk",
    "## 2. Type en waarom",
    "## 3. Aanpak",
    "## 4. Betrokkenen",
    "## 5. Participatieniveau",
    "## 6. Juridische route",
    "## 7. Fasen en eerstvolgende stappen",
    "## 8. Bewijs",
    "## 9. Risico's",
    "## 10. Bronnen",
]


def test_plan_contains_every_section_and_the_users_description():
    slots = diagnosed("agree", "uncertain", policy_domain="werk_inkomen", initiator="gemeente")
    events, dispatcher = run_action(ActionPlan(), make_tracker("maak een plan", "ask_plan", slots=slots))
    plan = texts(dispatcher)[-1]
    positions = [plan.index(section) for section in PLAN_SECTIONS]
    assert positions == sorted(positions)
    assert VAGUE in plan
    assert "Participatiewet artikel 83" in plan
    result = slots_set(events)
    assert result["last_conclusion"] == "plan"
    assert result["problem_type"] == "moderately_structured_knowledge_uncertain"
    assert result["legal_routes"][0] == "participatiewet_art83"


def test_plan_offers_download_links_only_for_an_unguessable_session():
    slots = diagnosed("agree", "uncertain", policy_domain="werk_inkomen", initiator="gemeente")
    tracker = make_tracker("maak een plan", "ask_plan", slots=slots)
    _, dispatcher = run_action(ActionPlan(), tracker)
    assert not any(m.get("custom") for m in dispatcher.messages)  # "test-user" is guessable

    tracker.sender_id = "3f9c2b7e1a8d4c6f9e0b1a2c3d4e5f60"
    _, dispatcher = run_action(ActionPlan(), tracker)
    custom = dispatcher.messages[-1]["custom"]["taai_plan"]
    assert custom == {
        "html": f"/webhooks/taai/plan/{tracker.sender_id}.html",
        "docx": f"/webhooks/taai/plan/{tracker.sender_id}.docx",
    }


def test_plan_without_a_diagnosis_asks_for_what_is_missing():
    events, dispatcher = run_action(ActionPlan(), make_tracker("maak een plan", "ask_plan"))
    assert slots_set(events) == {"plan_requested": True}
    assert texts(dispatcher)[0].startswith("Voor een plan heb ik eerst nog nodig")


# --- action_answer_concept ------------------------------------------------------------------


def sources_of(kb, entry) -> str:
    return "Bron: " + "; ".join(s["short"] for s in kb.source_list(entry["sources"])) + "."


def test_answer_concept_from_the_entity(kb):
    tracker = make_tracker("/ask_concept", "ask_concept", entities={"concept": "probleemtypologie"})
    events, dispatcher = run_action(ActionAnswerConcept(), tracker)
    message = texts(dispatcher)[0]
    entry = kb.terms["probleemtypologie"]
    assert events == []
    assert message.startswith(f"**{entry['term']}**")
    assert entry["definition"] in message
    assert message.endswith(sources_of(kb, entry))


def test_a_concept_not_recognised_for_sure_is_offered_as_a_choice(kb):
    # The router passes the closest terms when a user asks for a name and none stands out.
    tracker = make_tracker(
        "hoe heet dat ook alweer", "ask_concept", entities={"concept": "choose:term:co_productie,term:co_creatie"}
    )
    events, dispatcher = run_action(ActionAnswerConcept(), tracker)
    (message,) = dispatcher.messages
    assert events == []
    assert message["text"].startswith("Ik weet niet zeker welk begrip je bedoelt")
    assert buttons(message) == [
        (kb.terms["co_productie"]["term"], '/ask_concept{"concept":"term:co_productie"}'),
        (kb.terms["co_creatie"]["term"], '/ask_concept{"concept":"term:co_creatie"}'),
    ]


def test_answer_concept_from_the_words(kb):
    message = texts(run_action(ActionAnswerConcept(), make_tracker("wat is co-creatie?", "ask_concept"))[1])[0]
    assert message.startswith("**Co-creatie**")
    assert message.endswith(sources_of(kb, kb.terms["co_creatie"]))


def test_answer_concept_about_a_case(kb):
    message = texts(run_action(ActionAnswerConcept(), make_tracker("vertel eens over buurtzorg", "ask_concept"))[1])[0]
    case = kb.cases["buurtzorg"]
    assert message.startswith(f"**{case['name']}**") and case["lesson"] in message
    assert message.endswith(sources_of(kb, case))


def test_answer_concept_about_a_problem_type(kb):
    message = texts(
        run_action(ActionAnswerConcept(), make_tracker("wat is een gestructureerd probleem?", "ask_concept"))[1]
    )[0]
    assert message.startswith(f"**{kb.types['structured']['name']}**") and "Bron:" in message


def test_answer_concept_about_the_unstructured_type(kb):
    message = texts(
        run_action(ActionAnswerConcept(), make_tracker("wat is een ongestructureerd probleem?", "ask_concept"))[1]
    )[0]
    assert message.startswith(f"**{kb.types['unstructured']['name']}**")


def test_answer_concept_does_not_mistake_partly_structured_for_structured(kb):
    message = texts(
        run_action(ActionAnswerConcept(), make_tracker("wat is een deels gestructureerd probleem?", "ask_concept"))[1]
    )[0]
    assert not message.startswith(f"**{kb.types['structured']['name']}**")


def test_answer_concept_admits_what_it_does_not_know():
    message = texts(run_action(ActionAnswerConcept(), make_tracker("wat is een banaan?", "ask_concept"))[1])[0]
    assert message.startswith("Daar heb ik geen uitleg over")


# --- action_note_context --------------------------------------------------------------------


def test_note_context_stores_domain_and_initiator_from_entities():
    tracker = make_tracker(
        "het gaat om jeugd, bewoners willen het",
        "inform_context",
        entities={"policy_domain": "jeugd", "initiator": "bewoners"},
    )
    events, dispatcher = run_action(ActionNoteContext(), tracker)
    assert slots_set(events) == {"policy_domain": "jeugd", "initiator": "bewoners"}
    assert texts(dispatcher)[0] == "Genoteerd: domein jeugd, initiatief bij bewoners."


def test_note_context_takes_other_words_as_the_rule_in_the_way():
    tracker = make_tracker("de kostendelersnorm zit in de weg", "inform_context")
    events, dispatcher = run_action(ActionNoteContext(), tracker)
    # the rule is noted in the user's words, and the domain it belongs to on the way
    assert slots_set(events) == {"deviation": "de kostendelersnorm zit in de weg", "policy_domain": "werk_inkomen"}
    assert "welke regel in de weg zit" in texts(dispatcher)[0]


def test_note_context_then_routes_use_the_new_context():
    noted, _ = run_action(ActionNoteContext(), make_tracker("wij als gemeente, in de bijstand", "inform_context"))
    assert slots_set(noted)["initiator"] == "gemeente" and slots_set(noted)["policy_domain"] == "werk_inkomen"
    events, _ = run_action(
        ActionLegalRoutes(), make_tracker("wij als gemeente, in de bijstand", "inform_context", slots=slots_set(noted))
    )
    assert slots_set(events)["legal_routes"][0] == "participatiewet_art83"


def test_the_action_server_registers_exactly_the_actions_of_the_domain():
    # What `python -m rasa_sdk --actions actions` does at start-up: base classes must not
    # be registered (or crash registration), and every domain action must be there.
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {name for name in DOMAIN["actions"] if name.startswith(("action_", "validate_"))}
    assert set(executor.actions) == custom
