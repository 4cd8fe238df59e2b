"""leadflow's public events. No I/O here: every service and test uses it without a broker."""

from .assignment import RepAssignment
from .codec import EVENT_TYPES, UndecodableEvent, UnknownEventType, decode, encode
from .envelope import CLOCK_SKEW, Envelope, Payload, derived_event_id, is_ahead, span_before
from .handoff import CrmFeedbackReceived, FeedbackData, HandoffData, LeadHandedOff, Outcome
from .identity import lead_id_for, lead_id_for_visitor, normalise_email
from .lifecycle import ConsentRecord, Evidence, LeadSnapshot, LeadStageChanged, Stage, StageChangeData
from .nurture import NurtureStepData, NurtureStepTriggered
from .privacy import ErasureData, PrivacyErasureRequested, anonymise_contact, anonymise_touchpoint, redact
from .scoring import LeadScored, ScoreData
from .sla import LeadSlaBreached, SlaBreachData
from .touchpoints import (
    Company,
    Consent,
    Contact,
    RecordedContact,
    RejectionData,
    TouchpointBatchIn,
    TouchpointData,
    TouchpointIn,
    TouchpointRecorded,
    TouchpointRejected,
    TouchpointType,
    is_historical,
)
from . import topics

__all__ = [
    "EVENT_TYPES", "UndecodableEvent", "UnknownEventType", "decode", "encode",
    "CLOCK_SKEW", "Envelope", "Payload", "derived_event_id", "is_ahead", "span_before",
    "CrmFeedbackReceived", "FeedbackData", "HandoffData", "LeadHandedOff", "Outcome",
    "lead_id_for", "lead_id_for_visitor", "normalise_email",
    "ConsentRecord", "Evidence", "LeadSnapshot", "LeadStageChanged", "Stage", "StageChangeData",
    "NurtureStepData", "NurtureStepTriggered", "LeadScored", "ScoreData",
    "RepAssignment", "LeadSlaBreached", "SlaBreachData",
    "ErasureData", "PrivacyErasureRequested", "anonymise_contact", "anonymise_touchpoint", "redact",
    "Company", "Consent", "Contact", "RecordedContact", "RejectionData", "TouchpointBatchIn", "TouchpointData",
    "TouchpointIn", "TouchpointRecorded", "TouchpointRejected", "TouchpointType", "is_historical", "topics",
]
