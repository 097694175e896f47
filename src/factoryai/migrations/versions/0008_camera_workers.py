"""camera workers: which worker opens each camera (a lease), and where API processes relay its streams from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from factoryai.core.db import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("camera") as batch:
        batch.add_column(sa.Column("worker_id", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("worker_lease_expires_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "camera_worker",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("stream_url", sa.String(length=500), nullable=True),
        sa.Column("relay_token", sa.String(length=200), nullable=True),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_camera_worker")),
    )


def downgrade() -> None:
    op.drop_table("camera_worker")
    with op.batch_alter_table("camera") as batch:
        batch.drop_column("worker_lease_expires_at")
        batch.drop_column("worker_id")
