"""Render replies and the experiment plan with Jinja2 templates (bot/core/templates/).

`*.md.j2` produce Markdown for chat; `*.html.j2` produce a standalone HTML page and
are autoescaped, so user text can never inject markup. Both environments use
StrictUndefined: a template that asks for something missing fails loudly in tests
instead of printing an empty hole to a user.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2

from bot.core.knowledge import KnowledgeBase, nl_date  # nl_date: also imported from here

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: Any) -> str:
    """User text inside Markdown: no accidental bold, links or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _source_names(kb: KnowledgeBase, ids: Iterable[str]) -> str:
    return "; ".join(source["short"] for source in kb.source_list(list(ids)))


@lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["md"] = md_escape
    env.filters["nl_date"] = nl_date
    return env


def render(kb: KnowledgeBase, template: str, on: dt.date | None = None, **context: Any) -> str:
    """Render a template; `.html.j2` templates are autoescaped.

    Templates get `status(entry)`: the entry's status on `on`, by default on the day of
    rendering (KnowledgeBase.status_on), so a reply never shows a status that no longer holds.
    """
    env = _environment(template.endswith(".html.j2"))
    text = env.get_template(template).render(
        kb=kb, sources=lambda ids: _source_names(kb, ids), status=lambda entry: kb.status_on(entry, on), **context
    )
    # Templates are written readably; collapse the blank-line runs that loops leave.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
