"""Schemathesis against ingest's own OpenAPI: no 5xx, and nothing accepted or refused goes unkept."""

import schemathesis
from hypothesis import HealthCheck, settings
from lead_events import topics
from lead_runtime.settings import KafkaSettings
from starlette.testclient import TestClient  # no lifespan: the fakes stand in for Kafka and the database

from ingest.api import get_publisher
from ingest.bootstrap import make_app
from ingest.privacy_api import get_erasures
from ingest.settings import Settings
from ingest.webhooks_api import get_deliveries

from .fakes import FakeDeliveries, FakePublisher

class FakeErasures:
    def __init__(self) -> None:
        self.recorded: list[tuple] = []

    async def record(self, erasure_id: str, lead_id: str, at) -> None:
        self.recorded.append((erasure_id, lead_id, at))


publisher = FakePublisher()
app = make_app(Settings(kafka=KafkaSettings(bootstrap_servers="unused:9092")))
app.dependency_overrides[get_publisher] = lambda: publisher
app.dependency_overrides[get_deliveries] = lambda: FakeDeliveries()
app.dependency_overrides[get_erasures] = lambda: FakeErasures()
schema = schemathesis.openapi.from_dict(app.openapi()).include(path_regex="^/v1/")  # /readyz etc. need the runtime
client = TestClient(app, raise_server_exceptions=False)  # not entered: no lifespan, no Kafka


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gets_a_5xx_and_every_touchpoint_is_kept(case):
    before = len(publisher.published)
    response = client.request(**case.as_transport_kwargs(base_url="http://testserver"))
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
    if case.path != "/v1/touchpoints" or case.method != "POST":
        return
    new = publisher.published[before:]
    if response.status_code == 202:
        accepted = [e for t, e in new if t == topics.TOUCHPOINTS]
        assert len(accepted) == response.json()["accepted"] > 0  # accepted means published
    elif 400 <= response.status_code < 500 and response.status_code not in (429, 503):
        assert [t for t, _ in new] == [topics.TOUCHPOINTS_REJECTED]  # refused means kept
