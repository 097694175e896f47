"""The naive baseline server: the real app, but a new PostgreSQL connection for every request (no pool).

This is what a deployment without a connection pool does. ``factoryai serve`` has no switch for it, so this
launcher builds the same app with ``create_app(settings, engine=...)`` on an engine using ``NullPool`` and
runs it under uvicorn exactly as ``factoryai serve --workers 1 --no-migrate`` does. Settings come from the
environment (FACTORYAI_DATABASE__URL, ...), as for the CLI.

    python bench/naive_server.py --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import argparse

import uvicorn
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from factoryai.api.app import create_app
from factoryai.core.config import load_settings
from factoryai.core.logging import configure_logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    settings = load_settings()
    configure_logging(settings.logging)
    # No pool and no pre-ping: connect, run the request's transaction, disconnect.
    engine = create_engine(
        settings.database.url,
        poolclass=NullPool,
        connect_args={"connect_timeout": settings.database.connect_timeout_seconds},
    )
    try:
        uvicorn.run(create_app(settings, engine=engine), host=args.host, port=args.port, log_config=None)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
