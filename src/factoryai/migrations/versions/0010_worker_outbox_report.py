"""camera workers report their outbox: results waiting for the API, and samples dropped because it was full

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("camera_worker") as batch:
        batch.add_column(sa.Column("outbox", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("camera_worker") as batch:
        batch.drop_column("outbox")
