"""flow state per operator and flow (station shell: resume after crash or logout)

Revision ID: shell_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "shell_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flow_states",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "operator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("flow", sa.String(length=40), nullable=False),
        sa.Column("station", sa.String(length=20), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_flow_states_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_states")),
        sa.UniqueConstraint("operator_id", "flow", name=op.f("uq_flow_states_operator_id_flow")),
    )


def downgrade() -> None:
    op.drop_table("flow_states")
