"""The import rules that keep the layers apart (design.md), checked on the source.

- The reasoning core (everything in bot/ outside bot/rasa_ext/) imports no Rasa, no
  rasa_sdk, no Sanic, no socket.io: it is plain Python, testable without them.
- The text reader (bot/understanding/) sits below the conversation: it does not import
  bot.dialogue.
- The actions (actions/) are adapters over the core: they import nothing from
  bot.rasa_ext, and the core imports nothing from actions/.

Every `import` counts, also one inside a function. A failure names the file and line.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("rasa", "rasa_sdk", "sanic", "socketio", "engineio")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _violations(files, forbidden, root: Path = ROOT) -> list[str]:
    out = []
    for path in files:
        for line, module in _imports(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(root)}:{line} imports {module}")
    return out


def _core_files() -> list[Path]:
    return [p for p in (ROOT / "bot").rglob("*.py") if "rasa_ext" not in p.relative_to(ROOT / "bot").parts]


def test_the_core_imports_no_framework():
    assert _core_files()
    assert _violations(_core_files(), FRAMEWORKS) == []


def test_the_core_imports_no_actions():
    assert _violations(_core_files(), ("actions",)) == []


def test_the_text_reader_sits_below_the_conversation():
    files = list((ROOT / "bot" / "understanding").rglob("*.py"))
    assert files
    assert _violations(files, ("bot.dialogue", "bot.rasa_ext", "actions")) == []


def test_actions_do_not_reach_into_the_rasa_extensions():
    files = list((ROOT / "actions").rglob("*.py"))
    assert files
    assert _violations(files, ("bot.rasa_ext",)) == []


def test_the_check_itself_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from rasa.core.agent import Agent\n", encoding="utf-8")
    assert _violations([bad], FRAMEWORKS, root=tmp_path) == ["bad.py:2 imports rasa.core.agent"]
