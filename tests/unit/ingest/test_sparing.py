"""Old touchpoints of people who asked to be erased go to Kafka without the person."""

from datetime import timedelta

from lead_events import encode, topics

from ingest.sparing import SparingErased
from tests.builders import a_contact, a_recorded

from .fakes import FakePublisher


class Erased:
    def __init__(self, at: dict) -> None:
        self.at = at

    async def erased_at(self, lead_ids):
        return {i: self.at[i] for i in lead_ids if i in self.at}


async def test_a_touchpoint_from_before_the_request_is_published_without_the_person():
    contact = a_contact(phone="+49 170 5551234")
    old = a_recorded("form_submitted", contact, message=f"Bitte an {contact['email']} schreiben")
    fresh = a_recorded("webinar_attended", a_contact())
    publisher = FakePublisher()
    sparing = SparingErased(publisher, Erased({old.lead_id: old.occurred_at + timedelta(days=1)}))
    await sparing.publish_many(topics.TOUCHPOINTS, [old, fresh])

    [spared, untouched] = publisher.on(topics.TOUCHPOINTS)
    assert (spared.event_id, spared.lead_id, spared.data.type) == (old.event_id, old.lead_id, old.data.type)
    wire = encode(spared).decode()
    assert contact["email"] not in wire and "5551234" not in wire and "Schmidt" not in wire
    assert spared.data.consent is None and spared.data.contact.company.name == contact["company"]["name"]
    assert untouched == fresh


async def test_what_happened_after_the_request_and_other_topics_pass_unchanged():
    came_back = a_recorded("form_submitted", a_contact())
    publisher = FakePublisher()
    sparing = SparingErased(publisher, Erased({came_back.lead_id: came_back.occurred_at - timedelta(days=1)}))
    await sparing.publish_many(topics.TOUCHPOINTS, [came_back])
    await sparing.publish_many(topics.TOUCHPOINTS_REJECTED, [came_back])
    assert publisher.on(topics.TOUCHPOINTS) == publisher.on(topics.TOUCHPOINTS_REJECTED) == [came_back]
