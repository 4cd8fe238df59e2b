"""What is left of a lead after its person asked to be erased: the company and the numbers."""

from dataclasses import replace

from lead_events.privacy import PERSONAL_FIELDS

from .model import LeadProfile


def anonymised(profile: LeadProfile) -> LeadProfile:
    """The profile without the person (email, names, job title, phone); company and BANT answers kept."""
    return replace(profile, **{f: None for f in PERSONAL_FIELDS if hasattr(profile, f)})


def personal_values(profile: LeadProfile) -> list[str]:
    """Strings to redact wherever else they were written (free text, stored touchpoints)."""
    return [v for v in (profile.email, profile.first_name and profile.last_name and
                        f"{profile.first_name} {profile.last_name}", profile.phone) if v]
