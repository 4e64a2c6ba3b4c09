"""shipping: at most one open manifest per warehouse and carrier

Revision ID: ship_0001
Revises: pack_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ship_0001"
down_revision = "pack_0002"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    # Two docks shipping the first carton of the day for one carrier at once would each open
    # a manifest; the second insert now fails and its retried transaction finds the first.
    op.create_index(
        "uq_manifests_open_carrier",
        "manifests",
        ["warehouse_id", "carrier"],
        unique=True,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index("ix_packed_cartons_tracking", "packed_cartons", ["tracking_number"])
    op.create_index("ix_packed_cartons_shipped_at", "packed_cartons", ["shipped_at"])


def downgrade() -> None:
    op.drop_index("ix_packed_cartons_shipped_at", table_name="packed_cartons")
    op.drop_index("ix_packed_cartons_tracking", table_name="packed_cartons")
    op.drop_index("uq_manifests_open_carrier", table_name="manifests")
