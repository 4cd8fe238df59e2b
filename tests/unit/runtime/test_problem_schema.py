"""The published OpenAPI says what the services answer to a bad request: problem+json."""

from fastapi import FastAPI
from lead_runtime.problems import PROBLEM, install_problem_handlers
from pydantic import BaseModel
from starlette.testclient import TestClient


class Body(BaseModel):
    count: int


def an_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def create(body: Body) -> dict:
        return {"count": body.count}

    return app


def test_a_validation_error_is_documented_and_answered_as_problem_json():
    app = an_app()
    refused = app.openapi()["paths"]["/things"]["post"]["responses"]["422"]["content"]
    assert list(refused) == [PROBLEM]
    assert refused[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]
    answer = TestClient(app).post("/things", json={"count": "many"})
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    assert set(app.openapi()["components"]["schemas"]["Problem"]["required"]) <= set(answer.json())
