"""Scanner profiles: what each station's scanner sends, from its last self-test.

One row per station code: GS sent or not, AIM identifiers, suffix, keyboard layout, and the
readings in JSON. The station reads it when it opens (floor/station.py).

Revision ID: scanner_0001
Revises: chan_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "scanner_0001"
down_revision = "chan_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scanner_profiles",
        sa.Column("station", sa.String(length=20), nullable=False),
        sa.Column("sends_gs", sa.Boolean(), nullable=True),
        sa.Column("aim", sa.String(length=10), nullable=False, server_default=""),
        sa.Column("terminator", sa.String(length=10), nullable=False, server_default=""),
        sa.Column("layout", sa.String(length=20), nullable=False, server_default=""),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column(
            "operator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("tested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name="fk_scanner_profiles_operator_id_operators"
        ),
        sa.PrimaryKeyConstraint("station", name="pk_scanner_profiles"),
    )


def downgrade() -> None:
    op.drop_table("scanner_profiles")
