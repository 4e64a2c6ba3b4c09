"""packed cartons: cartons packed per order (contents, SSCC, weight), manifests, SSCC counters

Revision ID: pack_0002
Revises: site_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pack_0002"
down_revision = "site_0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str, **kw: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), **kw
    )


def upgrade() -> None:
    op.create_table(
        "manifests",
        sa.Column("id", Id, nullable=False),
        sa.Column("warehouse_id", Id, nullable=False),
        sa.Column("carrier", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", Id, nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", Id, nullable=True),
        _fk("manifests", "warehouse_id", "warehouses.id"),
        _fk("manifests", "created_by", "operators.id"),
        _fk("manifests", "closed_by", "operators.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifests")),
    )
    op.create_index("ix_manifests_open", "manifests", ["warehouse_id", "carrier", "status"])

    t = "packed_cartons"
    op.create_table(
        t,
        sa.Column("id", Id, nullable=False),
        sa.Column("warehouse_id", Id, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("carton_no", sa.Integer(), nullable=False),
        sa.Column("container_id", Id, nullable=True),
        sa.Column("sscc", sa.String(length=18), nullable=True),
        sa.Column("carton_type_id", Id, nullable=True),
        sa.Column("proposed_carton_type_id", Id, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("location_id", Id, nullable=True),
        sa.Column("station", sa.String(length=20), nullable=False),
        sa.Column("packed_by", Id, nullable=True),
        sa.Column("weight_expected_g", sa.Integer(), nullable=True),
        sa.Column("weight_measured_g", sa.Integer(), nullable=True),
        sa.Column("weight_source", sa.String(length=10), nullable=False),
        sa.Column("weight_override_reason", sa.String(length=200), nullable=False),
        sa.Column("weight_override_by", Id, nullable=True),
        sa.Column("close_scan_id", sa.String(length=64), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", Id, nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", Id, nullable=True),
        sa.Column("tracking_number", sa.String(length=60), nullable=False),
        sa.Column("carrier", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("manifest_id", Id, nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_by", Id, nullable=True),
        sa.CheckConstraint("carton_no > 0", name=op.f("ck_packed_cartons_carton_no_positive")),
        sa.CheckConstraint(
            "weight_measured_g IS NULL OR weight_measured_g >= 0",
            name=op.f("ck_packed_cartons_weight_not_negative"),
        ),
        _fk(t, "warehouse_id", "warehouses.id"),
        _fk(t, "order_id", "sales_orders.id"),
        _fk(t, "container_id", "containers.id"),
        _fk(t, "carton_type_id", "carton_types.id"),
        _fk(t, "proposed_carton_type_id", "carton_types.id"),
        _fk(t, "location_id", "locations.id"),
        _fk(t, "packed_by", "operators.id"),
        _fk(t, "weight_override_by", "operators.id"),
        _fk(t, "closed_by", "operators.id"),
        _fk(t, "reopened_by", "operators.id"),
        _fk(t, "manifest_id", "manifests.id"),
        _fk(t, "shipped_by", "operators.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packed_cartons")),
        sa.UniqueConstraint(
            "order_id", "carton_no", name=op.f("uq_packed_cartons_order_id_carton_no")
        ),
        sa.UniqueConstraint("container_id", name=op.f("uq_packed_cartons_container_id")),
        sa.UniqueConstraint("sscc", name=op.f("uq_packed_cartons_sscc")),
    )
    op.create_index("ix_packed_cartons_station", t, ["station", "status"])
    op.create_index("ix_packed_cartons_order", t, ["order_id", "status"])
    op.create_index(op.f("ix_packed_cartons_manifest_id"), t, ["manifest_id"])

    t = "packed_carton_lines"
    op.create_table(
        t,
        sa.Column("id", Id, nullable=False),
        sa.Column("carton_id", Id, nullable=False),
        sa.Column("order_line_id", Id, nullable=False),
        sa.Column("item_id", Id, nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("serial_number_id", Id, nullable=True),
        sa.Column("from_location_id", Id, nullable=False),
        sa.Column("from_container_id", Id, nullable=True),
        sa.Column("in_carton", sa.Boolean(), nullable=False),
        sa.Column("scan_id", sa.String(length=64), nullable=True),
        sa.Column("packed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_packed_carton_lines_quantity_positive")),
        sa.CheckConstraint(
            "serial = '' OR quantity = 1", name=op.f("ck_packed_carton_lines_one_unit_per_serial")
        ),
        _fk(t, "carton_id", "packed_cartons.id", ondelete="CASCADE"),
        _fk(t, "order_line_id", "sales_order_lines.id"),
        _fk(t, "item_id", "items.id"),
        _fk(t, "serial_number_id", "serial_numbers.id"),
        _fk(t, "from_location_id", "locations.id"),
        _fk(t, "from_container_id", "containers.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packed_carton_lines")),
    )
    op.create_index(op.f("ix_packed_carton_lines_carton_id"), t, ["carton_id"])
    op.create_index("ix_packed_carton_lines_order_line", t, ["order_line_id"])
    op.create_index("ix_packed_carton_lines_serial", t, ["item_id", "serial"])

    op.create_table(
        "sscc_counters",
        sa.Column("extension_digit", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("company_prefix", sa.String(length=12), nullable=False),
        sa.Column("last_serial_reference", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "last_serial_reference >= 0", name=op.f("ck_sscc_counters_not_negative")
        ),
        sa.PrimaryKeyConstraint("extension_digit", "company_prefix", name=op.f("pk_sscc_counters")),
    )


def downgrade() -> None:
    op.drop_table("sscc_counters")
    op.drop_index("ix_packed_carton_lines_serial", table_name="packed_carton_lines")
    op.drop_index("ix_packed_carton_lines_order_line", table_name="packed_carton_lines")
    op.drop_index(op.f("ix_packed_carton_lines_carton_id"), table_name="packed_carton_lines")
    op.drop_table("packed_carton_lines")
    op.drop_index(op.f("ix_packed_cartons_manifest_id"), table_name="packed_cartons")
    op.drop_index("ix_packed_cartons_order", table_name="packed_cartons")
    op.drop_index("ix_packed_cartons_station", table_name="packed_cartons")
    op.drop_table("packed_cartons")
    op.drop_index("ix_manifests_open", table_name="manifests")
    op.drop_table("manifests")
