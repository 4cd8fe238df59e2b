"""Touchpoint payloads (as consumed, or as stored) -> the scoring domain's plain data."""

from datetime import datetime

from lead_events import TouchpointData
from lead_events.touchpoints import Company, RecordedContact

from ..domain.model import Activity, LeadProfile
from ..domain.policy import ScoringPolicy
from ..domain.rules import bant_answers


def profile_from(data: TouchpointData, policy: ScoringPolicy) -> LeadProfile:
    return profile_of(data.contact, data.properties, policy)


def profile_of(contact: RecordedContact, properties: dict, policy: ScoringPolicy) -> LeadProfile:
    company = contact.company or Company()
    return LeadProfile(
        email=contact.email,
        first_name=contact.first_name,
        last_name=contact.last_name,
        job_title=contact.job_title,
        phone=contact.phone,
        company_name=company.name,
        domain=company.domain,
        employees=company.employees,
        annual_revenue_eur=company.annual_revenue_eur,
        industry=company.industry,
        country=company.country,
        bant=bant_answers(properties, policy),
    )


def activity_from(event_id: str, data: TouchpointData, occurred_at: datetime) -> Activity:
    return Activity(event_id, data.type.value, occurred_at, data.properties)
