"""`python -m ingest rejected list|replay`: what was refused, and re-submitting it after a fix."""

import argparse
import asyncio
import re
import sys
from datetime import UTC, datetime, timedelta

from lead_runtime.kafka import KafkaEventPublisher, make_producer

from .adapters.rejections import read_rejections
from .bootstrap import load_sources
from .domain.replay import is_selected
from .replay import replay
from .settings import Settings, get_settings

AGO = re.compile(r"^(\d+)([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_since(text: str, now: datetime) -> datetime:
    """`2026-11-22T10:00:00Z`, or `30m` / `6h` / `2d` ago."""
    if match := AGO.match(text.strip()):
        amount, unit = int(match[1]), match[2]
        return now - timedelta(**{UNITS[unit]: amount})
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ingest rejected")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list kept rejections, oldest first")
    listing.add_argument("--since", help="ISO time, or 30m / 6h / 2d ago")
    listing.add_argument("--source", help="only this source")
    again = commands.add_parser("replay", help="re-submit rejections through today's mapping")
    again.add_argument("rejection_ids", nargs="+", metavar="REJECTION_ID")
    again.add_argument("--dry-run", action="store_true", help="say what would happen, publish nothing")
    return parser


async def list_rejections(settings: Settings, since: datetime | None, source: str | None) -> int:
    rejections = [r for r in await read_rejections(settings.kafka, since) if is_selected(r, since, source)]
    for r in rejections:
        reason = r.data.reason if len(r.data.reason) <= 140 else r.data.reason[:137] + "..."
        print(f"{r.event_id}  {r.data.received_at:%Y-%m-%dT%H:%M:%SZ}  {r.data.source or '-':<20}  {reason}")
    print(f"{len(rejections)} rejection(s)", file=sys.stderr)
    return 0


async def replay_rejections(settings: Settings, ids: list[str], dry_run: bool) -> int:
    sources = load_sources(settings)
    wanted = set(ids)
    found = {r.event_id: r for r in await read_rejections(settings.kafka) if r.event_id in wanted}
    failed = 0
    producer = None if dry_run else make_producer(settings.kafka)
    if producer is not None:
        await producer.start()
    try:
        publisher = KafkaEventPublisher(producer, settings.kafka) if producer is not None else None
        for rid in ids:
            if rid not in found:
                print(f"{rid}  not found on touchpoints.rejected")
                failed += 1
                continue
            done = await replay(found[rid], sources, publisher, now=datetime.now(UTC),
                                timeout=settings.publish_timeout_seconds)
            failed += done.outcome in ("refused again", "not replayable")
            ids_text = f"  {' '.join(done.event_ids)}" if done.event_ids else ""
            print(f"{rid}  {done.outcome}: {done.detail}{ids_text}")
    finally:
        if producer is not None:
            await producer.stop()
    return 1 if failed else 0


def main(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    settings = get_settings()
    if args.command == "list":
        since = parse_since(args.since, datetime.now(UTC)) if args.since else None
        sys.exit(asyncio.run(list_rejections(settings, since, args.source)))
    sys.exit(asyncio.run(replay_rejections(settings, args.rejection_ids, args.dry_run)))
