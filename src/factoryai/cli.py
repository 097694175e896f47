"""The `factoryai` command: serve, migrate, users, API keys, demo data, configuration."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from pydantic import ValidationError

from factoryai import __version__
from factoryai.accounts.models import ApiKeyScope, Role
from factoryai.core.config import ConfigError, Settings, load_settings, masked_dump

if TYPE_CHECKING:  # the CLI imports heavy modules inside the commands that need them
    from sqlalchemy.orm import Session, sessionmaker

    from factoryai.resources import Resources

app = typer.Typer(help="Factory AI camera platform.", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Dashboard users.", no_args_is_help=True)
key_app = typer.Typer(help="Device API keys.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
attendance_app = typer.Typer(help="Attendance jobs.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(key_app, name="api-key")
app.add_typer(config_app, name="config")
app.add_typer(attendance_app, name="attendance")


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar="FACTORYAI_CONFIG", help="YAML settings file (env vars override it)."),
    ] = None,
) -> None:
    ctx.obj = config


def _invalid(exc: ValidationError) -> typer.Exit:
    """A command's options refused by its schema, as one line naming each field."""
    return _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))


def _settings(ctx: typer.Context) -> Settings:
    try:
        return load_settings(ctx.obj)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _engine(settings: Settings):
    from factoryai.core.db import create_db_engine

    return create_db_engine(settings.database)


def _where(settings: Settings) -> str:
    from sqlalchemy import make_url

    return make_url(settings.database.url).render_as_string(hide_password=True)


def _require_schema(settings: Settings) -> None:
    """One line instead of a traceback when a command runs before `db upgrade` (and no empty file left behind)."""
    if settings.database.is_sqlite:
        path = Path(settings.database.url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise _fail(
                f"no database at {path}: run 'factoryai db upgrade' to create it "
                "(or point FACTORYAI_DATABASE__URL at yours)"
            )


@contextmanager
def _sessions(settings: Settings) -> Iterator[tuple[sessionmaker[Session], Resources]]:
    """Sessions whose committed events reach the same publishers as the API's, and the resources a command uses;
    both closed at the end (the publishers flush what committed work raised)."""
    from factoryai.core import migrate
    from factoryai.core.db import create_session_factory
    from factoryai.resources import Resources

    _require_schema(settings)
    engine = _engine(settings)
    if migrate.pending_revisions(engine):
        engine.dispose()
        raise _fail(f"the database {_where(settings)} is not up to date: run 'factoryai db upgrade' first")
    resources = Resources.create(settings)
    try:
        yield create_session_factory(engine, resources.publishers), resources
    finally:
        resources.close()
        engine.dispose()


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default: server.host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default: server.port).")] = None,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate", help="Apply migrations first.")] = True,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="API worker processes (PostgreSQL only; SQLite serves from one).")
    ] = 1,
) -> None:
    """Serve the API and run the scheduled jobs (scheduler.enabled) in one process; --workers N runs N API processes
    on PostgreSQL."""
    from factoryai.accounts.service import StartupRefusedError
    from factoryai.api.app import SchemaOutdatedError, create_app, prepare_database
    from factoryai.api.server import serve as serve_app
    from factoryai.core import migrate
    from factoryai.core.logging import configure_logging

    settings = _settings(ctx)
    configure_logging(settings.logging)
    engine = _engine(settings)
    try:
        if migrate_first:
            migrate.upgrade(engine)
        prepare_database(engine, settings)
    except (StartupRefusedError, SchemaOutdatedError) as exc:
        raise _fail(f"refusing to start: {exc}") from None
    except Exception as exc:
        raise _fail(f"cannot start: {exc.__class__.__name__}: {exc}") from None
    finally:
        engine.dispose()
    if workers > 1 and settings.database.is_sqlite:
        raise _fail("--workers > 1 needs PostgreSQL: SQLite is the single-process embedded default")
    if ctx.obj:
        os.environ["FACTORYAI_CONFIG"] = str(ctx.obj)  # worker processes load the same file
    serve_app(
        create_app(settings) if workers == 1 else "factoryai.api.asgi:app",
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers,
        log_config=None,  # keep our handlers (request ids, JSON)
        # uvicorn resolves X-Forwarded-For the same way (right-most untrusted hop), so logs show the client too.
        proxy_headers=bool(settings.server.trusted_proxies),
        forwarded_allow_ips=settings.server.trusted_proxies or None,
    )


@app.command()
def scheduler(ctx: typer.Context) -> None:
    """Run the scheduled jobs in this process only (for a deployment that sets scheduler.enabled=false on the
    API processes). Safe beside other schedulers: each slot runs once."""
    import signal
    import threading

    from factoryai.core.logging import configure_logging
    from factoryai.scheduler.runner import start_scheduler

    settings = _settings(ctx)
    configure_logging(settings.logging)
    with _sessions(settings) as (factory, resources):
        running = start_scheduler(factory, settings, resources.jobs)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        typer.echo("scheduler running; Ctrl+C to stop")
        stop.wait()
        running.shutdown()


@app.command()
def worker(
    ctx: typer.Context,
    api: Annotated[str, typer.Option("--api", help="The API's base URL, e.g. http://10.0.0.2:8000.")],
    api_key: Annotated[
        str,
        typer.Option(
            "--api-key",
            envvar="FACTORYAI_WORKER_API_KEY",
            help="Device API key (scope ingest) bound to this worker's cameras; the environment variable keeps it "
            "out of the process list.",
        ),
    ],
    camera: Annotated[
        list[str] | None, typer.Option("--camera", help="Run only these cameras (repeatable); default: all the key's.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="This worker's name (default: the host name).")] = None,
    listen: Annotated[str, typer.Option(help="HOST:PORT where API processes fetch the streams.")] = "127.0.0.1:8100",
    advertise: Annotated[
        str | None, typer.Option(help="URL the API reaches --listen at (default: http://HOST:PORT of --listen).")
    ] = None,
    outbox: Annotated[
        Path | None,
        typer.Option(help="Where results wait for the API (default: <site.data_dir>/worker-<name>.outbox.sqlite)."),
    ] = None,
) -> None:
    """Run cameras in this process (capture, detection, overlay, encoding) for API processes that relay them: one
    or more per site, on this box or on edge boxes near the cameras. Each camera is opened by one worker only."""
    import socket

    from factoryai.api.server import serve as serve_app
    from factoryai.core.logging import configure_logging
    from factoryai.pipeline.worker import CameraWorker, WorkerOptions, worker_app
    from factoryai.video.service import analysis_detector

    settings = _settings(ctx)
    configure_logging(settings.logging)
    host, _, port_text = listen.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _fail(f"--listen must be HOST:PORT, e.g. 0.0.0.0:8100 (got {listen!r})")
    if advertise is None and host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 - refusing it, not binding
        message = f"--listen {listen} listens on every interface: say where the API processes reach it"
        raise _fail(f"{message} with --advertise http://<this box>:{port_text}")
    worker_name = name or socket.gethostname()
    options = WorkerOptions(
        api_url=api,
        api_key=api_key,
        name=worker_name,
        cameras=tuple(camera) if camera else None,
        advertise_url=(advertise or f"http://{host}:{port_text}").rstrip("/"),
        outbox_path=outbox or settings.site.data_dir / f"worker-{worker_name}.outbox.sqlite",
    )
    detector = analysis_detector(settings)
    running = CameraWorker(settings, options, detector)
    typer.echo(f"camera worker {options.name!r}: streams on {options.advertise_url}, API {api}")
    serve_app(worker_app(running), host=host, port=int(port_text), log_config=None)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply schema migrations (SQLite or PostgreSQL, from database.url)."""
    from factoryai.core import migrate

    settings = _settings(ctx)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    engine = _engine(settings)
    try:
        migrate.upgrade(engine, revision)
    except Exception as exc:
        raise _fail(f"migration failed: {exc.__class__.__name__}: {exc}") from None
    finally:
        engine.dispose()
    typer.echo(f"database is at revision {revision}")


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Option(help="Log-in name.")],
    role: Annotated[Role, typer.Option(help="admin, hr, security or viewer.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    full_name: Annotated[str | None, typer.Option(help="Name shown on the dashboard.")] = None,
) -> None:
    """Create a dashboard user."""
    from factoryai.accounts import service
    from factoryai.accounts.schemas import UserCreate
    from factoryai.core.db import unit_of_work
    from factoryai.core.errors import AppError

    settings = _settings(ctx)
    try:
        data = UserCreate(username=username, password=password, role=role, full_name=full_name)
    except ValidationError as exc:
        raise _invalid(exc) from None
    try:
        with _sessions(settings) as (factory, _), unit_of_work(factory) as session:
            user = service.create_user(session, data, settings)
            typer.echo(f"created user {user.username!r} (id {user.id}, role {user.role})")
    except AppError as exc:
        raise _fail(exc.message) from None


@key_app.command("create")
def api_key_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'gate edge box'.")],
    scope: Annotated[list[ApiKeyScope], typer.Option(help="ingest and/or metrics.")] = [ApiKeyScope.INGEST],  # noqa: B006
    camera: Annotated[
        list[str] | None,
        typer.Option(help="A camera id the device speaks for (repeat for several). Without: an unbound key."),
    ] = None,
) -> None:
    """Create a device API key and print it (only its hash is stored)."""
    from factoryai.accounts.schemas import UNBOUND_KEY_WARNING, ApiKeyCreate
    from factoryai.cameras import service
    from factoryai.core.db import unit_of_work
    from factoryai.core.errors import AppError

    settings = _settings(ctx)
    try:
        data = ApiKeyCreate(name=name, scopes=scope, camera_ids=camera or [])
    except ValidationError as exc:
        raise _invalid(exc) from None
    try:
        with _sessions(settings) as (factory, _), unit_of_work(factory) as session:
            key, plaintext = service.create_device_key(session, data, None)
            typer.echo(f"API key {key.id} ({', '.join(key.scopes)}): {plaintext}")
            if key.camera_ids:
                typer.echo(f"bound to cameras: {', '.join(key.camera_ids)}")
            elif ApiKeyScope.INGEST in key.scopes:
                typer.secho(f"warning: {UNBOUND_KEY_WARNING}", err=True, fg=typer.colors.YELLOW)
    except AppError as exc:
        raise _fail(exc.message) from None


@app.command("seed-demo")
def seed_demo(
    ctx: typer.Context, employees: Annotated[int, typer.Option(min=0, max=10_000, help="Demo employees.")] = 24
) -> None:
    """Add demo departments, shifts, employees and cameras (skips what already exists)."""
    from factoryai.core.clock import utcnow
    from factoryai.core.db import unit_of_work
    from factoryai.seed import seed_demo as run_seed

    settings = _settings(ctx)
    with _sessions(settings) as (factory, resources), unit_of_work(factory) as session:
        today = utcnow().astimezone(settings.site.tz).date()
        report = run_seed(session, employees, today, resources.faces, settings.site.tz)
    typer.echo("demo data: " + ", ".join(f"{n} {what} added" for what, n in report.created.items()))
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)


@attendance_app.command("mark-absent")
def attendance_mark_absent(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help="Attendance date YYYY-MM-DD (default: yesterday, site time).")
    ] = None,
) -> None:
    """Mark ABSENT every active employee whose shift that day ended without a check-in (safe to re-run)."""
    from datetime import date, timedelta

    from factoryai.attendance import service
    from factoryai.core.clock import utcnow
    from factoryai.core.db import unit_of_work

    settings = _settings(ctx)
    try:
        target = date.fromisoformat(day) if day else utcnow().astimezone(settings.site.tz).date() - timedelta(days=1)
    except ValueError:
        raise _fail(f"--date must be YYYY-MM-DD, got {day!r}") from None
    with _sessions(settings) as (factory, _), unit_of_work(factory) as session:
        run = service.mark_absent(session, target, settings)
    note = f" ({run.skipped_reason})" if run.skipped_reason else ""
    typer.echo(f"{target.isoformat()}: {run.marked_absent} marked absent{note}")


@app.command("enroll")
def enroll(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Option("--dir", exists=True, file_okay=False, help="PHOTOS/<employee id or e-mail>/*.jpg|png"),
    ],
) -> None:
    """Enrol employees' face photos in bulk; prints what failed and why."""
    from factoryai.identity.bulk_enroll import enroll_folder, photo_folders

    settings = _settings(ctx)
    total = sum(max(1, len(photos)) for _key, photos in photo_folders(directory))
    with (
        _sessions(settings) as (factory, resources),
        typer.progressbar(length=total, label="Enrolling", file=sys.stderr) as bar,
    ):
        report = enroll_folder(factory, resources.faces, directory, bar.update)
    typer.echo(
        f"enrolled {report.enrolled} photos of {report.employees} employees; "
        f"{report.skipped} already enrolled; {len(report.failures)} failed"
    )
    for path, reason in report.failures:
        typer.echo(f"  {path}: {reason}")
    if report.failures:
        raise typer.Exit(1)


@config_app.command("reference")
def config_reference() -> None:
    """Print every setting (env var, default, description) as Markdown."""
    from factoryai.core.config import reference_markdown

    typer.echo(reference_markdown())


@config_app.command("show")
def config_show(ctx: typer.Context) -> None:
    """Print the effective settings (secrets masked) as YAML."""
    settings = _settings(ctx)
    yaml.safe_dump(masked_dump(settings), sys.stdout, sort_keys=False)


@app.command("openapi")
def openapi(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
) -> None:
    """Print the OpenAPI document (JSON) the web dashboard's typed client is generated from. Starts nothing."""
    import json

    from factoryai.api.app import create_app

    document = json.dumps(create_app(_settings(ctx)).openapi(), indent=2, sort_keys=False) + "\n"
    if out is None:
        sys.stdout.write(document)
    else:
        out.write_text(document)
