"""docker-compose.yml describes the same system as deploy/stack.sh (no Docker needed).

Both start Kafka, PostgreSQL and the four services; these tests keep their ports, variable
names, databases and images from drifting apart.
"""

import os
import re
import shlex
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "deploy" / "stack.sh"
SERVICES = ["ingest", "scoring", "nurture", "handoff", "reporting"]
DB_SERVICES = ["ingest", "scoring", "nurture", "handoff", "reporting"]
# variable families stack.sh reads; unset so the test sees its defaults, not the developer's shell
_OVERRIDABLE = ("LEADFLOW_", "INGEST_", "SCORING_", "NURTURE_", "HANDOFF_")


def _run_stack(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OVERRIDABLE)}
    return subprocess.run(
        ["bash", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=30
    ).stdout


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """`bash deploy/stack.sh env` as a dict: NAME -> value."""
    exported = {}
    for line in _run_stack(str(STACK), "env").splitlines():
        words = shlex.split(line)
        assert words[0] == "export" and "=" in words[1], f"not an export line: {line!r}"
        name, _, value = words[1].partition("=")
        exported[name] = value
    return exported


@pytest.fixture(scope="module")
def stack_databases() -> list[str]:
    """PG_DATABASES from stack.sh (sourcing the script only defines things)."""
    out = _run_stack("-c", f'source "{STACK}"; printf "%s\\n" "${{PG_DATABASES[@]}}"')
    return out.split()


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the KEY=value list form
        env = dict(item.partition("=")[::2] for item in env)
    return {k: str(v) for k, v in env.items()}


def _stack_names_for(svc: str, stack_env: dict[str, str]) -> set[str]:
    shared = {"LEADFLOW_KAFKA__BOOTSTRAP_SERVERS", "LEADFLOW_CONFIG_DIR"}
    return shared | {name for name in stack_env if name.startswith(f"{svc.upper()}_")}


def _healthcheck_command(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_kafka_is_the_official_image_in_kraft_mode_at_the_version_stack_sh_fetches(compose):
    kafka = compose["services"]["kafka"]
    pom = (ROOT / "deploy" / "kafka" / "pom.xml").read_text()
    version = re.search(r"<artifactId>kafka_2\.13</artifactId>\s*<version>([^<]+)</version>", pom).group(1)
    assert kafka["image"] == f"apache/kafka:{version}"
    env = _env(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_NODE_ID"] == "1"
    assert not any("ZOOKEEPER" in name for name in env)
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_kafka_advertises_one_listener_for_containers_and_one_for_the_host(compose, stack_env):
    kafka = compose["services"]["kafka"]
    advertised = dict(
        entry.split("://", 1) for entry in _env(kafka)["KAFKA_ADVERTISED_LISTENERS"].split(",")
    )
    host_port = stack_env["LEADFLOW_KAFKA_PORT"]
    assert f"localhost:{host_port}" in advertised.values()
    assert f"{host_port}:{host_port}" in kafka["ports"]
    internal = {addr for addr in advertised.values() if addr.startswith("kafka:")}
    assert len(internal) == 1
    for svc in SERVICES + ["init"]:
        assert _env(compose["services"][svc])["LEADFLOW_KAFKA__BOOTSTRAP_SERVERS"] in internal, svc


def test_postgres_is_the_official_image_with_the_role_the_services_use(compose, stack_env):
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:15")
    env = _env(postgres)
    url = urlsplit(stack_env["SCORING_DATABASE__URL"])
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == (url.username, url.password)
    assert any(
        v.startswith("./deploy/postgres/init.sql:/docker-entrypoint-initdb.d/") for v in postgres["volumes"]
    )


def test_the_four_services_publish_the_http_ports_stack_sh_uses(compose, stack_env):
    for svc in SERVICES:
        port = stack_env[f"{svc.upper()}_HTTP__PORT"]
        service = compose["services"][svc]
        assert service["ports"] == [f"{port}:{port}"], svc
        assert _env(service)[f"{svc.upper()}_HTTP__PORT"] == port, svc
    assert [stack_env[f"{s.upper()}_HTTP__PORT"] for s in SERVICES] == ["8001", "8002", "8003", "8004", "8005"]


def test_each_service_gets_the_same_variable_names_as_from_stack_sh(compose, stack_env):
    for svc in SERVICES:
        assert set(_env(compose["services"][svc])) == _stack_names_for(svc, stack_env), svc


def test_init_gets_every_variable_the_services_need(compose, stack_env):
    wanted = set().union(*(_stack_names_for(svc, stack_env) for svc in SERVICES))
    wanted -= {f"{svc.upper()}_HTTP__HOST" for svc in SERVICES}  # init serves nothing
    assert set(_env(compose["services"]["init"])) == wanted


def test_services_listen_on_all_interfaces_inside_their_container(compose):
    for svc in SERVICES:
        assert _env(compose["services"][svc])[f"{svc.upper()}_HTTP__HOST"] == "0.0.0.0", svc


def test_database_urls_name_the_same_driver_role_and_database_as_stack_sh(compose, stack_env):
    for svc in DB_SERVICES:
        name = f"{svc.upper()}_DATABASE__URL"
        local, container = urlsplit(stack_env[name]), urlsplit(_env(compose["services"][svc])[name])
        assert container.hostname == "postgres", svc
        assert (container.scheme, container.username, container.password, container.path) == (
            local.scheme, local.username, local.password, local.path
        ), svc
        assert _env(compose["services"]["init"])[name] == _env(compose["services"][svc])[name], svc


def test_postgres_init_sql_creates_the_databases_stack_sh_creates(stack_env, stack_databases):
    sql = (ROOT / "deploy" / "postgres" / "init.sql").read_text()
    created = re.findall(r"^\s*CREATE DATABASE\s+(\w+)", sql, flags=re.IGNORECASE | re.MULTILINE)
    assert sorted(created) == sorted(stack_databases)
    used = {urlsplit(stack_env[f"{svc.upper()}_DATABASE__URL"]).path.lstrip("/") for svc in DB_SERVICES}
    assert used == set(stack_databases)


def test_all_services_and_init_are_built_from_the_one_dockerfile(compose):
    builds = [compose["services"][svc]["build"] for svc in SERVICES + ["init"]]
    assert all(build == builds[0] for build in builds)
    context = ROOT / builds[0]["context"]
    assert (context / builds[0].get("dockerfile", "Dockerfile")).resolve() == ROOT / "Dockerfile"
    assert (ROOT / "Dockerfile").is_file()


def test_each_service_container_runs_its_own_serve_command(compose):
    for svc in SERVICES:  # the whole service in one process, as stack.sh runs it; deploy/k8s splits api and worker
        assert compose["services"][svc]["command"] == ["python", "-m", svc, "serve"]


def test_init_creates_the_topics_and_migrates_every_database(compose):
    command = " ".join(compose["services"]["init"]["command"])
    assert "python -m lead_runtime.topics create" in command
    for svc in DB_SERVICES:
        assert f"python -m {svc} migrate" in command


def test_healthchecks_probe_readyz_on_each_services_own_port(compose, stack_env):
    for svc in SERVICES:
        port = stack_env[f"{svc.upper()}_HTTP__PORT"]
        assert f"127.0.0.1:{port}/readyz" in _healthcheck_command(compose["services"][svc]), svc
    for infra in ("kafka", "postgres"):
        assert compose["services"][infra]["healthcheck"]["test"], infra


def test_services_wait_for_healthy_infrastructure_and_a_finished_init(compose):
    init_deps = compose["services"]["init"]["depends_on"]
    assert init_deps["kafka"]["condition"] == "service_healthy"
    assert init_deps["postgres"]["condition"] == "service_healthy"
    for svc in SERVICES:
        deps = compose["services"][svc]["depends_on"]
        assert deps["kafka"]["condition"] == "service_healthy", svc
        assert deps["init"]["condition"] == "service_completed_successfully", svc
        if svc in DB_SERVICES:
            assert deps["postgres"]["condition"] == "service_healthy", svc


def test_the_agreement_files_are_mounted_read_only_where_config_dir_points(compose):
    for svc in SERVICES + ["init"]:
        service = compose["services"][svc]
        assert "./config:/app/config:ro" in service["volumes"], svc
        assert _env(service)["LEADFLOW_CONFIG_DIR"] == "/app/config", svc


def test_env_example_documents_every_variable_stack_sh_exports(stack_env):
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    assert set(stack_env) <= documented, set(stack_env) - documented


def test_env_example_shows_the_defaults_stack_sh_uses(stack_env):
    text = (ROOT / ".env.example").read_text()
    for name, value in re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE):
        assert stack_env.get(name) == value, name
