"""employee joined_on: no absence before an employee's first day

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employee") as batch:
        batch.add_column(sa.Column("joined_on", sa.Date(), nullable=True))
    # Existing employees started no later than the day they were entered (its UTC date: the site zone is a setting,
    # not known here; HR can move the date).
    op.execute(sa.text("UPDATE employee SET joined_on = DATE(created_at)"))
    with op.batch_alter_table("employee") as batch:
        batch.alter_column("joined_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("employee") as batch:
        batch.drop_column("joined_on")
