"""The one definition of lead identity; every service and integrator computes the same id."""

import uuid

# Fixed forever: changing it would re-key every lead.
LEADFLOW_NAMESPACE = uuid.UUID("6f1c2a4e-8d3b-5e7f-9a0b-1c2d3e4f5a6b")


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased, as the contract defines a lead's identity."""
    return email.strip().lower()


def lead_id_for(email: str) -> str:
    """UUID v5 of the normalised email in LEADFLOW_NAMESPACE."""
    return str(uuid.uuid5(LEADFLOW_NAMESPACE, normalise_email(email)))


def lead_id_for_visitor(anonymous_id: str) -> str:
    """Id for a visitor known only by an anonymous id, until a touchpoint joins them to an email."""
    return str(uuid.uuid5(LEADFLOW_NAMESPACE, "visitor:" + anonymous_id.strip()))
