"""Event classes are found by type name exactly as Rasa finds them
(bot/rasa_ext/hooks/event_types.py)."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered, deserialise_events
from rasa.shared.utils.common import all_subclasses

from bot.rasa_ext import patches
from bot.rasa_ext.hooks import event_types

patches.apply(next(p for p in patches.PATCHES if p.replacement is event_types.resolve_by_type))


def _rasas_answer(type_name, default=None):
    return event_types._original_resolve_by_type(type_name, default)


@pytest.mark.parametrize("cls", sorted(all_subclasses(Event), key=lambda c: c.__name__))
def test_every_event_type_resolves_to_the_class_rasa_would_pick(cls):
    assert Event.resolve_by_type(cls.type_name) is _rasas_answer(cls.type_name)
    assert Event.resolve_by_type(cls.type_name) is _rasas_answer(cls.type_name)  # from the cache


def test_unknown_names_keep_rasas_behaviour_and_are_not_remembered():
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    assert "no_such_event" not in event_types._known and "topic" not in event_types._known


def test_stored_events_deserialise_as_before():
    events = [UserUttered("hoi", {"name": "greet"}), ActionExecuted("utter_greet"), SlotSet("x", 1)]
    restored = deserialise_events([e.as_dict() for e in events])
    assert restored == events
