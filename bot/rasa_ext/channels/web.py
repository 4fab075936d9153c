"""HTTP routes of the web widget, on the Rasa server (same origin as the chat).

Rasa mounts every input channel's blueprint at /webhooks/<name>/, without the HTTP
API token, and applies the configured CORS origins to it. `TaaiWebInput` (name
"taai", listed in credentials.yml) receives no messages; it only carries:

    GET  /webhooks/taai/plan/<session_id>.html   the plan as a printable page
    GET  /webhooks/taai/plan/<session_id>.docx   the plan as an editable Word file
    POST /webhooks/taai/feedback                 {"session_id", "message_index", "helpful"} -> 204
    GET  /webhooks/taai/static/<path>            files under <web dir>/dist/
    GET  /webhooks/taai/demo                     <web dir>/demo.html

The session id is the only key to a conversation, so it must be unguessable
(`is_unguessable_session_id`, bot/core/ids.py). A wrong id, an unknown one and a
conversation without a plan all get the same 404: the answer never tells whether a
conversation exists.
The web dir is TAAI_WEB_DIR, by default <project>/web (bot/runtime/settings.py).
"""

from __future__ import annotations

import logging
import mimetypes
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.ids import is_unguessable_session_id
from bot.core.knowledge import default_knowledge
from bot.export.plan_files import DOCX_FILENAME, DOCX_MEDIA_TYPE, plan_docx, plan_from_slots, plan_html
from bot.runtime.settings import web_dir

logger = logging.getLogger(__name__)

FEEDBACK_SLOT = "feedback"
MAX_MESSAGE_INDEX = 100_000
MAX_FEEDBACK_BODY = 4096  # bytes; a feedback request is about 100

NOT_FOUND_PLAN = "Dit plan is niet gevonden. Klopt de link? Of vraag Taai eerst om een plan."
NOT_FOUND_CONVERSATION = "Dit gesprek is niet gevonden."
NOT_FOUND_FILE = "Dit bestand is niet gevonden."
BAD_FEEDBACK = (
    'Dit verzoek klopt niet. Stuur JSON zoals {"session_id": "...", "message_index": 0, '
    '"helpful": true}: message_index is een heel getal vanaf 0, helpful is true of false.'
)

# Private pages: not cached, not indexed, and the plan's links to wetten.overheid.nl
# must not carry the URL (with the session id) along as Referer.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
}
# The plan page needs only its own inline style; nothing else may load or run.
PLAN_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

# Explicit types for what a web build contains; mimetypes' table differs per system.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


def _text(status: int, message: str, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    return response.text(message, status=status, headers={**PRIVATE_HEADERS, **(headers or {})})


def _agent(request: Request) -> Any:
    return getattr(request.app.ctx, "agent", None)


async def _tracker(request: Request, session_id: str) -> Optional[DialogueStateTracker]:
    """The conversation's tracker (its latest session carries the slots), or None."""
    agent = _agent(request)
    if not is_unguessable_session_id(session_id) or agent is None or agent.tracker_store is None:
        return None
    return await agent.tracker_store.retrieve(session_id)


def resolve_static(root: Path, relative: str) -> Optional[Path]:
    """The file under `root` that `relative` names, or None: never anything outside root,
    and no hidden files (.env, .git)."""
    parts = Path(relative).parts
    if not parts or "\x00" in relative or any(part.startswith((".", "/")) for part in parts):
        return None
    try:
        candidate = (root / relative).resolve()
        root = root.resolve()
        # resolve() follows symlinks too: a link out of root is refused like "../".
        if candidate == root or root not in candidate.parents or not candidate.is_file():
            return None
    except (OSError, ValueError):
        return None
    return candidate


async def _serve_file(path: Optional[Path]) -> HTTPResponse:
    if path is None:
        return _text(404, NOT_FOUND_FILE)
    content_type = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    # A fresh widget build must reach the browser; no-cache still allows revalidation.
    return await response.file(
        path,
        mime_type=content_type or "application/octet-stream",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


def stored_feedback(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    """The feedback stored so far: the slot when the domain declares it, else the last
    SlotSet event for it (the event is stored either way)."""
    if FEEDBACK_SLOT in tracker.slots:
        value = tracker.slots[FEEDBACK_SLOT].value
    else:
        value = next(
            (e.value for e in reversed(tracker.events) if isinstance(e, SlotSet) and e.key == FEEDBACK_SLOT), None
        )
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _parse_feedback(request: Request) -> Optional[tuple[str, int, bool]]:
    """(session_id, message_index, helpful), or None when the request is malformed."""
    if len(request.body or b"") > MAX_FEEDBACK_BODY:
        return None
    try:
        body = request.json
    except Exception:  # Sanic raises InvalidUsage for bad JSON
        return None
    if not isinstance(body, dict):
        return None
    session_id, index, helpful = body.get("session_id"), body.get("message_index"), body.get("helpful")
    # bool is a subclass of int in Python: `true` is not a message index.
    if not isinstance(session_id, str) or type(index) is not int or not isinstance(helpful, bool):
        return None
    if not 0 <= index <= MAX_MESSAGE_INDEX:
        return None
    return session_id, index, helpful


class TaaiWebInput(InputChannel):
    """The widget's plan, feedback and static routes under /webhooks/taai/ (no messages)."""

    @classmethod
    def name(cls) -> Text:
        return "taai"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        taai = Blueprint("taai_web", __name__)

        @taai.listener("after_server_start")
        async def load_knowledge_early(_app: Any, loop: Any) -> None:
            # Loading the knowledge base takes about a second: not in the first plan request.
            try:
                await loop.run_in_executor(None, default_knowledge)
            except Exception:  # the action server reports a broken knowledge base loudly
                logger.exception("could not load the knowledge base for plan downloads")

        @taai.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @taai.route("/plan/<filename>", methods=["GET"])
        async def plan(request: Request, filename: str) -> HTTPResponse:
            session_id, _, extension = filename.rpartition(".")
            if extension not in ("html", "docx"):
                return _text(404, NOT_FOUND_PLAN)
            tracker = await _tracker(request, session_id)
            built = plan_from_slots(default_knowledge(), tracker.current_slot_values()) if tracker else None
            if built is None:
                return _text(404, NOT_FOUND_PLAN)
            if extension == "html":
                return response.html(
                    plan_html(default_knowledge(), built),
                    headers={**PRIVATE_HEADERS, "Content-Security-Policy": PLAN_CSP},
                )
            return response.raw(
                plan_docx(default_knowledge(), built),
                content_type=DOCX_MEDIA_TYPE,
                headers={**PRIVATE_HEADERS, "Content-Disposition": f'attachment; filename="{DOCX_FILENAME}"'},
            )

        @taai.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            parsed = _parse_feedback(request)
            if parsed is None:
                return _text(400, BAD_FEEDBACK)
            session_id, index, helpful = parsed
            agent = _agent(request)
            if not is_unguessable_session_id(session_id) or agent is None:
                return _text(404, NOT_FOUND_CONVERSATION)
            # The same lock as message handling, so no turn's events are lost or interleaved.
            async with agent.lock_store.lock(session_id):
                tracker = await agent.tracker_store.retrieve(session_id)
                if tracker is None:
                    return _text(404, NOT_FOUND_CONVERSATION)
                # One judgement per message: changing one's mind replaces the earlier one.
                entries = [e for e in stored_feedback(tracker) if e.get("message_index") != index]
                entries.append(
                    {
                        "message_index": index,
                        "helpful": helpful,
                        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    }
                )
                tracker.update(SlotSet(FEEDBACK_SLOT, entries), agent.domain)
                await agent.tracker_store.save(tracker)
            return response.empty(status=204)

        @taai.route("/static/<relative:path>", methods=["GET"])
        async def static(_: Request, relative: str) -> HTTPResponse:
            return await _serve_file(resolve_static(web_dir() / "dist", relative))

        @taai.route("/demo", methods=["GET"])
        async def demo(_: Request) -> HTTPResponse:
            return await _serve_file(resolve_static(web_dir(), "demo.html"))

        return taai
