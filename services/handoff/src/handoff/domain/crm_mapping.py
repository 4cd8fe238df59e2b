"""What a handoff looks like in the CRM's own shape: generic JSON, HubSpot contact, Salesforce Lead.

Pure functions of the `lead.handed_off` data; the adapter posts what they return.
"""

from collections.abc import Callable
from typing import Any

from lead_events import HandoffData

Mapping = Callable[[str, HandoffData], dict[str, Any]]

# HubSpot lifecycle stage and Salesforce lead status a fresh sales-ready lead starts in.
HUBSPOT_LIFECYCLE_STAGE = "salesqualifiedlead"
SALESFORCE_STATUS = "Open - Not Contacted"
SALESFORCE_UNKNOWN = "[not provided]"  # Salesforce requires LastName and Company


def to_generic(lead_id: str, data: HandoffData) -> dict[str, Any]:
    """The `lead.handed_off` data as published on `handoff.leads`, plus the lead id."""
    return {"lead_id": lead_id, **data.model_dump(mode="json")}


def why_now_text(data: HandoffData) -> str:
    lines = [data.reason] + [
        f"- {e.rule}" + (f" (+{e.points:g})" if e.points else "") + (f": {e.detail}" if e.detail else "")
        for e in data.why_now
    ]
    if data.assigned_to is not None:
        lines.append(f"Routing: {data.assigned_to.reason}")
    return "\n".join(lines)


def to_hubspot(lead_id: str, data: HandoffData) -> dict[str, Any]:
    """A HubSpot CRM v3 contact (`POST /crm/v3/objects/contacts`); custom properties `leadflow_*`."""
    lead, company = data.lead, data.lead.company
    properties = {
        "email": lead.email,
        "firstname": lead.first_name,
        "lastname": lead.last_name,
        "jobtitle": lead.job_title,
        "phone": lead.phone,
        "company": company.name if company else None,
        "website": company.domain if company else None,
        "industry": company.industry if company else None,
        "country": company.country if company else None,
        "numberofemployees": company.employees if company else None,
        "annualrevenue": company.annual_revenue_eur if company else None,
        "lifecyclestage": HUBSPOT_LIFECYCLE_STAGE,
        "hubspot_owner_id": data.assigned_to.crm_owner_id if data.assigned_to else None,
        "leadflow_lead_id": lead_id,
        "leadflow_handoff_id": data.handoff_id,
        "leadflow_score": lead.total_score,
        "leadflow_fit_grade": lead.fit_grade,
        "leadflow_persona": lead.persona,
        "leadflow_why_now": why_now_text(data),
        "leadflow_first_contact_due": data.sla_first_contact_due.isoformat(),
    }
    return {"properties": {k: v for k, v in properties.items() if v is not None}}


def to_salesforce(lead_id: str, data: HandoffData) -> dict[str, Any]:
    """A Salesforce Lead sObject, meant for an upsert on the external id `Leadflow_Handoff_Id__c`
    (`PATCH .../sobjects/Lead/Leadflow_Handoff_Id__c/{handoff_id}`), so a retry updates, never duplicates."""
    lead, company = data.lead, data.lead.company
    fields = {
        "FirstName": lead.first_name,
        "LastName": lead.last_name or SALESFORCE_UNKNOWN,
        "Company": (company.name if company else None) or SALESFORCE_UNKNOWN,
        "Email": lead.email,
        "Title": lead.job_title,
        "Phone": lead.phone,
        "Website": company.domain if company else None,
        "Industry": company.industry if company else None,
        "Country": company.country if company else None,
        "NumberOfEmployees": company.employees if company else None,
        "AnnualRevenue": company.annual_revenue_eur if company else None,
        "LeadSource": "leadflow",
        "Status": SALESFORCE_STATUS,
        "OwnerId": data.assigned_to.crm_owner_id if data.assigned_to else None,
        "Description": why_now_text(data),
        "Leadflow_Lead_Id__c": lead_id,
        "Leadflow_Score__c": lead.total_score,
        "Leadflow_Fit_Grade__c": lead.fit_grade,
        "Leadflow_First_Contact_Due__c": data.sla_first_contact_due.isoformat(),
    }
    return {k: v for k, v in fields.items() if v is not None}


MAPPINGS: dict[str, Mapping] = {"generic": to_generic, "hubspot": to_hubspot, "salesforce": to_salesforce}
