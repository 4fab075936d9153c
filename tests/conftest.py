"""Shared fixtures: the knowledge base, loaded once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeBase, load_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of knowledge/ for tests that break files on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target
