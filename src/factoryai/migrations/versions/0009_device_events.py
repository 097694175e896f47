"""device events: ids made on camera workers, each stored once (a re-sent face track never punches twice)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from factoryai.core.db import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device_event",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_device_event")),
    )
    with op.batch_alter_table("device_event") as batch:
        batch.create_index(batch.f("ix_device_event_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("device_event") as batch:
        batch.drop_index(batch.f("ix_device_event_received_at"))
    op.drop_table("device_event")
