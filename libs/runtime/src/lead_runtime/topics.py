"""Creates the contract's topics: `python -m lead_runtime.topics create [--partitions N]`."""

import argparse
import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from lead_events.topics import ALL_TOPICS

from .settings import KafkaSettings


async def create_topics(kafka: KafkaSettings, partitions: int = 6) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [kafka.topic(t) for t in ALL_TOPICS if kafka.topic(t) not in existing]
        if missing:
            await admin.create_topics(
                [NewTopic(name, num_partitions=partitions, replication_factor=1) for name in missing]
            )
        return missing
    finally:
        await admin.close()


async def delete_topics(kafka: KafkaSettings) -> None:
    """Removes a prefix's topics (tests and benchmarks clean up after themselves)."""
    if not kafka.topic_prefix:
        raise ValueError("refusing to delete the unprefixed production topics")
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(kafka.topic_prefix)]
        if ours:
            await admin.delete_topics(ours)
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["create"])
    parser.add_argument("--partitions", type=int, default=6)
    args = parser.parse_args()
    kafka = KafkaSettings()
    created = asyncio.run(create_topics(kafka, args.partitions))
    print(f"topics: created {len(created)}, {len(ALL_TOPICS) - len(created)} already there")


if __name__ == "__main__":
    main()
