"""wording_files: versioned tenant wording overrides (issue 15 item 3)

Revision ID: brands_2
Revises: brands_1
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "brands_2"
down_revision = "brands_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wording_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_wording_files_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wording_files")),
        sa.UniqueConstraint("tenant_id", "language", "name", "version",
                            name=op.f("uq_wording_files_tenant_id_language_name_version")),
    )
    op.create_index(op.f("ix_wording_files_tenant_id"), "wording_files", ["tenant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_wording_files_tenant_id"), table_name="wording_files")
    op.drop_table("wording_files")
