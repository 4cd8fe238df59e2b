"""`make demo`: feeds realistic journeys through the running stack and reports what happened.

Run after `make up` (the Makefile does). A second run sends the same sender ids again, which
ingest accepts and scoring counts once, so the figures do not change.
"""

import os
import sys
import time
from collections import Counter

import httpx
from lead_events import lead_id_for

from tools.demo_journeys import EXPECTED, PEOPLE, touchpoints


def _url(service: str, default_port: int) -> str:
    return f"http://127.0.0.1:{os.environ.get(f'{service.upper()}_HTTP__PORT', default_port)}"


INGEST, SCORING, NURTURE, HANDOFF, REPORTING = (
    _url("ingest", 8001), _url("scoring", 8002), _url("nurture", 8003), _url("handoff", 8004), _url("reporting", 8005)
)
CRM = f"http://127.0.0.1:{os.environ.get('LEADFLOW_CRM_SANDBOX_PORT', 9100)}/leads"
FEEDBACK = [("anna", "accepted", None), ("juergen", "rejected", "not_ready")]


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def feed(client: httpx.Client) -> None:
    bodies = touchpoints()
    step(f"sending {len(bodies)} touchpoints of {len(PEOPLE)} people to ingest ({INGEST})")
    for i, body in enumerate(bodies, 1):
        answer = client.post(f"{INGEST}/v1/touchpoints", json=body)
        if answer.status_code != 202:
            sys.exit(f"ingest refused a demo touchpoint ({answer.status_code}): {answer.text}")
        print(f"\r    {i}/{len(bodies)} accepted", end="", flush=True)
    print()


def lead(client: httpx.Client, who: str) -> dict | None:
    answer = client.get(f"{SCORING}/v1/leads/{lead_id_for(PEOPLE[who]['email'])}")
    return answer.json() if answer.status_code == 200 else None


def wait_for(client: httpx.Client, expected: dict[str, str], what: str, timeout: float = 60) -> dict[str, dict]:
    step(f"waiting until {what}")
    deadline = time.monotonic() + timeout
    while True:
        leads = {who: lead(client, who) for who in expected}
        done = [w for w, l in leads.items() if l and l["stage"] in _accept(expected[w])]
        print(f"\r    {len(done)}/{len(expected)} leads where the agreement puts them", end="", flush=True)
        if len(done) == len(expected):
            print()
            return leads
        if time.monotonic() > deadline:
            print()
            late = {w: (l or {}).get("stage") for w, l in leads.items() if w not in done}
            sys.exit(f"timed out; not where expected: {late}. Logs: .run/logs/*.log")
        time.sleep(0.5)


def _accept(stage: str) -> set[str]:
    # A second demo run finds handed-off leads already further down the funnel.
    return {stage, "sales_accepted", "recycled"} if stage == "sales_ready" else {stage}


def crm_feedback(client: httpx.Client) -> None:
    step("the CRM answers: Anna accepted, Jürgen rejected as not ready yet")
    for who, outcome, reason in FEEDBACK:
        email = PEOPLE[who]["email"]
        wait_until_in_crm(client, email)
        answer = client.post(f"{HANDOFF}/v1/crm/feedback", json={"email": email, "outcome": outcome, "reason": reason, "rep_id": "rep-nord-1"})
        note = "recorded" if answer.status_code == 200 else f"{answer.status_code}: {answer.json().get('detail')}"
        print(f"    {who}: {outcome} -> {note}")


def wait_until_in_crm(client: httpx.Client, email: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        handoffs = client.get(f"{HANDOFF}/v1/handoffs/{lead_id_for(email)}")
        if handoffs.status_code == 200 and handoffs.json()["handoffs"][-1]["delivery"]["status"] == "delivered":
            return
        time.sleep(0.3)
    sys.exit(f"{email} did not reach the CRM within {timeout}s; see .run/logs/handoff.log")


def report(client: httpx.Client) -> None:
    final = {"anna": "sales_accepted", "juergen": "recycled"}
    leads = wait_for(client, {w: final.get(w, s) for w, s in EXPECTED.items()}, "sales' answers are applied")
    print("\nLeads per stage")
    for stage, n in sorted(Counter(l["stage"] for l in leads.values()).items()):
        print(f"    {stage:<16} {n}")
    print("\nHanded to sales (the CRM received them) and why")
    for who, l in leads.items():
        if EXPECTED[who] == "sales_ready":
            why = next(h["reason"] for h in l["stage_history"] if h["to"] == "sales_ready")
            print(f"    {_name(who)}: fit {l['fit_grade']}, {l['total_score']:.0f} points, persona {l['persona']}; now {l['stage']}")
            print(f"        why: {why}")
    print("\nNot handed to sales")
    for who, l in leads.items():
        if EXPECTED[who] != "sales_ready":
            print(f"    {_name(who)} ({l['stage']}): {l['explanation']['summary']}")
    print("\nNurture: the next content step per lead")
    for who in leads:
        n = client.get(f"{NURTURE}/v1/leads/{lead_id_for(PEOPLE[who]['email'])}/nurture")
        info = n.json() if n.status_code == 200 else {}
        steps = info.get("steps") or []
        last = f"last step: {steps[-1].get('title')}" if steps else "no step sent"
        nothing = (info.get("nothing_due") or {}).get("reason")
        print(f"    {_name(who)}: {last}; {nothing or _next(info)}")
    for who, stage in EXPECTED.items():
        if stage == "sales_ready":
            wait_until_in_crm(client, PEOPLE[who]["email"])  # the CRM push runs on its own schedule
    crm = client.get(CRM).json()
    print(f"\nCRM sandbox ({CRM}) holds {len(crm['leads'])} lead(s) from {crm['requests']} push request(s)")
    funnel = wait_for_report(client)
    conv = funnel["conversion"]
    print("\nFunnel (reporting, from the events; last 30 days)")
    print("    reached: " + ", ".join(f"{s} {n}" for s, n in funnel["reached_in_period"].items()))
    print(f"    marketing lead -> sales-ready {_pct(conv['marketing_lead->sales_ready']['rate'])}, "
          f"recycled {funnel['recycled']['count']}, disqualified {funnel['disqualified']['count']} {funnel['disqualified']['reasons']}")


def wait_for_report(client: httpx.Client, timeout: float = 30) -> dict:
    """Reporting reads the topics on its own; give it a moment to catch up with the journeys."""
    deadline = time.monotonic() + timeout
    while True:
        funnel = client.get(f"{REPORTING}/v1/reports/funnel").json()["overall"]
        if funnel["recycled"]["count"] >= 1 and funnel["disqualified"]["count"] >= 2 or time.monotonic() > deadline:
            return funnel
        time.sleep(0.5)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f} %"


def _name(who: str) -> str:
    p = PEOPLE[who]
    return f"{p['first_name']} {p['last_name']} ({p['company']['name']})"


def _next(info: dict) -> str:
    nxt = info.get("next_step")
    return f"next: {nxt.get('title')} due {nxt.get('due_at')}" if nxt else "nothing due"


def main() -> None:
    with httpx.Client(timeout=30) as client:
        feed(client)
        wait_for(client, EXPECTED, "scoring has applied the agreement")
        crm_feedback(client)
        report(client)
    print(
        "\nThe stack keeps running. Look around:\n"
        f"    {SCORING}/v1/leads?stage=sales_ready       leads by stage, newest first, paged\n"
        f"    {HANDOFF}/v1/handoffs/<lead_id>            handoffs, delivery attempts, SLA\n"
        f"    {NURTURE}/v1/leads/<lead_id>/nurture       nurture track and next step\n"
        f"    {REPORTING}/                                    the funnel dashboard (CSV: /v1/reports/funnel?format=csv)\n"
        f"    {INGEST}/docs                              post your own touchpoints\n"
        "    .run/logs/                                      JSON logs of every process\n"
        "Stop everything with: make down"
    )


if __name__ == "__main__":
    main()
