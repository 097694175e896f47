"""The interactive API documentation, served by the app itself: Swagger UI at /docs, ReDoc at /redoc, their files
from api/static/ (versions in static/VERSIONS, refreshed by scripts/update-docs-assets.sh). A site without internet
access still has its docs, and no page of this server runs code fetched from a CDN.

Vendored rather than taken from a pip package: the packages that ship these files either ship no ReDoc or an old
Swagger UI, pull in Django, or leave out the licence texts the bundles point to; here the files are the npm release
files byte for byte, with their licences, and a script names the versions.

Whether any of this (and /openapi.json) is served at all is ``server.api_docs``: they need no credentials to read."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"
ASSETS = "/docs/assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"


def _prefix(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")  # behind a proxy that mounts the app under a path


def install_docs(app: FastAPI) -> None:
    """Add /docs, /docs/oauth2-redirect, /redoc, their assets, and / leading to /docs. Call only when they are open."""
    app.mount(ASSETS, StaticFiles(directory=STATIC_DIR), name="docs-assets")

    # The handlers read the app from the request, never from this function's scope: FastAPI caches endpoint
    # functions in module-level caches, and a closure over `app` would keep every app ever built alive (with its
    # MQTT connection and sockets; measured: two file descriptors per app in the test suite until select() failed).

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root, this = _prefix(request), request.app
        return get_swagger_ui_html(
            openapi_url=f"{root}{this.openapi_url}",
            title=f"{this.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT}",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/swagger-ui/favicon-32x32.png",
            # No badge from the public validator service: it would send the document out and fail offline.
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root, this = _prefix(request), request.app
        return get_redoc_html(
            openapi_url=f"{root}{this.openapi_url}",
            title=f"{this.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
