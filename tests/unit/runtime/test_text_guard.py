"""Every service's routes: unstorable text in the path, query or JSON body is a 422 problem, not a 500."""

import httpx
import pytest
from fastapi import APIRouter
from lead_runtime.service import create_app
from lead_runtime.settings import HttpSettings, KafkaSettings, ServiceSettings
from pydantic import BaseModel


class Note(BaseModel):
    text: str
    tags: dict[str, str] = {}


def _app():
    router = APIRouter()

    @router.post("/v1/notes")
    async def post_note(note: Note) -> dict:
        return {"text": note.text}

    @router.get("/v1/notes/{note_id}")
    async def get_note(note_id: str, q: str = "") -> dict:
        return {"id": note_id, "q": q}

    settings = ServiceSettings(kafka=KafkaSettings(bootstrap_servers="x:1"), http=HttpSettings(port=1))
    return create_app(name="t", settings=settings, database=None, build=None, routers=[router])


async def _call(method: str, url: str, **kw) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as c:
        return await c.request(method, url, **kw)


def _problem(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"])
async def test_a_json_body_with_unstorable_text_is_refused_naming_the_field(escape):
    body = '{"text": "a%s", "tags": {"k": "v"}}' % escape
    _problem(await _call("POST", "/v1/notes", content=body, headers={"content-type": "application/json"}), "body.text")
    body = '{"text": "a", "tags": {"k%s": "v"}}' % escape
    response = await _call("POST", "/v1/notes", content=body, headers={"content-type": "application/json"})
    _problem(response, "body.tags.k" + escape)


async def test_nul_in_the_path_or_query_is_refused():
    _problem(await _call("GET", "/v1/notes/a%00b"), "path")
    _problem(await _call("GET", "/v1/notes/a?q=x%00"), "query.q")


async def test_ordinary_text_passes_and_the_route_still_reads_the_body():
    response = await _call("POST", "/v1/notes", json={"text": "Grüße ✓", "tags": {"a": "b"}})
    assert response.status_code == 200 and response.json() == {"text": "Grüße ✓"}
    assert (await _call("GET", "/v1/notes/x?q=ä")).json() == {"id": "x", "q": "ä"}


async def test_an_unknown_route_is_a_problem_document():
    response = await _call("GET", "/v1/nowhere")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
