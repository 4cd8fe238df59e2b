"""SqlAgreements: which agreement version is active. Never commits."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.policy import ScoringPolicy
from .tables import agreements


@dataclass(frozen=True)
class StoredAgreement:
    version: str
    document: dict
    loaded_from: str | None
    activated_at: datetime | None


class SqlAgreements:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active(self) -> StoredAgreement | None:
        query = (
            select(agreements).where(agreements.c.activated_at.is_not(None))
            .order_by(agreements.c.activated_at.desc()).limit(1)
        )
        row = (await self.session.execute(query)).first()
        return StoredAgreement(row.version, row.document, row.loaded_from, row.activated_at) if row else None

    async def history(self) -> list[StoredAgreement]:
        rows = (await self.session.execute(select(agreements).order_by(agreements.c.created_at))).all()
        return [StoredAgreement(r.version, r.document, r.loaded_from, r.activated_at) for r in rows]

    async def store(self, policy: ScoringPolicy, loaded_from: str, activate: bool) -> None:
        """Records a version (a version's content never changes) and optionally makes it active."""
        stmt = pg_insert(agreements).values(
            version=policy.version, document=policy.model_dump(mode="json"), loaded_from=loaded_from
        )
        await self.session.execute(stmt.on_conflict_do_nothing())
        if activate:
            await self.session.execute(
                update(agreements).where(agreements.c.version == policy.version).values(activated_at=func.now())
            )
