"""Shared fixtures: the knowledge base, loaded once per test session, and one running
Taai server for every test that talks to it (end-to-end, web routes, browser)."""
from __future__ import annotations

import secrets
import shutil
import uuid
from pathlib import Path

import pytest

from bot.core.knowledge import KNOWLEDGE_DIR, KnowledgeBase, load_knowledge
from tests.server_process import Server, start_server, stop_server


TESTS = Path(__file__).resolve().parent
FAST_FOLDERS = {"unit"}  # every test here runs without a trained model or servers


def pytest_collection_modifyitems(items) -> None:
    """Mark the inner-loop tier: `make test-fast` runs `pytest -m fast`."""
    for item in items:
        parts = Path(item.path).resolve().relative_to(TESTS).parts
        if parts and parts[0] in FAST_FOLDERS and not item.get_closest_marker("model"):
            item.add_marker(pytest.mark.fast)


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
