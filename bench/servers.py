"""Training, and starting and stopping what the bench measures: Taai the way `make run`
starts it (bot.runtime.launcher), the reference bot (`rasa init` + `rasa run`), and the
production profile through ops.cluster when that module exists.

Every server runs in its own session (process group) so that stopping it reaches all
its processes and nothing else.
"""

from __future__ import annotations

import os
import resource
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import procmem
from bot.runtime import processes
from bot.runtime.channel_config import CHANNELS
from bot.runtime.processes import QUIET_ENV, answers, free_port, tail

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "taai.tar.gz"
RASA = Path(sys.executable).with_name("rasa")
START_TIMEOUT_S = 600  # model loading takes a minute on two idle cores, much longer on busy ones
STOP_TIMEOUT_S = 60
# Messaging channels switch themselves on from these variables (docs/channels.md);
# a bench never talks to the outside world.
CHANNEL_VARIABLES = frozenset(v.env for c in CHANNELS for v in c.required + c.optional)


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CHANNEL_VARIABLES}
    env.update(QUIET_ENV)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> dict:
    """Run a command to completion: wall and CPU seconds (of it and its children)."""
    cpu, wall = _children_cpu(), time.perf_counter()
    with open(log, "wb") as out:
        code = subprocess.call(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    result = {
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(_children_cpu() - cpu, 1),
        "ok": code == 0,
        "log": str(log),
    }
    if code:
        result["error"] = f"exit {code}; last lines of {log}:\n{tail(log)}"
    return result


def train_taai(work_dir: Path) -> dict:
    """A fresh `rasa train` of Taai into a temporary --out dir, with an empty cache."""
    work_dir.mkdir(parents=True, exist_ok=True)
    env = dict(base_env(), RASA_CACHE_DIRECTORY=str(work_dir / "cache"))
    return timed_run(
        [
            str(RASA),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(work_dir / "models"),
            "--fixed-model-name",
            "taai",
        ],
        ROOT,
        env,
        work_dir / "train.log",
    )


def init_reference(project_dir: Path) -> dict:
    """`rasa init --no-prompt`: copies the example project and trains it (a fresh
    `rasa train` with its own empty cache); the whole command is timed."""
    project_dir.mkdir(parents=True, exist_ok=True)
    env = dict(base_env(), RASA_CACHE_DIRECTORY=str(project_dir / ".rasa" / "cache"))
    result = timed_run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(project_dir)],
        project_dir,
        env,
        project_dir.parent / "reference-init.log",
    )
    if result["ok"] and not list((project_dir / "models").glob("*.tar.gz")):
        result.update(ok=False, error=f"rasa init trained no model; see {result['log']}")
    return result


class Server:
    """A server started as one process group; `pids()` names the processes to measure."""

    name = "server"

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.process: subprocess.Popen | None = None
        self.log = work_dir / f"{self.name}.out"
        self.base_url = ""
        self.token = ""
        self.startup_s: float | None = None

    def _spawn(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = processes.start(args, self.log, cwd=cwd, env=env, append=False)

    def _wait(self, ready, what: str) -> None:
        """Until ready(); a ProcessError (a RuntimeError) with the log's end when not."""
        try:
            waited = processes.wait_until_ready(
                {what: ready}, timeout=START_TIMEOUT_S, lines=25, watch={what: (self.process, self.log)}
            )
        except processes.ProcessError:
            self.stop()
            raise
        self.startup_s = round(waited, 1)

    def pids(self) -> dict[str, int]:
        return {"rasa": self.process.pid}

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL to whatever is left after a minute."""
        if not self.process:
            return
        others = [pid for pid in self.pids().values() if pid != self.process.pid]
        if not processes.stop(self.process, signal.SIGTERM, STOP_TIMEOUT_S):
            for pid in others:  # children in their own sessions (the launcher's)
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass


class TaaiServer(Server):
    """`python -m bot.runtime.launcher` on free loopback ports with a fresh state directory."""

    name = "taai"

    def start(self) -> None:
        port, actions_port = free_port(), free_port()
        self.token = secrets.token_urlsafe(24)
        env = base_env()
        for key in ("TAAI_TRACKER_DB", "TAAI_ACTION_ENDPOINT", "TAAI_CORS_ORIGINS"):
            env.pop(key, None)
        env.update(
            TAAI_VAR_DIR=str(self.work_dir / "var"),
            TAAI_HOST="127.0.0.1",
            TAAI_PORT=str(port),
            TAAI_ACTIONS_PORT=str(actions_port),
            TAAI_PROFILE="embedded",
            TAAI_MODEL=str(MODEL),
            BOT_API_TOKEN=self.token,
        )
        self.base_url = f"http://127.0.0.1:{port}"
        self._spawn([sys.executable, "-m", "bot.runtime.launcher"], ROOT, env)
        self._wait(lambda: "Taai draait" in self.log.read_text(errors="replace"), "Taai (bot.runtime.launcher)")
        self._children = {}
        for pid in procmem.children_of(self.process.pid):
            command = procmem.cmdline(pid)
            if "bot.rasa_ext.server" in command:
                self._children["rasa"] = pid
            elif "rasa_sdk" in command:
                self._children["actions"] = pid
        if set(self._children) != {"rasa", "actions"}:
            raise RuntimeError(f"could not find the launcher's two servers (found {self._children})")

    def pids(self) -> dict[str, int]:
        return dict(getattr(self, "_children", {})) or {"launcher": self.process.pid}


class ReferenceBot(Server):
    """The `rasa init` project served with `rasa run --enable-api` from its directory."""

    name = "reference"

    def __init__(self, work_dir: Path, project_dir: Path) -> None:
        super().__init__(work_dir)
        self.project_dir = project_dir

    def start(self) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self._spawn(
            [str(RASA), "run", "--enable-api", "-p", str(port), "-i", "127.0.0.1"], self.project_dir, base_env()
        )
        self._wait(lambda: answers(self.base_url + "/"), "the reference bot (rasa run)")


class ClusterTarget:
    """The production profile through the lead's ops.cluster.LocalCluster."""

    name = "production"

    def __init__(self, work_dir: Path, replicas: int, action_servers: int, sanic_workers: int = 1) -> None:
        from ops.cluster import LocalCluster  # ImportError: the caller skips the profile

        self.cluster = LocalCluster(
            work_dir, replicas=replicas, action_servers=action_servers, sanic_workers=sanic_workers
        )
        self.base_url = ""
        self.token = ""
        self.startup_s: float | None = None
        self.replica_urls: list[str] = []

    def start(self) -> None:
        started = time.perf_counter()
        self.cluster.start()
        self.startup_s = round(time.perf_counter() - started, 1)
        self.base_url = self.cluster.nginx_url
        self.replica_urls = list(self.cluster.replica_urls)
        self.token = self.cluster.token

    def pids(self) -> dict[str, int]:
        return dict(self.cluster.pids())

    def stop(self) -> None:
        self.cluster.stop()
