"""deploy/k8s and deploy/grafana, validated without a cluster: each document against its upstream
schema (tests/contract/official_schemas.py), then the things a schema cannot see: ports, probes,
consumer groups, replica limits, and dashboard queries that name metrics the services really export."""

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from lead_runtime import metrics  # noqa: F401  (registers the metrics the dashboard must name)
from prometheus_client import REGISTRY

from tests.contract.official_schemas import dashboard_problems, manifest_problems

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
PORTS = {"ingest": 8001, "scoring": 8002, "nurture": 8003, "handoff": 8004, "reporting": 8005}
CONSUMERS = {"scoring": {"touchpoints", "lead.lifecycle"}, "nurture": {"lead.lifecycle", "touchpoints"},
             "handoff": {"lead.lifecycle", "crm.feedback"},
             "reporting": {"lead.lifecycle", "touchpoints", "handoff.leads", "crm.feedback"}}
PARTITIONS = 6  # deploy/stack.sh num.partitions and `lead_runtime.topics create` default


def documents() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def of_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in documents() if doc["kind"] == kind}


@pytest.mark.parametrize("source,doc", documents(), ids=lambda v: v if isinstance(v, str) else v.get("kind"))
def test_every_manifest_matches_its_upstream_schema(source, doc):
    assert manifest_problems(doc) == [], source


@pytest.mark.parametrize("kind,change,expected", [
    ("Deployment", lambda d: d["spec"]["template"]["spec"]["containers"][0].update(readynessProbe={}), "readynessProbe"),
    ("Deployment", lambda d: d["spec"].update(replicas="2"), "'2' is not of type 'integer'"),
    ("Service", lambda d: d["spec"]["ports"][0].pop("port"), "'port' is a required property"),
    ("ScaledObject", lambda d: d["spec"].update(maxReplicas=3), "spec.maxReplicas: unknown field"),
    ("ScaledObject", lambda d: d["spec"].update(minReplicaCount="1"), "spec.minReplicaCount: Input should be a valid integer"),
    ("ScaledObject", lambda d: d["spec"]["triggers"][0].pop("type"), "spec.triggers.0.type: Field required"),
])
def test_the_schemas_refuse_a_broken_manifest(kind, change, expected):
    doc = copy.deepcopy(of_kind(kind)["scoring"])
    change(doc)
    assert any(expected in problem for problem in manifest_problems(doc)), manifest_problems(doc)


def test_an_unknown_kind_is_not_waved_through():
    doc = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledJob", "metadata": {"name": "x"}, "spec": {}}
    assert manifest_problems(doc)


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize("name", PORTS)
def test_service_listens_where_its_probes_and_service_point(name):
    deployment, service = of_kind("Deployment")[name], of_kind("Service")[name]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env[f"{name.upper()}_HTTP__PORT"] == str(PORTS[name])
    assert env[f"{name.upper()}_HTTP__HOST"] == "0.0.0.0"  # the default 127.0.0.1 is unreachable in a pod
    assert container["ports"] == [{"name": "http", "containerPort": PORTS[name]}]
    assert container["command"] == ["python", "-m", name, "serve"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert deployment["spec"]["template"]["metadata"]["labels"].items() >= service["spec"]["selector"].items()
    # graceful shutdown: uvicorn's 20 s plus the pre-stop pause must fit in the grace period
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 30


@pytest.mark.parametrize("name", CONSUMERS)
def test_each_consumer_scales_on_the_lag_of_its_group_up_to_the_partition_count(name):
    scaled = of_kind("ScaledObject")[name]["spec"]
    assert scaled["scaleTargetRef"]["name"] == name
    assert 1 <= scaled["minReplicaCount"] <= scaled["maxReplicaCount"] <= PARTITIONS
    triggers = scaled["triggers"]
    assert {t["metadata"]["consumerGroup"] for t in triggers} == {name}  # the group is the service name
    assert {t["metadata"]["topic"] for t in triggers} == CONSUMERS[name]
    assert all(t["metadata"]["allowIdleConsumers"] == "false" for t in triggers)


def test_ingest_has_no_lag_scaler():
    assert "ingest" not in of_kind("ScaledObject")


def test_consumer_topics_match_the_services_subscriptions():
    for name, topics in CONSUMERS.items():
        source = (ROOT / "services" / name / "src" / name / "bootstrap.py").read_text()
        named = set(re.findall(r"topics\.([A-Z_]+)", source))
        from lead_events import topics as t

        assert {getattr(t, n) for n in named if isinstance(getattr(t, n, None), str)} >= topics, name


def load_dashboard() -> dict:
    return json.loads((ROOT / "deploy" / "grafana" / "leadflow.json").read_text())


def test_dashboard_matches_grafanas_schema():
    assert dashboard_problems(load_dashboard()) == []


@pytest.mark.parametrize("change,expected", [
    (lambda d: d["panels"][0].update(legendd={}), "panels[0].legendd: unknown field"),
    (lambda d: d["panels"][0]["gridPos"].update(h="8"), "grid_pos.h: str is not an instance of int"),
    (lambda d: d["panels"][0].update(type="timeserie"), "'timeserie' is not a panel type"),
    (lambda d: d["panels"][0]["options"]["legend"].update(placement="top"), "'top' is not one of ['bottom', 'right']"),
    (lambda d: d["panels"][0]["targets"][0].update(exp=d["panels"][0]["targets"][0].pop("expr")), "targets[0].exp: unknown"),
])
def test_grafanas_schema_refuses_a_broken_dashboard(change, expected):
    dashboard = load_dashboard()
    change(dashboard)
    assert any(expected in problem for problem in dashboard_problems(dashboard)), dashboard_problems(dashboard)


def test_dashboard_names_only_exported_metrics():
    dashboard = load_dashboard()
    suffixes = ("", "_total", "_bucket", "_sum", "_count")  # a labelled metric has no samples yet
    exported = {family.name + suffix for family in REGISTRY.collect() for suffix in suffixes}
    used = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            used |= set(re.findall(r"\b((?:leadflow|kafka)_[a-z_]+)\b", target["expr"]))
    assert used, "the dashboard queries nothing"
    missing = used - exported
    assert not missing, f"dashboard queries metrics no service exports: {sorted(missing)}"
    assert {"kafka_consumergroup_lag", "kafka_consumergroup_lag_seconds", "leadflow_dlq_messages_total"} <= used
