"""The deployment files in deploy/ (docs/operations.md), checked without Docker or a
cluster, and offline:

- deploy/docker-compose.yml against the Compose Specification's JSON schema, and every
  manifest in deploy/k8s/ against the Kubernetes JSON schemas (strict: unknown fields
  are errors). The schemas ship inside two PyPI packages installed into .venv-tools/
  by scripts/install-deploy-tools.sh (requirements/deploy-tools.txt); the validators
  run with every HTTP proxy pointed at a closed port, so a download would fail.
- deploy/nginx/taai.conf with `nginx -t`, and for real: nginx on loopback in front of
  two stand-in backends, checking sticky /socket.io/, round robin elsewhere, the
  websocket headers and what the access log keeps.
- Consistency between the files and with the code: the variables bot/runtime/settings.py
  declares (VARIABLES) and those of the messaging channels (CHANNELS),
  healthchecks and probes everywhere, resources on every container, secrets only as
  references, at least two Rasa and two action server replicas, the nginx upstreams
  naming exactly the Rasa replicas of both topologies, the Dockerfile's inputs inside
  the build context.
"""

from __future__ import annotations

import fnmatch
import http.server
import os
import re
import shlex
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from bot.runtime import processes
from bot.runtime.channel_config import CHANNELS
from bot.runtime.processes import free_port
from bot.runtime.settings import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
NGINX_CONF = DEPLOY / "nginx" / "taai.conf"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
K8S_DIR = DEPLOY / "k8s"
K8S_FILES = sorted(K8S_DIR.glob("*.yaml"))  # what `kubectl apply -f deploy/k8s/` applies
K8S_EXAMPLES = sorted((K8S_DIR / "example").glob("*.yaml"))  # never applied as is
OPERATIONS_DOC = ROOT / "docs" / "operations.md"
README = ROOT / "README.md"
TOOLS_SCRIPT = ROOT / "scripts" / "install-deploy-tools.sh"
TOOLS_BIN = ROOT / ".venv-tools" / "bin"

# Kubernetes versions to validate against: the oldest we support and the newest that
# kubernetes-validate ships.
K8S_VERSIONS = ("1.33.0", "1.37.0")

# Variables bot/runtime/settings.py reads that the deployment deliberately leaves at their
# default, with the reason. Any other variable must be set in both topologies.
LEFT_AT_DEFAULT = {
    "TAAI_ACTIONS_PORT": "only for the loopback action server `make run` starts; "
    "containers pass --port 5055 and Rasa uses TAAI_ACTION_ENDPOINT",
    "TAAI_RETENTION_INTERVAL": "the hourly cleanup is right for production",
    "TAAI_WEB_DIR": "the image puts the widget build and demo.html in /app/web, the default",
    "TAAI_SOCKET_JWT_METHOD": "HS256 unless the operator's token issuer signs otherwise",
    "SANIC_REQUEST_MAX_SIZE": "2 MiB per request is enough for every channel",
    # Unset, the cache would be ~/.cache/taai, which the read-only root filesystem does
    # not let it write: each replica builds deduce's lists at start (logged, about a
    # minute, inside the start-up probe's five minutes).
    "TAAI_CACHE_DIR": "no cache in the image yet; built per start",
    "XDG_CACHE_HOME": "not Taai's own; only where TAAI_CACHE_DIR falls back to",
}

# The secrets of the contract; required in both topologies except where optional.
SECRET_VARIABLES = {"TAAI_DB_PASSWORD", "TAAI_REDIS_PASSWORD", "BOT_API_TOKEN", "TAAI_SOCKET_JWT_KEY"}
OPTIONAL_SECRETS = {"TAAI_SOCKET_JWT_KEY"}
SECRET_NAME = re.compile(r"(PASSWORD|TOKEN|SECRET|_KEY$|^REDISCLI_AUTH$|^PGPASSWORD$)")

# Expected values of the production contract, the same in Compose and Kubernetes.
CONTRACT = {
    "TAAI_PROFILE": "production",
    "TAAI_HOST": "0.0.0.0",
    "TAAI_PORT": "5005",
    "TAAI_VAR_DIR": "/var/lib/taai",
    "TAAI_ACTION_ENDPOINT": "http://actions:5055/webhook",
    "TAAI_DB_HOST": "postgres",
    "TAAI_REDIS_HOST": "redis",
}

RASA_COMMAND = ["python", "-m", "bot.rasa_ext.server"]
ACTIONS_COMMAND = ["python", "-m", "rasa_sdk", "--actions", "actions", "--port", "5055"]
DEAD_PROXY = "http://127.0.0.1:9"  # nothing listens: any download attempt fails


# --------------------------------------------------------------------------- setup


@dataclass(frozen=True)
class Tools:
    bin: Path
    nginx: Path


@pytest.fixture(scope="session")
def tools() -> Tools:
    """Install the validators and nginx when missing (never skip for lack of them)."""
    done = subprocess.run([str(TOOLS_SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{TOOLS_SCRIPT.name} failed:\n{done.stderr[-3000:]}"
    nginx = Path(done.stdout.strip().splitlines()[-1])
    assert nginx.is_file(), done.stdout
    return Tools(bin=TOOLS_BIN, nginx=nginx)


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy",)}
    env.update(
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        ALL_PROXY=DEAD_PROXY,
    )
    return env


def run_tool(tools: Tools, name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(tools.bin / name), *args], cwd=ROOT, capture_output=True, text=True, env=offline_env(), timeout=120
    )


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_k8s(paths: list[Path]) -> list[dict[str, Any]]:
    docs = []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                doc.setdefault("__file__", path.name)
                docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    return load_k8s(K8S_FILES)


@pytest.fixture(scope="module")
def examples() -> list[dict[str, Any]]:
    return load_k8s(K8S_EXAMPLES)


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    if doc["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return doc["spec"]["template"]["spec"]
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def pod_labels(doc: dict[str, Any]) -> dict[str, str]:
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return doc["spec"]["template"]["metadata"]["labels"]


def workloads(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in docs if pod_spec(d) is not None]


def containers(docs: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for doc in workloads(docs):
        spec = pod_spec(doc)
        for container in spec.get("initContainers", []) + spec["containers"]:
            yield doc, container


SETTINGS_VARIABLES = set(VARIABLES)  # every variable Taai reads, but the channels'
CHANNEL_VARIABLES = {v.env for c in CHANNELS for v in c.required + c.optional}


def interpolation(value: Any) -> tuple[str, str, str] | None:
    """('VAR', operator, argument) for a whole-value ${VAR...}, else None."""
    match = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?\}", str(value))
    return (match.group(1), match.group(2) or "", match.group(3) or "") if match else None


def resolved_default(value: Any) -> str:
    """The value Compose uses when the variable is unset: ${X:-d} -> d."""
    parsed = interpolation(value)
    if parsed and parsed[1] in (":-", "-"):
        return parsed[2]
    return str(value)


# ---------------------------------------------------------------- schema validation


def test_compose_file_matches_the_compose_specification(tools: Tools) -> None:
    done = run_tool(tools, "check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_kubernetes_manifests_match_the_api_schemas(tools: Tools, version: str) -> None:
    files = [str(p) for p in K8S_FILES + K8S_EXAMPLES]
    done = run_tool(tools, "kubernetes-validate", "--strict", "--quiet", "-k", version, *files)
    # --quiet prints only problems; a WARN (no schema for a kind or apiVersion) counts.
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_validators_reject_broken_files(tools: Tools, tmp_path: Path) -> None:
    """The checks above are not vacuous: a misspelt field fails each of them."""
    compose_text = COMPOSE_FILE.read_text(encoding="utf-8")
    broken_compose = tmp_path / "docker-compose.yml"
    broken_compose.write_text(compose_text.replace("\n  redis:\n", "\n  redis:\n    healthchek: {}\n", 1))
    done = run_tool(tools, "check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(broken_compose))
    assert done.returncode != 0 and "healthchek" in done.stdout, done.stdout

    rasa_text = (K8S_DIR / "23-rasa.yaml").read_text(encoding="utf-8")
    misspelt, unknown = tmp_path / "misspelt.yaml", tmp_path / "unknown.yaml"
    misspelt.write_text(rasa_text.replace("readinessProbe:", "readynessProbe:", 1))
    unknown.write_text(rasa_text.replace("apiVersion: policy/v1", "apiVersion: policy/v1beta9"))
    done = run_tool(tools, "kubernetes-validate", "--strict", "--quiet", str(misspelt), str(unknown))
    assert done.returncode != 0 and "readynessProbe" in done.stdout, done.stdout
    # An apiVersion without a schema is only a WARN; the test above counts it as a failure.
    assert re.search(r"WARN .*unknown.yaml.*policy/v1beta9", done.stdout), done.stdout


# ------------------------------------------------------------------------- compose


def compose_rasa_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose["services"].items() if svc.get("command") == RASA_COMMAND}


def test_compose_topology(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"nginx", "postgres", "redis", "actions"} <= set(services)
    rasa = compose_rasa_services(compose)
    assert sorted(rasa) == [f"rasa-{i}" for i in range(len(rasa))] and len(rasa) >= 2
    assert services["actions"]["command"] == ACTIONS_COMMAND
    assert services["actions"]["deploy"]["replicas"] >= 2
    # One image for Rasa and the action servers, built from the repository root.
    images = {svc["image"] for name, svc in services.items() if name in rasa or name == "actions"}
    assert len(images) == 1
    built = [svc["build"] for svc in services.values() if "build" in svc]
    assert built == [{"context": "..", "dockerfile": "deploy/Dockerfile"}]
    assert (COMPOSE_FILE.parent / built[0]["context"] / built[0]["dockerfile"]).resolve() == DOCKERFILE
    # PostgreSQL keeps its data in a named volume.
    volumes = [v.split(":") for v in services["postgres"]["volumes"]]
    assert any(
        source in compose.get("volumes", {}) and target == "/var/lib/postgresql/data" for source, target, *_ in volumes
    )
    # nginx mounts the shared config as its default server.
    assert "./nginx/taai.conf:/etc/nginx/conf.d/default.conf:ro" in services["nginx"]["volumes"]


def test_compose_healthchecks_resources_and_start_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, svc in services.items():
        check = svc.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name}: no healthcheck"
        resources = svc.get("deploy", {}).get("resources", {})
        for part in ("limits", "reservations"):
            assert {"cpus", "memory"} <= set(resources.get(part, {})), f"{name}: resources.{part}"
        assert svc.get("logging", {}).get("options", {}).get("max-size"), f"{name}: unrotated logs"
        for dependency, condition in svc.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert condition == {"condition": "service_healthy"}, f"{name} -> {dependency}"
    for name in compose_rasa_services(compose):
        assert set(services[name]["depends_on"]) == {"postgres", "redis", "actions"}
        assert services[name]["healthcheck"]["test"][-1].count("127.0.0.1:5005/") == 1
        memory = services[name]["deploy"]["resources"]["reservations"]["memory"]
        assert memory in ("1536M", "1G", "1.5G", "2G"), "a Rasa process needs 1-1.5 GB"
    assert "/health" in services["actions"]["healthcheck"]["test"][-1]
    assert set(services["nginx"]["depends_on"]) == set(compose_rasa_services(compose))


def test_compose_rasa_environment_follows_the_settings_contract(compose: dict[str, Any]) -> None:
    for name, svc in compose_rasa_services(compose).items():
        env = svc["environment"]
        assert isinstance(env, dict)
        unknown = {k for k in env if k.startswith("TAAI_")} - SETTINGS_VARIABLES - CHANNEL_VARIABLES
        assert not unknown, f"{name} sets variables no code reads: {unknown}"
        missing = SETTINGS_VARIABLES - set(LEFT_AT_DEFAULT) - set(env)
        assert not missing, f"{name} does not set {sorted(missing)} (or add them to LEFT_AT_DEFAULT)"
        for key, expected in CONTRACT.items():
            assert resolved_default(env[key]) == expected, key
        assert "BOT_API_TOKEN" in env
        # Compose service names are what Rasa connects to.
        assert resolved_default(env["TAAI_DB_HOST"]) in compose["services"]
        assert resolved_default(env["TAAI_REDIS_HOST"]) in compose["services"]
        assert env["TAAI_ACTION_ENDPOINT"].split("//")[1].split(":")[0] in compose["services"]
        # Messaging channels from an optional env file that is not committed.
        assert {"path": "channels.env", "required": False} in svc["env_file"]


def test_compose_secrets_are_references_never_values(compose: dict[str, Any]) -> None:
    seen = set()
    for name, svc in compose["services"].items():
        for key, value in (svc.get("environment") or {}).items():
            if not SECRET_NAME.search(key):
                continue
            parsed = interpolation(value)
            assert parsed, f"{name}: {key} holds a literal value"
            variable, operator, argument = parsed
            seen.add(variable)
            if variable in OPTIONAL_SECRETS:
                assert operator in (":-", "-") and argument == "", f"{name}: {key} may only default to empty"
            else:
                assert operator == ":?" and argument, f"{name}: {key} must fail when {variable} is unset"
    assert SECRET_VARIABLES <= seen
    # Nothing anywhere in the file looks like an inline secret assignment.
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert not re.search(r"(?im)^\s*-?\s*[A-Z_]*(PASSWORD|TOKEN|SECRET)[A-Z_]*\s*=", text)


# ---------------------------------------------------------------------- kubernetes


def k8s_container(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return by_kind(docs, kind)[name]["spec"]["template"]["spec"]["containers"][0]


def container_env(container: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Every variable a container gets: ConfigMaps (envFrom) plus its env entries."""
    env: dict[str, Any] = {}
    configmaps = by_kind(docs, "ConfigMap")
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(configmaps[source["configMapRef"]["name"]]["data"])
    for entry in container.get("env", []):
        env[entry["name"]] = entry.get("value", entry.get("valueFrom"))
    return env


def test_kubernetes_topology(manifests: list[dict[str, Any]]) -> None:
    namespaces = by_kind(manifests, "Namespace")
    assert list(namespaces) == ["taai"] and K8S_FILES[0].name.startswith("00-")
    assert namespaces["taai"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for doc in manifests:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "taai", doc["metadata"]["name"]
        assert doc["kind"] != "Secret", f"{doc['__file__']}: Secrets stay out of the applied manifests"

    rasa = by_kind(manifests, "StatefulSet")["rasa"]
    assert rasa["spec"]["replicas"] >= 2
    assert k8s_container(manifests, "StatefulSet", "rasa")["command"] == RASA_COMMAND
    actions = by_kind(manifests, "Deployment")["actions"]
    assert actions["spec"]["replicas"] >= 2
    assert k8s_container(manifests, "Deployment", "actions")["command"] == ACTIONS_COMMAND
    hpa = by_kind(manifests, "HorizontalPodAutoscaler")["actions"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "actions" and hpa["spec"]["minReplicas"] >= 2
    assert by_kind(manifests, "Deployment")["nginx"]["spec"]["replicas"] >= 2
    assert {"postgres", "redis", "actions", "nginx", "rasa"} <= set(by_kind(manifests, "Service"))

    # Exactly one Service per Rasa replica, selecting that pod.
    services = by_kind(manifests, "Service")
    for i in range(rasa["spec"]["replicas"]):
        selector = services[f"rasa-{i}"]["spec"]["selector"]
        assert selector["statefulset.kubernetes.io/pod-name"] == f"rasa-{i}"
    assert services[rasa["spec"]["serviceName"]]["spec"]["clusterIP"] == "None"

    # The disruption budget keeps a Rasa replica up and still allows a drain.
    pdb = by_kind(manifests, "PodDisruptionBudget")["rasa"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels(rasa).items()
    assert 1 <= pdb["spec"]["minAvailable"] < rasa["spec"]["replicas"]

    # The same image serves Rasa and the action servers, at a pinned tag.
    assert (
        k8s_container(manifests, "StatefulSet", "rasa")["image"]
        == k8s_container(manifests, "Deployment", "actions")["image"]
    )
    for _doc, container in containers(manifests):
        image = container["image"]
        assert re.search(r":[\w][\w.-]*$", image) and not image.endswith(":latest"), image


def test_kubernetes_services_reach_their_pods(manifests: list[dict[str, Any]]) -> None:
    for name, service in by_kind(manifests, "Service").items():
        selector = service["spec"]["selector"]
        targets = [
            d
            for d in workloads(manifests)
            if all(pod_labels(d).get(k) == v for k, v in selector.items() if k != "statefulset.kubernetes.io/pod-name")
        ]
        assert targets, f"Service {name} selects no workload"
        port_names = {p.get("name") for d in targets for c in pod_spec(d)["containers"] for p in c["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, f"Service {name}: no port {port['targetPort']}"
    for policy in by_kind(manifests, "NetworkPolicy").values():
        selector = policy["spec"]["podSelector"].get("matchLabels", {})
        assert not selector or any(selector.items() <= pod_labels(d).items() for d in workloads(manifests))


def test_kubernetes_probes_resources_and_security(manifests: list[dict[str, Any]]) -> None:
    for doc, container in containers(manifests):
        where = f"{doc['kind']}/{doc['metadata']['name']}/{container['name']}"
        resources = container.get("resources", {})
        for part in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources.get(part, {})), f"{where}: resources.{part}"
        if doc["kind"] in ("Deployment", "StatefulSet"):
            assert "readinessProbe" in container and "livenessProbe" in container, f"{where}: probes"
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False and security["capabilities"]["drop"] == ["ALL"]
        spec = pod_spec(doc)
        assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] != 0
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert spec["automountServiceAccountToken"] is False and spec["enableServiceLinks"] is False

    rasa = k8s_container(manifests, "StatefulSet", "rasa")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert rasa[probe]["httpGet"]["path"] == "/", probe
    # The model loads before / answers: give the start-up probe minutes, not seconds.
    startup = rasa["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300
    assert rasa["resources"]["requests"]["memory"] in ("1536Mi", "1Gi", "1.5Gi", "2Gi")
    actions = k8s_container(manifests, "Deployment", "actions")
    assert actions["readinessProbe"]["httpGet"]["path"] == "/health"
    # TAAI_VAR_DIR and /tmp are writable emptyDirs under a read-only root filesystem.
    mounts = {m["mountPath"] for m in rasa["volumeMounts"]}
    assert rasa["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"/tmp", CONTRACT["TAAI_VAR_DIR"]} <= mounts


def test_kubernetes_rasa_environment_matches_compose(manifests: list[dict[str, Any]], compose: dict[str, Any]) -> None:
    env = container_env(k8s_container(manifests, "StatefulSet", "rasa"), manifests)
    compose_env = next(iter(compose_rasa_services(compose).values()))["environment"]
    assert set(env) == set(compose_env), set(env) ^ set(compose_env)
    for key, value in env.items():
        if key in SECRET_VARIABLES:
            continue
        assert str(value) == resolved_default(compose_env[key]), key
    for key, expected in CONTRACT.items():
        assert env[key] == expected, key
    services = by_kind(manifests, "Service")
    assert env["TAAI_DB_HOST"] in services and env["TAAI_REDIS_HOST"] in services
    assert env["TAAI_ACTION_ENDPOINT"].split("//")[1].split(":")[0] in services
    # Messaging channels come from an optional Secret.
    sources = k8s_container(manifests, "StatefulSet", "rasa")["envFrom"]
    assert {"secretRef": {"name": "taai-channels", "optional": True}} in sources


def test_kubernetes_secrets_are_references_never_values(
    manifests: list[dict[str, Any]], examples: list[dict[str, Any]]
) -> None:
    example_secrets = by_kind(examples, "Secret")
    seen = set()
    for doc, container in containers(manifests):
        for entry in container.get("env", []):
            if SECRET_NAME.search(entry["name"]):
                assert "value" not in entry, f"{doc['metadata']['name']}: {entry['name']} holds a literal value"
                ref = entry["valueFrom"]["secretKeyRef"]
                seen.add(entry["name"])
                assert ref.get("optional", False) == (entry["name"] in OPTIONAL_SECRETS), entry["name"]
                # The example Secret documents every key a workload reads.
                assert ref["key"] in example_secrets[ref["name"]]["stringData"], ref
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                assert source["secretRef"]["name"] in example_secrets
    assert SECRET_VARIABLES <= seen
    for configmap in by_kind(manifests, "ConfigMap").values():
        for key in configmap["data"]:
            assert not SECRET_NAME.search(key), f"secret {key} in ConfigMap {configmap['metadata']['name']}"
    # The examples hold placeholders only, and only channel variables Taai knows.
    for secret in example_secrets.values():
        for key, value in secret["stringData"].items():
            if SECRET_NAME.search(key) or key.endswith(("password", "token", "key")):
                assert value == "REPLACE_ME", f"{key}: placeholder expected"
    assert set(example_secrets["taai-channels"]["stringData"]) <= CHANNEL_VARIABLES


# --------------------------------------------------------------------------- nginx


def nginx_blocks(text: str) -> dict[str, str]:
    """Bodies of the upstream and location blocks (one level deep is enough here)."""
    text = re.sub(r"#[^\n]*", "", text)
    blocks = {}
    for match in re.finditer(r"\b(upstream\s+\S+|location\s+(?:=\s*)?\S+)\s*\{([^{}]*)\}", text):
        blocks[" ".join(match.group(1).split())] = match.group(2)
    return blocks


def upstream_servers(body: str) -> list[str]:
    return re.findall(r"^\s*server\s+(\S+)", body, re.M)


def test_nginx_routes_the_replicas_of_both_topologies(manifests: list[dict[str, Any]], compose: dict[str, Any]) -> None:
    text = NGINX_CONF.read_text(encoding="utf-8")
    blocks = nginx_blocks(text)
    sticky, round_robin = blocks["upstream taai_rasa_sticky"], blocks["upstream taai_rasa"]
    assert re.search(r"^\s*(hash\s+\$remote_addr\s+consistent|ip_hash)\s*;", sticky, re.M)
    assert not re.search(r"^\s*(hash|ip_hash|sticky)\b", round_robin, re.M)
    replicas = by_kind(manifests, "StatefulSet")["rasa"]["spec"]["replicas"]
    expected = [f"rasa-{i}:5005" for i in range(replicas)]
    assert upstream_servers(sticky) == upstream_servers(round_robin) == expected
    assert [s.split(":")[0] for s in expected] == sorted(compose_rasa_services(compose))
    assert "proxy_pass http://taai_rasa_sticky;" in blocks["location /socket.io/"]
    assert "proxy_pass http://taai_rasa;" in blocks["location /"]
    assert "return 200" in blocks["location = /nginx-health"]
    assert "proxy_pass http://taai_rasa/;" in blocks["location = /ready"]
    # Headers set at server level apply to every location only if no location sets any.
    assert not any("proxy_set_header" in body for key, body in blocks.items() if key.startswith("location"))
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", text)
    assert re.search(r"proxy_set_header\s+Connection\s+\$taai_connection_upgrade;", text)
    assert "listen 8080" in text  # the unprivileged nginx image's port
    # Log hygiene: no query strings (API token), no raw paths with ids, no bodies.
    log_format = re.search(r"log_format\s+taai_private\s+(.*?);", text, re.S).group(1)
    for leaky in ("$request_uri", "$request ", "$args", "$query_string", "$request_body", "$uri", "$http_"):
        assert leaky not in log_format, leaky
    assert re.findall(r"^\s*access_log\s+(\S+)\s+(\S+);", text, re.M) == [("/var/log/nginx/access.log", "taai_private")]


def test_kubernetes_configmap_holds_the_same_nginx_config(manifests: list[dict[str, Any]]) -> None:
    configmap = by_kind(manifests, "ConfigMap")["taai-nginx"]
    assert configmap["data"]["taai.conf"] == NGINX_CONF.read_text(encoding="utf-8"), (
        "deploy/k8s/30-nginx.yaml must hold an exact copy of deploy/nginx/taai.conf"
    )
    nginx = k8s_container(manifests, "Deployment", "nginx")
    mount = next(m for m in nginx["volumeMounts"] if m["name"] == "config")
    assert (mount["mountPath"], mount["subPath"]) == ("/etc/nginx/conf.d/default.conf", "taai.conf")
    assert nginx["livenessProbe"]["httpGet"]["path"] == "/nginx-health"
    service = by_kind(manifests, "Service")["nginx"]["spec"]
    assert service.get("externalTrafficPolicy") == "Local", "the sticky hash needs the client address"


def render_for_test(tmp: Path, backends: dict[str, int], listen_port: int) -> Path:
    """taai.conf with the replicas on loopback ports and files under `tmp`, wrapped in
    a minimal nginx.conf (the nginx image's own nginx.conf provides the same)."""
    conf = NGINX_CONF.read_text(encoding="utf-8")
    for host, port in backends.items():
        conf, count = re.subn(rf"\b{re.escape(host)}:5005\b", f"127.0.0.1:{port}", conf)
        assert count == 2, host
    conf = conf.replace("listen 8080 default_server;", f"listen 127.0.0.1:{listen_port} default_server;")
    conf = conf.replace("/var/log/nginx/access.log", str(tmp / "access.log"))
    (tmp / "taai.conf").write_text(conf, encoding="utf-8")
    temp_paths = "\n".join(
        f"    {d}_temp_path {tmp / d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp / "nginx.conf"
    main.write_text(
        f"pid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n{temp_paths}\n    include {tmp / 'taai.conf'};\n}}\n",
        encoding="utf-8",
    )
    return main


def test_nginx_accepts_the_config(tools: Tools, tmp_path: Path) -> None:
    main = render_for_test(tmp_path, {"rasa-0": 5005, "rasa-1": 5006}, free_port())
    done = subprocess.run(
        [str(tools.nginx), "-t", "-q", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr + (tmp_path / "error.log").read_text(errors="replace")


class _Backend(http.server.BaseHTTPRequestHandler):
    """Stands in for a Rasa replica: answers with its name, records what arrived."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        self.server.seen.append((self.path, dict(self.headers)))  # type: ignore[attr-defined]
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def nginx_in_front(tools: Tools, tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    backends = {}
    for name in ("rasa-0", "rasa-1"):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
        server.name, server.seen = name, []  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        backends[name] = server
    port = free_port()
    main = render_for_test(tmp_path, {n: s.server_address[1] for n, s in backends.items()}, port)
    output = tmp_path / "nginx.out"
    process = processes.start(
        [
            str(tools.nginx),
            "-p",
            str(tmp_path),
            "-c",
            str(main),
            "-e",
            str(tmp_path / "error.log"),
            "-g",
            "daemon off; master_process off;",
        ],
        output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        processes.wait_until_ready(
            {"nginx": lambda: processes.answers(f"{base}/nginx-health", timeout=1)},
            watch={"nginx": (process, output)},
            timeout=10,
            interval=0.05,
        )
        yield base, {"backends": backends, "log": tmp_path / "access.log"}
    finally:
        processes.stop(process, timeout=10)
        for server in backends.values():
            server.shutdown()
            server.server_close()


def get(url: str, headers: dict[str, str] | None = None) -> str:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        return response.read().decode()


def test_nginx_sticks_socketio_and_balances_the_rest(nginx_in_front: tuple[str, dict[str, Any]]) -> None:
    base, state = nginx_in_front
    assert get(f"{base}/nginx-health") == "ok\n"
    assert get(f"{base}/ready") in ("rasa-0", "rasa-1")
    # Same client: every socket.io request (polling, upgrade, reconnect) on one replica.
    sticky = {get(f"{base}/socket.io/?EIO=4&transport=polling&t={i}") for i in range(8)}
    assert len(sticky) == 1, sticky
    # Everything else: both replicas.
    spread = {get(f"{base}/webhooks/taai/static/taai-widget.js?i={i}") for i in range(8)}
    assert spread == {"rasa-0", "rasa-1"}

    # The websocket upgrade reaches the replica with its headers; other requests go
    # without "Connection: upgrade" (keepalive to the replicas).
    get(f"{base}/socket.io/?EIO=4&transport=websocket", {"Upgrade": "websocket", "Connection": "Upgrade"})
    seen = [entry for server in state["backends"].values() for entry in server.seen]
    upgrade = [h for path, h in seen if "transport=websocket" in path]
    assert upgrade and upgrade[0].get("Upgrade") == "websocket" and upgrade[0].get("Connection") == "upgrade"
    plain = [h for path, h in seen if path.startswith("/webhooks/")]
    assert all("Upgrade" not in h and h.get("Connection", "") == "" for h in plain), plain[0]
    assert all(h.get("X-Forwarded-For") == "127.0.0.1" for _, h in seen)


def test_nginx_access_log_keeps_no_tokens_or_ids(nginx_in_front: tuple[str, dict[str, Any]]) -> None:
    base, state = nginx_in_front
    get(f"{base}/conversations/conv-7f3a9c/tracker?token=tok-s3cr3t-value")
    get(f"{base}/webhooks/taai/plan/sess-1b2c3d.html")
    get(f"{base}/socket.io/?EIO=4&transport=polling&sid=sid-9e8d7c")
    deadline = time.monotonic() + 5
    log = ""
    while log.count("\n") < 3 and time.monotonic() < deadline:
        log = state["log"].read_text(encoding="utf-8") if state["log"].exists() else ""
        time.sleep(0.05)
    assert log.count("\n") >= 3, log
    for secret in ("tok-s3cr3t-value", "conv-7f3a9c", "sess-1b2c3d", "sid-9e8d7c", "token=", "?"):
        assert secret not in log, f"{secret!r} in the access log:\n{log}"
    assert "/conversations/-/tracker" in log and "/webhooks/taai/plan/-" in log


# ---------------------------------------------------------------------- Dockerfile


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def dockerignore_excludes(path: str) -> bool:
    """Whether deploy/Dockerfile.dockerignore keeps `path` out of the build context
    (the last matching pattern wins; a pattern also matches a path's parents)."""
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if any(
            fnmatch.fnmatchcase(c, pattern)
            or (pattern.startswith("**/") and fnmatch.fnmatchcase(c.split("/")[-1], pattern[3:]))
            for c in candidates
        ):
            excluded = not negated
    return excluded


def test_dockerfile_builds_taai_as_documented() -> None:
    instructions = dockerfile_instructions()
    stages = [arg for op, arg in instructions if op == "FROM"]
    args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.M))
    assert args["PYTHON_IMAGE"].startswith("python:3.10-slim")
    runs = " ".join(arg for op, arg in instructions if op == "RUN")
    assert "pip install --quiet -c requirements/constraints.txt -r requirements/base.txt" in runs
    assert "pip check" in runs
    assert "rasa train --fixed-model-name taai --out models" in runs  # as `make train`
    assert stages[-1].endswith("AS runtime")
    final = instructions[max(i for i, (op, _) in enumerate(instructions) if op == "FROM") :]
    users = [arg for op, arg in final if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any(op == "COPY" and "--from=model" in arg and "models/taai.tar.gz" in arg for op, arg in final)
    assert ("CMD", '["python", "-m", "bot.rasa_ext.server"]') in final
    env = " ".join(arg for op, arg in final if op == "ENV")
    for pair in (
        "TAAI_PROFILE=production",
        "TAAI_HOST=0.0.0.0",
        "TAAI_VAR_DIR=/var/lib/taai",
        "TAAI_MODEL=/app/models/taai.tar.gz",
        "RASA_TELEMETRY_ENABLED=false",
    ):
        assert pair in env, pair


def test_dockerfile_inputs_are_in_the_build_context() -> None:
    """Every COPY from the context exists and passes the ignore file; local state does not."""
    for op, arg in dockerfile_instructions():
        if op != "COPY" or "--from=" in arg:
            continue
        sources = shlex.split(arg)[:-1]
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: missing"
            assert not dockerignore_excludes(source), f"COPY {source}: excluded by {DOCKERIGNORE.name}"
    for private in (
        ".git/config",
        ".venv/bin/python",
        ".venv-tools/bin/python",
        "var/api-token",
        "var/tracker.db",
        "models/taai.tar.gz",
        "deploy/.env",
        "deploy/channels.env",
        "web/node_modules/x.js",
        "web/dist/taai-widget.js",
        "results/eval/x.json",
        "bot/__pycache__/settings.cpython-310.pyc",
        "tests/conftest.py",
    ):
        assert dockerignore_excludes(private), f"{private} would be sent to the image build"


# -------------------------------------------------------------------- operations doc


def test_operations_doc_covers_the_contract() -> None:
    text = OPERATIONS_DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", text))
    missing = SETTINGS_VARIABLES - documented
    assert not missing, f"docs/operations.md does not describe {sorted(missing)}"
    for topic in (
        "pg_dump",
        "pg_restore",
        "rollout",
        "docker compose",
        "kubectl",
        "retention",
        "lock",
        "sticky",
        "scal",
        "log",
    ):
        assert topic in text.lower(), topic
    # Files and commands it points at exist.
    for path in re.findall(r"`((?:deploy|scripts|docs|bot|requirements)/[\w./-]+)`", text):
        if not path.endswith((".env", "channels.env")):
            assert (ROOT / path).exists(), path


def test_the_lists_here_follow_the_settings() -> None:
    """The secrets and the variables left at their default are the settings' own."""
    assert SECRET_VARIABLES == {name for name, variable in VARIABLES.items() if variable.secret}
    assert set(LEFT_AT_DEFAULT) <= SETTINGS_VARIABLES
    assert not SETTINGS_VARIABLES & CHANNEL_VARIABLES


def test_readme_lists_every_setting() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", README.read_text(encoding="utf-8")))
    missing = SETTINGS_VARIABLES - documented
    assert not missing, f"README.md (Configuration) does not list {sorted(missing)}"
