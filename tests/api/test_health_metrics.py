"""GET /api/health (public, 503 when the database is gone) and GET /metrics (admin or a metrics API key)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai import __version__
from factoryai.accounts import service as accounts
from factoryai.accounts.models import ApiKeyScope
from factoryai.accounts.schemas import ApiKeyCreate
from factoryai.core.config import DatabaseSettings
from factoryai.core.db import create_db_engine, create_session_factory, unit_of_work
from tests.conftest import assert_error

UNREACHABLE_URL = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def requests_total(text: str, route: str, method: str = "GET", status: str | None = None) -> float:
    """Sum of factoryai_http_requests_total samples for one route label (and status, if given)."""
    total = 0.0
    for line in text.splitlines():
        sample = re.match(r"factoryai_http_requests_total\{(.*)\} (\S+)$", line)
        if sample is None:
            continue
        # Route templates contain braces ({employee_id}), so the label block ends at the last "}".
        labels = dict(re.findall(r'(\w+)="([^"]*)"', sample.group(1)))
        wanted = labels.get("route") == route and labels.get("method") == method
        if wanted and (status is None or labels.get("status") == status):
            total += float(sample.group(2))
    return total


def make_api_key(engine: Engine, *scopes: ApiKeyScope) -> str:
    with unit_of_work(create_session_factory(engine)) as s:
        _key, plaintext = accounts.create_api_key(s, ApiKeyCreate(name="test", scopes=list(scopes)), None)
    return plaintext


# --- health -------------------------------------------------------------------------------------------


def test_health_without_authentication(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"status", "version", "uptime_seconds", "database", "cameras"}
    assert body["cameras"] == []  # no camera runs (tests/video checks the list where they do)
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"] == __version__
    assert isinstance(body["uptime_seconds"], int | float)
    assert body["uptime_seconds"] >= 0


def test_health_ignores_a_bad_token(client: TestClient) -> None:
    response = client.get("/api/health", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_health_uptime_does_not_go_backwards(client: TestClient) -> None:
    first = client.get("/api/health").json()["uptime_seconds"]
    second = client.get("/api/health").json()["uptime_seconds"]
    assert second >= first


@pytest.fixture
def unreachable_engine() -> Iterator[Engine]:
    engine = create_db_engine(DatabaseSettings(url=UNREACHABLE_URL, connect_timeout_seconds=1))
    yield engine
    engine.dispose()


def test_health_when_the_database_is_unreachable(client: TestClient, app, unreachable_engine: Engine) -> None:
    original = app.state.engine
    app.state.engine = unreachable_engine
    try:
        response = client.get("/api/health")
    finally:
        app.state.engine = original
    error = assert_error(response, 503, "database_unavailable")
    assert error["details"][0]["database"] == "unreachable"
    assert error["details"][0]["status"] == "unavailable"
    assert error["details"][0]["version"] == __version__
    assert error["details"][0]["uptime_seconds"] >= 0
    assert "127.0.0.1:1" not in response.text  # no connection details leak out
    assert response.headers.get("x-request-id")

    # Once the database is back, so is the service.
    again = client.get("/api/health")
    assert again.status_code == 200
    assert again.json()["database"] == "ok"


def test_health_is_get_only(client: TestClient) -> None:
    assert_error(client.post("/api/health"), 405, "method_not_allowed")


# --- metrics: access ----------------------------------------------------------------------------------


def test_metrics_without_authentication(client: TestClient) -> None:
    response = client.get("/metrics")
    assert_error(response, 401, "unauthorized")
    assert "factoryai_http_requests_total" not in response.text


def test_metrics_with_a_bad_token(client: TestClient) -> None:
    assert_error(client.get("/metrics", headers={"Authorization": "Bearer nonsense"}), 401)


@pytest.mark.parametrize("role", ["viewer", "hr", "security"])
def test_metrics_refuses_non_admin_users(
    client: TestClient, make_user: Callable[..., dict[str, str]], role: str
) -> None:
    response = client.get("/metrics", headers=make_user(role))
    assert_error(response, 403, "forbidden")
    assert "factoryai_http_requests_total" not in response.text


def test_metrics_for_admin(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.get("/metrics", headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE factoryai_http_requests_total counter" in response.text
    assert "factoryai_http_request_duration_seconds_bucket" in response.text
    assert "factoryai_login_failures_total" in response.text


def test_metrics_with_a_metrics_api_key_as_bearer(client: TestClient, clean_db: Engine) -> None:
    key = make_api_key(clean_db, ApiKeyScope.METRICS)
    response = client.get("/metrics", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    assert "factoryai_http_requests_total" in response.text


def test_metrics_with_a_metrics_api_key_header(client: TestClient, clean_db: Engine) -> None:
    key = make_api_key(clean_db, ApiKeyScope.METRICS)
    assert client.get("/metrics", headers={"X-API-Key": key}).status_code == 200


def test_metrics_refuses_an_ingest_only_api_key(client: TestClient, clean_db: Engine) -> None:
    key = make_api_key(clean_db, ApiKeyScope.INGEST)
    assert_error(client.get("/metrics", headers={"Authorization": f"Bearer {key}"}), 403, "forbidden")


def test_metrics_refuses_an_unknown_api_key(client: TestClient) -> None:
    assert_error(client.get("/metrics", headers={"X-API-Key": "fai_not-a-real-key"}), 401, "unauthorized")


# --- metrics: content ---------------------------------------------------------------------------------


def test_requests_are_counted_by_route_template(client: TestClient, admin_headers: dict[str, str]) -> None:
    before = client.get("/metrics", headers=admin_headers).text
    list_before = requests_total(before, "/api/v1/employees", status="200")
    item_before = requests_total(before, "/api/v1/employees/{employee_id}", status="404")

    assert client.get("/api/v1/employees", headers=admin_headers).status_code == 200
    assert client.get("/api/v1/employees", headers=admin_headers).status_code == 200
    for employee_id in (424242, 535353):
        assert client.get(f"/api/v1/employees/{employee_id}", headers=admin_headers).status_code == 404

    after = client.get("/metrics", headers=admin_headers).text
    assert 'route="/api/v1/employees"' in after
    assert requests_total(after, "/api/v1/employees", status="200") == list_before + 2
    assert requests_total(after, "/api/v1/employees/{employee_id}", status="404") == item_before + 2
    # Never a raw path with an id in it.
    assert "424242" not in after
    assert "535353" not in after


def test_unmatched_paths_share_one_label(client: TestClient, admin_headers: dict[str, str]) -> None:
    before = requests_total(client.get("/metrics", headers=admin_headers).text, "unmatched", status="404")
    for suffix in ("a1b2c3", "d4e5f6"):
        assert client.get(f"/api/no/such/page/{suffix}").status_code == 404
    after = client.get("/metrics", headers=admin_headers).text
    assert requests_total(after, "unmatched", status="404") == before + 2
    assert "a1b2c3" not in after
    assert "d4e5f6" not in after


def test_refused_requests_are_counted_with_their_status(client: TestClient, admin_headers: dict[str, str]) -> None:
    before = requests_total(client.get("/metrics", headers=admin_headers).text, "/metrics", status="401")
    client.get("/metrics")
    after = requests_total(client.get("/metrics", headers=admin_headers).text, "/metrics", status="401")
    assert after == before + 1


def test_latency_histogram_is_labelled_by_route(client: TestClient, admin_headers: dict[str, str]) -> None:
    client.get("/api/health")
    text = client.get("/metrics", headers=admin_headers).text
    assert re.search(r'factoryai_http_request_duration_seconds_count\{method="GET",route="/api/health"\} \d', text)
