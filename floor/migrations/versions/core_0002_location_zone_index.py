"""Index locations by zone: finding the dock or quarantine of a large warehouse.

Revision ID: core_0002
Revises: inbound_0001
"""

from __future__ import annotations

from alembic import op

revision = "core_0002"
down_revision = "inbound_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_locations_zone", "locations", ["zone_id", "code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_locations_zone", table_name="locations")
