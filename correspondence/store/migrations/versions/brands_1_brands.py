"""brands and brand_assets: versioned tenant brands with their files (issue 15)

Revision ID: brands_1
Revises: ui_1
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "brands_1"
down_revision = "ui_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    op.create_table(
        "brands",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", json_type, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_brands_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brands")),
        sa.UniqueConstraint("tenant_id", "name", "version", name=op.f("uq_brands_tenant_id_name_version")),
    )
    op.create_index(op.f("ix_brands_tenant_id"), "brands", ["tenant_id"])
    op.create_table(
        "brand_assets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("brand_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_brand_assets_brand_id_brands")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_assets")),
        sa.UniqueConstraint("brand_id", "filename", name=op.f("uq_brand_assets_brand_id_filename")),
    )
    op.create_index(op.f("ix_brand_assets_brand_id"), "brand_assets", ["brand_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_brand_assets_brand_id"), table_name="brand_assets")
    op.drop_table("brand_assets")
    op.drop_index(op.f("ix_brands_tenant_id"), table_name="brands")
    op.drop_table("brands")
