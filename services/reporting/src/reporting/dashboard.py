"""The dashboard page: server-rendered HTML with inline SVG charts; no script, no CDN, works offline.
Every figure carries `data-metric` so a browser test can compare it with the API."""

from html import escape

from .domain.model import FUNNEL

BAR_W, ROW_H, LABEL_W = 400, 26, 240
STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#1d2733;background:#f6f8fa}
h1{font-size:22px} h2{font-size:16px;margin:0 0 8px}
section{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:16px;margin:0 16px 16px 0;display:inline-block;vertical-align:top}
table{border-collapse:collapse;font-size:13px} td,th{padding:3px 8px;text-align:right;border-bottom:1px solid #eee}
td:first-child,th:first-child{text-align:left} .muted{color:#667;font-size:12px}
form input{width:110px}
"""


def bars(title: str, values: list[tuple[str, float, str]], metric: str, color: str = "#2f6feb") -> str:
    """Horizontal bars: (label, value, shown text)."""
    top = max((v for _, v, _ in values), default=0) or 1
    rows = []
    for i, (label, value, shown) in enumerate(values):
        y = i * ROW_H
        w = max(value / top * BAR_W, 1 if value else 0)
        rows.append(
            f'<text x="0" y="{y + 17}" font-size="13">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{w:.1f}" height="{ROW_H - 8}" fill="{color}" rx="3"/>'
            f'<text x="{LABEL_W + 6 + w:.1f}" y="{y + 17}" font-size="13" data-metric="{escape(metric)}.{escape(label)}">{escape(shown)}</text>'
        )
    height = max(len(values), 1) * ROW_H
    body = "".join(rows) or '<text x="0" y="17" font-size="13" fill="#667">no data yet</text>'
    return f'<section><h2>{escape(title)}</h2><svg width="{LABEL_W + BAR_W + 80}" height="{height}" role="img">{body}</svg></section>'


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f} %"


def render(funnel: dict, sla: dict, attribution: dict, plan: dict | None, plan_form: dict, lag: list[dict]) -> str:
    f = funnel["overall"]
    parts = [
        bars("Funnel: leads that reached each stage", [(s, f["reached_in_period"][s], str(f["reached_in_period"][s])) for s in FUNNEL], "reached"),
        bars("Leads per stage now", [(s, n, str(n)) for s, n in sorted(f["leads_per_stage"].items())], "stage", "#8250df"),
        bars("Conversion between stages", [(k.replace("->", " → "), v["rate"] or 0, _pct(v["rate"])) for k, v in f["conversion"].items()], "conversion", "#1a7f37"),
        bars("SLA: first contact in time, per rep", [(rep, s["first_contact_rate"] or 0, _pct(s["first_contact_rate"])) for rep, s in sla["by_rep"].items()], "sla", "#bf8700"),
        bars(f"What content works ({attribution['stage']}, linear)", [(i["item"], i["linear"], f"{i['linear']:.2f}") for i in attribution["items"][:10]], "attribution", "#cf222e"),
        _kpis(f, sla),
        _planner(plan, plan_form),
        _lag(lag),
    ]
    period = funnel["period"]
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>leadflow funnel</title><style>{STYLE}</style></head><body>"
        f"<h1>leadflow: the funnel marketing and sales share</h1>"
        f"<p class='muted'>Period {escape(period['from'][:10])} to {escape(period['to'][:10])}. Same figures as "
        f"<code>/v1/reports/funnel</code>, <code>/v1/reports/sla</code>, <code>/v1/reports/attribution</code>; CSV with <code>?format=csv</code>.</p>"
        + "".join(parts) + "</body></html>"
    )


def _kpis(f: dict, sla: dict) -> str:
    m, s, o = f["marketing"], f["sales"], sla["overall"]
    rows = [
        ("Marketing: marketing leads", m["marketing_leads"], "kpi.marketing_leads"),
        ("Marketing: sales-ready leads", m["sales_ready_leads"], "kpi.sales_ready_leads"),
        ("Marketing: MQL → SRL", _pct(m["mql_to_srl"]), "kpi.mql_to_srl"),
        ("Sales: accepted", s["accepted"], "kpi.accepted"),
        ("Sales: opportunities", s["opportunities"], "kpi.opportunities"),
        ("Sales: won / lost", f"{s['won']} / {s['lost']}", "kpi.won_lost"),
        ("Recycled (rate)", f"{f['recycled']['count']} ({_pct(f['recycled']['rate'])})", "kpi.recycled"),
        ("Disqualified", f["disqualified"]["count"], "kpi.disqualified"),
        ("SLA breaches open", o["open_breaches"], "kpi.open_breaches"),
    ]
    body = "".join(f'<tr><td>{escape(k)}</td><td data-metric="{m_}">{escape(str(v))}</td></tr>' for k, v, m_ in rows)
    return f"<section><h2>Marketing and sales, kept apart</h2><table>{body}</table></section>"


def _planner(plan: dict | None, form: dict) -> str:
    inputs = "".join(
        f"<label>{escape(label)} <input name='{name}' value='{escape(str(form.get(name, '')))}'></label><br>"
        for name, label in (("target", "Revenue target per year (EUR)"), ("share", "Marketing share (0..1)"), ("deal", "Average deal (EUR)"))
    )
    table = ""
    if plan and "needed" in plan:
        rows = "".join(
            f"<tr><td>{escape(stage)}</td><td>{r['quarter']['to_plan']}</td><td data-metric=\"plan.{stage}.week\">{r['week']['to_plan']}</td>"
            f"<td>{r.get('run_rate_per_week', '')}</td><td>{'yes' if r.get('on_track') else 'no'}</td></tr>"
            for stage, r in plan["needed"].items()
        )
        table = f"<table><tr><th>needed</th><th>per quarter</th><th>per week</th><th>now per week</th><th>on track</th></tr>{rows}</table>"
    elif plan and plan.get("error") == "out_of_range":
        table = f"<p class='muted'>{escape(plan['detail'])}</p>"
    elif plan:
        table = f"<p class='muted'>Rates missing ({escape(', '.join(plan.get('missing', [])))}): not enough history yet; enter them via POST /v1/plan.</p>"
    return f"<section><h2>Reverse-funnel planner</h2><form method='get'>{inputs}<button>Plan</button></form>{table}</section>"


def _lag(lag: list[dict]) -> str:
    if not lag:
        return "<section><h2>Topic lag</h2><p class='muted'>No consumer lag reported.</p></section>"
    rows = "".join(
        f"<tr><td>{escape(r['group'])}</td><td>{escape(r['topic'])}</td><td data-metric=\"lag.{escape(r['group'])}.{escape(r['topic'])}\">{r['lag']}</td></tr>"
        for r in lag
    )
    return f"<section><h2>Topic lag</h2><table><tr><th>group</th><th>topic</th><th>lag</th></tr>{rows}</table></section>"
