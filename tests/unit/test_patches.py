"""Every runtime patch of Rasa is listed in bot/rasa_ext/patches.py, installed once by
`install_all()`, and only on the Rasa version the patches were written for."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import rasa

from bot.rasa_ext import patches

ROOT = Path(__file__).resolve().parents[2]
RASA_EXT = ROOT / "bot" / "rasa_ext"

# Assignments to a Rasa class's attribute that are not patches: Taai's Teams channel
# keeps the Bot Framework token on Rasa's class, exactly as Rasa's own channel does.
NOT_PATCHES = {
    ("bot/rasa_ext/channels/botframework.py", "BotFramework.token_expiration_date"),
    ("bot/rasa_ext/channels/botframework.py", "BotFramework.headers"),
}


@pytest.fixture
def restored():
    """Put every patched attribute back as it was, so other tests see Rasa unchanged."""
    saved = [(p.owner, p.name, vars(p.owner)[p.name]) for p in patches.PATCHES]
    yield saved
    for owner, name, value in saved:
        setattr(owner, name, value)


def test_the_guard_accepts_the_pinned_version_only():
    patches.check_rasa_version("3.6.21")
    for other in ("3.6.20", "3.6.22", "3.7.0", "3.6.21rc1"):
        with pytest.raises(RuntimeError) as raised:
            patches.check_rasa_version(other)
        assert other in str(raised.value) and "3.6.21" in str(raised.value)


def test_the_installed_rasa_is_the_pinned_one():
    assert rasa.__version__ == patches.REQUIRED_RASA_VERSION


def test_install_all_patches_nothing_on_another_rasa_version(restored, monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    with pytest.raises(RuntimeError, match=r"Rasa 3\.6\.20 is installed"):
        patches.install_all()
    assert all(vars(owner)[name] is before for owner, name, before in restored)


def test_every_listed_patch_is_applied(restored):
    patches.install_all()
    for patch in patches.PATCHES:
        assert patch.applied(), patch.target
        assert callable(patch.original), patch.target
        assert getattr(patch.owner, patch.name) is not patch.original, patch.target


def test_install_all_is_idempotent(restored):
    patches.install_all()
    first = [vars(p.owner)[p.name] for p in patches.PATCHES]
    patches.install_all()
    assert [vars(p.owner)[p.name] for p in patches.PATCHES] == first
    assert all(p.applied() for p in patches.PATCHES)


def test_no_two_patches_replace_the_same_attribute():
    targets = [patch.target for patch in patches.PATCHES]
    assert len(set(targets)) == len(targets)


def _rasa_names(tree: ast.AST) -> set[str]:
    """Names bound to something imported from Rasa in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rasa":
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(
                (alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name.split(".")[0] == "rasa"
            )
    return names


def _root(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _rasa_attribute_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rasa_names = _rasa_names(tree)
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and node.args
            and _root(node.args[0]) in rasa_names
        ):
            found.append(ast.unparse(node.args[0]) + ".<setattr>")
        for target in targets:
            if isinstance(target, ast.Attribute) and _root(target) in rasa_names:
                found.append(ast.unparse(target))
    return found


def test_only_patches_py_replaces_rasa_attributes():
    """A new patch elsewhere in bot/rasa_ext/ would escape the version guard and the list."""
    writes = set()
    for path in sorted(RASA_EXT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "bot/rasa_ext/patches.py":
            continue
        writes.update((relative, target) for target in _rasa_attribute_writes(path))
    assert writes - NOT_PATCHES == set()


def test_the_scan_sees_a_patch(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import rasa.core.run\nfrom rasa.core.agent import Agent as A\n"
        "A.handle_message = print\nrasa.core.run.configure_app = print\nsetattr(A, 'x', 1)\n",
        encoding="utf-8",
    )
    assert sorted(_rasa_attribute_writes(bad)) == ["A.<setattr>", "A.handle_message", "rasa.core.run.configure_app"]
