"""carton types: the cartons a packer chooses from (inner size, weights, barcode)

Revision ID: pack_0001
Revises: core_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pack_0001"
down_revision = "core_0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "carton_types",
        sa.Column("id", Id, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("length_mm", sa.Integer(), nullable=False),
        sa.Column("width_mm", sa.Integer(), nullable=False),
        sa.Column("height_mm", sa.Integer(), nullable=False),
        sa.Column("max_weight_g", sa.Integer(), nullable=False),
        sa.Column("tare_weight_g", sa.Integer(), nullable=False),
        sa.Column("barcode", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "length_mm > 0 AND width_mm > 0 AND height_mm > 0",
            name=op.f("ck_carton_types_dimensions_positive"),
        ),
        sa.CheckConstraint(
            "tare_weight_g >= 0 AND max_weight_g > tare_weight_g",
            name=op.f("ck_carton_types_weights"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carton_types")),
        sa.UniqueConstraint("code", name=op.f("uq_carton_types_code")),
        sa.UniqueConstraint("barcode", name=op.f("uq_carton_types_barcode")),
    )


def downgrade() -> None:
    op.drop_table("carton_types")
