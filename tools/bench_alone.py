"""Benchmark phase 6, scoring alone: a topic pre-filled with touchpoints (as ingest would have
published them, the realistic mix of bench_data), then only scoring started on it, from a fresh
database. Printed: touchpoints/s from scoring's start until its group has committed everything,
and CPU ms per touchpoint of scoring, Kafka and PostgreSQL. What the pipeline costs without
ingest, nurture, handoff and reporting competing for the two cores."""

import asyncio
import random
import time

from aiokafka import AIOKafkaProducer
from lead_runtime.offsets import read_once
from lead_runtime.settings import KafkaSettings
from lead_runtime.topics import create_topics

from tests.processes import ServiceProcess, free_port, service_env
from tools.bench_data import encoded_as_ingest_would, mixed_touchpoints
from tools.bench_stack import LOGS, CpuMeter, Resources, create_database, infra_pids


async def _fill(kafka: KafkaSettings, bodies: list[dict], say) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all", linger_ms=20,
                                max_batch_size=256 * 1024, compression_type=None)
    await producer.start()
    try:
        topic, pending = kafka.topic("touchpoints"), []
        for i, body in enumerate(bodies, start=1):
            key, value, headers = encoded_as_ingest_would(body)
            pending.append(await producer.send(topic, value, key=key, headers=headers))
            if i % 20_000 == 0 or i == len(bodies):
                await asyncio.gather(*pending)
                pending.clear()
                say(f"phase 6: {i:,} of {len(bodies):,} touchpoints on the topic")
    finally:
        await producer.stop()


async def _waiting(kafka: KafkaSettings) -> int:
    """Touchpoints scoring's group has not committed yet (all of them before its first commit)."""
    rows = await read_once(kafka.bootstrap_servers, kafka.topic("scoring"), [kafka.topic("touchpoints")])
    return sum(r.lag for r in rows) if rows else 1


async def phase_scoring_alone(pg_admin_url: str, bootstrap: str, run_id: str, touchpoints: int, partitions: int,
                              say, timeout: float = 600) -> dict:
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=f"alone{run_id}.")
    res = Resources(kafka, pg_admin_url)
    try:
        res.topics.extend(await create_topics(kafka, partitions=partitions))
        rng = random.Random(7)
        await _fill(kafka, mixed_touchpoints(rng, f"{run_id}a", touchpoints, max(touchpoints // 10, 500)), say)
        url = await create_database(res, f"bench_alone_{run_id}", "scoring")
        LOGS.mkdir(parents=True, exist_ok=True)
        port = free_port()
        env = service_env("scoring", bootstrap, kafka.topic_prefix, port, url, {})
        scoring = res.services["scoring"] = ServiceProcess("scoring", env, port, LOGS / f"{kafka.topic_prefix}scoring.log")
        scoring.start()
        started = time.monotonic()
        meter = CpuMeter({"scoring": scoring.process.pid} | {k: v for k, v in infra_pids().items()})
        meter.start()
        await asyncio.to_thread(scoring.wait_ready, 90)
        while (lag := await _waiting(kafka)) > 0:
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"scoring alone: {lag:,} touchpoints still waiting after {timeout:.0f} s")
            await asyncio.sleep(0.5)
        seconds = time.monotonic() - started
        measured = meter.stop()
        ms = {name: round(percent / 100 * measured["seconds"] * 1000 / touchpoints, 3)
              for name, percent in measured["percent_of_one_core"].items()}
        rate = touchpoints / seconds
        say(f"phase 6: scoring alone applied {touchpoints:,} touchpoints in {seconds:.1f} s ({rate:,.0f}/s)")
        return {"touchpoints": touchpoints, "seconds": round(seconds, 2), "touchpoints_per_s": round(rate),
                "cpu_ms_per_touchpoint": ms}
    finally:
        await asyncio.shield(res.release(say))
