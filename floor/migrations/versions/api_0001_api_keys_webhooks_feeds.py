"""The HTTP API: keys, webhook subscriptions, the outbox of events and their deliveries, and
the transaction id that orders the movement and event feeds.

`movements.xact_id` and `api_events.xact_id` default on PostgreSQL to the id of the
transaction writing the row (`pg_current_xact_id()`), on SQLite to 0. Movements already
there get 0 (one pass over the table at the upgrade): they come first in the feed, in id
order. See floor/api/feeds.py for why the feed is read in (xact_id, id) order.

Revision ID: api_0001
Revises: buy_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "api_0001"
down_revision = "buy_0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PG_XACT = "(pg_current_xact_id()::text)::bigint"


def _xact_default() -> sa.TextClause:
    if op.get_bind().dialect.name == "postgresql":
        return sa.text(PG_XACT)
    return sa.text("0")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False, server_default=""),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", ID, nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
    )
    op.create_table(
        "api_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False, server_default=""),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("xact_id", sa.BigInteger(), nullable=False, server_default=_xact_default()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_events"),
    )
    op.create_index("ix_api_events_feed", "api_events", ["xact_id", "id"])
    op.create_index("ix_api_events_kind_feed", "api_events", ["kind", "xact_id", "id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("subscription_id", ID, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["event_id"], ["api_events.id"], name="fk_webhook_deliveries_event_id_api_events"
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name="fk_webhook_deliveries_subscription_id_webhook_subscriptions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    )
    op.create_index(
        "ix_webhook_deliveries_event_id", "webhook_deliveries", ["event_id"], unique=False
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["delivered_at", "next_attempt_at"]
    )
    if op.get_bind().dialect.name == "postgresql":
        # Added without a default, so PostgreSQL does not rewrite the table for a volatile
        # one; the rows already there get 0, new rows their transaction's id.
        op.add_column("movements", sa.Column("xact_id", sa.BigInteger(), nullable=True))
        op.execute("UPDATE movements SET xact_id = 0")
        op.alter_column("movements", "xact_id", nullable=False, server_default=sa.text(PG_XACT))
    else:
        op.add_column(
            "movements",
            sa.Column("xact_id", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        )
    op.create_index("ix_movements_feed", "movements", ["xact_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_movements_feed", table_name="movements")
    op.drop_column("movements", "xact_id")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_event_id", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_api_events_kind_feed", table_name="api_events")
    op.drop_index("ix_api_events_feed", table_name="api_events")
    op.drop_table("api_events")
    op.drop_table("webhook_subscriptions")
    op.drop_table("api_keys")
