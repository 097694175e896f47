"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from factoryai import __version__
from factoryai.accounts import service as accounts
from factoryai.accounts.router import router as accounts_router
from factoryai.accounts.throttle import LoginThrottle
from factoryai.api import openapi
from factoryai.api.docs import install_docs
from factoryai.api.errors import install_error_handlers
from factoryai.api.health import router as health_router
from factoryai.api.live_events import LiveEvents
from factoryai.api.live_events import router as live_events_router
from factoryai.api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from factoryai.api.web import install_web
from factoryai.attendance.router import router as attendance_router
from factoryai.cameras.router import device_keys_router
from factoryai.cameras.router import router as cameras_router
from factoryai.core import migrate
from factoryai.core.config import DEV_SECRET_KEY, Settings
from factoryai.core.db import create_db_engine, create_session_factory, unit_of_work
from factoryai.core.routing import ApiRoute
from factoryai.identity.router import router as identity_router
from factoryai.occupancy.router import INGEST_PATH, SAMPLE_BYTES
from factoryai.occupancy.router import ingest_router as occupancy_ingest_router
from factoryai.occupancy.router import router as occupancy_router
from factoryai.organization.router import router as organization_router
from factoryai.pipeline.analytics import analyzers
from factoryai.pipeline.resets import ResetListener
from factoryai.pipeline.sinks import LocalSink
from factoryai.resources import Resources
from factoryai.retention.router import router as retention_router
from factoryai.scheduler.router import router as jobs_router
from factoryai.scheduler.runner import start_scheduler
from factoryai.system.router import router as system_router
from factoryai.vehicles.router import router as vehicles_router
from factoryai.video.live import LiveVideo
from factoryai.video.router import refresh_after_camera_change
from factoryai.video.router import router as video_router
from factoryai.video.service import analysis_detector, start_runtime

log = logging.getLogger(__name__)


class SchemaOutdatedError(Exception):
    pass


def prepare_database(engine: Engine, settings: Settings) -> None:
    """Start-up checks and first-start data, before anything is served; idempotent.

    Raises SchemaOutdatedError or StartupRefusedError with a message for the operator. `factoryai serve` calls
    it before starting uvicorn so a refusal is one clear line, not a traceback from inside the server.
    """
    if migrate.pending_revisions(engine):
        raise SchemaOutdatedError("the database schema is not up to date: run 'factoryai db upgrade'")
    if settings.auth.secret_key.get_secret_value() == DEV_SECRET_KEY:
        # Production refuses this key (core.config); a development server reachable by others must not be quiet
        # about it: anyone who knows the published default can sign themselves an admin token.
        log.warning(
            "auth.secret_key is the published development default: anyone can forge log-in tokens for this "
            "server; set FACTORYAI_AUTH__SECRET_KEY to a random secret of at least 32 characters"
        )
    with unit_of_work(create_session_factory(engine)) as session:
        generated = accounts.bootstrap_admin(session, settings)
    if generated:
        log.warning(
            "first start: user 'admin' created with password %r; change it after logging in "
            "(set FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD to choose it)",
            generated,
        )


def create_app(
    settings: Settings,
    engine: Engine | None = None,
    resources: Resources | None = None,
    *,
    cameras_here: bool | None = None,
) -> FastAPI:
    """Build the app. Pass ``engine`` or ``resources`` to share them (tests; their owner closes them); otherwise the
    app owns and closes its own, made from the settings. ``cameras_here``: whether this process opens the cameras
    (the camera runtime); by default unless ``video.runtime`` is 'workers' (api/asgi.py, for several processes,
    decides 'auto' the other way)."""
    run_cameras = settings.video.runtime != "workers" if cameras_here is None else cameras_here

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        db_engine = engine or create_db_engine(settings.database)
        try:
            prepare_database(db_engine, settings)
            own_resources = resources is None
            app_resources = resources or Resources.create(settings)
            session_factory = create_session_factory(db_engine, app_resources.publishers)
            app.state.engine = db_engine
            app.state.session_factory = session_factory
            app.state.resources = app_resources
            app.state.login_throttle = LoginThrottle(settings.auth)
            app.state.started_monotonic = time.monotonic()
            scheduler = (
                start_scheduler(session_factory, settings, app_resources.jobs) if settings.scheduler.enabled else None
            )
            app.state.scheduler = scheduler  # the status route says whether this process runs the jobs
            video = None
            if run_cameras:  # the camera pipeline's results go straight to the services, in their own units of work
                sink = LocalSink(session_factory, settings, app_resources.faces)
                make_analyzer = analyzers(settings, sink, app_resources.plates)
                video = start_runtime(settings, session_factory, analysis_detector(settings), make_analyzer)
            resets = ResetListener(settings.mqtt, video.reset_counter) if video and settings.mqtt.enabled else None
            app.state.video = video  # the cameras this process runs (health, metrics)
            app.state.live = LiveVideo(settings, session_factory, video)  # streams: from here or relayed
            live_events = app.state.live_events = LiveEvents(settings)  # the dashboard's pushed events
            live_events.start(asyncio.get_running_loop())
            app_resources.publishers.add(live_events)
            try:
                yield
            finally:
                app_resources.publishers.remove(live_events)
                live_events.close()
                if resets is not None:
                    resets.close()
                await app.state.live.aclose()
                if scheduler is not None:
                    scheduler.shutdown(wait=True)  # no job may still write once the app has stopped
                if own_resources:
                    app_resources.close()
        finally:
            if own_engine:
                db_engine.dispose()

    docs_open = settings.server.docs_open
    app = FastAPI(
        title="Factory AI",
        version=__version__,
        description="Face attendance, vehicle gate, occupancy and live video for one factory site.",
        lifespan=lifespan,
        openapi_tags=openapi.TAGS,
        generate_unique_id_function=openapi.operation_id,
        # Served by api/docs.py from the package's own files (no CDN), and only where server.api_docs opens them.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs_open else None,
    )
    app.state.settings = settings
    app.router.route_class = ApiRoute  # routes added to the app itself (tests add some) read bodies the same way
    install_error_handlers(app)
    routers = (
        accounts_router,
        device_keys_router,
        organization_router,
        attendance_router,
        cameras_router,
        identity_router,
        vehicles_router,
        occupancy_ingest_router,
        occupancy_router,
        retention_router,
        system_router,
        jobs_router,
        video_router,
        live_events_router,
    )
    for router in (*routers, health_router):
        # The camera runtime follows camera changes made here at once (after the commit), the others on its timer.
        extra = [Depends(refresh_after_camera_change)] if router is cameras_router else []
        app.include_router(router, dependencies=extra)
    openapi.install(app, [r for router in (*routers, health_router) for r in router.routes if isinstance(r, APIRoute)])

    if docs_open:
        install_docs(app)
    install_web(app, settings.server.web_dir)  # last: its fallback answers every path no other route takes

    # Added last = outermost: request ids and metrics cover even the 413s of the size limit.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.server.max_body_bytes,
        max_json_bytes=settings.server.max_json_body_bytes,
        bulk_json_bytes={INGEST_PATH: settings.occupancy.max_batch * SAMPLE_BYTES},
    )
    if settings.server.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.server.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(RequestContextMiddleware)
    return app
