"""Small builders for nurture's rule and handler tests."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lead_events import Stage
from nurture.domain import Catalogue, ContactLimits, ContentItem, LeadState, SentStep

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
P, ML, RC = Stage.PROSPECT, Stage.MARKETING_LEAD, Stage.RECYCLED


def an_item(id: str, stage: Stage = ML, personas: tuple[str, ...] = ("purchasing",), **overrides) -> ContentItem:
    item = ContentItem(
        id=id, title=f"Titel {id}", format="whitepaper", topic="topic", personas=personas,
        stage=stage, url=f"https://www.zulieferer.example/{id}",
    )
    return replace(item, **overrides)


def a_catalogue(*items: ContentItem, max_per_week: int = 2, gap_hours: int = 48, follow_up_days: int = 7) -> Catalogue:
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
        stage=Stage(track.split(".")[0]), sent_at=NOW - ago,
    )
    return replace(step, **overrides)
