"""/readyz tells the truth: a broker that does not answer a metadata request is not ready."""

import asyncio
import time
from types import SimpleNamespace

from lead_runtime.consumer import ConsumerLoop, Subscription
from lead_runtime.service import Runtime
from lead_runtime.settings import HttpSettings, KafkaSettings, ServiceSettings


class FakeClient:
    def __init__(self, answers: bool) -> None:
        self.answers = answers

    async def fetch_all_metadata(self):
        if not self.answers:
            await asyncio.sleep(3600)  # a broker that accepts the connection but never answers
        return object()


def a_runtime(answers: bool = True, stall_seconds: float = 60) -> Runtime:
    settings = ServiceSettings(kafka=KafkaSettings(bootstrap_servers="x:1"), http=HttpSettings(port=1),
                               stall_seconds=stall_seconds)
    producer = SimpleNamespace(client=FakeClient(answers))
    return Runtime("svc", settings, producer, publisher=None)


async def test_broker_that_answers_metadata_is_ready():
    assert (await a_runtime(answers=True).readiness())["kafka"] is True


async def test_broker_that_does_not_answer_metadata_is_not_ready():
    assert (await a_runtime(answers=False).readiness())["kafka"] is False


async def test_consumer_that_stopped_polling_is_not_ready():
    rt = a_runtime(stall_seconds=5)
    loop = ConsumerLoop(Subscription("svc", {}, ["touchpoints"]), None, rt.settings.kafka)
    rt.consumers.append(loop)
    assert (await rt.readiness())["consumers"] is True
    loop.last_progress = time.monotonic() - 6
    assert (await rt.readiness())["consumers"] is False


async def test_a_process_without_consumers_is_not_judged_by_them():
    assert "consumers" not in await a_runtime().readiness()  # `serve api`, and ingest


async def test_healthz_says_stuck_only_when_the_loop_is_held_or_a_consumer_does_nothing_at_all():
    rt = a_runtime(stall_seconds=5)
    loop = ConsumerLoop(Subscription("svc", {}, ["touchpoints"]), None, rt.settings.kafka)
    rt.consumers.append(loop)
    loop.last_progress = time.monotonic() - 6  # not polling (retrying a batch): not ready, but alive
    assert rt.stuck() == []
    loop.alive_at = time.monotonic() - 16
    assert rt.stuck() == ["consumer svc did nothing for 16 s"]
    loop.alive_at = time.monotonic()
    rt.loop_lag.observe(7.0)
    assert rt.stuck() == ["event loop held 7.0 s"]
