"""Start Taai's two processes (action server, Rasa server), wait until both answer,
print where to go, and stop both on Ctrl-C. `make run` and `make shell` call this;
the end-to-end tests start it the same way, so what users run is what is tested.

No Rasa import here: the servers are child processes.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.runtime import processes, terminal_chat
from bot.runtime.processes import QUIET_ENV, tail
from bot.runtime.settings import PROJECT_ROOT, Settings, ensure_api_token, load_settings

STARTUP_TIMEOUT_S = 300  # model loading takes ~30-60 s on two cores; be generous
STOP_TIMEOUT_S = 15


class Launcher:
    def __init__(self, settings: Settings, token: str) -> None:
        self.settings = settings
        self.children: list[tuple[str, subprocess.Popen, Path]] = []
        self.env = dict(os.environ)
        self.env.update(
            {
                "BOT_API_TOKEN": token,
                "TAAI_TRACKER_DB": str(settings.tracker_db),
                "TAAI_ACTION_ENDPOINT": settings.action_endpoint,
                "SANIC_HOST": "127.0.0.1",  # the action server is never exposed
                "PYTHONPATH": str(PROJECT_ROOT),
                **QUIET_ENV,
            }
        )

    def start(self, name: str, args: list[str]) -> None:
        # A new session: Ctrl-C in the terminal reaches the launcher only, which
        # then stops the children in order instead of all at once. Should the launcher
        # die without doing so (SIGKILL), the kernel stops them: no server keeps its port.
        log_path = self.settings.log_dir / f"{name}.log"
        proc = processes.start(args, log_path, cwd=PROJECT_ROOT, env=self.env, die_with_parent=True)
        self.children.append((name, proc, log_path))

    def wait_until_ready(self, checks: dict[str, str]) -> None:
        """Until every URL answers; ProcessError (a RuntimeError) when a child stops first."""
        processes.wait_until_ready(
            checks,
            timeout=STARTUP_TIMEOUT_S,
            lines=30,
            watch={name: (proc, log_path) for name, proc, log_path in self.children},
        )

    def stop(self) -> None:
        """SIGTERM to every child (the last started first), SIGKILL after STOP_TIMEOUT_S."""
        processes.stop_all([proc for _name, proc, _log in reversed(self.children)], signal.SIGTERM, STOP_TIMEOUT_S)

    def first_exited(self) -> tuple[str, subprocess.Popen, Path] | None:
        for child in self.children:
            if child[1].poll() is not None:
                return child
        return None


def _print_banner(settings: Settings, token_source: str) -> None:
    base = settings.base_url
    print(
        f"""
Taai draait.
  Chatten (REST):      POST {base}/webhooks/rest/webhook   body: {{"sender": "jij", "message": "hoi"}}
  Demo met widget:     {base}/webhooks/taai/demo
  Socket.IO-kanaal:    {base}/socket.io
  Plan downloaden:     {base}/webhooks/taai/plan/<sessie-id>.html (of .docx)
  HTTP-API (met token): {base}/conversations/<id>/tracker?token=...
  API-token staat in:  {token_source}
  Actieserver:         {settings.action_endpoint}
  Gesprekken (SQLite): {settings.tracker_db}
  Logbestanden:        {settings.log_dir}
Probeer:  curl -s -X POST {base}/webhooks/rest/webhook -H 'Content-Type: application/json' -d '{{"sender":"demo","message":"hoi"}}'
Stoppen:  Ctrl-C
""",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start Taai (action server + Rasa server).")
    parser.add_argument("--shell", action="store_true", help="chat in this terminal instead of serving HTTP")
    args = parser.parse_args(argv)

    settings = load_settings()
    if not settings.model_path.exists():
        print(f"error: no trained model at {settings.model_path}; run `make train` first", file=sys.stderr)
        return 1
    settings.var_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    token, token_source = ensure_api_token(settings)
    launcher = Launcher(settings, token)
    python = sys.executable

    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        if stopping:
            return  # already stopping: let launcher.stop() finish
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        launcher.start(
            "actions", [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port)]
        )
        launcher.start("rasa", [python, "-m", "bot.rasa_ext.server"])
        print("Taai start: de actieserver en Rasa laden (dit duurt ongeveer een minuut)...", flush=True)
        launcher.wait_until_ready(
            {
                "actions": f"http://127.0.0.1:{settings.actions_port}/health",
                "rasa": f"{settings.base_url}/",
            }
        )
        if args.shell:
            # The same server as `make run`, so the terminal gets redaction, the text
            # reader and the forget gate too (rasa shell would bypass all of them).
            return terminal_chat.chat(settings.base_url)
        _print_banner(settings, token_source)
        while True:
            exited = launcher.first_exited()
            if exited:
                name, proc, log_path = exited
                print(
                    f"error: {name} stopped unexpectedly (exit {proc.returncode}). "
                    f"Last lines of {log_path}:\n{tail(log_path, 30)}",
                    file=sys.stderr,
                )
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nTaai stopt...", flush=True)
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        launcher.stop()


if __name__ == "__main__":
    sys.exit(main())
