"""Structural JSON Schemas for the Kubernetes, KEDA and Grafana documents in deploy/.

No kubeconform here and no cluster: these are hand-written subsets of the upstream schemas
(Kubernetes 1.30 OpenAPI: apps/v1 Deployment, v1 Service/ConfigMap/Secret/Namespace, batch/v1 Job;
KEDA 2.x ScaledObject CRD; Grafana dashboard schemaVersion 39). They hold the fields the API
server requires, the types of the fields we use, and forbid unknown fields where a typo would
otherwise pass silently (container, probe, trigger). Extend them when a manifest uses more.
"""

_NAME = {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63}
_META = {"type": "object", "required": ["name"], "properties": {
    "name": _NAME, "namespace": _NAME, "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "annotations": {"type": "object", "additionalProperties": {"type": "string"}}}}
_QUANTITY = {"type": "string", "pattern": r"^[0-9.]+(m|Ki|Mi|Gi)?$"}
_RESOURCES = {"type": "object", "required": ["requests"], "additionalProperties": False, "properties": {
    "requests": {"type": "object", "required": ["cpu", "memory"], "additionalProperties": _QUANTITY},
    "limits": {"type": "object", "additionalProperties": _QUANTITY}}}
_PORT_REF = {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 65535}, _NAME]}
_PROBE = {"type": "object", "additionalProperties": False, "properties": {
    "httpGet": {"type": "object", "required": ["port"], "additionalProperties": False,
                "properties": {"path": {"type": "string", "pattern": "^/"}, "port": _PORT_REF}},
    "exec": {"type": "object", "required": ["command"], "properties": {"command": {"type": "array"}}},
    "periodSeconds": {"type": "integer", "minimum": 1}, "timeoutSeconds": {"type": "integer", "minimum": 1},
    "failureThreshold": {"type": "integer", "minimum": 1}, "initialDelaySeconds": {"type": "integer", "minimum": 0}}}
_ENV = {"type": "array", "items": {"type": "object", "required": ["name"], "additionalProperties": False,
                                   "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}}
_CONTAINER = {"type": "object", "required": ["name", "image"], "additionalProperties": False, "properties": {
    "name": _NAME, "image": {"type": "string"}, "command": {"type": "array", "items": {"type": "string"}},
    "args": {"type": "array", "items": {"type": "string"}},
    "ports": {"type": "array", "items": {"type": "object", "required": ["containerPort"], "additionalProperties": False,
              "properties": {"name": _NAME, "containerPort": {"type": "integer", "minimum": 1, "maximum": 65535}}}},
    "env": _ENV, "envFrom": {"type": "array", "items": {"type": "object", "minProperties": 1, "additionalProperties": False,
        "properties": {"configMapRef": {"type": "object", "required": ["name"]}, "secretRef": {"type": "object", "required": ["name"]}}}},
    "startupProbe": _PROBE, "livenessProbe": _PROBE, "readinessProbe": _PROBE, "resources": _RESOURCES,
    "lifecycle": {"type": "object", "properties": {"preStop": _PROBE}}}}
_POD_SPEC = {"type": "object", "required": ["containers"], "properties": {
    "containers": {"type": "array", "minItems": 1, "items": _CONTAINER},
    "restartPolicy": {"enum": ["Always", "OnFailure", "Never"]},
    "terminationGracePeriodSeconds": {"type": "integer", "minimum": 0}, "securityContext": {"type": "object"}}}
_TEMPLATE = {"type": "object", "required": ["spec"], "properties": {"metadata": {"type": "object"}, "spec": _POD_SPEC}}


def _kind(api_version: str, kind: str, spec: dict | None = None, extra: dict | None = None) -> dict:
    props = {"apiVersion": {"const": api_version}, "kind": {"const": kind}, "metadata": _META, **(extra or {})}
    required = ["apiVersion", "kind", "metadata"]
    if spec is not None:
        props["spec"] = spec
        required.append("spec")
    return {"type": "object", "required": required, "properties": props}


SCHEMAS = {
    "Namespace": _kind("v1", "Namespace"),
    "ConfigMap": _kind("v1", "ConfigMap", extra={"data": {"type": "object", "additionalProperties": {"type": "string"}}}),
    "Secret": _kind("v1", "Secret", extra={"type": {"type": "string"},
                                          "stringData": {"type": "object", "additionalProperties": {"type": "string"}}}),
    "Deployment": _kind("apps/v1", "Deployment", {"type": "object", "required": ["selector", "template"], "properties": {
        "replicas": {"type": "integer", "minimum": 0},
        "selector": {"type": "object", "required": ["matchLabels"]}, "template": _TEMPLATE}}),
    "Service": _kind("v1", "Service", {"type": "object", "required": ["selector", "ports"], "properties": {
        "selector": {"type": "object"}, "ports": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["port"], "properties": {"port": {"type": "integer"}, "targetPort": _PORT_REF}}}}}),
    "Job": _kind("batch/v1", "Job", {"type": "object", "required": ["template"], "properties": {
        "backoffLimit": {"type": "integer"}, "template": _TEMPLATE}}),
    "ScaledObject": _kind("keda.sh/v1alpha1", "ScaledObject", {"type": "object", "required": ["scaleTargetRef", "triggers"], "properties": {
        "scaleTargetRef": {"type": "object", "required": ["name"], "properties": {"name": _NAME}},
        "minReplicaCount": {"type": "integer", "minimum": 0}, "maxReplicaCount": {"type": "integer", "minimum": 1},
        "pollingInterval": {"type": "integer"}, "cooldownPeriod": {"type": "integer"},
        "triggers": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["type", "metadata"], "properties": {
            "type": {"const": "kafka"}, "metadata": {"type": "object", "additionalProperties": False,
                "required": ["bootstrapServers", "consumerGroup", "lagThreshold"],
                "properties": {k: {"type": "string"} for k in (
                    "bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold",
                    "offsetResetPolicy", "allowIdleConsumers", "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag")}}}}}}}),
}

GRAFANA_DASHBOARD = {"type": "object", "required": ["title", "uid", "panels", "schemaVersion"], "properties": {
    "title": {"type": "string"}, "uid": {"type": "string", "maxLength": 40}, "schemaVersion": {"type": "integer", "minimum": 30},
    "panels": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["id", "type", "title", "gridPos", "targets"], "properties": {
        "id": {"type": "integer"}, "type": {"enum": ["timeseries", "stat", "gauge", "table", "bargauge"]},
        "gridPos": {"type": "object", "required": ["h", "w", "x", "y"], "properties": {"w": {"type": "integer", "maximum": 24}}},
        "targets": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["refId", "expr"]}}}}}}}
