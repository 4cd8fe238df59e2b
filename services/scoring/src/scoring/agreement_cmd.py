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
from pathlib import Path

from lead_runtime.config import ConfigError, load_model
from lead_runtime.db import make_engine, make_sessionmaker

from .adapters.agreements import SqlAgreements
from .adapters.replay_source import stored_leads
from .domain.policy import ScoringPolicy
from .domain.replay import classify_change, replay, stage_under
from .settings import get_settings
from .switching import apply_switch


async def shadow(policy: ScoringPolicy, sessions, now: datetime, active: ScoringPolicy | None = None) -> dict:
    """Differences are against what the active agreement says of each lead now, so a change the
    active one would make too (say, a recycled lead already past a threshold) is not reported."""
    started = time.perf_counter()
    changes: dict[str, list[dict]] = defaultdict(list)
    counted = Counter()
    async with sessions() as session:
        async for lead in stored_leads(session, policy):
            counted["leads"] += 1
            counted["touchpoints"] += len(lead.touchpoints)
            replayed = replay(lead.touchpoints, policy, now, lead.engagement_since)
            would_be, reason = stage_under(lead.stage, replayed, policy)
            baseline = lead.stage
            if active is not None and would_be != lead.stage:
                baseline, _ = stage_under(lead.stage, replay(lead.touchpoints, active, now, lead.engagement_since), active)
            change = classify_change(baseline, would_be)
            if change:
                changes[change].append({"lead_id": lead.lead_id, "email": replayed.profile.email,
                                        "from": baseline, "to": would_be, "reason": reason})
            if counted["leads"] % 1000 == 0:
                print(f"\r    {counted['leads']:,} leads, {counted['touchpoints']:,} touchpoints replayed", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return {
        "candidate_version": policy.version,
        "leads": counted["leads"],
        "touchpoints": counted["touchpoints"],
        "seconds": round(time.perf_counter() - started, 2),
        "changes": {k: {"count": len(v), "leads": v} for k, v in sorted(changes.items())},
    }


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
        report = await shadow(policy, sessions, now, active)
        print_report(report, args.show)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, default=str))
        if args.command == "switch":
            async with sessions() as session:
                active = await SqlAgreements(session).active()
            if active and active.version == policy.version:
                print(f"version {policy.version} is already active; nothing to switch")
                return 0
            changed = await apply_switch(policy, str(args.file), sessions, now)
            print(f"switched to agreement {policy.version}: {changed} change(s) of stage recorded; the running"
                  " scoring service publishes them and follows the new version within seconds")
        return 0
    finally:
        await engine.dispose()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["shadow", "switch"])
    parser.add_argument("file", help="the candidate agreement, e.g. config/agreement-next.yaml")
    parser.add_argument("--json", help="also write the full report as JSON to this file")
    parser.add_argument("--show", type=int, default=10, help="leads listed per kind of change")
    sys.exit(asyncio.run(_main(parser.parse_args(argv))))
