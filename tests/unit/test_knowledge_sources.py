"""The bibliography and the user-facing texts: publications only, never a development path;
every source is used, and a link goes to the page meant, not to a home page."""

from __future__ import annotations

import io
import re
from typing import Any, Iterator
from urllib.parse import urlparse

import docx
import pytest

from bot.core.knowledge import FILES, iter_entries
from bot.core.plan import PlanInput, build_plan
from bot.core.render import render
from bot.export.plan_files import plan_docx, plan_html

# Words that only make sense inside this project's development tree (the seed files, the
# shared folder, the internal domain brief). A user must never read them.
DEVELOPMENT_WORDS = re.compile(r"shared/|seeds?\b|bronbestand|domeinbrief|domain brief", re.IGNORECASE)

# A link to the root of a site is only right when the site is the publication itself.
PUBLICATION_SITES = {"leidraad.pbl.nl"}  # the PBL Leidraad is a web publication


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from _strings(value, f"{path}.{number}")
    elif isinstance(node, str):
        yield path, node


def test_no_development_paths_in_any_knowledge_text(kb):
    found = [
        (name, path, text) for name in FILES for path, text in _strings(kb.raw[name]) if DEVELOPMENT_WORDS.search(text)
    ]
    assert not found, found


def test_the_plans_source_list_cites_publications_only(kb):
    plan = build_plan(
        kb,
        PlanInput(
            "Jongeren verlaten school zonder diploma.", "disagree", "uncertain", "werk_inkomen", "gemeente", "bijstand"
        ),
    )
    assert any(s["id"] == "movisie_2017" for s in plan.sources)
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(plan_docx(kb, plan))).paragraphs)
    for text in (render(kb, "plan.md.j2", plan=plan), plan_html(kb, plan), word):
        assert "Bronnen" in text
        assert not DEVELOPMENT_WORDS.search(text)


def test_every_source_is_cited_somewhere(kb):
    cited = set()
    for name in FILES:
        for entry in iter_entries(kb.raw[name]):
            cited.update(entry["sources"])
            cited.update(e["source"] for e in entry.get("examples", []) if isinstance(e, dict))
    assert set(kb.sources) - cited == set()


def test_no_link_to_a_home_page(kb):
    for source in kb.sources.values():
        if "url" in source:
            link = urlparse(source["url"])
            assert link.path.strip("/") or link.netloc in PUBLICATION_SITES, source["id"]
    # These two pointed to vng.nl and kcbr.nl: now the page meant, or no link and a note.
    assert urlparse(kb.sources["kcbr_experimenteren"]["url"]).path.endswith("/experiment")
    model = kb.sources["vng_model_participatieverordening_2024"]
    assert "url" not in model and "Model Participatieverordening 2024" in model["note"]


@pytest.mark.parametrize(
    "source_id, identifier",
    [
        ("wet_participatiewet_in_balans", "BWBR0051679"),
        ("awb_art_4_84", "BWBR0005537"),
        ("kamerbrief_pmm_2023", "kst-34477-84"),
        ("evaluatie_experimenten_pw_2020", "kst-34352-N"),
        ("energiewet_inwerkingtreding_2025", "stb-2025-348"),
    ],
)
def test_sources_that_now_have_their_official_link(kb, source_id, identifier):
    assert identifier in kb.sources[source_id]["url"]
