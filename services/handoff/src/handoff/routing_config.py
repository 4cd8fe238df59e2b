"""config/routing.yaml: who sells where, validated at start-up (file, line and field on error)."""

from datetime import date
from pathlib import Path
from typing import Self

from lead_runtime.config import load_model
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .domain.reps import Leave, Rep
from .domain.routing import RoutingRules, Territory

FILE_NAME = "routing.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeaveIn(_Strict):
    start: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.to < self.start:
            raise ValueError("leave ends before it starts")
        return self


class RepIn(_Strict):
    id: str = Field(min_length=1)
    team: str = Field(min_length=1)
    name: str | None = None
    email: str | None = None
    crm_owner_id: str | None = None
    weight: float = Field(1.0, gt=0)
    monthly_capacity: int | None = Field(None, ge=0)
    leave: list[LeaveIn] = []
    active: bool = True


class TeamIn(_Strict):
    escalate_to: str | None = Field(None, description="Told when a lead of this team breaches the SLA.")


class TerritoryIn(_Strict):
    name: str = Field(min_length=1)
    team: str = Field(min_length=1)
    countries: list[str] = []
    regions: list[str] = []
    industries: list[str] = []


class NamedAccountIn(_Strict):
    rep: str = Field(min_length=1)
    domain: str | None = None
    company: str | None = None

    @model_validator(mode="after")
    def _has_key(self) -> Self:
        if not self.domain and not self.company:
            raise ValueError("give the account's domain or company name")
        return self


class RoutingFile(_Strict):
    version: str = Field(min_length=1)
    regions: dict[str, list[str]] = {}
    teams: dict[str, TeamIn] = {}
    default_team: str | None = None
    territories: list[TerritoryIn] = []
    reps: list[RepIn] = Field(min_length=1)
    named_accounts: list[NamedAccountIn] = []

    @model_validator(mode="after")
    def _references_exist(self) -> Self:
        rep_ids = [r.id for r in self.reps]
        if len(set(rep_ids)) != len(rep_ids):
            raise ValueError("rep ids must be unique")
        teams = {r.team for r in self.reps} | set(self.teams)
        for t in self.territories:
            if t.team not in teams:
                raise ValueError(f"territory {t.name}: team {t.team} has no reps")
            unknown = [r for r in t.regions if r not in self.regions]
            if unknown:
                raise ValueError(f"territory {t.name}: unknown region(s) {', '.join(unknown)}")
        if self.default_team and self.default_team not in teams:
            raise ValueError(f"default_team {self.default_team} has no reps")
        for a in self.named_accounts:
            if a.rep not in rep_ids:
                raise ValueError(f"named account {a.domain or a.company}: unknown rep {a.rep}")
        return self

    def to_rules(self) -> RoutingRules:
        def countries(t: TerritoryIn) -> frozenset[str]:
            listed = set(t.countries).union(*(self.regions[r] for r in t.regions))
            return frozenset(c.upper() for c in listed)

        named = {}
        for a in self.named_accounts:
            if a.domain:
                named[a.domain.strip().lower().removeprefix("www.")] = a.rep
            if a.company:
                named[" ".join(a.company.lower().split())] = a.rep
        return RoutingRules(
            version=self.version,
            reps=tuple(
                Rep(r.id, r.team, r.name, r.email, r.crm_owner_id, r.weight, r.monthly_capacity,
                    tuple(Leave(v.start, v.to) for v in r.leave), r.active)
                for r in self.reps
            ),
            territories=tuple(
                Territory(t.name, t.team, countries(t), frozenset(i.lower() for i in t.industries))
                for t in self.territories
            ),
            named_accounts=named,
            default_team=self.default_team,
            escalation={name: t.escalate_to for name, t in self.teams.items() if t.escalate_to},
        )


def load_routing(config_dir: Path) -> RoutingRules | None:
    """None when the deployment has no routing file: leads go to the CRM unassigned."""
    path = config_dir / FILE_NAME
    if not path.exists():
        return None
    return load_model(path, RoutingFile).to_rules()
