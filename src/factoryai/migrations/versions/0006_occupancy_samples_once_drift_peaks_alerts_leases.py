"""occupancy samples once, drift, peaks, capacity alerts, job leases

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:46:00.936241
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factoryai.core.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "occupancy_alert",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("peak_count", sa.Integer(), nullable=False),
        sa.Column("started_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_occupancy_alert_acknowledged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_occupancy_alert_camera_id_camera"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupancy_alert")),
    )
    with op.batch_alter_table("occupancy_alert", schema=None) as batch_op:
        batch_op.create_index("ix_occupancy_alert_camera_open", ["camera_id", "ended_at"], unique=False)

    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_expires_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True))

    # No route wrote samples before this revision; should a site have loaded some by hand, keep one per instant.
    op.execute(
        "DELETE FROM occupancy_log WHERE id NOT IN (SELECT MIN(id) FROM occupancy_log GROUP BY camera_id, timestamp)"
    )
    with op.batch_alter_table("occupancy_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discarded_count", sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f("ix_occupancy_log_camera_time"))
        batch_op.create_unique_constraint(
            batch_op.f("uq_occupancy_log_camera_id_timestamp"), ["camera_id", "timestamp"]
        )

    with op.batch_alter_table("occupancy_monthly_aggregate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("peak_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("peak_hour", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("peak_avg_occupancy", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("occupancy_monthly_aggregate", schema=None) as batch_op:
        batch_op.drop_column("peak_avg_occupancy")
        batch_op.drop_column("peak_hour")
        batch_op.drop_column("peak_date")
        batch_op.drop_column("hours")

    with op.batch_alter_table("occupancy_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_occupancy_log_camera_id_timestamp"), type_="unique")
        batch_op.create_index(batch_op.f("ix_occupancy_log_camera_time"), ["camera_id", "timestamp"], unique=False)
        batch_op.drop_column("discarded_count")

    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")

    with op.batch_alter_table("occupancy_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_occupancy_alert_camera_open")

    op.drop_table("occupancy_alert")
