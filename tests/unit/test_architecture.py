"""The import rules that keep the layers apart (docs/architecture.md), checked on the
source. Every `import` counts, also one inside a function; a failure names the file
and line.

    actions/           ─► bot.conversation, bot.core, bot.understanding, bot.export
    bot/rasa_ext/      ─► anything in bot/   (the only place that imports Rasa)
    bot/export/        ─► bot.conversation, bot.core, bot.runtime
    bot/conversation/  ─► bot.understanding, bot.core
    bot/understanding/ ─► bot.core
    bot/runtime/       ─► bot.core
    bot/privacy/       ─► bot.core
    bot/core/          ─► nothing else in bot/
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("rasa", "rasa_sdk", "sanic", "socketio", "engineio")
LAYERS = ("core", "understanding", "conversation", "export", "privacy", "runtime", "rasa_ext")

# What each plain-Python layer may import from bot/ (besides itself).
MAY_IMPORT = {
    "core": set(),
    "privacy": {"core"},
    "understanding": {"core"},
    "conversation": {"core", "understanding"},
    "export": {"core", "conversation", "runtime"},
    "runtime": {"core"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from bot import rasa_ext" imports bot.rasa_ext: count each name as a module too.
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _violations(files, forbidden, root: Path = ROOT) -> list[str]:
    out = []
    for path in files:
        seen: set[int] = set()
        for line, module in _imports(path):
            if line not in seen and any(module == f or module.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(root)}:{line} imports {module}")
                seen.add(line)  # one report per import statement
    return out


def _files(*parts: str) -> list[Path]:
    return sorted((ROOT.joinpath(*parts)).rglob("*.py"))


def test_every_module_of_bot_sits_in_a_layer():
    loose = [p.name for p in (ROOT / "bot").glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert sorted(p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(LAYERS)


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_plain_layers_import_no_framework(layer):
    files = _files("bot", layer)
    assert files
    assert _violations(files, FRAMEWORKS + ("actions",)) == []


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_each_layer_imports_only_the_layers_below_it(layer):
    forbidden = [f"bot.{other}" for other in LAYERS if other != layer and other not in MAY_IMPORT[layer]]
    assert _violations(_files("bot", layer), forbidden) == []


def test_actions_are_adapters_over_conversation_and_core():
    files = _files("actions")
    assert files
    assert _violations(files, ("bot.rasa_ext", "bot.runtime", "bot.privacy")) == []


def test_the_check_itself_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from rasa.core.agent import Agent\n    import bot.rasa_ext.server\n"
                   "    from bot import rasa_ext\n", encoding="utf-8")
    assert _violations([bad], FRAMEWORKS, root=tmp_path) == ["bad.py:2 imports rasa.core.agent"]
    assert _violations([bad], ["bot.rasa_ext"], root=tmp_path) == ["bad.py:3 imports bot.rasa_ext.server",
                                                                  "bad.py:4 imports bot.rasa_ext"]
