"""The web dashboard (Angular, built into ``web/dist/factoryai/browser`` by `make web`) served at / from the same
origin as the API, so it needs no CORS and its requests carry no cross-site risk.

Hashed assets (``main-3FX2.js``) never change under a name and are cached for a year; ``index.html`` is revalidated
every time, so a new build reaches browsers at once. Any other path that names no file is a route of the app
(``/vehicles/log``): it gets index.html and the app's router takes over. Paths under /api never fall back: an unknown
API route stays a JSON 404. Without a build, / says how to make one, and the API and its docs work as ever.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from factoryai.api.errors import http_error

DEFAULT_WEB_DIR = Path(__file__).resolve().parents[3] / "web" / "dist" / "factoryai" / "browser"
HASHED = re.compile(r"-[A-Z0-9]{8,}\.(js|css|woff2?|ttf|svg|png|jpg|ico)$")
NOT_THE_APP = ("api/", "metrics", "docs", "redoc", "openapi.json")
NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Factory AI</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Factory AI</h1><p>The web dashboard is not built on this server. Run <code>make web</code> (it needs Node.js
20.19 or newer), or <code>make run</code>, which builds it when Node is there.</p>
<p>The API works without it: <a href="/docs">API documentation</a>, <a href="/api/health">health</a>.</p>
</body></html>"""


def install_web(app: FastAPI, web_dir: Path | None) -> None:
    """Serve the dashboard where no route matched: a 404 of the router (not a route's own 404) for a GET or HEAD
    outside the API. Every route, its 405s and the API's JSON 404s stay as they are."""
    root = (web_dir or DEFAULT_WEB_DIR).resolve()

    async def dashboard(request: Request, exc: Exception) -> Response:
        path = request.url.path.lstrip("/")
        if request.method not in ("GET", "HEAD") or path.startswith(NOT_THE_APP):
            return await http_error(request, exc)  # type: ignore[arg-type]
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, headers={"Cache-Control": "no-cache"})
        if path:
            file = (root / path).resolve()
            if file.is_relative_to(root) and file.is_file():
                cache = "public, max-age=31536000, immutable" if HASHED.search(file.name) else "no-cache"
                return FileResponse(file, headers={"Cache-Control": cache})
            if "." in path.rsplit("/", 1)[-1]:  # a file that is not there (an old build's asset): no page for it
                return await http_error(request, exc)  # type: ignore[arg-type]
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.add_exception_handler(404, dashboard)  # status handlers come before the HTTPException handler
