"""casework: case versions, what each document was made from, payments imputed to an invoice

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "case_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_versions_case_id_cases")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_case_versions_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_versions")),
        sa.UniqueConstraint("case_id", "version", name=op.f("uq_case_versions_case_id_version")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("case_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("letter_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("made_from", JSON, nullable=True))
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invoice", sa.String(length=60), nullable=True))
    with op.batch_alter_table("case_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("reference", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_actions", schema=None) as batch_op:
        batch_op.drop_column("reference")
        batch_op.drop_column("channel")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("invoice")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        for name in ("made_from", "letter_date", "case_version", "kind"):
            batch_op.drop_column(name)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("version")
    op.drop_table("case_versions")
