"""/docs and /redoc work offline (every asset from the app itself, nothing from a CDN), and server.api_docs decides
whether they and /openapi.json are served at all (closed in production unless opened)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.api.docs import STATIC_DIR
from factoryai.core.config import ServerSettings, Settings
from tests.conftest import assert_error

REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)""")
EXTERNAL = re.compile(r"(?:https?:)?//[a-z0-9.-]+", re.IGNORECASE)
DOC_PATHS = ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect", "/docs/assets/redoc/redoc.standalone.js")


def references(text: str) -> list[str]:
    return [a or b for a, b in REFERENCE.findall(text) if not (a or b).startswith(("data:", "#"))]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_everything_from_the_app(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200, response.text
    html = response.text
    assert EXTERNAL.findall(html) == []  # no CDN script, stylesheet, font or favicon
    assets = references(html)
    assert any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert fetched.content, asset
        if asset.endswith(".css"):
            nested = references(fetched.text)
            assert [n for n in nested if EXTERNAL.match(n)] == [], asset
            for inner in nested:
                assert client.get(inner).status_code == 200, inner
    # The OpenAPI document the page reads comes from the app too.
    assert "/openapi.json" in html
    assert client.get("/openapi.json").json()["info"]["title"] == "Factory AI"


def test_swagger_ui_does_not_call_the_public_validator(client: TestClient) -> None:
    html = client.get("/docs").text
    assert '"validatorUrl": null' in html


def test_the_oauth2_redirect_page_is_served(client: TestClient) -> None:
    response = client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    assert EXTERNAL.findall(response.text) == []


def test_the_vendored_files_carry_their_licences() -> None:
    for folder in ("swagger-ui", "redoc"):
        assert (STATIC_DIR / folder / "LICENSE").stat().st_size > 500, folder
    versions = (STATIC_DIR / "VERSIONS").read_text()
    assert "swagger-ui-dist" in versions
    assert "redoc" in versions


# --- server.api_docs ------------------------------------------------------------------------------------------


def app_with(settings: Settings, engine: Engine, *, production: bool = False, **server: Any):
    # model_copy does not re-validate: production without a real secret key is fine for this in-process app.
    values = {**server, "environment": "production" if production else "development"}
    changed = settings.model_copy(update={"server": settings.server.model_copy(update=values)})
    return create_app(changed, engine=engine)


@pytest.fixture
def production_client(settings: Settings, clean_db: Engine) -> Iterator[TestClient]:
    with TestClient(app_with(settings, clean_db, production=True)) as client:
        yield client


@pytest.mark.parametrize("path", DOC_PATHS)  # and / is the dashboard (tests/api/test_web.py)
def test_docs_are_closed_in_production(production_client: TestClient, path: str) -> None:
    assert_error(production_client.get(path, follow_redirects=False), 404, "not_found")


def test_production_still_serves_the_api(production_client: TestClient) -> None:
    assert production_client.get("/api/health").status_code == 200


def test_docs_can_be_opened_in_production(settings: Settings, clean_db: Engine) -> None:
    with TestClient(app_with(settings, clean_db, production=True, api_docs="open")) as client:
        for path in DOC_PATHS:
            assert client.get(path).status_code == 200, path


def test_docs_can_be_closed_in_development(settings: Settings, clean_db: Engine) -> None:
    with TestClient(app_with(settings, clean_db, api_docs="closed")) as client:
        for path in DOC_PATHS:
            assert_error(client.get(path), 404, "not_found")


def test_the_setting_says_what_auto_means() -> None:
    description = ServerSettings.model_fields["api_docs"].description
    assert "open in development, closed in production" in description
