"""Running the app under uvicorn so that live streams do not hold shutdown hostage.

uvicorn stops by waiting for every open response to finish, then runs the lifespan shutdown; an MJPEG stream never
finishes, so a server with a viewer would wait forever (DESIGN.md §4). Our Server ends the streams first.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

import uvicorn
from fastapi import FastAPI

# Multi-process mode (uvicorn's supervisor builds plain Servers) has no hook: streams are cut after this long.
GRACEFUL_SHUTDOWN_SECONDS = 3


def _find_app(app: Any) -> FastAPI | None:
    """The FastAPI app inside uvicorn's wrappers (proxy headers, message logger)."""
    for _ in range(10):
        if isinstance(app, FastAPI):
            return app
        app = getattr(app, "app", None)
    return None


class Server(uvicorn.Server):
    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        app = _find_app(self.config.loaded_app)
        for name in ("live", "live_events"):  # video streams, the dashboard's event streams
            streams = getattr(app.state, name, None) if app is not None else None
            if streams is not None:
                streams.close_streams()
        await super().shutdown(sockets)


def serve(app: FastAPI | str, **options: Any) -> None:
    """uvicorn.run, with our Server when the app runs in this process (``app`` an instance)."""
    options.setdefault("timeout_graceful_shutdown", GRACEFUL_SHUTDOWN_SECONDS)
    if isinstance(app, str):
        uvicorn.run(app, **options)
        return
    config = uvicorn.Config(app, **options)
    server = Server(config)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        raise SystemExit(3)  # what uvicorn.run does when start-up failed
