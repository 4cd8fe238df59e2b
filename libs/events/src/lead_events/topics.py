"""Topic names as the public contract defines them (a deployment may add a prefix)."""

TOUCHPOINTS = "touchpoints"
TOUCHPOINTS_REJECTED = "touchpoints.rejected"
LEAD_SCORES = "lead.scores"
LEAD_LIFECYCLE = "lead.lifecycle"
NURTURE_STEPS = "nurture.steps"
HANDOFF_LEADS = "handoff.leads"
CRM_FEEDBACK = "crm.feedback"
PRIVACY_ERASURES = "privacy.erasures"

MAIN_TOPICS = (
    TOUCHPOINTS,
    TOUCHPOINTS_REJECTED,
    LEAD_SCORES,
    LEAD_LIFECYCLE,
    NURTURE_STEPS,
    HANDOFF_LEADS,
    CRM_FEEDBACK,
    PRIVACY_ERASURES,
)


def dlq(topic: str) -> str:
    """Where a consumer parks what it could not process."""
    return f"{topic}.dlq"


ALL_TOPICS = MAIN_TOPICS + tuple(dlq(t) for t in MAIN_TOPICS if t != TOUCHPOINTS_REJECTED)
