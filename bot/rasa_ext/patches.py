"""Every runtime patch Taai makes to Rasa, in one place, installed in one order.

Most of what Taai adds to Rasa uses Rasa's own extension points: channels, stores and
NLU components are classes that Rasa loads by name from the generated credentials,
endpoints and config.yml (channels/, stores/, nlu/). What those points cannot reach
is done by replacing a Rasa method or function at runtime. Each replacement below
wraps or re-implements Rasa 3.6.21's own code and relies on its private names and call
order, so `install_all()` refuses to run on any other Rasa version.

In the order `install_all()` installs them (no two patch the same attribute, so the
order matters for reading, not for the result; the cheap, behaviour-neutral ones first):

| Rasa attribute                                | replaced by                         | why |
|-----------------------------------------------|-------------------------------------|-----|
| `Event.resolve_by_type`                       | hooks/event_types.py                | a dict lookup, not a class-tree walk per event |
| `RemoteAction._validate_action_result`        | hooks/action_validation.py          | the JSON schema is checked once, not per response |
| `Agent.handle_message`                        | hooks/turn.py                       | redaction, forget command, retries, loud storage errors |
| `MessageProcessor.parse_message`              | hooks/parse.py                      | forget gate, then the understanding router |
| `MessageProcessor.save_tracker`               | hooks/turn.py                       | privacy notice stored, failed turn not stored, forget deletes |
| `RemoteAction.run`                            | hooks/outages.py                    | action server down: one clear message |
| `rasa.core.run.configure_app`                 | hooks/app_setup.py                  | HTTP API guard and retention cleanup on the app |

One more change is made per object, not per class, so it is not in `PATCHES`: the
agent's `FailSafeTrackerStore._on_tracker_store_error` is set on the first message by
hooks/outages.make_failures_loud (Rasa sets that callback per instance).

`install_all()` is called once per process by bot/rasa_ext/server.py, before Rasa
starts; calling it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import rasa
import rasa.core.run
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event

from bot.rasa_ext.hooks import action_validation, app_setup, event_types, outages, parse, turn
from bot.runtime.settings import Settings

REQUIRED_RASA_VERSION = "3.6.21"


@dataclass(frozen=True)
class Patch:
    owner: Any  # the class or module whose attribute is replaced
    name: str
    replacement: Callable[..., Any]
    original: Callable[..., Any]  # Rasa's own, kept by the replacement's module
    static: bool = False  # installed as a staticmethod

    @property
    def target(self) -> str:
        return f"{getattr(self.owner, '__qualname__', None) or self.owner.__name__}.{self.name}"

    def applied(self) -> bool:
        return getattr(self.owner, self.name) is self.replacement


PATCHES: tuple[Patch, ...] = (
    Patch(Event, "resolve_by_type", event_types.resolve_by_type, event_types._original_resolve_by_type, static=True),
    Patch(
        RemoteAction,
        "_validate_action_result",
        action_validation.validate_action_result,
        action_validation._original_validate_action_result,
    ),
    Patch(Agent, "handle_message", turn.handle_message, turn._original_handle_message),
    Patch(MessageProcessor, "parse_message", parse.parse_message, parse._original_parse_message),
    Patch(MessageProcessor, "save_tracker", turn.save_tracker, turn._original_save_tracker),
    Patch(RemoteAction, "run", outages.remote_run, outages._original_remote_run),
    Patch(rasa.core.run, "configure_app", app_setup.configure_app, app_setup._original_configure_app),
)


def check_rasa_version(installed: str) -> None:
    """Raise RuntimeError unless `installed` is the Rasa version the patches were written for."""
    if installed != REQUIRED_RASA_VERSION:
        raise RuntimeError(
            f"Taai patches Rasa {REQUIRED_RASA_VERSION} at runtime (bot/rasa_ext/patches.py), but Rasa "
            f"{installed} is installed. Install rasa=={REQUIRED_RASA_VERSION} (requirements), or check "
            "every patch against the new version before changing REQUIRED_RASA_VERSION."
        )


def apply(patch: Patch) -> None:
    """Install one patch; nothing happens when it is already installed."""
    if not patch.applied():
        setattr(patch.owner, patch.name, staticmethod(patch.replacement) if patch.static else patch.replacement)


def install_all(settings: Optional[Settings] = None) -> None:
    """Check the Rasa version, then install every patch in `PATCHES`, in order. Idempotent.

    `settings` are those the Sanic app is built with (hooks/app_setup.py); without
    them, the app loads them itself when Rasa builds it.
    """
    check_rasa_version(rasa.__version__)
    if settings is not None:
        app_setup.use_settings(settings)
    for patch in PATCHES:
        apply(patch)
