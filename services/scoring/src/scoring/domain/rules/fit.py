"""Profile fit: company size, industry, country, persona, free-mail; exclusions disqualify."""

from ..model import FitAssessment, LeadProfile, ScoreLine
from ..policy import Exclusions, Fit, Persona, ScoringPolicy


def find_persona(job_title: str | None, personas: list[Persona]) -> Persona | None:
    title = (job_title or "").lower()
    return next((p for p in personas if any(m in title for m in p.title_markers)), None)


def find_exclusion(profile: LeadProfile, rules: Exclusions) -> str | None:
    """Why the agreement excludes this person whatever their behaviour, or None."""
    domains = {d for d in (profile.email_domain, profile.domain) if d}
    title = (profile.job_title or "").lower()
    if hit := domains & set(rules.competitor_domains):
        return f"competitor: {sorted(hit)[0]} is on the competitor list"
    if hit := domains & set(rules.consultant_domains):
        return f"consultant: {sorted(hit)[0]} is a consultancy"
    if marker := next((m for m in rules.consultant_title_markers if m in title), None):
        return f"consultant: job title '{profile.job_title}' contains '{marker}'"
    if marker := next((m for m in rules.student_title_markers if m in title), None):
        return f"student: job title '{profile.job_title}' contains '{marker}'"
    industry = (profile.industry or "").lower()
    for other in rules.other:
        if domains & set(other.domains) or any(m in title for m in other.title_markers) or industry in other.industries:
            return f"{other.reason}: excluded by the agreement"
    return None


def _band_points(value: int | None, bands: list, attr: str) -> float:
    band = next((b for b in bands if value is not None and value >= getattr(b, attr)), None)
    return band.points if band else 0


def _size_lines(profile: LeadProfile, fit: Fit) -> tuple[list[ScoreLine], bool]:
    """Company size by employees and/or revenue: either reaching its minimum qualifies."""
    employees_ok = None if profile.employees is None else profile.employees >= fit.min_employees
    revenue_ok = (
        None if profile.annual_revenue_eur is None or fit.min_annual_revenue_eur is None
        else profile.annual_revenue_eur >= fit.min_annual_revenue_eur
    )
    qualifies = bool(employees_ok or revenue_ok) or (employees_ok is None and revenue_ok is None)
    points = max(
        _band_points(profile.employees, fit.employee_points, "min"),
        _band_points(profile.annual_revenue_eur, fit.revenue_points, "min_eur"),
    )
    facts = []
    if profile.employees is not None:
        facts.append(f"{profile.employees} employees")
    if profile.annual_revenue_eur is not None:
        facts.append(f"revenue EUR {profile.annual_revenue_eur:,}")
    detail = ", ".join(facts) or "company size unknown"
    if not qualifies:
        minimum = f"the minimum of {fit.min_employees} employees"
        if fit.min_annual_revenue_eur is not None:
            minimum += f" or EUR {fit.min_annual_revenue_eur:,} revenue"
        detail += f", under {minimum}"
    return [ScoreLine("fit.company_size", points if qualifies else 0, detail=detail)], qualifies


def grade_for(score: float, grades: dict[str, float]) -> str:
    for grade, minimum in sorted(grades.items(), key=lambda kv: -kv[1]):
        if score >= minimum:
            return grade
    return "D"


def assess_fit(profile: LeadProfile, policy: ScoringPolicy) -> FitAssessment:
    fit = policy.fit
    lines, qualifies = _size_lines(profile, fit)
    if profile.industry and profile.industry.lower() in fit.target_industries.values:
        lines.append(ScoreLine("fit.industry", fit.target_industries.points, detail=profile.industry))
    if profile.country and profile.country.upper() in fit.target_countries.values:
        lines.append(ScoreLine("fit.country", fit.target_countries.points, detail=profile.country))
    if profile.email_domain in fit.free_mail.domains:
        lines.append(ScoreLine("fit.free_mail", fit.free_mail.points, detail=profile.email_domain))
    persona = find_persona(profile.job_title, fit.personas)
    if persona:
        lines.append(ScoreLine(f"fit.persona.{persona.name}", persona.points, detail=profile.job_title))
    score = sum(line.points for line in lines)
    exclusion = find_exclusion(profile, policy.exclusions)
    grade = "D" if exclusion or not qualifies else grade_for(score, fit.grades)
    return FitAssessment(
        score=score,
        grade=grade,
        persona=persona.name if persona else None,
        authority=persona.authority if persona else None,
        qualifies=qualifies and exclusion is None,
        lines=tuple(lines),
        exclusion=exclusion,
    )
