"""login lockout per badge and the login audit (failed and successful logins, unlocks)

Revision ID: auth_0001
Revises: pack_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "auth_0001"
down_revision = "pack_0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "badge_lockouts",
        sa.Column("id", Id, nullable=False),
        sa.Column("badge", sa.String(length=40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_badge_lockouts_failures_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_lockouts")),
        sa.UniqueConstraint("badge", name=op.f("uq_badge_lockouts_badge")),
    )
    op.create_table(
        "login_audit",
        sa.Column("id", Id, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("station", sa.String(length=20), nullable=False),
        sa.Column("badge", sa.String(length=40), nullable=False),
        sa.Column("operator_id", Id, nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor_id", Id, nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_login_audit_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["operators.id"], name=op.f("fk_login_audit_actor_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_audit")),
    )
    op.create_index(op.f("ix_login_audit_at"), "login_audit", ["at"])
    op.create_index("ix_login_audit_badge_at", "login_audit", ["badge", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_audit_badge_at", table_name="login_audit")
    op.drop_index(op.f("ix_login_audit_at"), table_name="login_audit")
    op.drop_table("login_audit")
    op.drop_table("badge_lockouts")
