"""Realistic load for the benchmark: leads of mixed fit, touchpoints of mixed types, ~1 KB events.

Everything is drawn from a seeded `random.Random`, so two runs with the same seed send the same
mix (event ids and emails carry the run id, so runs never collide on the shared broker).
"""

import random
import uuid
from datetime import UTC, datetime
from typing import Any

from ingest.domain.normalise import recorded_event
from lead_events import TouchpointIn, encode, lead_id_for

# (company, domain, employees, industry, country): mostly the agreement's target group, some not.
COMPANIES = [
    ("Example Industrie GmbH", "example-industrie.de", 850, "manufacturing", "DE"),
    ("Präzisionsteile Schwaben GmbH", "praezision-schwaben.de", 1400, "mechanical_engineering", "DE"),
    ("Alpen Automotive Zulieferer AG", "alpen-automotive.at", 2300, "automotive", "AT"),
    ("Rheinchemie Werke GmbH", "rheinchemie.example", 620, "chemicals", "DE"),
    ("Elektronikbau Sachsen GmbH", "elektronikbau-sachsen.de", 310, "electronics", "DE"),
    ("Metallbearbeitung Zürich AG", "metall-zuerich.ch", 180, "metalworking", "CH"),
    ("Nordsee Logistik GmbH", "nordsee-logistik.de", 450, "logistics", "DE"),
    ("Kleine Werkstatt KG", "kleine-werkstatt.de", 25, "metalworking", "DE"),
    ("Acme Software Ltd", "acme-software.example", 120, "software", "GB"),
    ("Competitor Teile GmbH", "competitor.example", 900, "manufacturing", "DE"),
]
FREE_MAIL = ["gmx.de", "web.de", "gmail.com"]
FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sophie", "Felix", "Laura", "Maximilian", "Lea", "Paul", "Katrin", "Stefan"]
LAST = ["Schmidt", "Müller", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz"]
ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
TITLES = [
    "Leiterin Einkauf", "Einkaufsleiter", "Head of Procurement", "Produktionsleiter", "Plant Manager",
    "Geschäftsführer", "Marketingleiterin", "Konstrukteur", "Sachbearbeiterin Einkauf", "Werkstudent",
    "Qualitätsmanager", "Ingenieurin Fertigung",
]
# Relative frequency of each touchpoint type in the throughput phase (no contact requests there).
TYPE_WEIGHTS = {
    "page_visited": 38, "email_opened": 18, "email_clicked": 10, "whitepaper_downloaded": 7,
    "webinar_registered": 5, "case_study_downloaded": 5, "form_submitted": 4, "webinar_attended": 4,
    "event_attended": 2, "pricing_viewed": 3, "tender_document_downloaded": 2, "demo_requested": 1,
    "unsubscribed": 1,
}
PAGES = ["/produkte/drehteile", "/produkte/fraesteile", "/loesungen/baugruppen", "/oberflaechen/eloxieren",
         "/unternehmen/zertifikate", "/wissen/lieferantenbewertung", "/karriere", "/kontakt", "/preise"]
SOURCES = {"page_visited": "website", "email_opened": "newsletter", "email_clicked": "newsletter",
           "webinar_registered": "webinar-platform", "webinar_attended": "webinar-platform",
           "event_attended": "trade-fair-scanner", "unsubscribed": "newsletter"}


def a_contact(rng: random.Random, run_id: str, i: int, good_fit: bool | None = None) -> dict:
    """Lead number `i` of this run; `good_fit=True` gives a target-group decision maker (grade A)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if good_fit:
        company = COMPANIES[rng.randrange(0, 3)]
        title = rng.choice(["Leiterin Einkauf", "Einkaufsleiter", "Head of Procurement", "Geschäftsführer"])
    else:
        company = rng.choice(COMPANIES)
        title = rng.choice(TITLES)
    name, domain, employees, industry, country = company
    mail_domain = rng.choice(FREE_MAIL) if not good_fit and rng.random() < 0.1 else domain
    local = f"{first}.{last}".translate(ASCII).lower()
    return {
        "email": f"{local}.{run_id}.{i}@{mail_domain}",
        "first_name": first,
        "last_name": last,
        "job_title": title,
        "phone": f"+49 {rng.randint(30, 911)} {rng.randint(100000, 9999999)}",
        "company": {"name": name, "domain": domain, "employees": employees, "industry": industry, "country": country},
    }


def properties_for(rng: random.Random, type_: str) -> dict[str, Any]:
    """What a real sender attaches: page and campaign data, download and webinar details."""
    props: dict[str, Any] = {
        "session_id": uuid.UUID(int=rng.getrandbits(128)).hex,
        "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                      "Chrome/131.0.0.0 Safari/537.36",
        "utm_source": rng.choice(["newsletter", "linkedin", "google", "messe-2026"]),
        "utm_medium": rng.choice(["email", "cpc", "social", "referral"]),
        "utm_campaign": rng.choice(["q4-lieferantenbewertung", "oee-webinar-reihe", "lksg-2026"]),
    }
    if type_ in ("page_visited", "pricing_viewed", "email_clicked"):
        props["url"] = "https://www.zulieferer.example" + rng.choice(PAGES)
        props["referrer"] = rng.choice(["https://www.google.de/", "https://www.linkedin.com/", ""])
        props["seconds_on_page"] = rng.randint(3, 400)
    if type_.endswith("_downloaded"):
        props["asset_id"] = rng.choice(["wp-lieferantenbewertung", "cl-wareneingangspruefung", "wp-oee-steigerung"])
    if type_.startswith("webinar_"):
        props["webinar_id"] = "w-2026-11"
        if type_ == "webinar_attended":
            props["questions_asked"] = rng.randint(0, 3)
            props["minutes_watched"] = rng.randint(5, 60)
    if type_ == "contact_requested":
        props.update(form_id="kontakt", preferred_channel=rng.choice(["phone", "email"]),
                     message="Bitte rufen Sie mich wegen eines Angebots für Drehteile (Serie, ca. 20.000 Stück/Jahr) an.")
    return props


def a_touchpoint(rng: random.Random, type_: str, contact: dict) -> dict:
    """The JSON body a sender posts to `POST /v1/touchpoints` (with its own event id)."""
    return {
        "event_id": str(uuid.UUID(int=rng.getrandbits(128))),
        "type": type_,
        "occurred_at": datetime.now(UTC).isoformat(),
        "source": SOURCES.get(type_, "website"),
        "contact": contact,
        "properties": properties_for(rng, type_),
        "consent": {"email_marketing": rng.random() < 0.8},
    }


def mixed_touchpoints(rng: random.Random, run_id: str, n_touchpoints: int, n_leads: int) -> list[dict]:
    """`n_touchpoints` of mixed types across `n_leads` leads (some leads far more active than others)."""
    contacts = [a_contact(rng, run_id, i) for i in range(n_leads)]
    types, weights = zip(*TYPE_WEIGHTS.items())
    # Every lead at least once (while there are enough touchpoints), the rest mildly skewed
    # (Zipf, s=0.3): with the defaults the busiest lead has ~25 touchpoints, the median ~5.
    owners = list(range(min(n_leads, n_touchpoints)))
    skew = [1 / (i + 1) ** 0.3 for i in range(n_leads)]
    owners += rng.choices(range(n_leads), skew, k=n_touchpoints - len(owners))
    rng.shuffle(owners)
    return [a_touchpoint(rng, rng.choices(types, weights)[0], contacts[o]) for o in owners]


def encoded_as_ingest_would(body: dict) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) of the `touchpoint.recorded` ingest publishes for this body."""
    event = recorded_event(TouchpointIn.model_validate(body), datetime.now(UTC))
    headers = [("event_type", event.event_type.encode()), ("correlation_id", event.correlation_id.encode())]
    return event.lead_id.encode(), encode(event), headers


def lead_id_of(contact: dict) -> str:
    return lead_id_for(contact["email"])
