"""The dashboard served at / from the same origin (api/web.py): files of the build, deep links to index.html, hashed
assets cached for good; the API's JSON 404s and 405s untouched; without a build, / says how to make one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.core.config import Settings

INDEX = "<!doctype html><html><body><app-root></app-root><script src=main-AB12CD34.js></script></body></html>"


def web_client(settings: Settings, engine: Engine, web_dir: Path) -> Iterator[TestClient]:
    server = settings.server.model_copy(update={"web_dir": web_dir, "api_docs": "open"})
    with TestClient(create_app(settings.model_copy(update={"server": server}), engine=engine)) as client:
        yield client


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = tmp_path / "browser"
    (root / "media").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "main-AB12CD34.js").write_text("console.log('app')")
    (root / "favicon.ico").write_bytes(b"\0\0\1\0")
    (tmp_path / "secret.txt").write_text("outside the build")
    return root


@pytest.fixture
def client(settings: Settings, clean_db: Engine, built: Path) -> Iterator[TestClient]:
    yield from web_client(settings, clean_db, built)


@pytest.mark.parametrize("path", ["/", "/dashboard", "/vehicles/log", "/admin/cameras/CAM-1"])
def test_the_app_and_its_deep_links_get_index_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"  # a new build reaches the browser at once


def test_build_files_are_served_and_hashed_ones_cached_for_good(client: TestClient) -> None:
    asset = client.get("/main-AB12CD34.js")
    assert asset.status_code == 200
    assert asset.text == "console.log('app')"
    assert "immutable" in asset.headers["cache-control"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["cache-control"] == "no-cache"
    assert client.head("/main-AB12CD34.js").status_code == 200


@pytest.mark.parametrize("path", ["/main-OLD00000.js", "/%2e%2e/secret.txt", "/media/..%2f..%2fsecret.txt"])
def test_missing_files_and_paths_outside_the_build_are_json_404s(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_keeps_its_json_404s_and_405s(client: TestClient, admin_headers: dict[str, str]) -> None:
    unknown = client.get("/api/v1/no-such-thing", headers=admin_headers)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    wrong_method = client.put("/api/v1/employees", headers=admin_headers)
    assert wrong_method.status_code == 405
    assert client.post("/dashboard").status_code == 404  # only GET and HEAD reach the app
    assert client.get("/api/health").json()["status"]
    assert client.get("/docs").status_code == 200
    missing = client.get("/api/v1/employees/999999", headers=admin_headers)  # a route's own 404 stays the route's
    assert missing.status_code == 404
    assert "999999" in missing.json()["error"]["message"]


def test_without_a_build_the_root_says_how_to_make_one(settings: Settings, clean_db: Engine, tmp_path: Path) -> None:
    for client in web_client(settings, clean_db, tmp_path / "not-built"):
        page = client.get("/")
        assert page.status_code == 200
        assert "make web" in page.text
        assert client.get("/api/health").status_code == 200
