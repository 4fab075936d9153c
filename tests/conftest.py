"""Shared fixtures and the test tiers.

Tiers: every test belongs to exactly one, by its folder (FOLDER_TIERS below); pytest
marks it with that tier's marker (pytest.ini), and `make test-fast`, `make test-e2e`
and `make test-cluster` run one tier each. `make test` runs all of them.

    fast     no trained model, no server, no service: the core, the conversation logic,
             the actions, the knowledge base, privacy, channel output against in-process
             fakes, the axis-reading figures. The inner loop.
    e2e      the trained model (in the test process or behind the real servers started
             by bot.runtime.launcher) and the widget in headless Chromium.
    cluster  the production profile: PostgreSQL, Redis, nginx, two replicas, and the
             deployment files in deploy/ checked offline.

A test marked `model` (needs models/taai.tar.gz) in a fast folder is e2e.

Fixtures: the knowledge base, loaded once per test session (and each knowledge file
parsed once, however often a test loads it), and one running Taai server for every
test that talks to it (end-to-end, web routes, browser)."""

from __future__ import annotations

import copy
import secrets
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from bot.core.knowledge import KNOWLEDGE_DIR, KnowledgeBase, load_knowledge
from tests.server_process import Server, start_server, stop_server

TESTS = Path(__file__).resolve().parent
TIERS = ("fast", "e2e", "cluster")
FOLDER_TIERS = {
    "unit": "fast",  # plain Python and real rasa_sdk trackers, in process
    "channels": "fast",  # channel output against local fakes (threads on loopback)
    "understanding": "fast",  # axis answers on the corpus; its `model` tests are e2e
    "dialogue": "e2e",  # the test stories through `rasa test core` and the model
    "e2e": "e2e",  # the real servers on free ports
    "browser": "e2e",  # the widget in headless Chromium against the real server
    "cluster": "cluster",  # PostgreSQL, Redis, nginx, two Rasa replicas
    "deploy": "cluster",  # deploy/ against schemas (.venv-tools) and nginx on loopback
}
TIERS_SEEN = pytest.StashKey[dict]()  # node id -> its tier (and `model`) markers, before `-m` deselects


def tier_for(item: pytest.Item) -> str:
    """The tier a test belongs to: its folder's, or e2e for a `model` test in a fast folder."""
    folder = Path(item.path).resolve().relative_to(TESTS).parts[0]
    if folder not in FOLDER_TIERS:
        raise pytest.UsageError(f"tests/{folder}: no test tier; add the folder to FOLDER_TIERS in tests/conftest.py")
    tier = FOLDER_TIERS[folder]
    if tier == "fast" and item.get_closest_marker("model"):
        tier = "e2e"
    return tier


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier; a tier marker written in a test must agree."""
    seen = config.stash.setdefault(TIERS_SEEN, {})
    for item in items:
        tier = tier_for(item)
        written = {mark.name for mark in item.iter_markers() if mark.name in TIERS}
        if written - {tier}:
            raise pytest.UsageError(
                f"{item.nodeid}: marked {sorted(written)}, but its folder's tier is {tier} (tests/conftest.py)"
            )
        if not written:
            item.add_marker(tier)
        seen[item.nodeid] = [mark.name for mark in item.iter_markers() if mark.name in (*TIERS, "model")]


@pytest.fixture(scope="session", autouse=True)
def knowledge_files_parsed_once():
    """Tests load the knowledge base, or a copy with one file broken, dozens of times,
    and reading the YAML is most of a load (about a second, pure-Python PyYAML). A file
    whose exact bytes were read before gets a deep copy of that result: the data the
    reader would return again. Every other file (changed, broken, missing) goes through
    the real reader, so each error path is still tested for real; schema validation and
    the integrity checks run on every load."""
    from bot.core import knowledge

    read = knowledge._read_yaml
    parsed: dict[tuple[str, bytes], Any] = {}

    def read_once(directory: Path, name: str) -> Any:
        try:
            key = (name, (directory / f"{name}.yml").read_bytes())
        except OSError:
            return read(directory, name)
        if key not in parsed:
            parsed[key] = read(directory, name)  # raises for a broken file: nothing kept
        return copy.deepcopy(parsed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(knowledge, "_read_yaml", read_once)
        yield


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of knowledge/ for tests that break files on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    running = start_server(tmp_path_factory.mktemp("var"), secrets.token_urlsafe(24))
    yield running
    stop_server(running.process)


@pytest.fixture
def sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"
