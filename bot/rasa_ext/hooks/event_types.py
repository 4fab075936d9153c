"""Look up Rasa event classes by type name in a dict instead of a class-tree walk.

Rasa 3.6 turns each stored event back into an object through
`Event.resolve_by_type`, which walks every subclass of Event (and asks `inspect`
whether each is abstract) for every single event. A tracker is rebuilt from all its
events at least once per turn, so on one user's conversation this walk was about 7 %
of the Rasa process's busy time (py-spy). The first lookup of a name does the walk
once; its answer is kept. Unknown names are not kept, so they still get Rasa's
behaviour (a default, None for old "topic" events, or its ValueError).

`resolve_by_type` replaces `Event.resolve_by_type` (installed by bot/rasa_ext/patches.py).
"""

from __future__ import annotations

from typing import Dict, Optional, Type

from rasa.shared.core.events import Event

_original_resolve_by_type = Event.resolve_by_type
_known: Dict[str, Type[Event]] = {}


def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    cls = _known.get(type_name)
    if cls is not None:
        return cls
    found = _original_resolve_by_type(type_name, default)
    # Only a class found by its own name is remembered: not a caller's default, nor
    # the None of a "topic" event.
    if found is not None and found is not default:
        _known[type_name] = found
    return found
