"""case_plans: payment plans and promises to pay recorded on a case (issue 18)

Revision ID: plans_1
Revises: 0005
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "plans_1"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_plans_case_id_cases")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_case_plans_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_plans")),
    )
    with op.batch_alter_table("case_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_plans_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_plans_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_plans_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_case_plans_case_id"))
    op.drop_table("case_plans")
