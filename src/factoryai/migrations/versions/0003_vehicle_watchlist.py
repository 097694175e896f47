"""vehicle watchlist and review flag

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 02:38:29.236811
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
    with op.batch_alter_table("vehicle_log", schema=None) as batch_op:
        # Existing rows were never queued for review.
        batch_op.add_column(sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("vehicle_log", schema=None) as batch_op:
        batch_op.drop_column("needs_review")

    op.drop_table("vehicle_watchlist")
