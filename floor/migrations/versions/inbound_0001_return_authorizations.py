"""return authorizations: RA numbers issued for an order, scanned at the returns desk

Revision ID: inbound_0001
Revises: print_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inbound_0001"
down_revision = "print_0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "return_authorizations",
        sa.Column("id", Id, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("operator_id", Id, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["sales_orders.id"],
            name=op.f("fk_return_authorizations_order_id_sales_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_return_authorizations_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_authorizations")),
        sa.UniqueConstraint("number", name=op.f("uq_return_authorizations_number")),
    )
    op.create_index(
        op.f("ix_return_authorizations_order_id"), "return_authorizations", ["order_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_return_authorizations_order_id"), table_name="return_authorizations")
    op.drop_table("return_authorizations")
