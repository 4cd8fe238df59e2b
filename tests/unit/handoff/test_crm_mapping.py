"""The handoff in each CRM's own shape: generic JSON, HubSpot contact, Salesforce Lead."""

from datetime import UTC, datetime, timedelta

from lead_events import Company, Evidence, HandoffData, LeadSnapshot, RepAssignment

from handoff.domain.crm_mapping import MAPPINGS, to_generic, to_hubspot, to_salesforce

DUE = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


def a_handoff(**lead) -> HandoffData:
    snapshot = dict(email="anna@example-industrie.de", first_name="Anna", last_name="Schmidt",
                    job_title="Leiterin Einkauf", fit_grade="A", total_score=87.5, persona="buyer",
                    company=Company(name="Example Industrie GmbH", domain="example-industrie.de", employees=850,
                                    industry="manufacturing", country="DE"))
    return HandoffData(
        handoff_id="h-1", episode=1, lead=LeadSnapshot(**{**snapshot, **lead}),
        why_now=[Evidence(rule="behaviour.demo_requested", points=40)], reason="Requested a demo",
        sla_first_contact_due=DUE, sla_hard_limit=DUE + timedelta(hours=24),
        assigned_to=RepAssignment(rep_id="rep-1", crm_owner_id="9001", team="dach", rule="territory",
                                  reason="rep-1 is next in team dach's weighted round robin"),
    )


def test_generic_is_the_published_event_data_plus_the_lead_id():
    body = to_generic("lead-1", a_handoff())
    assert body["lead_id"] == "lead-1" and body["handoff_id"] == "h-1"
    assert body["assigned_to"]["rep_id"] == "rep-1"


def test_hubspot_gets_a_contact_with_owner_lifecycle_stage_and_the_why_now():
    props = to_hubspot("lead-1", a_handoff())["properties"]
    assert props["email"] == "anna@example-industrie.de" and props["firstname"] == "Anna"
    assert props["company"] == "Example Industrie GmbH" and props["numberofemployees"] == 850
    assert props["hubspot_owner_id"] == "9001" and props["lifecyclestage"] == "salesqualifiedlead"
    assert props["leadflow_handoff_id"] == "h-1"
    assert "behaviour.demo_requested (+40)" in props["leadflow_why_now"]
    assert "phone" not in props  # unknown values are left out, not sent as null


def test_salesforce_gets_a_lead_with_its_required_fields_always_filled():
    lead = to_salesforce("lead-1", a_handoff(last_name=None, company=None))
    assert lead["LastName"] == "[not provided]" and lead["Company"] == "[not provided]"
    assert lead["OwnerId"] == "9001" and lead["Status"] == "Open - Not Contacted"
    assert lead["Leadflow_Lead_Id__c"] == "lead-1" and "Requested a demo" in lead["Description"]


def test_every_format_the_settings_allow_has_a_mapping():
    assert set(MAPPINGS) == {"generic", "hubspot", "salesforce"}
