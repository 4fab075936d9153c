"""Run the test stories in tests/stories/ against the trained model.

`rasa test core --fail-on-prediction-errors` replays each story and fails when the
policies predict a different action. Custom actions do not run here (their slot
events are written in the stories); tests/unit/test_actions.py covers them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.runtime.settings import PROJECT_ROOT

STORIES = PROJECT_ROOT / "tests" / "stories"
MODEL = PROJECT_ROOT / "models" / "taai.tar.gz"
MIN_STORIES = 30


def _count_stories() -> int:
    import yaml

    total = 0
    for path in sorted(STORIES.glob("*.yml")):
        total += len(yaml.safe_load(path.read_text(encoding="utf-8")).get("stories", []))
    return total


def test_there_are_enough_test_stories():
    assert _count_stories() >= MIN_STORIES


def test_every_test_story_is_predicted_exactly(tmp_path: Path):
    rasa = Path(sys.executable).with_name("rasa")
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(
        [
            str(rasa),
            "test",
            "core",
            "--model",
            str(MODEL),
            "--stories",
            str(STORIES),
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, (
        f"rasa test core failed (exit {result.returncode}).\n{details}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
