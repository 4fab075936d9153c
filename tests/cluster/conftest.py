"""One production-profile cluster for every test in this folder: PostgreSQL, Redis,
two Rasa replicas, two action servers and nginx on loopback (ops/cluster.py), the
Debian packages installed first when missing (scripts/install-services.sh)."""

from __future__ import annotations

import subprocess
from typing import Iterator

import pytest

from ops.cluster import LocalCluster
from tests.server_process import MODEL, ROOT

# Short, so that a killed replica's locks free up within the test's patience.
LOCK_LIFETIME_S = 5


def run_cluster(work_dir, **options) -> Iterator[LocalCluster]:
    """A started LocalCluster for a fixture to yield from; stopped afterwards."""
    assert MODEL.exists(), "run `make train` first (make test does this)"
    subprocess.run([str(ROOT / "scripts" / "install-services.sh")], check=True)
    running = LocalCluster(work_dir, lock_lifetime_s=LOCK_LIFETIME_S, **options)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="package")
def cluster(tmp_path_factory) -> Iterator[LocalCluster]:
    yield from run_cluster(tmp_path_factory.mktemp("cluster"), replicas=2, action_servers=2)
