"""face enrolment and pending recognitions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 04:08:01.685333
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factoryai.core.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_recognition",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=True),
        sa.Column("captured_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("image_path", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("processed_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'done', 'failed')", name=op.f("ck_pending_recognition_status")),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_pending_recognition_camera_id_camera"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_recognition")),
    )
    op.create_index(
        "ix_pending_recognition_status_time", "pending_recognition", ["status", "captured_at"], unique=False
    )
    op.create_table(
        "face_enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("descriptor", sa.LargeBinary(), nullable=True),
        sa.Column("external_face_id", sa.String(length=100), nullable=True),
        sa.Column("source_name", sa.String(length=255), nullable=True),
        sa.Column("box_left", sa.Integer(), nullable=False),
        sa.Column("box_top", sa.Integer(), nullable=False),
        sa.Column("box_width", sa.Integer(), nullable=False),
        sa.Column("box_height", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("engine IN ('local', 'aws')", name=op.f("ck_face_enrollment_engine")),
        sa.CheckConstraint(
            "descriptor IS NOT NULL OR external_face_id IS NOT NULL", name=op.f("ck_face_enrollment_has_template")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_face_enrollment_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_face_enrollment_employee_id_employee"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_face_enrollment")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_face_enrollment_engine_employee", "face_enrollment", ["engine", "employee_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_face_enrollment_engine_employee", table_name="face_enrollment")
    op.drop_table("face_enrollment")
    op.drop_index("ix_pending_recognition_status_time", table_name="pending_recognition")
    op.drop_table("pending_recognition")
