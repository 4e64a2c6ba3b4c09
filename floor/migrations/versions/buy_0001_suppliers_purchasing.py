"""Purchasing: supplier lead times, what each supplier sells (pack size, minimum order), and
the reorder points planning computes for the board's stock alerts.

Revision ID: buy_0001
Revises: sscc_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "buy_0001"
down_revision = "sscc_0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("suppliers") as batch:
        batch.add_column(sa.Column("lead_time_days", sa.Integer(), nullable=True))
    op.create_table(
        "supplier_items",
        sa.Column("id", ID, nullable=False),
        sa.Column("supplier_id", ID, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("supplier_sku", sa.String(length=64), nullable=False),
        sa.Column("pack_size", sa.Integer(), nullable=False),
        sa.Column("min_order_qty", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.CheckConstraint("pack_size > 0", name=op.f("ck_supplier_items_pack_size_positive")),
        sa.CheckConstraint(
            "min_order_qty >= 0", name=op.f("ck_supplier_items_min_order_qty_not_negative")
        ),
        sa.CheckConstraint(
            "lead_time_days IS NULL OR lead_time_days >= 0",
            name=op.f("ck_supplier_items_lead_time_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_supplier_items_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_supplier_items_item_id_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_items")),
        sa.UniqueConstraint(
            "supplier_id", "item_id", name=op.f("uq_supplier_items_supplier_id_item_id")
        ),
    )
    op.create_index(op.f("ix_supplier_items_item_id"), "supplier_items", ["item_id"])
    op.create_table(
        "computed_reorder_points",
        sa.Column("id", ID, nullable=False),
        sa.Column("warehouse_id", ID, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("reorder_point", sa.Integer(), nullable=False),
        sa.Column("order_up_to", sa.Integer(), nullable=False),
        sa.Column("safety_stock", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("service_level", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reorder_point >= 0",
            name=op.f("ck_computed_reorder_points_reorder_point_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_computed_reorder_points_warehouse_id_warehouses"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_computed_reorder_points_item_id_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_computed_reorder_points")),
        sa.UniqueConstraint(
            "warehouse_id",
            "item_id",
            name=op.f("uq_computed_reorder_points_warehouse_id_item_id"),
        ),
    )
    op.create_index(
        op.f("ix_computed_reorder_points_item_id"), "computed_reorder_points", ["item_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_computed_reorder_points_item_id"), table_name="computed_reorder_points")
    op.drop_table("computed_reorder_points")
    op.drop_index(op.f("ix_supplier_items_item_id"), table_name="supplier_items")
    op.drop_table("supplier_items")
    with op.batch_alter_table("suppliers") as batch:
        batch.drop_column("lead_time_days")
