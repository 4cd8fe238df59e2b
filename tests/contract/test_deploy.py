"""deploy/k8s and deploy/grafana, validated without a cluster: each document against its upstream
schema (tests/contract/official_schemas.py), then the things a schema cannot see: ports, probes,
the split into an API and a worker Deployment per service, consumer groups, replica limits, and
dashboard queries that name metrics the services really export."""

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
MODES = ("api", "worker")  # `python -m <svc> serve api|worker`: a Deployment each


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
    ("HorizontalPodAutoscaler", lambda d: d["spec"].update(maxReplica=3), "maxReplica"),
])
def test_the_schemas_refuse_a_broken_manifest(kind, change, expected):
    name = {"Deployment": "scoring-api", "ScaledObject": "scoring-worker", "HorizontalPodAutoscaler": "scoring-api"}
    doc = copy.deepcopy(of_kind(kind)[name.get(kind, "scoring")])
    change(doc)
    assert any(expected in problem for problem in manifest_problems(doc)), manifest_problems(doc)


def test_an_unknown_kind_is_not_waved_through():
    doc = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledJob", "metadata": {"name": "x"}, "spec": {}}
    assert manifest_problems(doc)


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PORTS)
def test_each_service_runs_an_api_and_a_worker_deployment_listening_where_their_probes_point(name, mode):
    deployment = of_kind("Deployment")[f"{name}-{mode}"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env[f"{name.upper()}_HTTP__PORT"] == str(PORTS[name])
    assert env[f"{name.upper()}_HTTP__HOST"] == "0.0.0.0"  # the default 127.0.0.1 is unreachable in a pod
    assert container["ports"] == [{"name": "http", "containerPort": PORTS[name]}]
    assert container["command"] == ["python", "-m", name, "serve", mode]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {"secretRef": {"name": "leadflow-databases"}} in container["envFrom"]  # every service has a database
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert labels.items() >= deployment["spec"]["selector"]["matchLabels"].items()
    assert deployment["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == mode
    # graceful shutdown: uvicorn's 20 s plus the pre-stop pause must fit in the grace period
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 30


@pytest.mark.parametrize("name", PORTS)
def test_the_service_sends_requests_to_the_api_pods_only(name):
    service, api = of_kind("Service")[name], of_kind("Deployment")[f"{name}-api"]
    assert service["spec"]["selector"] == api["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"] == [{"name": "http", "port": PORTS[name], "targetPort": "http"}]
    for other, deployment in of_kind("Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert (labels.items() >= service["spec"]["selector"].items()) == (other == f"{name}-api"), other


@pytest.mark.parametrize("name", PORTS)
def test_each_api_scales_on_cpu(name):
    hpas = of_kind("HorizontalPodAutoscaler").values()
    [hpa] = [h for h in hpas if h["spec"]["scaleTargetRef"]["name"] == f"{name}-api"]
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    [metric] = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    api = of_kind("Deployment")[f"{name}-api"]
    assert "replicas" not in api["spec"]  # the autoscaler's, not reset by every `kubectl apply`
    assert api["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"]  # utilisation needs it


@pytest.mark.parametrize("name", CONSUMERS)
def test_each_worker_scales_on_the_lag_of_its_group_up_to_the_partition_count(name):
    scaled = of_kind("ScaledObject")[f"{name}-worker"]["spec"]
    assert scaled["scaleTargetRef"]["name"] == f"{name}-worker"
    assert 1 <= scaled["minReplicaCount"] <= scaled["maxReplicaCount"] <= PARTITIONS
    triggers = scaled["triggers"]
    assert {t["metadata"]["consumerGroup"] for t in triggers} == {name}  # the group is the service name
    assert {t["metadata"]["topic"] for t in triggers} == CONSUMERS[name]
    assert all(t["metadata"]["allowIdleConsumers"] == "false" for t in triggers)
    assert "replicas" not in of_kind("Deployment")[f"{name}-worker"]["spec"]


def test_every_lag_scaler_targets_a_worker_and_every_cpu_scaler_an_api():
    commands = {n: d["spec"]["template"]["spec"]["containers"][0]["command"] for n, d in of_kind("Deployment").items()}
    lag_targets = [s["spec"]["scaleTargetRef"]["name"] for s in of_kind("ScaledObject").values()
                   if any(t["type"] == "kafka" for t in s["spec"]["triggers"])]
    cpu_targets = [h["spec"]["scaleTargetRef"]["name"] for h in of_kind("HorizontalPodAutoscaler").values()]
    assert lag_targets and all(commands[t][-2:] == ["serve", "worker"] for t in lag_targets)
    assert cpu_targets and all(commands[t][-2:] == ["serve", "api"] for t in cpu_targets)
    assert not set(lag_targets) & set(cpu_targets)  # two autoscalers on one Deployment would fight


def test_ingest_runs_one_purging_worker_and_no_lag_scaler():
    assert of_kind("Deployment")["ingest-worker"]["spec"]["replicas"] == 1
    assert not any(s["spec"]["scaleTargetRef"]["name"].startswith("ingest") for s in of_kind("ScaledObject").values())


def test_init_migrates_every_database_the_services_use():
    [job] = of_kind("Job").values()
    command = " ".join(job["spec"]["template"]["spec"]["containers"][0]["command"])
    for name in PORTS:
        assert f"python -m {name} migrate" in command
    secret = of_kind("Secret")["leadflow-databases"]["stringData"]
    assert {f"{name.upper()}_DATABASE__URL" for name in PORTS} <= set(secret)


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
