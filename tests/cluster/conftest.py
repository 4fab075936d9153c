"""One production-profile cluster for every test in this folder: PostgreSQL, Redis,
two Rasa replicas, two action servers and nginx on loopback (ops/cluster.py), the
Debian packages installed first when missing (scripts/install-services.sh)."""
from __future__ import annotations

import subprocess

import pytest

from ops.cluster import LocalCluster
from tests.server_process import MODEL, ROOT

# Short, so that a killed replica's locks free up within the test's patience.
LOCK_LIFETIME_S = 5


@pytest.fixture(scope="package")
def cluster(tmp_path_factory) -> LocalCluster:
    assert MODEL.exists(), "run `make train` first (make test does this)"
    subprocess.run([str(ROOT / "scripts" / "install-services.sh")], check=True)
    running = LocalCluster(tmp_path_factory.mktemp("cluster"), replicas=2, action_servers=2,
                           lock_lifetime_s=LOCK_LIFETIME_S)
    running.start()
    yield running
    running.stop()
