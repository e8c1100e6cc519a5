"""The deployment files install as they are: Kubernetes manifests valid against the Kubernetes
OpenAPI schemas, compose with replicas waiting for a healthy PostgreSQL, a Dockerfile on a
digest-pinned base installing from the lock file kept beside it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from bot.domain.config import BotConfig
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "kubernetes"


def manifests() -> dict[str, dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return {name: yaml.safe_load((K8S / name).read_text()) for name in kustomization["resources"]}


def test_every_manifest_is_valid_against_the_kubernetes_schemas() -> None:
    kv = pytest.importorskip(
        "kubernetes_validate",
        reason="kubernetes-validate (a dev dependency) ships the Kubernetes OpenAPI schemas",
    )
    found = manifests()
    assert {d["kind"] for d in found.values()} == {
        "ConfigMap",
        "Deployment",
        "Service",
        "NetworkPolicy",
    }
    assert sorted(found) == sorted(
        p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"
    )
    for name, document in found.items():
        try:
            kv.validate(document, kv.latest_version(), strict=True)
        except kv.ValidationError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{name}: {exc}")


def test_the_deployment_probes_replicates_and_takes_secrets_from_a_secret() -> None:
    deployment = manifests()["deployment.yaml"]
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    [container] = spec["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    env = {e["name"]: e for e in container["env"]}
    known = {f.alias for f in Settings.model_fields.values() if f.alias}
    assert set(env) <= known  # every variable is one the bot reads
    for secret in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SIGNALBOT_DATABASE_URL"):
        assert env[secret]["valueFrom"]["secretKeyRef"]["name"] == "signalbot-secrets"
        assert "value" not in env[secret]
    mounted = {m["mountPath"] for m in container["volumeMounts"]}
    assert "/config" in mounted
    assert container["args"] == ["run", "--config", "/config/signalbot.yaml"]


def test_the_configmap_holds_a_valid_config_with_an_ops_destination() -> None:
    data = manifests()["configmap.yaml"]["data"]["signalbot.yaml"]
    config = BotConfig.model_validate(yaml.safe_load(data))
    assert config.ops is not None
    assert config.routes


def test_compose_runs_two_replicas_after_postgresql_is_healthy() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    bot, postgres = compose["services"]["signalbot"], compose["services"]["postgres"]
    assert bot["deploy"]["replicas"] == 2
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    url = bot["environment"]["SIGNALBOT_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in url
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])


def test_the_image_base_is_pinned_by_digest_and_dependencies_come_from_the_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(
        r"^ARG PYTHON_IMAGE=python:3\.12-slim-bookworm@sha256:[0-9a-f]{64}$", dockerfile, re.M
    )
    assert "FROM ${PYTHON_IMAGE} AS builder" in dockerfile
    assert "FROM ${PYTHON_IMAGE} AS runtime" in dockerfile
    assert "--require-hashes --no-deps -r requirements.lock" in dockerfile


def test_the_lock_pins_every_dependency_at_a_version_pyproject_allows() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lock = (ROOT / "requirements.lock").read_text()
    pins = {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^ \\]+)", lock, re.M)
    }
    hashed = re.findall(
        r"^[A-Za-z0-9_.-]+==[^ ]+(?: ;[^\\\n]+)? \\\n    --hash=sha256:", lock, re.M
    )
    assert len(hashed) == len(pins)  # every pin carries its hashes
    for spec in pyproject["project"]["dependencies"]:
        requirement = Requirement(spec)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in requirements.lock: regenerate it"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} vs {spec}"
