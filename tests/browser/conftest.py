"""Browser tests of the web widget: a real headless Chromium against the real server.

What they need, and where it comes from:
- Chromium: `scripts/install-browser.sh` (Debian's `chromium`; skipped when present;
  set TAAI_CHROMIUM to use another binary);
- Node.js with the widget's packages (web/node_modules: `npm ci` in web/) and the built
  widget (web/dist: `npm run build`). The fixture below runs both when they are missing
  or older than their sources, so `pytest tests/browser` works on its own;
- the Taai server: the session fixture `server` of tests/conftest.py, shared with the
  end-to-end tests (bot.runtime.launcher on free ports, a fresh state directory).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server_process import ROOT

WEB = ROOT / "web"
INSTALL_BROWSER = ROOT / "scripts" / "install-browser.sh"


def _newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def _run(args: list[str], cwd: Path, what: str) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({' '.join(args)}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def ensure_widget_built() -> None:
    """npm ci when web/node_modules is missing or older than the lock file; npm run build
    when dist/ is older than the widget's sources."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("the browser tests need Node.js 18+ and npm on PATH")
    lock = WEB / "package-lock.json"
    stamp = WEB / "node_modules" / ".package-lock.json"  # written by npm ci / npm install
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund"], WEB, "installing the widget's npm packages")
    sources = [lock, WEB / "build.mjs", *sorted((WEB / "src").rglob("*"))]
    built = [WEB / "dist" / "taai-widget.js", WEB / "dist" / "taai-widget.css"]
    if not all(p.exists() for p in built) or min(p.stat().st_mtime for p in built) < _newest(sources):
        _run(["npm", "run", "build"], WEB, "building the widget")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    explicit = os.environ.get("TAAI_CHROMIUM")
    if explicit:
        return explicit
    done = subprocess.run([str(INSTALL_BROWSER)], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        pytest.fail(f"no Chromium for the browser tests:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def widget_built() -> Path:
    ensure_widget_built()
    return WEB / "dist"
