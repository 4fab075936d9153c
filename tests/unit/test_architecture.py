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

Besides, every layer and actions/ may import bot.runtime.settings, and of bot.runtime
only that module: it is where every setting is read (the environment is read nowhere
else), and it imports nothing of bot/ itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("rasa", "rasa_sdk", "sanic", "socketio", "engineio")
LAYERS = ("core", "understanding", "conversation", "export", "privacy", "runtime", "rasa_ext")

# Anyone may import the settings: standard library only, nothing of bot/.
SETTINGS_MODULE = "bot.runtime.settings"
SETTINGS_FILE = ROOT / "bot" / "runtime" / "settings.py"

# What each plain-Python layer may import from bot/ (besides itself and SETTINGS_MODULE).
MAY_IMPORT = {
    "core": set(),
    "privacy": {"core"},
    "understanding": {"core"},
    "conversation": {"core", "understanding"},
    "export": {"core", "conversation", "runtime"},
    "runtime": {"core"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import; `from a.b import c` counts as a.b.c,
    which is the module a.b.c when c is one (and otherwise a name inside a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _violations(files, forbidden, root: Path = ROOT, allowed=(SETTINGS_MODULE,)) -> list[str]:
    out = []
    for path in files:
        for line, module in _imports(path):
            if any(_within(module, f) for f in forbidden) and not any(_within(module, a) for a in allowed):
                out.append(f"{path.relative_to(root)}:{line} imports {module}")
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


def test_the_settings_import_nothing_of_bot_and_no_framework():
    assert _violations([SETTINGS_FILE], FRAMEWORKS + ("bot", "actions"), allowed=()) == []


def test_the_check_itself_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f():\n    from rasa.core.agent import Agent\n    import bot.rasa_ext.server\n"
        "from bot.runtime.settings import load_settings\nfrom bot.runtime import settings, launcher\n"
        "import bot.runtime.processes\nfrom bot import rasa_ext\n",
        encoding="utf-8",
    )
    assert _violations([bad], FRAMEWORKS, root=tmp_path) == ["bad.py:2 imports rasa.core.agent.Agent"]
    assert sorted(_violations([bad], ["bot.rasa_ext"], root=tmp_path)) == [
        "bad.py:3 imports bot.rasa_ext.server",
        "bad.py:7 imports bot.rasa_ext",
    ]
    # Of bot.runtime, only the settings module is open to every layer.
    assert _violations([bad], ["bot.runtime"], root=tmp_path) == [
        "bad.py:5 imports bot.runtime.launcher",
        "bad.py:6 imports bot.runtime.processes",
    ]
    assert len(_violations([bad], ["bot.runtime"], root=tmp_path, allowed=())) == 4


# --- the environment is read in one place -----------------------------------------------

# Code that runs Taai: none of it reads a variable from the environment except the settings
# (bot/runtime/settings.py). Copying the whole environment for a child process, or setting
# a variable for one, is not reading a setting.
RUNNING_CODE = ("bot", "actions", "ops", "bench", "scripts")
READ_METHODS = {"get", "setdefault", "pop"}


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _environment_reads(path: Path) -> list[int]:
    """Lines that read one environment variable: os.environ.get(...), os.environ[...],
    "X" in os.environ, os.getenv(...), or importing environ/getenv from os."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (
                (node.func.attr in READ_METHODS and _is_os_environ(node.func.value))
                or (node.func.attr == "getenv" and isinstance(node.func.value, ast.Name) and node.func.value.id == "os")
            )
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value) and isinstance(node.ctx, ast.Load):
            lines.append(node.lineno)
        elif isinstance(node, ast.Compare) and any(_is_os_environ(c) for c in node.comparators):
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and {a.name for a in node.names} & {"environ", "getenv"}
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_settings_read_the_environment():
    files = [p for part in RUNNING_CODE for p in _files(part) if p != SETTINGS_FILE]
    assert len(files) > 50
    reads = [f"{p.relative_to(ROOT)}:{line}" for p in files for line in _environment_reads(p)]
    assert reads == [], "read these through bot/runtime/settings.py"


def test_the_environment_check_sees_each_kind_of_read(tmp_path):
    code = tmp_path / "reads.py"
    code.write_text(
        "import os\nfrom os import getenv\n"
        "a = os.environ.get('A')\nb = os.environ['B']\nc = 'C' in os.environ\nd = os.getenv('D')\n"
        "env = dict(os.environ)\nos.environ['E'] = '1'\nos.environ.update(F='1')\n",
        encoding="utf-8",
    )
    assert _environment_reads(code) == [2, 3, 4, 5, 6]
