"""Taai's additions to Rasa's Sanic app: the HTTP API guard and the retention cleanup.

Why here: `rasa.api.run` builds the Sanic app and runs it in one call
(`serve_application`), so there is no moment in between to add middleware or
listeners. The one seam is the module function it calls to build the app:
`configure_app` replaces `rasa.core.run.configure_app`, calls Rasa's own, then adds

- the request middleware that redacts the HTTP API's message endpoints (api_guard.py);
- the periodic deletion of expired conversations (stores/retention.py).

Installed by bot/rasa_ext/patches.py, which also hands over the server's settings.
"""

from __future__ import annotations

from typing import Any, Optional

import rasa.core.run

from bot.rasa_ext.hooks.api_guard import install_api_guard
from bot.rasa_ext.stores.retention import install_retention_cleanup
from bot.runtime.settings import Settings, load_settings

_original_configure_app = rasa.core.run.configure_app
_settings: Optional[Settings] = None


def use_settings(settings: Settings) -> None:
    """The settings the app is built with (the retention period and interval)."""
    global _settings
    _settings = settings


def configure_app(*args: Any, **kwargs: Any) -> Any:
    app = _original_configure_app(*args, **kwargs)
    install_api_guard(app)
    install_retention_cleanup(app, _settings if _settings is not None else load_settings())
    return app
