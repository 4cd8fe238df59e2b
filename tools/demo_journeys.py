"""Synthetic but realistic B2B journeys for the demo: a German manufacturer-supplier's leads."""

from datetime import UTC, datetime, timedelta

ANNA = {"email": "anna.schmidt@kroeger-maschinenbau.de", "first_name": "Anna", "last_name": "Schmidt",
        "job_title": "Leiterin Einkauf", "phone": "+49 521 4471-20",
        "company": {"name": "Kröger Maschinenbau GmbH", "domain": "kroeger-maschinenbau.de", "employees": 850,
                    "industry": "manufacturing", "country": "DE"}}
JUERGEN = {"email": "j.weber@hessler-antriebe.de", "first_name": "Jürgen", "last_name": "Weber",
           "job_title": "Produktionsleiter", "phone": "+49 711 90210",
           "company": {"name": "Hessler Antriebstechnik AG", "domain": "hessler-antriebe.de", "employees": 1200,
                       "industry": "mechanical_engineering", "country": "DE"}}
CLAUDIA = {"email": "c.hoffmann@brandt-kunststoff.at", "first_name": "Claudia", "last_name": "Hoffmann",
           "job_title": "Geschäftsführerin", "phone": "+43 1 5047711",
           "company": {"name": "Brandt Kunststofftechnik GmbH", "domain": "brandt-kunststoff.at", "employees": 320,
                       "industry": "chemicals", "country": "AT"}}
LISA = {"email": "lisa.becker@vogt-elektronik.de", "first_name": "Lisa", "last_name": "Becker",
        "job_title": "Marketingleiterin",
        "company": {"name": "Vogt Elektronik GmbH", "domain": "vogt-elektronik.de", "employees": 500,
                    "industry": "electronics", "country": "DE"}}
MAX = {"email": "max.mustermann@competitor.example", "first_name": "Max", "last_name": "Mustermann",
       "job_title": "Head of Procurement",
       "company": {"name": "Competitor AG", "domain": "competitor.example", "employees": 2000,
                   "industry": "manufacturing", "country": "DE"}}
PETRA = {"email": "p.lange@lange-beratung.de", "first_name": "Petra", "last_name": "Lange",
         "job_title": "Senior Beraterin Einkauf",
         "company": {"name": "Lange Beratung", "domain": "lange-beratung.de", "employees": 12, "country": "DE"}}
KLAUS = {"email": "klaus@metallbau-kaiser.de", "first_name": "Klaus", "last_name": "Kaiser",
         "job_title": "Inhaber",
         "company": {"name": "Metallbau Kaiser", "domain": "metallbau-kaiser.de", "employees": 40,
                     "industry": "metalworking", "country": "DE"}}
TOBIAS = {"email": "tobias.wolf1987@gmx.de", "first_name": "Tobias", "last_name": "Wolf",
          "job_title": "Werkleiter",
          "company": {"name": "Wolf Gießerei GmbH", "employees": 260, "industry": "metalworking", "country": "DE"}}

# (who, what they did, properties): in the order the website and webinar platform report it.
JOURNEYS = [
    ("anna", ANNA, "webinar_registered", {"webinar_id": "wb-preisgleitklauseln"}),
    ("anna", ANNA, "webinar_attended", {"webinar_id": "wb-preisgleitklauseln", "questions_asked": 2}),
    ("anna", ANNA, "tender_document_downloaded", {"content_id": "tt-ausschreibungsvorlage"}),
    ("juergen", JUERGEN, "page_visited", {"url": "/loesungen/oee"}),
    ("juergen", JUERGEN, "whitepaper_downloaded", {"content_id": "wp-oee-steigerung"}),
    ("juergen", JUERGEN, "case_study_downloaded", {"content_id": "cs-zweitlieferant-ppap"}),
    ("juergen", JUERGEN, "pricing_viewed", {"url": "/preise"}),
    ("juergen", JUERGEN, "demo_requested", {}),
    ("claudia", CLAUDIA, "form_submitted", {"form": "kontakt", "may_contact_sales": "ja", "timeline": "Q1"}),
    ("lisa", LISA, "webinar_attended", {"webinar_id": "wb-oee-messen", "minutes_watched": 30}),
    ("lisa", LISA, "email_clicked", {}),
    ("max", MAX, "webinar_attended", {"webinar_id": "wb-preisgleitklauseln", "questions_asked": 3}),
    ("max", MAX, "pricing_viewed", {}),
    ("max", MAX, "tender_document_downloaded", {"content_id": "tt-ausschreibungsvorlage"}),
    ("max", MAX, "demo_requested", {}),
    ("petra", PETRA, "whitepaper_downloaded", {"content_id": "wp-lieferantenbewertung"}),
    ("petra", PETRA, "contact_requested", {}),
    ("klaus", KLAUS, "webinar_attended", {"webinar_id": "wb-preisgleitklauseln", "questions_asked": 1}),
    ("klaus", KLAUS, "contact_requested", {}),
    ("tobias", TOBIAS, "whitepaper_downloaded", {"content_id": "wp-oee-steigerung"}),
    ("tobias", TOBIAS, "page_visited", {"url": "/karriere"}),
]

# What marketing-sales agreed should happen; the demo checks the system reached it.
EXPECTED = {
    "anna": "sales_ready", "juergen": "sales_ready", "claudia": "sales_ready", "lisa": "marketing_lead",
    "max": "disqualified", "petra": "disqualified", "klaus": "prospect", "tobias": "marketing_lead",
}
PEOPLE = {"anna": ANNA, "juergen": JUERGEN, "claudia": CLAUDIA, "lisa": LISA, "max": MAX, "petra": PETRA,
          "klaus": KLAUS, "tobias": TOBIAS}


def touchpoints(now: datetime | None = None) -> list[dict]:
    """Bodies for `POST /v1/touchpoints`; fixed sender ids, so a second demo run counts nothing twice."""
    now = now or datetime.now(UTC)
    start = now - timedelta(minutes=len(JOURNEYS))
    return [
        {
            "event_id": f"demo-{who}-{i}",
            "type": type_,
            "occurred_at": (start + timedelta(minutes=i)).isoformat(),
            "source": "webinar-platform" if type_.startswith("webinar") else "website",
            "contact": contact,
            "properties": props,
            "consent": {"email_marketing": True, "double_opt_in_at": (start - timedelta(days=3)).isoformat()},
        }
        for i, (who, contact, type_, props) in enumerate(JOURNEYS)
    ]
