"""SSCC receiving and transfers between warehouses.

`asn_unit_lines`: what an ASN says each logistic unit (SSCC) holds; `sscc_receipts`: each
SSCC received whole, once; `transfer_orders`: a transfer's outbound sales order at the
source and its inbound order at the destination.

Revision ID: sscc_0001
Revises: scanner_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sscc_0001"
down_revision = "scanner_0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "asn_unit_lines",
        sa.Column("id", ID, nullable=False),
        sa.Column("purchase_order_id", ID, nullable=False),
        sa.Column("sscc", sa.String(length=18), nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_asn_unit_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_asn_unit_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_asn_unit_lines_purchase_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asn_unit_lines")),
    )
    op.create_index("ix_asn_unit_lines_sscc", "asn_unit_lines", ["sscc"], unique=False)
    op.create_index(
        op.f("ix_asn_unit_lines_purchase_order_id"),
        "asn_unit_lines",
        ["purchase_order_id"],
        unique=False,
    )
    op.create_table(
        "sscc_receipts",
        sa.Column("id", ID, nullable=False),
        sa.Column("sscc", sa.String(length=18), nullable=False),
        sa.Column("receipt_id", ID, nullable=False),
        sa.Column("container_id", ID, nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("scan_id", sa.String(length=64), nullable=True),
        sa.Column("operator_id", ID, nullable=True),
        sa.Column("station", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["container_id"],
            ["containers.id"],
            name=op.f("fk_sscc_receipts_container_id_containers"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_sscc_receipts_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_sscc_receipts_receipt_id_receipts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sscc_receipts")),
        sa.UniqueConstraint("sscc", name=op.f("uq_sscc_receipts_sscc")),
    )
    op.create_index(
        op.f("ix_sscc_receipts_receipt_id"), "sscc_receipts", ["receipt_id"], unique=False
    )
    op.create_table(
        "transfer_orders",
        sa.Column("id", ID, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("from_warehouse_id", ID, nullable=False),
        sa.Column("to_warehouse_id", ID, nullable=False),
        sa.Column("sales_order_id", ID, nullable=False),
        sa.Column("purchase_order_id", ID, nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["operators.id"], name=op.f("fk_transfer_orders_created_by_operators")
        ),
        sa.ForeignKeyConstraint(
            ["from_warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_transfer_orders_from_warehouse_id_warehouses"),
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_transfer_orders_purchase_order_id_purchase_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["sales_order_id"],
            ["sales_orders.id"],
            name=op.f("fk_transfer_orders_sales_order_id_sales_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["to_warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_transfer_orders_to_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_transfer_orders_number")),
        sa.UniqueConstraint("purchase_order_id", name=op.f("uq_transfer_orders_purchase_order_id")),
        sa.UniqueConstraint("sales_order_id", name=op.f("uq_transfer_orders_sales_order_id")),
    )


def downgrade() -> None:
    op.drop_table("transfer_orders")
    op.drop_index(op.f("ix_sscc_receipts_receipt_id"), table_name="sscc_receipts")
    op.drop_table("sscc_receipts")
    op.drop_index(op.f("ix_asn_unit_lines_purchase_order_id"), table_name="asn_unit_lines")
    op.drop_index("ix_asn_unit_lines_sscc", table_name="asn_unit_lines")
    op.drop_table("asn_unit_lines")
