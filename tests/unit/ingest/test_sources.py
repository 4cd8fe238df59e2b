"""Each adapter: its example payload (docs/webhooks.md) -> touchpoints that POST /v1/touchpoints accepts."""

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from lead_events import TouchpointIn
from lead_runtime.config import load_model

from ingest.domain.sources import Delivery, SourcesConfig, map_payload

from .examples import DOWNLOAD, FORM, SENDGRID, ZOOM_LEFT, ZOOM_REGISTERED

ROOT = Path(__file__).resolve().parents[3]
CONFIG = load_model(ROOT / "config" / "sources.yaml", SourcesConfig)
NOW = datetime(2026, 11, 22, 10, 16, tzinfo=UTC)


def _map(source: str, payload: object, delivery_id: str = "id:msg_1"):
    return map_payload(payload, CONFIG.sources[source], Delivery(source, delivery_id, NOW))


def _touchpoints(source: str, payload: object) -> list[TouchpointIn]:
    mapped = _map(source, payload)
    assert mapped.errors == []
    return [TouchpointIn.model_validate(doc) for doc in mapped.touchpoints]


def test_a_form_maps_contact_bant_may_contact_and_consent_by_configured_field_names():
    [tp] = _touchpoints("website-form", FORM)
    assert (tp.type, tp.source, tp.event_id) == ("form_submitted", "website-form", "f-81723")
    assert tp.contact.email == "anna.schmidt@example-industrie.de" and tp.contact.anonymous_id == "v-77"
    assert (tp.contact.company.name, tp.contact.company.employees, tp.contact.company.country) == (
        "Example Industrie GmbH", 850, "DE")
    assert tp.properties["budget"] == "50.000-100.000 EUR" and tp.properties["timeline"] == "Q2 2027"
    assert tp.properties["may_contact_sales"] is True
    assert tp.consent.email_marketing is True and tp.properties["consent_field"] == "Newsletter"
    assert tp.occurred_at == datetime(2026, 11, 22, 9, 15, tzinfo=UTC)
    assert tp.properties["unmapped_fields"] == ["utm_campaign"]  # names only


def test_an_unticked_consent_box_is_no_consent_and_a_no_answer_is_false():
    form = {k: v for k, v in FORM.items() if k != "Newsletter"} | {"Rueckruf": "nein"}
    [tp] = _touchpoints("website-form", form)
    assert tp.consent.email_marketing is False and tp.properties["may_contact_sales"] is False


def test_an_unclear_may_contact_answer_is_an_error_naming_the_field():
    mapped = _map("website-form", FORM | {"Rueckruf": "vielleicht"})
    assert [e["field"] for e in mapped.errors] == ["Rueckruf"] and "yes_values" in mapped.errors[0]["message"]


def test_the_form_id_picks_the_touchpoint_type_and_without_ids_the_delivery_gives_them():
    form = {k: v for k, v in FORM.items() if k not in ("submission_id", "submitted_at")} | {"form_id": "kontakt"}
    [tp] = _touchpoints("website-form", form)
    assert (tp.type, tp.event_id, tp.occurred_at) == ("contact_requested", "id:msg_1", NOW)


def test_a_contact_form_answered_no_to_may_sales_call_stays_a_form():
    form = FORM | {"form_id": "kontakt", "Rueckruf": "nein"}
    [tp] = _touchpoints("website-form", form)
    assert tp.type == "form_submitted" and tp.properties["may_contact_sales"] is False
    [tp] = _touchpoints("website-form", FORM | {"form_id": "kontakt", "Rueckruf": "ja"})
    assert tp.type == "contact_requested"
    [tp] = _touchpoints("website-form", {k: v for k, v in FORM.items() if k != "Rueckruf"} | {"form_id": "kontakt"})
    assert tp.type == "form_submitted"  # an unticked box is not sent: the fast lane needs the yes


def test_a_contact_request_with_a_german_or_banded_company_size_is_accepted_with_the_size_read():
    for written, read in [("1.200", 1200), ("1 200", 1200), ("500-999", 500), ("500 bis 999", 500), ("ab 1.000", 1000)]:
        [tp] = _touchpoints("website-form", FORM | {"form_id": "kontakt", "Mitarbeiter": written})
        assert (tp.type, tp.contact.company.employees) == ("contact_requested", read), written
        assert "unreadable_fields" not in tp.properties


def test_a_company_size_nobody_can_read_is_kept_as_text_and_the_contact_request_still_goes_through():
    [tp] = _touchpoints("website-form", FORM | {"form_id": "kontakt", "Mitarbeiter": "ziemlich viele"})
    assert tp.type == "contact_requested" and tp.contact.company.employees is None
    assert tp.properties["unreadable_fields"] == {"company.employees": "ziemlich viele"}


def test_a_form_that_is_not_an_object_is_an_error():
    assert _map("website-form", ["x"]).errors


def test_a_zoom_registration_is_webinar_registered_with_company_size_as_lower_bound():
    [tp] = _touchpoints("webinars", ZOOM_REGISTERED)
    assert tp.type == "webinar_registered"
    assert (tp.contact.company.name, tp.contact.company.employees, tp.contact.job_title) == (
        "Example Industrie GmbH", 500, "Leiterin Einkauf")
    assert tp.properties["webinar_id"] == "81234567890" and tp.properties["authority"] == "Decision Maker"
    assert tp.event_id == "zoom:8Jq1tZSZRkWfK7sHdmYXhw==:registered:aBcDeFgHiJkLmNoPqRsT"


def test_a_zoom_participant_leaving_is_webinar_attended_with_minutes_and_questions():
    [tp] = _touchpoints("webinars", ZOOM_LEFT)
    assert tp.type == "webinar_attended"
    assert tp.properties["minutes_watched"] == 47 and tp.properties["questions_asked"] == 2
    assert tp.occurred_at == datetime(2026, 11, 26, 9, 48, tzinfo=UTC)


def test_leaving_twice_gives_the_same_event_id_so_attendance_counts_once():
    again = copy.deepcopy(ZOOM_LEFT)
    again["payload"]["object"]["participant"]["leave_time"] = "2026-11-26T10:00:00Z"
    assert _touchpoints("webinars", again)[0].event_id == _touchpoints("webinars", ZOOM_LEFT)[0].event_id


def test_zoom_joined_and_other_events_are_ignored_with_a_reason():
    joined = ZOOM_LEFT | {"event": "webinar.participant_joined"}
    mapped = _map("webinars", joined)
    assert mapped.touchpoints == [] and "participant_left" in mapped.ignored[0]["reason"]
    assert _map("webinars", {"event": "webinar.started", "payload": {}}).ignored


def test_a_zoom_guest_without_email_is_ignored_with_a_reason():
    guest = copy.deepcopy(ZOOM_LEFT)
    del guest["payload"]["object"]["participant"]["email"]
    assert _map("webinars", guest).ignored[0]["reason"] == "the participant has no email"


def test_a_payload_without_a_zoom_event_is_an_error():
    assert _map("webinars", {"payload": {}}).errors[0]["field"] == "event"


def test_a_download_maps_the_category_to_the_touchpoint_type():
    [tp] = _touchpoints("downloads", DOWNLOAD)
    assert (tp.type, tp.event_id) == ("tender_document_downloaded", "d-5521")
    assert tp.contact.company.domain == "example-industrie.de" and tp.contact.anonymous_id == "v-77"
    assert tp.properties["asset_id"] == "tender-stanzlinie-2027"


def test_an_ungated_download_of_an_unknown_category_is_a_visitor_whitepaper():
    payload = {"asset": {"id": "a-1", "category": "poster"}, "visitor_id": "v-9"}
    [tp] = _touchpoints("downloads", payload)
    assert (tp.type, tp.contact.anonymous_id, tp.contact.email) == ("whitepaper_downloaded", "v-9", None)


def test_a_download_without_asset_is_an_error():
    assert _map("downloads", {"contact": {"email": "a@b.de"}}).errors[0]["field"] == "asset.id"


def test_sendgrid_events_map_open_click_unsubscribe_and_ignore_the_rest():
    mapped = _map("email-events", SENDGRID)
    tps = [TouchpointIn.model_validate(d) for d in mapped.touchpoints]
    assert [t.type for t in tps] == ["email_opened", "email_clicked", "unsubscribed"]
    assert [t.event_id for t in tps] == ["b3BlbjE", "Y2xpY2sx", "dW5zdWI"]
    assert tps[1].properties["url"] == "https://www.example.de/preise"
    assert tps[0].occurred_at == datetime.fromtimestamp(1763806500, UTC)
    assert [i["reason"] for i in mapped.ignored] == ["opened by a privacy proxy, not a person", "delivered is not engagement"]


def test_sendgrid_needs_an_array_of_named_events():
    assert _map("email-events", {"event": "open"}).errors
    assert _map("email-events", [{"email": "a@b.de"}]).errors[0]["field"] == "0.event"


def test_the_docs_show_exactly_these_example_payloads():
    text = (ROOT / "docs" / "webhooks.md").read_text()
    shown = [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", text, flags=re.DOTALL)]
    for example in (FORM, ZOOM_REGISTERED, ZOOM_LEFT, DOWNLOAD, SENDGRID):
        assert example in shown


def test_sendgrid_hard_bounces_and_drops_to_a_dead_address_are_email_bounced_soft_ones_are_ignored():
    """SendGrid's documented bounce/dropped events (type bounce|blocked; reason Bounced Address...)."""
    events = [
        {"email": "a@example.de", "timestamp": 1763806800, "event": "bounce", "type": "bounce",
         "status": "5.1.1", "reason": "550 5.1.1 The email account that you tried to reach does not exist",
         "sg_event_id": "Ym91bmNl"},
        {"email": "b@example.de", "timestamp": 1763806800, "event": "bounce", "type": "blocked", "sg_event_id": "Ymxr"},
        {"email": "c@example.de", "timestamp": 1763806800, "event": "dropped", "reason": "Bounced Address",
         "sg_event_id": "ZHJvcDE"},
        {"email": "d@example.de", "timestamp": 1763806800, "event": "dropped", "reason": "Unsubscribed Address",
         "sg_event_id": "ZHJvcDI"},
    ]
    mapped = _map("email-events", events)
    tps = [TouchpointIn.model_validate(d) for d in mapped.touchpoints]
    assert [(t.contact.email, t.type) for t in tps] == [("a@example.de", "email_bounced"), ("c@example.de", "email_bounced")]
    assert tps[0].properties["status"] == "5.1.1"
    assert len(mapped.ignored) == 2
