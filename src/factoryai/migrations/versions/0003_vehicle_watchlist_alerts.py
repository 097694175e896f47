"""vehicle watchlist alerts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 02:40:14.486338
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factoryai.core.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vehicle_watchlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plate_number", sa.String(length=20), nullable=False),
        sa.Column("plate_key", sa.String(length=20), nullable=False),
        sa.Column("list", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("valid_until", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("list IN ('blocked', 'allowed')", name=op.f("ck_vehicle_watchlist_list")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_vehicle_watchlist_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_watchlist")),
        sa.UniqueConstraint("plate_key", name=op.f("uq_vehicle_watchlist_plate_key")),
    )
    op.create_table(
        "vehicle_alert",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_type", sa.String(length=30), nullable=False),
        sa.Column("plate_number", sa.String(length=20), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=True),
        sa.Column("vehicle_log_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("message", sa.String(length=255), nullable=False),
        sa.Column("snapshot_path", sa.String(length=255), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_vehicle_alert_acknowledged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_vehicle_alert_camera_id_camera"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_log_id"],
            ["vehicle_log.id"],
            name=op.f("fk_vehicle_alert_vehicle_log_id_vehicle_log"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_alert")),
    )
    with op.batch_alter_table("vehicle_alert", schema=None) as batch_op:
        batch_op.create_index("ix_vehicle_alert_open", ["acknowledged_at", "created_at"], unique=False)

    with op.batch_alter_table("vehicle_log", schema=None) as batch_op:
        # Existing rows were never queued for review.
        batch_op.add_column(sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("vehicle_log", schema=None) as batch_op:
        batch_op.drop_column("needs_review")

    with op.batch_alter_table("vehicle_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_vehicle_alert_open")

    op.drop_table("vehicle_alert")
    op.drop_table("vehicle_watchlist")
