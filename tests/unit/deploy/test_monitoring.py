"""Alert rules (promtool), their unit tests, and the Grafana dashboard against the metrics."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.deploy.series import exported_families, exported_series, names_in

ROOT = Path(__file__).resolve().parents[3]
PROMETHEUS = ROOT / "deploy" / "prometheus"
GRAFANA = ROOT / "deploy" / "grafana"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yaml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yaml"))
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.skip("promtool is absent (Debian package prometheus; `make test` installs it)")
    return subprocess.run(
        [binary, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
        for rule in group["rules"]
    ]


def alerts() -> list[dict[str, Any]]:
    return [rule for rule in rules() if "alert" in rule]


def test_promtool_accepts_the_rules() -> None:
    result = promtool("check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = promtool("test", "rules", *map(str, RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_compose_prometheus_config() -> None:
    result = promtool("check", "config", str(PROMETHEUS / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_unit_test_that_makes_it_fire() -> None:
    fired: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for check in case.get("alert_rule_test", []):
                if check.get("exp_alerts"):
                    fired.add(check["alertname"])
    names = {a["alert"] for a in alerts()}
    assert names - fired == set(), "alerts without a firing unit test"
    assert fired <= names


def test_the_issue_s_alerts_exist_with_a_severity_and_a_summary() -> None:
    by_name = {a["alert"]: a for a in alerts()}
    for wanted in (
        "RegwireConsumerLagGrowing",
        "RegwireDeadLetterRateHigh",
        "RegwireFetchErrorRatioHigh",
        "RegwireSourceSilent",
        "RegwireSinkBatchesFailing",
        "RegwireDatabaseDown",
        "RegwireEndToEndLatencyHigh",
    ):
        assert wanted in by_name
    for alert in by_name.values():
        assert alert["labels"]["severity"] in ("page", "ticket"), alert["alert"]
        assert alert["annotations"]["summary"], alert["alert"]


def test_rules_read_only_series_the_services_export() -> None:
    unknown = {n for rule in rules() for n in names_in(rule["expr"])} - exported_series()
    assert not unknown, "rules name series that services/common/metrics.py does not declare"


def dashboard_exprs(dashboard: dict[str, Any]) -> list[str]:
    panels = list(dashboard["panels"])
    for panel in dashboard["panels"]:
        panels.extend(panel.get("panels", []))
    return [t["expr"] for p in panels for t in p.get("targets", []) if t.get("expr")]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_the_dashboard_reads_only_exported_series_and_shows_every_one(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    used = {n for expr in dashboard_exprs(dashboard) for n in names_in(expr)}
    unknown = used - exported_series()
    assert not unknown, f"{path.name} reads series no service exports: {sorted(unknown)}"
    missing = [family for family, names in exported_families().items() if not names & used]
    assert not missing, f"{path.name} has no panel for: {missing}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_the_dashboard_is_well_formed_for_provisioning(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids are unique"
    assert dashboard["uid"]
    assert dashboard["schemaVersion"] >= 36
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"datasource", "job"} <= variables
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
            assert {"h", "w", "x", "y"} <= set(panel["gridPos"]), panel["title"]


def test_grafana_provisioning_points_at_the_dashboards_and_prometheus() -> None:
    provisioning = GRAFANA / "provisioning"
    datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yaml").read_text())
    (source,) = datasources["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    providers = yaml.safe_load((provisioning / "dashboards" / "regwire.yaml").read_text())
    assert providers["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
