"""Phase 1: what aiokafka and the broker move on this machine without leadflow in between.

The producer has the services' settings (`lead_runtime.kafka.make_producer`: acks=all,
idempotent, linger 5 ms) and sends what ingest would publish for realistic touchpoints (same
key, value and headers). A separate consumer, in its own consumer group, reads them back. By
default the consumer runs in a child process, as scoring runs apart from ingest; with
`--raw-consumer same-process` it shares the producer's event loop.

Throughput = N / (time the consumer had read all N - time of the first send).
"""

import asyncio
import multiprocessing
import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from lead_runtime.kafka import make_producer
from lead_runtime.settings import KafkaSettings

Say = Callable[[str], None]


async def _consume(bootstrap: str, topic: str, group: str, n: int,
                   on_ready: Callable[[], None], on_progress: Callable[[int], None]) -> tuple[float, int, int]:
    """Reads until `n` messages; returns (wall time of the last, count, value bytes)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
        enable_auto_commit=True, max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    try:
        while not consumer.assignment():  # joined the group: the clock may start
            await asyncio.sleep(0.02)
        on_ready()
        count, size, last = 0, 0, 0.0
        next_report = time.monotonic() + 1
        while count < n:
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for records in batch.values():
                count += len(records)
                size += sum(len(r.value) for r in records)
            if batch:
                last = time.time()
            if time.monotonic() >= next_report:
                on_progress(count)
                next_report += 1
        return last, count, size
    finally:
        await consumer.stop()


def _child(bootstrap: str, topic: str, group: str, n: int, conn) -> None:
    try:
        last, count, size = asyncio.run(
            _consume(bootstrap, topic, group, n, lambda: conn.send(("ready",)), lambda c: conn.send(("progress", c)))
        )
        conn.send(("done", last, count, size))
    except BaseException as exc:  # noqa: BLE001 - report anything to the parent
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


def _receive(conn, timeout: float) -> tuple:
    """The child's next message; ("error", ...) if it is silent for `timeout` s or gone."""
    try:
        if not conn.poll(timeout) and timeout:
            return ("error", f"consumer silent for {timeout:g} s")
        return conn.recv()
    except (EOFError, OSError):
        return ("error", "consumer process ended without an answer")


async def create_topic(kafka: KafkaSettings, name: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])
    finally:
        await admin.close()


async def run_raw(kafka: KafkaSettings, topic: str, messages: list[tuple[bytes, bytes, list]], n: int,
                  mode: str, say: Say, timeout: float) -> dict:
    group = kafka.topic_prefix + "bench-raw-consumer"
    ready = asyncio.Event()
    progress = {"consumed": 0}
    child = conn = consumer_task = None
    if mode == "process":
        ctx = multiprocessing.get_context("spawn")
        conn, child_conn = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child, args=(kafka.bootstrap_servers, topic, group, n, child_conn), daemon=True)
        child.start()
        child_conn.close()
        message = await asyncio.to_thread(_receive, conn, 60)
        if message[0] != "ready":
            raise RuntimeError(f"raw consumer: {message}")
    else:
        consumer_task = asyncio.create_task(
            _consume(kafka.bootstrap_servers, topic, group, n, ready.set, lambda c: progress.__setitem__("consumed", c))
        )
        await asyncio.wait_for(ready.wait(), 60)

    producer = make_producer(kafka)
    await producer.start()
    try:
        say(f"raw: consumer in group ready ({mode}); producing {n:,} messages")
        t0_wall, t0 = time.time(), time.perf_counter()
        futures = []
        next_report = t0 + 1
        for i in range(n):
            key, value, headers = messages[i % len(messages)]
            futures.append(await producer.send(topic, value=value, key=key, headers=headers))
            if time.perf_counter() >= next_report:
                while conn is not None and conn.poll(0):  # the child's progress reports
                    message = _receive(conn, 0)
                    if message[0] != "progress":
                        raise RuntimeError(f"raw consumer: {message}")
                    progress["consumed"] = message[1]
                say(f"raw: sent {i + 1:,}/{n:,}, consumed {progress['consumed']:,}")
                next_report += 1
        await asyncio.gather(*futures)
        acked = time.perf_counter() - t0
        say(f"raw: all {n:,} acknowledged after {acked:.2f} s; waiting for the consumer")
    finally:
        await producer.stop()

    try:
        if mode == "process":
            deadline = time.monotonic() + timeout
            while True:
                if not await asyncio.to_thread(conn.poll, 1.0):
                    if time.monotonic() > deadline or not child.is_alive():
                        raise RuntimeError("raw consumer did not finish")
                    continue
                message = _receive(conn, 0)
                if message[0] == "progress":
                    say(f"raw: consumed {message[1]:,}/{n:,}")
                elif message[0] == "done":
                    _, last, count, size = message
                    break
                else:
                    raise RuntimeError(f"raw consumer: {message}")
        else:
            last, count, size = await asyncio.wait_for(consumer_task, timeout)
    finally:
        if child is not None:
            child.join(10)
            if child.is_alive():
                child.terminate()
        if consumer_task is not None and not consumer_task.done():
            consumer_task.cancel()
    seconds = last - t0_wall
    return {
        "messages": count,
        "avg_message_bytes": round(size / count),
        "consumer": mode,
        "produce_seconds": round(acked, 3),
        "produce_msgs_per_s": round(n / acked),
        "seconds": round(seconds, 3),
        "msgs_per_s": round(count / seconds),
        "mb_per_s": round(size / seconds / 1e6, 2),
    }
