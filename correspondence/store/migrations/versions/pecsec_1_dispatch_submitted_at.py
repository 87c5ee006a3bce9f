"""dispatches.submitted_at / registered_after: when the message was handed to the carrier or gestore

A receipt older than the submission cannot be about this dispatch (issue 11, item 3).

Revision ID: pecsec_1
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pecsec_1"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispatches") as batch:
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("registered_after", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("dispatches") as batch:
        batch.drop_column("registered_after")
        batch.drop_column("submitted_at")
