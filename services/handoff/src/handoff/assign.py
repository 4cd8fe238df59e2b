"""Routing inside a transaction: lock the shared round-robin state, decide, and save."""

from datetime import datetime

from lead_events import LeadSnapshot, RepAssignment
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.routing_store import SqlRouting
from .domain.reps import month_of
from .domain.routing import Account, Assignment, RoutingRules, route_lead

UNROUTED = RepAssignment(rule="unassigned", reason="no routing rules are configured; the CRM's own rules decide")


def account_of(snapshot: LeadSnapshot) -> Account:
    company = snapshot.company
    email_domain = snapshot.email.rsplit("@", 1)[-1] if snapshot.email and "@" in snapshot.email else None
    if company is None:
        return Account(domain=email_domain)
    return Account(company.domain or email_domain, company.name, company.country, company.industry)


def to_event(assignment: Assignment, rules: RoutingRules, rule: str | None = None) -> RepAssignment:
    rep = assignment.rep
    return RepAssignment(
        rep_id=rep.rep_id if rep else None,
        rep_name=rep.name if rep else None,
        rep_email=rep.email if rep else None,
        crm_owner_id=rep.crm_owner_id if rep else None,
        team=assignment.team,
        rule=rule or assignment.rule,
        reason=assignment.reason,
        explanation=list(assignment.explanation),
        routing_version=rules.version,
    )


class Router:
    """Use: `decision = await router.decide(...)`, then `await router.save(decision)` only if
    the handoff it belongs to was stored (a duplicate event must not move the round robin)."""

    def __init__(self, session: AsyncSession, rules: RoutingRules, now: datetime) -> None:
        self._store = SqlRouting(session)
        self._rules = rules
        self._now = now

    async def decide(self, account: Account, exclude: frozenset[str] = frozenset()) -> Assignment:
        await self._store.lock()
        state = await self._store.state(month_of(self._now))
        return route_lead(account, self._rules, state, self._now, exclude)

    async def save(self, assignment: Assignment) -> None:
        await self._store.save(assignment, month_of(self._now))
