"""PostgreSQL, Redis and nginx as child processes on loopback, each with its own data
directory: the production profile's backing services on one machine, for
`make cluster` and for the scale-out tests. Debian's packages provide the binaries
(scripts/install-services.sh installs them when missing).

PostgreSQL refuses to run as root, so when this runs as root its data directory
belongs to the `postgres` system user and its commands run through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.runtime import processes
from bot.runtime.processes import ProcessError, free_port, port_open

START_TIMEOUT_S = 60


class ServiceError(ProcessError):
    """A service cannot be started: no binary, a rejected configuration."""


def wait_for_ports(name: str, process: subprocess.Popen, log: Path, *ports: int) -> None:
    """Until the service accepts connections on every port (bot/runtime/processes.py)."""
    processes.wait_until_ready(
        {f"{name} on port {port}": (lambda port=port: port_open(port)) for port in ports},
        watch={name: (process, log)},
        timeout=START_TIMEOUT_S,
        interval=0.2,
        lines=20,
    )


def _find_binary(name: str, patterns: list[str]) -> str:
    for pattern in patterns:
        found = sorted(glob.glob(pattern), reverse=True)
        if found:
            return found[0]
    found = shutil.which(name)
    if found:
        return found
    raise ServiceError(
        f"{name} not found; run scripts/install-services.sh (Debian packages postgresql, redis-server, nginx)"
    )


@dataclass
class PostgresServer:
    """A throw-away (or kept, for `make cluster`) PostgreSQL cluster in data_dir."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    user: str = "taai"
    password: str = "taai"
    database: str = "taai"
    process: Optional[subprocess.Popen] = None

    def _bin(self, name: str) -> str:
        return _find_binary(name, [f"/usr/lib/postgresql/*/bin/{name}"])

    def _as_owner(self, args: list[str]) -> list[str]:
        # PostgreSQL will not run as root: use the postgres system user then.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + args
        return args

    def start(self) -> "PostgresServer":
        pgdata = self.data_dir / "pgdata"
        log = self.data_dir / "postgres.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
            os.chmod(self.data_dir, 0o700)
        if not (pgdata / "PG_VERSION").exists():
            pwfile = self.data_dir / "superuser.pw"
            pwfile.write_text(self.password + "\n")
            os.chmod(pwfile, 0o600)
            if os.geteuid() == 0:
                os.chown(pwfile, owner.pw_uid, owner.pw_gid)
            subprocess.run(
                self._as_owner(
                    [
                        self._bin("initdb"),
                        "-D",
                        str(pgdata),
                        "-U",
                        "postgres",
                        "--auth=scram-sha-256",
                        f"--pwfile={pwfile}",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            pwfile.unlink()
        self.process = processes.start(
            self._as_owner(
                [
                    self._bin("postgres"),
                    "-D",
                    str(pgdata),
                    "-p",
                    str(self.port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={self.data_dir}",
                    "-c",
                    "max_connections=200",
                    "-c",
                    "log_statement=none",
                ]
            ),
            log,
        )
        wait_for_ports("PostgreSQL", self.process, log, self.port)
        self._ensure_role_and_database()
        return self

    def _ensure_role_and_database(self) -> None:
        import psycopg2
        from psycopg2 import sql

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                conn = psycopg2.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user="postgres",
                    password=self.password,
                    dbname="postgres",
                    connect_timeout=3,
                )
                break
            except psycopg2.OperationalError:  # still starting ("the database system is starting up")
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (self.user,))
            if not cur.fetchone():
                cur.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(self.user)), (self.password,)
                )
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,))
            if not cur.fetchone():
                cur.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(self.database), sql.Identifier(self.user)
                    )
                )
        conn.close()

    def connect(self):
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.database,
            connect_timeout=5,
        )

    def stop(self, sig: int = signal.SIGINT) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for
        # the Rasa replicas' pooled connections to close, which they never do.
        processes.stop(self.process, sig)


@dataclass
class RedisServer:
    data_dir: Path
    port: int = field(default_factory=free_port)
    password: str = "taai"
    process: Optional[subprocess.Popen] = None

    def start(self) -> "RedisServer":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.data_dir / "redis.log"
        # Locks only: nothing to persist, a restart simply frees every lock.
        self.process = processes.start(
            [
                _find_binary("redis-server", ["/usr/bin/redis-server"]),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.data_dir),
                "--save",
                "",
                "--appendonly",
                "no",
                "--requirepass",
                self.password,
                "--daemonize",
                "no",
            ],
            log,
        )
        wait_for_ports("Redis", self.process, log, self.port)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        processes.stop(self.process, sig)


NGINX_CONF = """\
# Generated by ops/services.py: the same routing as deploy/nginx/taai.conf, on loopback.
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/tmp/body;
  proxy_temp_path {prefix}/tmp/proxy;
  fastcgi_temp_path {prefix}/tmp/fastcgi;
  uwsgi_temp_path {prefix}/tmp/uwsgi;
  scgi_temp_path {prefix}/tmp/scgi;
  # Trackers sent to the action servers grow with a conversation; keep request and
  # response bodies in memory (worker processes may not write the temp dirs).
  client_max_body_size 8m;
  client_body_buffer_size 8m;
  proxy_buffers 64 16k;
  proxy_max_temp_file_size 0;

  # REST and the HTTP API: any replica (the Redis lock makes that safe).
  upstream taai_rasa {{
{rasa_servers}
  }}
  # socket.io: a client must stay on the replica that holds its connection.
  upstream taai_rasa_sticky {{
    ip_hash;
{rasa_servers}
  }}
  upstream taai_actions {{
{action_servers}
  }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

  server {{
    listen 127.0.0.1:{port};
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_read_timeout 60s;
    # A refused connection (replica down) is retried on the next replica; a request
    # that already reached a replica is not (POST is not idempotent): the client retries.
    proxy_next_upstream error timeout;
    location /socket.io/ {{
      proxy_pass http://taai_rasa_sticky;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
    }}
    location = /nginx-health {{ return 200 "ok\\n"; }}
    location / {{ proxy_pass http://taai_rasa; }}
  }}
  server {{
    listen 127.0.0.1:{actions_port};
    proxy_http_version 1.1;
    proxy_read_timeout 60s;
    proxy_next_upstream error timeout;
    location / {{ proxy_pass http://taai_actions; }}
  }}
}}
"""


@dataclass
class NginxServer:
    prefix: Path
    rasa_ports: list[int]
    action_ports: list[int]
    port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    def render(self) -> str:
        def servers(ports: list[int]) -> str:
            return "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in ports)

        return NGINX_CONF.format(
            prefix=self.prefix,
            port=self.port,
            actions_port=self.actions_port,
            rasa_servers=servers(self.rasa_ports),
            action_servers=servers(self.action_ports),
        )

    def start(self) -> "NginxServer":
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.prefix, 0o755)
        if os.geteuid() == 0:  # worker processes run as nobody and write the temp dirs
            nobody = pwd.getpwnam("nobody")
            for path in (self.prefix / "tmp").rglob("*"):
                os.chown(path, nobody.pw_uid, -1)
        conf = self.prefix / "nginx.conf"
        conf.write_text(self.render())
        log = self.prefix / "nginx.out"
        nginx = _find_binary("nginx", ["/usr/sbin/nginx"])
        check = subprocess.run(
            [nginx, "-t", "-q", "-p", str(self.prefix), "-c", str(conf)], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise ServiceError(f"nginx rejected its configuration:\n{check.stderr}")
        self.process = processes.start([nginx, "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"], log)
        wait_for_ports("nginx", self.process, log, self.port, self.actions_port)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}/webhook"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        processes.stop(self.process, sig)
