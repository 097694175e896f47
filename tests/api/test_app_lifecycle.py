"""An app that has stopped is freed with everything it owns (MQTT connection, sockets, engines): nothing global keeps
it alive. A leak here once kept every test app of a run, until paho's select() met a file descriptor over 1024 and
MQTT stopped connecting."""

from __future__ import annotations

import gc
import weakref

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.core.config import Settings


def test_stopped_apps_and_their_resources_are_freed(settings: Settings, clean_db: Engine) -> None:
    open_docs = settings.model_copy(update={"server": settings.server.model_copy(update={"api_docs": "open"})})
    apps, publishers = [], []
    for _ in range(3):
        app = create_app(open_docs, engine=clean_db)
        with TestClient(app) as client:
            assert client.get("/docs").status_code == 200  # the docs routes were the closures that leaked
            assert client.get("/api/health").status_code == 200
            publishers.append(weakref.ref(app.state.resources.publishers))
        apps.append(weakref.ref(app))
        del app, client
    gc.collect()
    assert [ref() for ref in apps] == [None, None, None]
    assert [ref() for ref in publishers] == [None, None, None]
