"""Alembic environment: runs against the engine the caller passes in (see factoryai.core.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import factoryai.models  # noqa: F401 - registers every table on the metadata
from factoryai.core.db import Base

target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'factoryai db upgrade', which supplies the connection")
run_with(connection)
