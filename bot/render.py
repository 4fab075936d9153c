"""Render replies and the experiment plan with Jinja2 templates (bot/templates/).

`*.md.j2` produce Markdown for chat; `*.html.j2` produce a standalone HTML page and
are autoescaped, so user text can never inject markup. Both environments use
StrictUndefined: a template that asks for something missing fails loudly in tests
instead of printing an empty hole to a user.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2

from bot.knowledge import KnowledgeBase

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


_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")


def nl_date(iso: str) -> str:
    """'2026-11-22' -> '22 november 2026'."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {_MONTHS[month - 1]} {year}"


def render(kb: KnowledgeBase, template: str, **context: Any) -> str:
    """Render a template; `.html.j2` templates are autoescaped."""
    env = _environment(template.endswith(".html.j2"))
    text = env.get_template(template).render(kb=kb, sources=lambda ids: _source_names(kb, ids), **context)
    # Templates are written readably; collapse the blank-line runs that loops leave.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
