"""`python -m scoring shadow FILE` and `python -m scoring switch FILE`.

shadow: recompute every lead from its stored touchpoints under the candidate agreement and
report who would become a marketing lead or sales-ready and who would drop out. It writes
nothing and emits nothing, so nothing reaches the CRM.
switch: make the candidate the active agreement: rebuild each lead's ledger under it and
record every resulting change of stage (emitted through the outbox by the running service).
"""

import argparse
import asyncio
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from functools import partial
from operator import itemgetter
from pathlib import Path

from lead_runtime.cli import tune_garbage_collector
from lead_runtime.config import ConfigError, load_model
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.parts import Part, Progress, default_workers, run_parts
from lead_runtime.settings import DatabaseSettings

from .adapters.agreements import SqlAgreements
from .adapters.replay_source import stored_leads, touchpoints_about
from .domain.policy import ScoringPolicy
from .domain.replay import classify_change, replay, stage_under
from .domain.score import ProfileMemo
from .settings import get_settings
from .switching import apply_switch


async def shadow(policy: ScoringPolicy, database: DatabaseSettings, now: datetime, active: ScoringPolicy | None = None,
                 workers: int = 1, rate: float | None = None) -> dict:
    """Differences are against what the active agreement says of each lead now, so a change the
    active one would make too (say, a recycled lead already past a threshold) is not reported.
    `workers` processes share the leads by hash; `rate` caps touchpoints per second over all."""
    started = time.perf_counter()
    total = await _touchpoints_about(database)
    parts = await run_parts(partial(_shadow_part, policy, database, now, active), workers, total=total, rate=rate,
                            unit="touchpoints replayed")
    changes: dict[str, list[dict]] = defaultdict(list)
    for part in parts:
        for change, found in part["changes"].items():
            changes[change] += found
    return {
        "candidate_version": policy.version,
        "leads": sum(p["leads"] for p in parts),
        "touchpoints": sum(p["touchpoints"] for p in parts),
        "workers": workers,
        "seconds": round(time.perf_counter() - started, 2),
        "changes": {k: {"count": len(v), "leads": sorted(v, key=itemgetter("lead_id"))} for k, v in sorted(changes.items())},
    }


async def _shadow_part(policy: ScoringPolicy, database: DatabaseSettings, now: datetime, active: ScoringPolicy | None,
                       part: Part, progress: Progress) -> dict:
    changes: dict[str, list[dict]] = defaultdict(list)
    counted = Counter()
    memo, active_memo = ProfileMemo(policy), ProfileMemo(active) if active else None
    engine = make_engine(database)
    try:
        async with make_sessionmaker(engine)() as session:
            async for chunk in stored_leads(session, policy, part):
                for lead in chunk:
                    replayed = replay(lead.touchpoints, policy, now, lead.engagement_since, memo, False, lead.start)
                    would_be, reason = stage_under(lead.stage, replayed, policy)
                    baseline = lead.stage
                    if active is not None and would_be != lead.stage:
                        baseline, _ = stage_under(lead.stage, replay(
                            lead.touchpoints, active, now, lead.engagement_since, active_memo, False, lead.start), active)
                    if change := classify_change(baseline, would_be):
                        changes[change].append({"lead_id": lead.lead_id, "email": replayed.profile.email,
                                                "from": baseline, "to": would_be, "reason": reason})
                touchpoints = sum(len(lead.touchpoints) for lead in chunk)
                counted.update(leads=len(chunk), touchpoints=touchpoints)
                await progress.advance(touchpoints)
    finally:
        await engine.dispose()
    return {"leads": counted["leads"], "touchpoints": counted["touchpoints"], "changes": dict(changes)}


async def _touchpoints_about(database: DatabaseSettings) -> int | None:
    engine = make_engine(database)
    try:
        async with make_sessionmaker(engine)() as session:
            return await touchpoints_about(session)
    finally:
        await engine.dispose()


def print_report(report: dict, show: int) -> None:
    print(f"Shadow evaluation of agreement {report['candidate_version']}: {report['leads']:,} leads,"
          f" {report['touchpoints']:,} touchpoints replayed in {report['seconds']} s; nothing emitted.")
    if not report["changes"]:
        print("    no lead would change stage")
    for change, found in report["changes"].items():
        print(f"    {found['count']:>6}  {change}")
        for lead in found["leads"][:show]:
            print(f"            {lead['email'] or lead['lead_id']}: {lead['from']} -> {lead['to']} ({lead['reason']})")


async def _main(args: argparse.Namespace) -> int:
    try:
        policy = load_model(Path(args.file), ScoringPolicy)
    except ConfigError as exc:
        print(f"refusing: invalid agreement file\n{exc}", file=sys.stderr)
        return 2
    settings = get_settings()
    engine = make_engine(settings.database)
    sessions = make_sessionmaker(engine)
    try:
        now = datetime.now(UTC)
        async with sessions() as session:
            stored = await SqlAgreements(session).active()
        active = ScoringPolicy.model_validate(stored.document) if stored else load_model(
            settings.config_dir / "agreement.yaml", ScoringPolicy)
        report = await shadow(policy, settings.database, now, active, args.workers, args.rate)
        print_report(report, args.show)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, default=str))
        if args.command == "switch":
            async with sessions() as session:
                active = await SqlAgreements(session).active()
            again = active is not None and active.version == policy.version
            if again:
                print(f"version {policy.version} is already active: every lead is rebuilt under it again, so a switch"
                      " that was interrupted completes (a lead rebuilt before stays as it is)")
            changed = await apply_switch(policy, str(args.file), settings.database, now, args.workers, args.rate,
                                         activate=not again)
            print(f"switched to agreement {policy.version}: {changed} change(s) of stage recorded; the running"
                  " scoring service publishes them and follows the new version within seconds")
        return 0
    finally:
        await engine.dispose()


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value
    return parse


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["shadow", "switch"])
    parser.add_argument("file", help="the candidate agreement, e.g. config/agreement-next.yaml")
    parser.add_argument("--json", help="also write the full report as JSON to this file")
    parser.add_argument("--show", type=int, default=10, help="leads listed per kind of change")
    parser.add_argument("--workers", type=_positive(int), default=default_workers(),
                        help="processes sharing the leads by hash (default: this machine's cores)")
    parser.add_argument("--rate", type=_positive(float), default=None,
                        help="at most this many touchpoints per second over all workers, so the running services"
                             " keep their latency (default: as fast as it goes)")
    args = parser.parse_args(argv)
    tune_garbage_collector()
    sys.exit(asyncio.run(_main(args)))
