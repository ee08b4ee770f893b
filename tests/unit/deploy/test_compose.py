"""deploy/compose.yaml against the Compose Specification schema, and wired as intended.

No Docker engine runs here. The file is validated against the official compose-spec
JSON Schema (vendored, see vendor/README.md); `docker compose config` runs as well
where the compose plugin is installed (it needs no engine).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from services.fetcher.config import FetcherSettings
from services.parser.config import ParserSettings
from services.sink.config import SinkSettings
from tests.unit.deploy.tools import find

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
VENDOR = Path(__file__).parent / "vendor"
PORTS = {
    "fetcher": FetcherSettings.model_fields["port"].default,
    "parser": ParserSettings.model_fields["port"].default,
    "sink": SinkSettings.model_fields["port"].default,
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_the_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads((VENDOR / "compose-spec.schema.json").read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in Draft7Validator(schema).iter_errors(compose)
    ]
    assert not errors, errors


def test_docker_compose_config_accepts_it() -> None:
    docker = find("docker")
    if (
        docker is None
        or subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False
        ).returncode
    ):
        pytest.skip("the docker compose plugin is not installed; the schema check above ran")
    env = {"POSTGRES_PASSWORD": "x", "GRAFANA_ADMIN_PASSWORD": "x", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_stack_has_every_part(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {
        "kafka", "postgres", "migrate", "fetcher", "parser", "sink", "prometheus", "grafana",
    }  # fmt: skip
    kafka = compose["services"]["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"], "KRaft: no ZooKeeper"
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")


def test_the_services_run_the_one_image_hardened(compose: dict[str, Any]) -> None:
    images = set()
    for name in (*PORTS, "migrate"):
        service = compose["services"][name]
        images.add(service["image"])
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).exists()
        assert service["command"] == [name]
        assert service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
    assert len(images) == 1


def test_services_wait_for_kafka_and_the_migration(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, port in PORTS.items():
        service = services[name]
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy", name
        assert service["ports"] == [f"127.0.0.1:{port}:{port}"], name
        assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"]), name
    for name in ("sink", "fetcher"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_no_password_is_written_down(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "DSN")) and "postgresql" in str(value):
                assert "${POSTGRES_PASSWORD:?" in value, f"{name}: {key}"
            elif "PASSWORD" in key:
                assert re.fullmatch(r"\$\{\w+:\?[^}]*\}", str(value)), f"{name}: {key}"


def host_paths(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host path, for bind mounts."""
    out = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        if source.startswith("."):
            out[target] = source
    return out


def test_prometheus_scrapes_every_service_and_loads_the_rules(compose: dict[str, Any]) -> None:
    mounts = host_paths(compose["services"]["prometheus"])
    config_path = DEPLOY / mounts["/etc/prometheus/prometheus.yml"]
    rules_dir = DEPLOY / mounts["/etc/prometheus/rules"]
    assert list(rules_dir.glob("*.yaml"))
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    assert config["rule_files"] == ["rules/*.yaml"], "relative to /etc/prometheus/"
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]
    }
    for name, port in PORTS.items():
        assert targets[f"regwire-{name}"] == [f"{name}:{port}"]


def test_grafana_gets_the_dashboard_and_the_data_source(compose: dict[str, Any]) -> None:
    mounts = host_paths(compose["services"]["grafana"])
    provisioning = DEPLOY / mounts["/etc/grafana/provisioning"]
    dashboards = DEPLOY / mounts["/var/lib/grafana/dashboards"]
    providers = yaml.safe_load((provisioning / "dashboards" / "regwire.yaml").read_text())
    assert providers["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    assert (dashboards / "regwire.json").exists()
    assert (provisioning / "datasources" / "prometheus.yaml").exists()
    assert (
        DEPLOY / host_paths(compose["services"]["fetcher"])["/etc/regwire/sources.yaml"]
    ).exists()
