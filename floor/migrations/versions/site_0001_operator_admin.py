"""operators choose their own PIN at first login (must_change_pin); the admin audit of
changes to operators, warehouses, zones and stations

Revision ID: site_0001
Revises: audit_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "site_0001"
down_revision = "audit_0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # a plain ADD COLUMN: a batch (copy and drop) of operators would fail on SQLite, where
    # foreign keys are on and tasks, logins and audits refer to operators
    op.add_column(
        "operators",
        sa.Column("must_change_pin", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "admin_audit",
        sa.Column("id", Id, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("station", sa.String(length=20), nullable=False),
        sa.Column("actor_id", Id, nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("operator_id", Id, nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["operators.id"], name=op.f("fk_admin_audit_actor_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_admin_audit_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    op.create_index(op.f("ix_admin_audit_at"), "admin_audit", ["at"])
    op.create_index("ix_admin_audit_subject", "admin_audit", ["subject", "code", "at"])


def downgrade() -> None:
    op.drop_index("ix_admin_audit_subject", table_name="admin_audit")
    op.drop_index(op.f("ix_admin_audit_at"), table_name="admin_audit")
    op.drop_table("admin_audit")
    with op.batch_alter_table("operators") as batch:
        batch.drop_column("must_change_pin")
