"""scheduled job runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 02:26:13.409935
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factoryai.core.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_name", sa.String(length=50), nullable=False),
        sa.Column("slot_start", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("runner", sa.String(length=100), nullable=False),
        sa.Column("started_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name=op.f("ck_job_run_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_run")),
        sa.UniqueConstraint("job_name", "slot_start", name=op.f("uq_job_run_job_name_slot_start")),
    )
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index("ix_job_run_job_started", ["job_name", "started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index("ix_job_run_job_started")

    op.drop_table("job_run")
