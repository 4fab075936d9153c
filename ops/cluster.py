"""The production profile on one machine: PostgreSQL, Redis, two (or more) Rasa
replicas and action servers, nginx in front — the topology of deploy/, on loopback.

    make cluster                      # or: python -m ops.cluster --replicas 2
    python -m ops.cluster --work-dir var/cluster --replicas 3 --action-servers 2

`make cluster` keeps its data in var/cluster (conversations survive a restart); the
tests use a temporary directory. Every Rasa replica is started exactly as in a
container: `python -m bot.rasa_ext.server` with TAAI_PROFILE=production and the
TAAI_DB_* / TAAI_REDIS_* variables (docs/operations.md).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from bot.runtime import processes
from bot.runtime.processes import QUIET_ENV, ProcessError, free_port
from bot.runtime.settings import SettingError, api_token, default, ensure_token_file, read
from ops.services import NginxServer, PostgresServer, RedisServer

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 420  # two replicas load their models side by side on two cores


@dataclass
class Child:
    name: str
    port: int
    health: str
    args: list[str]
    env: dict
    log: Path
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = processes.start(self.args, self.log, cwd=ROOT, env=self.env)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        processes.stop(self.process, sig)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def wait_ready(children: list[Child], timeout: float = READY_TIMEOUT_S) -> None:
    """Until every child's health URL answers; ProcessError when one stops first."""
    processes.wait_until_ready(
        {c.name: c.health for c in children},
        timeout=timeout,
        lines=40,
        watch={c.name: (c.process, c.log) for c in children if c.process is not None},
    )


class LocalCluster:
    def __init__(
        self,
        work_dir: Path,
        replicas: int = 2,
        action_servers: int = 2,
        lock_lifetime_s: int = default("TAAI_LOCK_LIFETIME"),
        sanic_workers: int = default("TAAI_SANIC_WORKERS"),
        token: Optional[str] = None,
        extra_env: Optional[dict] = None,
        keep_data: bool = False,
    ) -> None:
        self.work_dir = Path(work_dir).resolve()
        self.token = token or secrets.token_urlsafe(24)
        self.keep_data = keep_data
        self.postgres = PostgresServer(self._postgres_dir())
        self.redis = RedisServer(self.work_dir / "redis")
        self.actions = [self._action_server(i) for i in range(action_servers)]
        self.nginx = NginxServer(
            self.work_dir / "nginx",
            rasa_ports=[free_port() for _ in range(replicas)],
            action_ports=[a.port for a in self.actions],
        )
        self.lock_lifetime_s = lock_lifetime_s
        self.sanic_workers = sanic_workers
        self.extra_env = dict(extra_env or {})
        self.replicas = [self._replica(i, port) for i, port in enumerate(self.nginx.rasa_ports)]

    def _postgres_dir(self) -> Path:
        if os.geteuid() != 0:
            return self.work_dir / "postgres"
        # As root, PostgreSQL runs as the postgres user, who cannot enter a private
        # (0700) directory such as pytest's or var/: its data lives under /var/tmp.
        if self.keep_data:
            digest = hashlib.sha256(str(self.work_dir).encode()).hexdigest()[:12]
            return Path("/var/tmp") / f"taai-postgres-{digest}"
        return Path(tempfile.mkdtemp(prefix="taai-postgres-", dir="/var/tmp"))

    def _base_env(self) -> dict:
        env = dict(os.environ)
        env.update(QUIET_ENV, PYTHONPATH=str(ROOT), SANIC_HOST="127.0.0.1")
        return env

    def _action_server(self, index: int) -> Child:
        port = free_port()
        return Child(
            f"actions-{index + 1}",
            port,
            f"http://127.0.0.1:{port}/health",
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
            self._base_env(),
            self.work_dir / "logs" / f"actions-{index + 1}.log",
        )

    def _replica(self, index: int, port: int) -> Child:
        env = self._base_env()
        env.update(
            {
                "TAAI_PROFILE": "production",
                "TAAI_HOST": "127.0.0.1",
                "TAAI_PORT": str(port),
                "TAAI_VAR_DIR": str(self.work_dir / f"rasa-{index + 1}"),
                "TAAI_ACTION_ENDPOINT": self.nginx.actions_url,
                "TAAI_DB_HOST": "127.0.0.1",
                "TAAI_DB_PORT": str(self.postgres.port),
                "TAAI_DB_NAME": self.postgres.database,
                "TAAI_DB_USER": self.postgres.user,
                "TAAI_DB_PASSWORD": self.postgres.password,
                "TAAI_REDIS_HOST": "127.0.0.1",
                "TAAI_REDIS_PORT": str(self.redis.port),
                "TAAI_REDIS_PASSWORD": self.redis.password,
                "TAAI_LOCK_LIFETIME": str(self.lock_lifetime_s),
                "TAAI_SANIC_WORKERS": str(self.sanic_workers),
                "BOT_API_TOKEN": self.token,
            }
        )
        env.update(self.extra_env)
        return Child(
            f"rasa-{index + 1}",
            port,
            f"http://127.0.0.1:{port}/",
            [sys.executable, "-m", "bot.rasa_ext.server"],
            env,
            self.work_dir / "logs" / f"rasa-{index + 1}.log",
        )

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> "LocalCluster":
        try:
            self.postgres.start()
            self.redis.start()
            for child in self.actions + self.replicas:
                child.start()
            self.nginx.start()
            wait_ready(self.actions + self.replicas)
        except BaseException:
            self.stop()
            raise
        return self

    def kill_replica(self, index: int) -> None:
        """kill -9, as a crash or an OOM kill would."""
        self.replicas[index].stop(signal.SIGKILL)

    def restart_replica(self, index: int) -> None:
        replica = self.replicas[index]
        replica.stop()
        replica.start()
        wait_ready([replica])

    def stop(self) -> None:
        self.nginx.stop()
        for child in reversed(self.replicas + self.actions):
            child.stop()
        self.redis.stop()
        self.postgres.stop()
        if not self.keep_data and os.geteuid() == 0:
            shutil.rmtree(self.postgres.data_dir, ignore_errors=True)

    # -- for clients, tests and the benchmark ------------------------------------------
    @property
    def nginx_url(self) -> str:
        return self.nginx.url

    @property
    def replica_urls(self) -> list[str]:
        return [r.url for r in self.replicas]

    def pids(self) -> dict[str, int]:
        return {
            c.name: c.process.pid
            for c in self.replicas + self.actions
            if c.process is not None and c.process.poll() is None
        }

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run Taai's production profile on this machine.")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "var" / "cluster")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--action-servers", type=int, default=2)
    try:
        sanic_workers = read("TAAI_SANIC_WORKERS")
    except SettingError as error:
        parser.error(str(error))
    parser.add_argument("--sanic-workers", type=int, default=sanic_workers)
    args = parser.parse_args(argv)
    token = api_token()
    token_note = "uit BOT_API_TOKEN"
    if not token:
        token_file = args.work_dir / "api-token"
        args.work_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = ensure_token_file(token_file)
        token_note = f"in {token_file}"
    cluster = LocalCluster(
        args.work_dir, args.replicas, args.action_servers, sanic_workers=args.sanic_workers, token=token, keep_data=True
    )

    def on_term(*_args) -> None:
        # Once: a second SIGTERM (e.g. from `timeout` and `kill` together) must not
        # interrupt the orderly stop below and leave children running.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    print(
        f"Taai (productieprofiel) start: PostgreSQL, Redis, {args.replicas} Rasa-replica's, "
        f"{args.action_servers} actieservers en nginx...",
        flush=True,
    )
    try:
        cluster.start()
        print(
            f"""
Taai draait in het productieprofiel.
  Via nginx:        {cluster.nginx_url}/webhooks/rest/webhook  (en /socket.io, /webhooks/taai/demo)
  Replica's:        {", ".join(cluster.replica_urls)}
  PostgreSQL:       127.0.0.1:{cluster.postgres.port} (database {cluster.postgres.database})
  Redis:            127.0.0.1:{cluster.redis.port}
  API-token staat   {token_note}
  Logbestanden:     {cluster.work_dir / "logs"}
Stoppen: Ctrl-C
""",
            flush=True,
        )
        while True:
            for child in cluster.replicas + cluster.actions:
                if child.process.poll() is not None:
                    print(
                        f"error: {child.name} stopped (exit {child.process.returncode}); see {child.log}",
                        file=sys.stderr,
                    )
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nTaai stopt...", flush=True)
        return 0
    except ProcessError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
