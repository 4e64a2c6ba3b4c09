"""kitting: kit rules, kit work orders (kit and dekit) and the kits built at the bench

Revision ID: kit_0001
Revises: ship_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kit_0001"
down_revision = "ship_0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kit_rules",
        sa.Column("kit_item_id", Id, nullable=False),
        sa.Column("assemble_to_order", sa.Boolean(), nullable=False),
        sa.Column("lot_from_item_id", Id, nullable=True),
        sa.ForeignKeyConstraint(
            ["kit_item_id"], ["items.id"], name=op.f("fk_kit_rules_kit_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["lot_from_item_id"], ["items.id"], name=op.f("fk_kit_rules_lot_from_item_id_items")
        ),
        sa.PrimaryKeyConstraint("kit_item_id", name=op.f("pk_kit_rules")),
    )
    op.create_table(
        "kit_work_orders",
        sa.Column("id", Id, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("warehouse_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("kit_item_id", Id, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("quantity_done", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("bench_location_id", Id, nullable=False),
        sa.Column("wave_id", Id, nullable=True),
        sa.Column("releases", sa.Integer(), nullable=False),
        sa.Column("source_order_id", Id, nullable=True),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "quantity > 0 AND quantity_done >= 0", name=op.f("ck_kit_work_orders_quantities")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_kit_work_orders_warehouse_id_warehouses"),
        ),
        sa.ForeignKeyConstraint(
            ["kit_item_id"], ["items.id"], name=op.f("fk_kit_work_orders_kit_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["bench_location_id"],
            ["locations.id"],
            name=op.f("fk_kit_work_orders_bench_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_kit_work_orders_wave_id_waves")
        ),
        sa.ForeignKeyConstraint(
            ["source_order_id"],
            ["sales_orders.id"],
            name=op.f("fk_kit_work_orders_source_order_id_sales_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kit_work_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_kit_work_orders_number")),
    )
    op.create_index("ix_kit_work_orders_status", "kit_work_orders", ["status", "due"])
    op.create_table(
        "kit_builds",
        sa.Column("id", Id, nullable=False),
        sa.Column("work_order_id", Id, nullable=False),
        sa.Column("kit_item_id", Id, nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("container_id", Id, nullable=True),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("operator_id", Id, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["kit_work_orders.id"],
            name=op.f("fk_kit_builds_work_order_id_kit_work_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["kit_item_id"], ["items.id"], name=op.f("fk_kit_builds_kit_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["container_id"], ["containers.id"], name=op.f("fk_kit_builds_container_id_containers")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_kit_builds_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kit_builds")),
    )
    op.create_index("ix_kit_builds_lot", "kit_builds", ["kit_item_id", "lot"])
    op.create_index(
        op.f("ix_kit_builds_work_order_id"), "kit_builds", ["work_order_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("kit_builds")
    op.drop_index("ix_kit_work_orders_status", table_name="kit_work_orders")
    op.drop_table("kit_work_orders")
    op.drop_table("kit_rules")
