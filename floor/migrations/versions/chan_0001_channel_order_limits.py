"""Order columns wide enough for what stores write, and the channel's own line reference.

Real exports carry shipping methods of 51 characters and more, long recipient names, cities
and provinces; the columns an order import writes are widened to hold them (a value still too
long is refused by the import, naming the column and its limit); a shipped carton keeps the
order's shipping method whole. Each order line keeps the
channel's reference for it (Amazon's order-item-id, Walmart's line number, BigCommerce's
product line), so a tracking upload can name the line it confirms.

Revision ID: chan_0001
Revises: board_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "chan_0001"
down_revision = "board_0001"
branch_labels = None
depends_on = None

# (table, column, old length, new length)
WIDENED = [
    ("sales_orders", "number", 40, 64),
    ("sales_orders", "external_ref", 80, 255),
    ("sales_orders", "carrier", 40, 100),
    ("sales_orders", "service", 40, 255),
    ("addresses", "name", 200, 255),
    ("addresses", "company", 200, 255),
    ("addresses", "line1", 300, 300),
    ("addresses", "line2", 300, 300),
    ("addresses", "city", 120, 255),
    ("addresses", "postcode", 20, 32),
    ("addresses", "province", 60, 255),
    ("addresses", "phone", 40, 64),
    ("addresses", "email", 200, 320),
    ("packed_cartons", "service", 40, 255),  # the order's shipping method, whole
]
TABLES = ("sales_orders", "addresses", "packed_cartons")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for name, column, old, new in WIDENED:
                if name == table and old != new:
                    batch.alter_column(
                        column,
                        existing_type=sa.String(length=old),
                        type_=sa.String(length=new),
                        existing_nullable=False,
                    )
    with op.batch_alter_table("sales_order_lines") as batch:
        batch.add_column(
            sa.Column("external_ref", sa.String(length=80), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("sales_order_lines") as batch:
        batch.drop_column("external_ref")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for name, column, old, new in WIDENED:
                if name == table and old != new:
                    batch.alter_column(
                        column,
                        existing_type=sa.String(length=new),
                        type_=sa.String(length=old),
                        existing_nullable=False,
                    )
