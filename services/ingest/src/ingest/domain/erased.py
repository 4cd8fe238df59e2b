"""A touchpoint of a person who has since asked to be erased, as it may still be published."""

from lead_events import TouchpointData, TouchpointRecorded, anonymise_touchpoint


def without_person(event: TouchpointRecorded) -> TouchpointRecorded:
    """Same ids and facts (type, time, company, properties), no contact details, no consent:
    an old record (an import, a sender's late retry) must not put the person back on Kafka."""
    data = anonymise_touchpoint(event.data.model_dump(mode="json")) | {"consent": None}
    return event.model_copy(update={"data": TouchpointData.model_validate(data)})
