"""Consumer lag per group, topic and partition, its trend, and a Burrow-style status.

    python -m lead_runtime.lag                      # every group, 4 samples 15 s apart
    python -m lead_runtime.lag --group scoring --samples 3 --interval 5
    python -m lead_runtime.lag --once               # one sample: lag only, no trend

Exit status: 0 all OK or WARN, 2 some consumer STALLs (its committed offset stood still for the
whole window while messages waited), 1 the broker could not be asked.
"""

import argparse
import asyncio
import json
import os
import sys
import time

from .lag_status import STALL, Sample, partition_status, trend, worst
from .offsets import OffsetReader, PartitionLag

Key = tuple[str, str, int]


async def sample_lag(
    bootstrap: str, groups: list[str] | None, prefix: str, samples: int, interval: float, progress=None
) -> tuple[dict[Key, list[Sample]], dict[Key, PartitionLag]]:
    """`samples` readings `interval` seconds apart: the history per partition and the last reading."""
    reader = await OffsetReader(bootstrap).start()
    history: dict[Key, list[Sample]] = {}
    latest: dict[Key, PartitionLag] = {}
    try:
        names = groups or await reader.groups(prefix)
        for n in range(samples):
            if n:
                await asyncio.sleep(interval)
            at = time.monotonic()
            for group in names:
                for row in await reader.read(group, with_age=n == samples - 1):
                    key = (row.group, row.topic, row.partition)
                    history.setdefault(key, []).append(Sample(at, row.position, row.end))
                    latest[key] = row
            if progress:
                progress(n + 1, samples)
    finally:
        await reader.close()
    return history, latest


def report(history: dict[Key, list[Sample]], latest: dict[Key, PartitionLag], window: float) -> list[dict]:
    now = time.time()
    rows = []
    for key in sorted(latest):
        row = latest[key]
        rows.append({
            "group": row.group, "topic": row.topic, "partition": row.partition,
            "committed": row.committed, "end": row.end, "lag": row.lag,
            "lag_seconds": round(row.lag_seconds(now), 1),
            "trend": trend(history[key]), "status": partition_status(history[key], window),
        })
    return rows


def render(rows: list[dict]) -> str:
    if not rows:
        return "no consumer groups with committed offsets found"
    head = f"{'GROUP':<24} {'TOPIC':<30} {'PART':>4} {'COMMITTED':>10} {'END':>10} {'LAG':>7} {'LAG_S':>8}  {'STATUS':<6} TREND"
    lines = [head]
    for r in rows:
        committed = "-" if r["committed"] is None else r["committed"]
        lines.append(
            f"{r['group']:<24} {r['topic']:<30} {r['partition']:>4} {committed:>10} {r['end']:>10} {r['lag']:>7}"
            f" {r['lag_seconds']:>8}  {r['status']:<6} {r['trend']}"
        )
    lines.append("")
    for group in sorted({r["group"] for r in rows}):
        mine = [r for r in rows if r["group"] == group]
        lines.append(f"group {group}: {worst(r['status'] for r in mine)}, total lag {sum(r['lag'] for r in mine)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lead_runtime.lag", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default=os.environ.get("LEADFLOW_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--prefix", default=os.environ.get("LEADFLOW_KAFKA__TOPIC_PREFIX", ""),
                        help="only groups whose name starts with this (the deployment's topic prefix)")
    parser.add_argument("--group", action="append", help="a consumer group as on the broker (repeatable)")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between samples")
    parser.add_argument("--stall-seconds", type=float, default=None,
                        help="how long the committed offset may stand still with lag (default: the whole window)")
    parser.add_argument("--once", action="store_true", help="one sample only (no trend, never STALL)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    samples = 1 if args.once else max(args.samples, 2)
    window = args.stall_seconds if args.stall_seconds is not None else (samples - 1) * args.interval

    def progress(n: int, total: int) -> None:
        if not args.json and total > 1:
            print(f"sample {n}/{total}", file=sys.stderr, flush=True)

    try:
        history, latest = asyncio.run(
            sample_lag(args.bootstrap, args.group, args.prefix, samples, args.interval, progress)
        )
    except Exception as exc:
        print(f"lag: could not read offsets from {args.bootstrap}: {exc!r}", file=sys.stderr)
        return 1
    rows = report(history, latest, window if samples > 1 else float("inf"))
    print(json.dumps(rows, indent=2) if args.json else render(rows))
    return 2 if any(r["status"] == STALL for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
