"""`python -m ingest import contacts.csv --source marketing-ops`: a contact export in, with progress and a report."""

import argparse
import asyncio
import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lead_events import TouchpointIn, TouchpointType, topics
from lead_events.text import cleaned, unsafe_fields
from lead_runtime.csv_dialect import csv_text
from lead_runtime.kafka import KafkaEventPublisher, make_producer
from lead_runtime.problems import validation_errors
from pydantic import ValidationError

from .domain.contacts_csv import email_of, row_touchpoint
from .domain.csv_file import UnreadableFile, decoded, delimiter_of, one_per_email, read_rows
from .domain.event_time import ahead_of_time
from .domain.model import ReceivedBody, Refusal
from .domain.normalise import recorded_event
from .domain.rejection import rejected_event
from .handlers import PublishFailed, publish
from .rejected_report import AS_FILE, REPORT_DIALECTS, rejected_table, report_dialect
from .settings import Settings, get_settings

BATCH = 500


def _row_touchpoint(doc: dict, now: datetime, skew: timedelta) -> tuple[TouchpointIn | None, list[dict]]:
    """A row's touchpoint, or what is wrong with it: the edge's text policy, the model, the time."""
    if unsafe := unsafe_fields(doc):
        return None, unsafe
    try:
        touchpoint = TouchpointIn.model_validate(doc)
    except ValidationError as exc:
        return None, validation_errors(exc.errors(include_url=False))
    if (future := ahead_of_time([touchpoint], now, skew)) is not None:
        return None, future.errors
    return touchpoint, []


async def import_file(
    settings: Settings, path: Path, source: str, kind: str, dry_run: bool, report: Path, encoding: str | None = None,
    report_dialect_name: str = AS_FILE, historical: bool = False,
) -> int:
    raw = path.read_bytes()
    try:
        text = decoded(raw, encoding)
        headers, read = read_rows(text)
    except UnreadableFile as exc:
        print(f"{path.name}: not imported: {exc}.", file=sys.stderr)
        return 1
    rows = one_per_email(read, email_of)
    merged = [(row.line, row.merged_lines) for row in rows if row.merged_lines]
    now = datetime.now(UTC)
    producer = None if dry_run else make_producer(settings.kafka)
    if producer is not None:
        await producer.start()
    publisher = KafkaEventPublisher(producer, settings.kafka) if producer is not None else None
    accepted, rejected, batch = 0, [], []

    async def flush() -> None:
        if publisher is not None and batch:
            await publish(publisher, topics.TOUCHPOINTS, batch, settings.publish_timeout_seconds)
        batch.clear()

    try:
        for done, read_row in enumerate(rows, start=1):
            number, row = read_row.line, read_row.cells
            doc = row_touchpoint(row, source=source, touchpoint_type=kind, imported_at=now.isoformat())
            touchpoint, errors = _row_touchpoint(doc, now, settings.clock_skew)
            if touchpoint is not None:
                batch.append(recorded_event(touchpoint, now, historical))
                accepted += 1
            else:
                rejected.append((number, "; ".join(f"{e['field']}: {e['message']}" for e in errors), cleaned(row)))
                if publisher is not None:  # kept like every refusal, with the row as its body
                    kept_row = cleaned({k: v for k, v in row.items() if k is not None})
                    body = json.dumps(kept_row, ensure_ascii=False).encode()
                    refusal = Refusal(422, "Invalid row", f"{path.name} line {number}: {rejected[-1][1]}", errors)
                    event = rejected_event(refusal, ReceivedBody(body, len(body), True, "text/csv"), doc=cleaned(doc),
                                           rejection_id=str(uuid.uuid4()), now=now, source=source)
                    await publish(publisher, topics.TOUCHPOINTS_REJECTED, [event], settings.publish_timeout_seconds)
            if len(batch) >= BATCH:
                await flush()
            if done % BATCH == 0 or done == len(rows):
                print(f"{done}/{len(rows)} rows ({done * 100 // max(1, len(rows))}%),"
                      f" {accepted} accepted, {len(rejected)} rejected", file=sys.stderr)
        await flush()
    except PublishFailed as exc:
        print(f"Kafka did not acknowledge ({exc}); run the same import again: rows already sent count once.",
              file=sys.stderr)
        return 1
    finally:
        if producer is not None:
            await producer.stop()
    if rejected:
        dialect = report_dialect(report_dialect_name, raw, delimiter_of(text), encoding)
        report.write_bytes(csv_text(rejected_table(headers, rejected), dialect).encode())
    verb = "would publish" if dry_run else "published"
    print(f"{path.name}: {len(rows)} rows, {accepted} {verb}, {len(rejected)} rejected"
          + (f" (report: {report})" if rejected else ""))
    for line, later in merged[:20]:  # one contact per email: the later rows' cells won
        print(f"  line {line}: the same email again on line(s) {', '.join(map(str, later))}; one contact,"
              " the later cells win")
    if len(merged) > 20:
        print(f"  ... and {len(merged) - 20} more emails listed more than once")
    return 2 if rejected else 0


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m ingest import")
    parser.add_argument("file", type=Path)
    parser.add_argument("--source", required=True, help="who sent the contacts, e.g. marketing-ops")
    parser.add_argument("--type", default="form_submitted", choices=[t.value for t in TouchpointType],
                        help="the touchpoint each row becomes (default form_submitted)")
    parser.add_argument("--dry-run", action="store_true", help="validate and report, publish nothing")
    parser.add_argument("--report", type=Path, help="rejected rows as CSV (default FILE.rejected.csv)")
    parser.add_argument("--report-dialect", choices=REPORT_DIALECTS, default=AS_FILE,
                        help="as-file (default): German Excel's (`;`, BOM) for a file saved by Excel, else plain;"
                             " or plain, or excel-de")
    parser.add_argument("--historical", action="store_true",
                        help="old data (a past trade fair's list): stored and scored, decayed, but it starts no fast"
                             " lane, no nurture journey and no handoff; rows older than the agreement's horizon"
                             " (history.horizon_days) are treated so anyway")
    parser.add_argument("--encoding", help="the file's one encoding if not UTF-8, e.g. cp1252 (default UTF-8, BOM or not)")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        sys.exit(f"no such file: {args.file}")
    report = args.report or args.file.with_suffix(".rejected.csv")
    sys.exit(asyncio.run(import_file(get_settings(), args.file, args.source, args.type, args.dry_run, report,
                                     args.encoding, args.report_dialect, args.historical)))
