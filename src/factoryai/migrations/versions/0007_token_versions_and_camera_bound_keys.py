"""token versions on users, API keys bound to cameras

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing users start at version 0; tokens issued before this upgrade carry no version and must log in again.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), server_default=sa.text("0"), nullable=False))
    # Existing keys stay unbound (they keep working, with a warning) until replaced by keys bound to cameras.
    with op.batch_alter_table("api_key") as batch:
        batch.add_column(sa.Column("camera_ids", sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("api_key") as batch:
        batch.drop_column("camera_ids")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("token_version")
