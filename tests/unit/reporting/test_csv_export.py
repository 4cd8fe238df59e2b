"""Every figure a report's JSON has is in its CSV, in the row its labels name, in both dialects."""

import csv
import io

import pytest
from lead_runtime.csv_dialect import BOM, EXCEL_DE, PLAIN, CsvDialect, csv_cell, csv_text
from reporting import reports
from reporting.csv_export import OTHER_STAGES, attribution_table, funnel_table, plan_table, sla_table
from reporting.domain.model import FUNNEL

from .history import WEEK, h, small_history

NOW = h(100)
ALIASES = {"overall": "(all)"}
STAGES = {*FUNNEL, *OTHER_STAGES}  # a stage in a path names a row, whether the CSV has it or not
RATES = {"marketing_lead_to_sales_ready": 0.25, "sales_ready_to_sales_accepted": 0.5,
         "sales_accepted_to_opportunity": 0.8, "opportunity_to_won": 0.2}


def _reports() -> dict[str, tuple[dict, list[list]]]:
    history = small_history()
    funnel = reports.funnel_report(history, WEEK, NOW, "persona")
    sla = reports.sla(history, WEEK, NOW)
    attribution = reports.attribution_report(history, WEEK, "sales_ready")
    plan = reports.plan_report(history, NOW, 10_000_000, 0.4, 50_000, {"opportunity_to_won": 0.2})
    return {"funnel": (funnel, funnel_table(funnel)), "sla": (sla, sla_table(sla)),
            "attribution": (attribution, attribution_table(attribution)), "plan": (plan, plan_table(plan))}


def figures(doc, path=()):
    """(path, value) for every number and yes/no in a JSON document."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from figures(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from figures(value, (*path, i))
    elif isinstance(doc, int | float):
        yield path, doc


def missing_figures(report: dict, text: str, dialect: CsvDialect) -> list:
    """The figures not found in a row that also holds every label of their path the CSV uses
    (`overall.recycled.reasons.not_ready` must sit in the row of (all), recycled, not_ready)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=dialect.delimiter))[1:]
    labels = {cell for row in rows for cell in row} | STAGES
    missing = []
    for path, value in figures(report):
        names = {ALIASES.get(p, p) for p in path if isinstance(p, str)} & labels
        if not any(csv_cell(value, dialect) in row and names <= set(row) for row in rows):
            missing.append((".".join(map(str, path)), value))
    return missing


@pytest.mark.parametrize("dialect", [PLAIN, EXCEL_DE], ids=["plain", "excel-de"])
@pytest.mark.parametrize("name", ["funnel", "sla", "attribution", "plan"])
def test_every_figure_of_the_json_is_in_the_csv(name, dialect):
    report, table = _reports()[name]
    assert list(figures(report))  # the walk sees figures at all
    assert missing_figures(report, csv_text(table, dialect), dialect) == []


def test_the_funnel_csv_has_recycled_disqualified_and_lost_with_their_reasons():
    report, table = _reports()["funnel"]
    rows = {(r[0], r[1], r[2]): dict(zip(table[0], r)) for r in table[1:]}
    overall = report["overall"]
    assert rows["(all)", "recycled", None]["in"] == overall["recycled"]["count"] == 2
    assert rows["(all)", "recycled", None]["recycle_rate"] == overall["recycled"]["rate"]
    assert rows["(all)", "recycled", "not_ready"]["in"] == 1 and rows["(all)", "recycled", "no_budget"]["in"] == 1
    assert rows["(all)", "disqualified", "competitor"]["in"] == overall["disqualified"]["count"] == 1
    assert rows["(all)", "lost", None]["in"] == overall["sales"]["lost"] == 0
    assert rows["(all)", "sales_ready", None]["in"] == overall["sales_ready_episodes"]


def test_the_csv_names_its_period_in_iso_8601_in_both_dialects():
    report, table = _reports()["funnel"]
    text = csv_text(table, EXCEL_DE)
    assert f'{report["period"]["from"]};{report["period"]["to"]}\r\n' in text


def test_the_walk_notices_a_figure_the_csv_leaves_out():
    report, table = _reports()["funnel"]
    without_lost = [row for row in table if row[1] != "lost"]
    assert ("overall.sales.lost", 0) in missing_figures(report, csv_text(without_lost), PLAIN)
    without_rate = [row[:-3] + row[-2:] for row in table]
    assert ("overall.recycled.rate", report["overall"]["recycled"]["rate"]) in missing_figures(
        report, csv_text(without_rate), PLAIN)
