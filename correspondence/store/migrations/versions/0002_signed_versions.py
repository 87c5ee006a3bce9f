"""documents.signed_from_id: a signed version points to the document it was signed from

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_from_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_documents_signed_from_id_documents"), "documents",
                                    ["signed_from_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_signed_from_id_documents"), type_="foreignkey")
        batch_op.drop_column("signed_from_id")
