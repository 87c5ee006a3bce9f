"""case_actions: structured asset and tracing searches (which register, what it found, assets' value);
dispatches.legal_rule: the legal source of the cached legal-effect date

Revision ID: 0005
Revises: pecsend_1
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "pecsend_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("result", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("assets_value", sa.Numeric(precision=14, scale=2), nullable=True))
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_rule", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_column("legal_rule")
    with op.batch_alter_table("case_actions", schema=None) as batch_op:
        batch_op.drop_column("assets_value")
        batch_op.drop_column("result")
        batch_op.drop_column("search")
