"""The dashboard in a real browser after the demo's journeys: it shows the numbers the API gives,
and the screenshot has charts with data in it."""

import re

import httpx
import pytest
from PIL import Image

from tests.browser import rendered_dom, screenshot
from tests.kafka_tools import eventually
from tools.demo_journeys import touchpoints

pytestmark = pytest.mark.e2e
BAR_BLUE = (0x2F, 0x6F, 0xEB)  # the funnel chart's bars (reporting/dashboard.py)


async def test_dashboard_shows_the_api_figures_with_charts(stack, tmp_path):
    async with httpx.AsyncClient(timeout=30) as client:
        for body in touchpoints():
            assert (await client.post(f"{stack.url('ingest')}/v1/touchpoints", json=body)).status_code == 202

        previous: dict = {}

        async def settled():
            # demo: 8 people; Max and Petra disqualified; 5 reach marketing lead, 3 of them sales-ready
            f = (await client.get(f"{stack.url('reporting')}/v1/reports/funnel")).json()["overall"]
            reached = f["reached_in_period"]
            done = (reached["prospect"], reached["marketing_lead"], reached["sales_ready"], f["disqualified"]["count"]) == (6, 5, 3, 2)
            stable = f == previous.get("last")  # the same figures twice in a row: nothing more arriving
            previous["last"] = f
            return f if done and stable else None

        funnel = await eventually(settled, timeout=60, interval=1.0)

    dom = rendered_dom(stack.url("reporting") + "/")
    shown = dict(re.findall(r'data-metric="([^"]+)"[^>]*>([^<]*)<', dom))
    for stage, n in funnel["reached_in_period"].items():
        assert shown[f"reached.{stage}"] == str(n), stage
    assert shown["kpi.disqualified"] == "2"

    picture = Image.open(screenshot(stack.url("reporting") + "/", tmp_path / "dashboard.png")).convert("RGB")
    blue = sum(1 for px in picture.getdata() if all(abs(a - b) < 12 for a, b in zip(px, BAR_BLUE)))
    assert blue > 2000, f"the funnel bars are not drawn ({blue} bar pixels)"
