"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 01:12:27.922115
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factoryai.core.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "camera",
        sa.Column("id", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("last_seen_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('entrance', 'exit', 'gate', 'zone')", name=op.f("ck_camera_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_camera")),
    )
    with op.batch_alter_table("camera", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_camera_role"), ["role"], unique=False)

    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("name", name=op.f("uq_department_name")),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_key", sa.String(length=100), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("occurred_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index("ix_login_failure_client_time", ["client_key", "occurred_at"], unique=False)

    op.create_table(
        "shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_name", sa.String(length=50), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("grace_period_minutes", sa.Integer(), nullable=False),
        sa.Column("early_exit_grace_minutes", sa.Integer(), nullable=False),
        sa.Column("checkin_window_before_minutes", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("checkin_window_before_minutes >= 0", name=op.f("ck_shift_window_non_negative")),
        sa.CheckConstraint("early_exit_grace_minutes >= 0", name=op.f("ck_shift_early_exit_grace_non_negative")),
        sa.CheckConstraint("grace_period_minutes >= 0", name=op.f("ck_shift_grace_non_negative")),
        sa.CheckConstraint("start_time <> end_time", name=op.f("ck_shift_not_zero_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift")),
        sa.UniqueConstraint("shift_name", name=op.f("uq_shift_shift_name")),
    )
    op.create_table(
        "system_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_log")),
    )
    with op.batch_alter_table("system_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_system_log_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_system_log_source_created", ["source", "created_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'hr', 'security', 'viewer')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_key_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
    )
    op.create_table(
        "employee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=100), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_employee_department_id_department"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shift.id"], name=op.f("fk_employee_shift_id_shift"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee")),
        sa.UniqueConstraint("email", name=op.f("uq_employee_email")),
    )
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employee_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_employee_is_active"), ["is_active"], unique=False)
        batch_op.create_index(batch_op.f("ix_employee_shift_id"), ["shift_id"], unique=False)

    op.create_table(
        "occupancy_daily_aggregate",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=False),
        sa.Column("occupancy_date", sa.Date(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("avg_occupancy", sa.Float(), nullable=False),
        sa.Column("max_occupancy", sa.Integer(), nullable=False),
        sa.Column("min_occupancy", sa.Integer(), nullable=False),
        sa.Column("total_entries", sa.Integer(), nullable=False),
        sa.Column("total_exits", sa.Integer(), nullable=False),
        sa.Column("sample_count", sa.Integer(), nullable=False),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("hour >= 0 AND hour <= 23", name=op.f("ck_occupancy_daily_aggregate_hour_range")),
        sa.ForeignKeyConstraint(
            ["camera_id"],
            ["camera.id"],
            name=op.f("fk_occupancy_daily_aggregate_camera_id_camera"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupancy_daily_aggregate")),
        sa.UniqueConstraint(
            "camera_id",
            "occupancy_date",
            "hour",
            name=op.f("uq_occupancy_daily_aggregate_camera_id_occupancy_date_hour"),
        ),
    )
    with op.batch_alter_table("occupancy_daily_aggregate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_occupancy_daily_aggregate_occupancy_date"), ["occupancy_date"], unique=False
        )

    op.create_table(
        "occupancy_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=False),
        sa.Column("current_count", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("exits", sa.Integer(), nullable=False),
        sa.Column("timestamp", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("is_reset", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_occupancy_log_camera_id_camera"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupancy_log")),
    )
    with op.batch_alter_table("occupancy_log", schema=None) as batch_op:
        batch_op.create_index("ix_occupancy_log_camera_time", ["camera_id", "timestamp"], unique=False)
        batch_op.create_index(batch_op.f("ix_occupancy_log_timestamp"), ["timestamp"], unique=False)

    op.create_table(
        "occupancy_monthly_aggregate",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("avg_occupancy", sa.Float(), nullable=False),
        sa.Column("max_occupancy", sa.Integer(), nullable=True),
        sa.Column("total_entries", sa.Integer(), nullable=False),
        sa.Column("total_exits", sa.Integer(), nullable=False),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("month >= 1 AND month <= 12", name=op.f("ck_occupancy_monthly_aggregate_month_range")),
        sa.ForeignKeyConstraint(
            ["camera_id"],
            ["camera.id"],
            name=op.f("fk_occupancy_monthly_aggregate_camera_id_camera"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupancy_monthly_aggregate")),
        sa.UniqueConstraint(
            "camera_id", "year", "month", name=op.f("uq_occupancy_monthly_aggregate_camera_id_year_month")
        ),
    )
    op.create_table(
        "vehicle_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("plate_number", sa.String(length=20), nullable=False),
        sa.Column("raw_text", sa.String(length=50), nullable=True),
        sa.Column("ocr_confidence", sa.Float(), nullable=False),
        sa.Column("vehicle_type", sa.String(length=50), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rejection_reason", sa.String(length=30), nullable=True),
        sa.Column("timestamp", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=True),
        sa.Column("snapshot_path", sa.String(length=255), nullable=True),
        sa.CheckConstraint(
            "status IN ('AUTHORIZED', 'UNKNOWN', 'BLOCKED', 'REJECTED')", name=op.f("ck_vehicle_log_status")
        ),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_vehicle_log_camera_id_camera"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_log")),
    )
    with op.batch_alter_table("vehicle_log", schema=None) as batch_op:
        batch_op.create_index("ix_vehicle_log_camera_time", ["camera_id", "timestamp"], unique=False)
        batch_op.create_index("ix_vehicle_log_plate_time", ["plate_number", "timestamp"], unique=False)
        batch_op.create_index("ix_vehicle_log_status_time", ["status", "timestamp"], unique=False)
        batch_op.create_index(batch_op.f("ix_vehicle_log_timestamp"), ["timestamp"], unique=False)

    op.create_table(
        "access_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=True),
        sa.Column("entry_time", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("face_id", sa.String(length=100), nullable=True),
        sa.Column("snapshot_path", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_access_log_camera_id_camera"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_access_log_employee_id_employee"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index("ix_access_log_camera_time", ["camera_id", "entry_time"], unique=False)
        batch_op.create_index("ix_access_log_employee_time", ["employee_id", "entry_time"], unique=False)

    op.create_table(
        "attendance_record",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("attendance_date", sa.Date(), nullable=False),
        sa.Column("check_in_time", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("check_out_time", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("grace_period_applied", sa.Boolean(), nullable=False),
        sa.Column("is_early_exit", sa.Boolean(), nullable=False),
        sa.Column("flagged_for_review", sa.Boolean(), nullable=False),
        sa.Column("check_in_camera_id", sa.String(length=50), nullable=True),
        sa.Column("check_out_camera_id", sa.String(length=50), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('PRESENT', 'LATE', 'ABSENT')", name=op.f("ck_attendance_record_status")),
        sa.ForeignKeyConstraint(
            ["check_in_camera_id"],
            ["camera.id"],
            name=op.f("fk_attendance_record_check_in_camera_id_camera"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["check_out_camera_id"],
            ["camera.id"],
            name=op.f("fk_attendance_record_check_out_camera_id_camera"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_attendance_record_employee_id_employee"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shift.id"], name=op.f("fk_attendance_record_shift_id_shift"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_record")),
        sa.UniqueConstraint(
            "employee_id", "attendance_date", name=op.f("uq_attendance_record_employee_id_attendance_date")
        ),
    )
    with op.batch_alter_table("attendance_record", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_record_date_status", ["attendance_date", "status"], unique=False)
        batch_op.create_index("ix_attendance_record_employee_check_in", ["employee_id", "check_in_time"], unique=False)

    op.create_table(
        "unknown_attendance",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("camera_id", sa.String(length=50), nullable=True),
        sa.Column("detected_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("snapshot_path", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("assigned_employee_id", sa.Integer(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'assigned', 'dismissed')", name=op.f("ck_unknown_attendance_status")),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_unknown_attendance_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_employee_id"],
            ["employee.id"],
            name=op.f("fk_unknown_attendance_assigned_employee_id_employee"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_unknown_attendance_camera_id_camera"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unknown_attendance")),
    )
    with op.batch_alter_table("unknown_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_unknown_attendance_status_time", ["status", "detected_at"], unique=False)

    op.create_table(
        "attendance_correction",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("attendance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_username", sa.String(length=50), nullable=False),
        sa.Column("changed_at", factoryai.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendance_id"],
            ["attendance_record.id"],
            name=op.f("fk_attendance_correction_attendance_id_attendance_record"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_attendance_correction_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_correction")),
    )
    with op.batch_alter_table("attendance_correction", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_correction_record", ["attendance_id", "changed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attendance_correction", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_correction_record")

    op.drop_table("attendance_correction")
    with op.batch_alter_table("unknown_attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_unknown_attendance_status_time")

    op.drop_table("unknown_attendance")
    with op.batch_alter_table("attendance_record", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_record_employee_check_in")
        batch_op.drop_index("ix_attendance_record_date_status")

    op.drop_table("attendance_record")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_employee_time")
        batch_op.drop_index("ix_access_log_camera_time")

    op.drop_table("access_log")
    with op.batch_alter_table("vehicle_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_log_timestamp"))
        batch_op.drop_index("ix_vehicle_log_status_time")
        batch_op.drop_index("ix_vehicle_log_plate_time")
        batch_op.drop_index("ix_vehicle_log_camera_time")

    op.drop_table("vehicle_log")
    op.drop_table("occupancy_monthly_aggregate")
    with op.batch_alter_table("occupancy_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occupancy_log_timestamp"))
        batch_op.drop_index("ix_occupancy_log_camera_time")

    op.drop_table("occupancy_log")
    with op.batch_alter_table("occupancy_daily_aggregate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occupancy_daily_aggregate_occupancy_date"))

    op.drop_table("occupancy_daily_aggregate")
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employee_shift_id"))
        batch_op.drop_index(batch_op.f("ix_employee_is_active"))
        batch_op.drop_index(batch_op.f("ix_employee_department_id"))

    op.drop_table("employee")
    op.drop_table("api_key")
    op.drop_table("users")
    with op.batch_alter_table("system_log", schema=None) as batch_op:
        batch_op.drop_index("ix_system_log_source_created")
        batch_op.drop_index(batch_op.f("ix_system_log_created_at"))

    op.drop_table("system_log")
    op.drop_table("shift")
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failure_client_time")

    op.drop_table("login_failure")
    op.drop_table("department")
    with op.batch_alter_table("camera", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_camera_role"))

    op.drop_table("camera")
