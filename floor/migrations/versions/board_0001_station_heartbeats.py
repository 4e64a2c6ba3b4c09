"""Station heartbeats for the supervisor board, and the indexes its first read of a shift uses.

One row per station, upserted every few seconds by the running station (floor/station.py):
operator, flow, scanner and database state, app version, last scan. The board reads the
ledger and the scan journal from the first row of the shift on (by time once, then by id),
so both get an index on their time column.

Revision ID: board_0001
Revises: kit_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "board_0001"
down_revision = "kit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_heartbeats",
        sa.Column("station", sa.String(length=20), nullable=False),
        sa.Column(
            "operator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("flow", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("scanner", sa.Boolean(), nullable=True),
        sa.Column("database", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("app_version", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("last_scan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name="fk_station_heartbeats_operator_id_operators"
        ),
        sa.PrimaryKeyConstraint("station", name="pk_station_heartbeats"),
    )
    op.create_index(
        "ix_stock_transactions_created_at", "stock_transactions", ["created_at"], unique=False
    )
    op.create_index("ix_scan_journal_read_at", "scan_journal", ["read_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_scan_journal_read_at", table_name="scan_journal")
    op.drop_index("ix_stock_transactions_created_at", table_name="stock_transactions")
    op.drop_table("station_heartbeats")
