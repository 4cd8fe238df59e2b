"""Example payloads of each webhook source, as in docs/webhooks.md (keep the two in step)."""

FORM = {
    "form_id": "whitepaper-anfrage",
    "submission_id": "f-81723",
    "submitted_at": "2026-11-22T10:15:00+01:00",
    "E-Mail": " Anna.Schmidt@Example-Industrie.de ",
    "Vorname": "Anna",
    "Nachname": "Schmidt",
    "Position": "Leiterin Einkauf",
    "Firma": "Example Industrie GmbH",
    "Mitarbeiter": "850",
    "Land": "de",
    "Budget": "50.000-100.000 EUR",
    "Entscheider": "ja, gemeinsam mit der Geschäftsführung",
    "Bedarf": "Ersatz der Stanzlinie 3",
    "Zeitrahmen": "Q2 2027",
    "Rueckruf": "ja",
    "Newsletter": "on",
    "visitor_id": "v-77",
    "utm_campaign": "energie-2026",
}

ZOOM_REGISTERED = {
    "event": "webinar.registration_created",
    "event_ts": 1763802000000,
    "payload": {
        "account_id": "AbCdEfGhIj",
        "object": {
            "uuid": "8Jq1tZSZRkWfK7sHdmYXhw==",
            "id": 81234567890,
            "topic": "Energieeffizienz in der Umformtechnik",
            "start_time": "2026-11-26T09:00:00Z",
            "registrant": {
                "id": "aBcDeFgHiJkLmNoPqRsT",
                "email": "anna.schmidt@example-industrie.de",
                "first_name": "Anna",
                "last_name": "Schmidt",
                "org": "Example Industrie GmbH",
                "job_title": "Leiterin Einkauf",
                "country": "DE",
                "no_of_employees": "500-1,000",
                "purchasing_time_frame": "Within a month",
                "role_in_purchase_process": "Decision Maker",
                "create_time": "2026-11-22T09:00:00Z",
            },
        },
    },
}

ZOOM_LEFT = {
    "event": "webinar.participant_left",
    "event_ts": 1764151200000,
    "payload": {
        "account_id": "AbCdEfGhIj",
        "object": {
            "uuid": "8Jq1tZSZRkWfK7sHdmYXhw==",
            "id": 81234567890,
            "topic": "Energieeffizienz in der Umformtechnik",
            "participant": {
                "user_id": "16778240",
                "user_name": "Anna Schmidt",
                "email": "anna.schmidt@example-industrie.de",
                "registrant_id": "aBcDeFgHiJkLmNoPqRsT",
                "join_time": "2026-11-26T09:01:00Z",
                "leave_time": "2026-11-26T09:48:00Z",
                "questions_asked": 2,
            },
        },
    },
}

DOWNLOAD = {
    "download_id": "d-5521",
    "downloaded_at": "2026-11-22T10:15:00Z",
    "asset": {"id": "tender-stanzlinie-2027", "title": "Ausschreibung Stanzlinie 2027", "category": "tender_document"},
    "contact": {"email": "anna.schmidt@example-industrie.de", "first_name": "Anna",
                "company": {"name": "Example Industrie GmbH", "domain": "example-industrie.de"}},
    "visitor_id": "v-77",
    "page_url": "https://www.example.de/downloads/tender-stanzlinie-2027",
}

SENDGRID = [
    {"email": "anna.schmidt@example-industrie.de", "timestamp": 1763806500, "event": "open",
     "sg_event_id": "b3BlbjE", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
     "category": ["nurture", "energie"], "sg_machine_open": False},
    {"email": "anna.schmidt@example-industrie.de", "timestamp": 1763806560, "event": "click",
     "url": "https://www.example.de/preise", "sg_event_id": "Y2xpY2sx",
     "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
    {"email": "max.muster@example-industrie.de", "timestamp": 1763806600, "event": "open",
     "sg_event_id": "b3BlbjI", "sg_machine_open": True},
    {"email": "max.muster@example-industrie.de", "timestamp": 1763806600, "event": "delivered",
     "sg_event_id": "ZGVsaXZlcmVk"},
    {"email": "max.muster@example-industrie.de", "timestamp": 1763806700, "event": "unsubscribe",
     "sg_event_id": "dW5zdWI"},
]
