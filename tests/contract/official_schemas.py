"""deploy/ checked against the upstream schemas, offline (no cluster, no Grafana, no network):

- Kubernetes built-in kinds: the JSON Schemas derived from the Kubernetes 1.30 OpenAPI that
  `kubernetes-validate` ships, strict variant (an unknown field is an error, as with
  `kubectl apply --validate=strict`).
- KEDA ScaledObject: `cloudcoil-models-keda`, pydantic models generated from the KEDA 2.16 CRDs.
- Grafana dashboards: `grafana-foundation-sdk`, Grafana's own models generated from its 11.6
  schema, with the panel and Prometheus query plugins registered.

Generated models skip fields they do not know, as the API server prunes them, so each document is
read back and compared with its source: whatever the schema does not know shows up as dropped.
"""

import enum
import json
import types
import typing

import kubernetes_validate
import typeguard
from cloudcoil.models.keda.v1alpha1 import ScaledObject
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.cog.plugins import register_default_plugins
from grafana_foundation_sdk.cog.runtime import panelcfg_config
from grafana_foundation_sdk.models.dashboard import Dashboard, Panel
from pydantic import ValidationError

KUBERNETES_VERSION = "1.30"
CUSTOM_KINDS = {("keda.sh/v1alpha1", "ScaledObject"): ScaledObject}

register_default_plugins()


def manifest_problems(doc: dict) -> list[str]:
    """What the API server of KUBERNETES_VERSION (with KEDA installed) would refuse in `doc`."""
    model = CUSTOM_KINDS.get((doc.get("apiVersion"), doc.get("kind")))
    if model is not None:
        return _custom_resource_problems(model, doc)
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'.'.join(map(str, error.path)) or '(document)'}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [error.message]
    return []


def dashboard_problems(doc: dict) -> list[str]:
    """Fields Grafana's dashboard schema does not know, and values of the wrong type."""
    try:
        dashboard = Dashboard.from_json(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return [f"(document): Grafana's model cannot read it: {error!r}"]
    problems = [f"panels[{i}].type: {panel.type_val!r} is not a panel type Grafana ships"
                for i, panel in enumerate(dashboard.panels or [])
                if isinstance(panel, Panel) and panelcfg_config(panel.type_val) is None]
    problems += _type_problems(dashboard, "dashboard")
    back = json.loads(json.dumps(dashboard, cls=JSONEncoder))
    return problems + [f"{path}: {why}" for path, why in differences(doc, back)]


def differences(source: typing.Any, back: typing.Any, path: str = "") -> typing.Iterator[tuple[str, str]]:
    """Where `back` (the source read by a model and written again) lost or changed something.
    Defaults the model adds are fine; a dropped or altered field means the schema does not know it."""
    if isinstance(source, dict) and isinstance(back, dict):
        for key, value in source.items():
            if key not in back:
                yield f"{path}.{key}".lstrip("."), "unknown field (not in the schema)"
            else:
                yield from differences(value, back[key], f"{path}.{key}")
    elif isinstance(source, list) and isinstance(back, list) and len(source) == len(back):
        for i, (item, again) in enumerate(zip(source, back)):
            yield from differences(item, again, f"{path}[{i}]")
    elif source != back:
        yield path.lstrip("."), f"read back as {back!r}, not {source!r}"


def _custom_resource_problems(model: type, doc: dict) -> list[str]:
    try:
        parsed = model.model_validate(doc, strict=True)
    except ValidationError as error:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    back = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return [f"{path}: {why}" for path, why in differences(doc, back)]


def _type_problems(value: typing.Any, path: str) -> typing.Iterator[str]:
    """The SDK's from_json copies values as they come; check each against the model's type hints."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _type_problems(item, f"{path}[{i}]")
        return
    if not type(value).__module__.startswith("grafana_foundation_sdk.models"):
        return
    for name, hint in typing.get_type_hints(type(value)).items():
        field = getattr(value, name, None)
        choices = _enum_of(hint)
        if choices and isinstance(field, str):  # from_json keeps enum members as their JSON strings
            if field not in {member.value for member in choices}:
                yield f"{path}.{name}: {field!r} is not one of {sorted(m.value for m in choices)}"
            continue
        try:
            typeguard.check_type(field, hint, collection_check_strategy=typeguard.CollectionCheckStrategy.ALL_ITEMS)
        except typeguard.TypeCheckError as error:
            yield f"{path}.{name}: {error}"
            continue
        yield from _type_problems(field, f"{path}.{name}")


def _enum_of(hint: typing.Any) -> type[enum.Enum] | None:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = args[0] if len(args) == 1 else None
    return hint if isinstance(hint, type) and issubclass(hint, enum.Enum) else None
