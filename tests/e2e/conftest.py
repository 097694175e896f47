"""The dashboard end to end: `factoryai serve` (its API and the built web app) on PostgreSQL where the run has it,
driven by Playwright for Python through Debian's Chromium (DESIGN.md §4; no browser download).

The web build (`make web`) must exist: `make test` builds it first and sets FACTORYAI_REQUIRE_WEB=1, which turns a
missing build into a failure; a bare `pytest` on a checkout without Node skips these tests with one line. Every
test's browser console is collected and must hold no error; screenshots of each page go to test-artifacts/e2e/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from factoryai.api.web import DEFAULT_WEB_DIR
from tests.conftest import BACKENDS
from tests.video.live_server import admin_client, live_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
REQUIRE_WEB = os.environ.get("FACTORYAI_REQUIRE_WEB", "") == "1"


def _need(ok: bool, why: str) -> None:
    if not ok:
        if REQUIRE_WEB:
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="session")
def web_build() -> Path:
    """The build the server will serve: its default, or FACTORYAI_SERVER__WEB_DIR (which the server inherits)."""
    built = Path(os.environ.get("FACTORYAI_SERVER__WEB_DIR") or DEFAULT_WEB_DIR)
    _need((built / "index.html").is_file(), f"the web dashboard is not built ({built}): make web")
    _need(CHROMIUM.exists(), "Debian's chromium is missing (apt-get install chromium; make test installs it)")
    return built


@pytest.fixture(scope="module")
def server(web_build: Path, tmp_path_factory: pytest.TempPathFactory, make_database: Callable[[str], str]) -> Any:
    """One server per test module, on PostgreSQL when the run includes it; the demo cameras are not seeded."""
    backend = "postgresql" if "postgresql" in BACKENDS else "sqlite"
    db_url = make_database(backend) if backend == "postgresql" else None
    settings = {"FACTORYAI_MQTT__TOPIC_PREFIX": "factoryai-e2e", "FACTORYAI_SERVER__WEB_DIR": str(web_build)}
    with live_server(tmp_path_factory.mktemp("e2e"), db_url=db_url, **settings) as s:
        yield s


@pytest.fixture
def api(server: Any) -> Iterator[httpx.Client]:
    """The admin's API client, for arranging data the way another user or device would."""
    with admin_client(server) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped, not session-scoped: Playwright's sync API runs an event loop in this thread while it lives,
    and every later test that calls asyncio.run() on the same worker would fail."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Console:
    """The tab's console errors; a test that provokes a refusal on purpose allows that one (``allow(r"422")``)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def __call__(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def page(browser: Any, server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab (1366 x 900) on the server; console errors fail the test at the end."""
    context = browser.new_context(base_url=server.base_url, viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    console = Console()
    tab.on("console", console)
    tab.on("pageerror", lambda exc: console.errors.append(f"page error: {exc}"))
    tab.console = console
    yield tab
    context.close()
    assert console.unexpected() == [], f"browser console errors: {console.unexpected()}"


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot kept as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_url(lambda url: "/login" not in url)  # in: the session is stored before the next navigation
