"""mailboxes (a tenant's PEC mailbox); Message-ID unique per recipient

One PEC message to several recipients is one dispatch per recipient sharing the Message-ID, so the
Message-ID is unique per (tenant, message_id, recipient) instead of per (tenant, message_id).

Revision ID: pecsend_1
Revises: pecsec_1
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pecsend_1"
down_revision = "pecsec_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailboxes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("smtp_url", sa.String(length=500), nullable=False),
        sa.Column("imap_url", sa.String(length=500), nullable=False),
        sa.Column("username", sa.String(length=320), nullable=False),
        sa.Column("password_encrypted", sa.Text(), nullable=False),
        sa.Column("processed_folder", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_mailboxes_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "kind", name=op.f("pk_mailboxes")),
    )
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_constraint("uq_dispatches_tenant_id_message_id", type_="unique")
        batch_op.create_unique_constraint("uq_dispatches_tenant_id_message_id_recipient",
                                          ["tenant_id", "message_id", "recipient"])


def downgrade() -> None:
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_constraint("uq_dispatches_tenant_id_message_id_recipient", type_="unique")
        batch_op.create_unique_constraint("uq_dispatches_tenant_id_message_id", ["tenant_id", "message_id"])
    op.drop_table("mailboxes")
