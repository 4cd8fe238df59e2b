"""Small builders for nurture's rule and handler tests."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lead_events import Stage
from nurture.domain import Catalogue, ContactLimits, ContentItem, Journey, JourneyStep, LeadState, SentStep

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
P, ML, RC = Stage.PROSPECT, Stage.MARKETING_LEAD, Stage.RECYCLED


def an_item(id: str, stage: Stage = ML, personas: tuple[str, ...] = ("purchasing",), **overrides) -> ContentItem:
    item = ContentItem(
        id=id, title=f"Titel {id}", format="whitepaper", topic="topic", personas=personas,
        stage=stage, url=f"https://www.zulieferer.example/{id}",
    )
    return replace(item, **overrides)


def a_catalogue(
    *items: ContentItem, max_per_week: int = 2, gap_hours: int = 48, follow_up_days: int = 7, **overrides
) -> Catalogue:
    items = items or (
        an_item("p-einkauf", P),
        an_item("p-allgemein", P, ("unknown",)),
        an_item("ml-ausschreibung"),
        an_item("ml-lieferantenbewertung"),
        an_item("ml-oee", personas=("production",)),
        an_item("ml-allgemein", personas=("unknown",)),
        an_item("rc-marktbericht", RC, ("purchasing", "unknown")),
    )
    return Catalogue(
        version="test-1",
        personas=("purchasing", "production", "management", "marketing", "unknown"),
        items=tuple(items),
        limits=ContactLimits(
            max_steps_per_week=max_per_week,
            min_gap=timedelta(hours=gap_hours),
            follow_up_after=timedelta(days=follow_up_days),
        ),
        **overrides,
    )


def a_lead(**overrides) -> LeadState:
    lead = LeadState(
        lead_id="lead-1", email="anna.schmidt@example-industrie.de", persona="purchasing",
        stage=ML, consent=True, consent_at=NOW - timedelta(days=30), updated_at=NOW,
    )
    return replace(lead, **overrides)


def a_sent_step(content_id: str, ago: timedelta, track: str = "marketing_lead.purchasing", **overrides) -> SentStep:
    step = SentStep(
        step_id=f"step-{content_id}", content_id=content_id, title=f"Titel {content_id}", track=track,
        stage=overrides.pop("stage", None) or Stage(track.split(".")[0]), sent_at=NOW - ago,
    )
    return replace(step, **overrides)


def a_journey_catalogue(**overrides) -> Catalogue:
    """Webinar attended -> the whitepaper on its topic a day later -> once downloaded, the event
    invitation. The stage track holds only the webinars, so a lead who attended one has no
    stage step competing with the journey."""
    items = (
        an_item("wb-vertraege", ML, ("purchasing", "production", "unknown"), format="webinar", topic="contracts"),
        an_item("wb-oee", ML, ("production", "unknown"), format="webinar", topic="oee"),
        an_item("wp-vertraege-einkauf", None, format="whitepaper", topic="contracts"),
        an_item("wp-vertraege-allgemein", None, ("unknown",), format="whitepaper", topic="contracts"),
        an_item("wp-oee-fertigung", None, ("production",), format="whitepaper", topic="oee"),
        an_item("ev-deep-dive-vertraege", None, ("purchasing", "unknown"), format="event_invitation",
                topic="contracts"),
        an_item("rc-marktbericht", RC, ("purchasing", "unknown")),
        an_item("p-allgemein", P, ("unknown",)),
    )
    journey = Journey(
        id="webinar-deep-dive", trigger="webinar_attended",
        steps=(
            JourneyStep(wait=timedelta(days=1), format="whitepaper"),
            JourneyStep(wait=timedelta(0), format="event_invitation", after="taken_up"),
        ),
    )
    catalogue = replace(a_catalogue(*items, max_per_week=14, gap_hours=0), journeys=(journey,))
    return replace(catalogue, **overrides)
