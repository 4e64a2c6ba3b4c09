"""pick clusters: one claimable row per cart of a released wave; tasks indexed by cluster

A picker's own tasks were found by an index on (assignee, status) that SQLite, once it has
statistics, judged useless (nearly every row NULL) and replaced by a scan of every task: it
now indexes only the tasks given to someone.

Claiming a cart used to find the first open task of every cluster with a correlated
subquery per open task (quadratic in the open pick tasks). A `pick_clusters` row per cart,
indexed by warehouse, status and release order, is claimed instead. Clusters of waves
released before this revision are written from their tasks.

Revision ID: outbound_0001
Revises: auth_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "outbound_0001"
down_revision = "auth_0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

MINE = ("assigned", "in_progress")


def upgrade() -> None:
    op.create_table(
        "pick_clusters",
        sa.Column("id", Id, nullable=False),
        sa.Column("warehouse_id", Id, nullable=False),
        sa.Column("wave_id", Id, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assignee_id", Id, nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_pick_clusters_warehouse_id_warehouses"),
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_pick_clusters_wave_id_waves")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["operators.id"], name=op.f("fk_pick_clusters_assignee_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pick_clusters")),
        sa.UniqueConstraint("wave_id", "code", name=op.f("uq_pick_clusters_wave_id")),
    )
    op.create_index(
        "ix_pick_clusters_queue",
        "pick_clusters",
        ["warehouse_id", "status", "released_at", "wave_id", "code"],
    )
    op.create_index("ix_tasks_cluster", "tasks", ["wave_id", "cluster", "status"])
    # a picker's own tasks: index only the tasks given to someone (see models.Task)
    op.drop_index("ix_tasks_assignee", table_name="tasks")
    op.create_index(
        "ix_tasks_assignee",
        "tasks",
        ["assignee_id", "status"],
        sqlite_where=sa.text("assignee_id IS NOT NULL"),
        postgresql_where=sa.text("assignee_id IS NOT NULL"),
    )
    _clusters_of_released_waves()


def _clusters_of_released_waves() -> None:
    """One row per cluster of every wave released so far, its status from its tasks."""
    tasks = sa.table(
        "tasks",
        sa.column("warehouse_id", Id),
        sa.column("wave_id", Id),
        sa.column("cluster", sa.String),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
        sa.column("assignee_id", Id),
    )
    waves = sa.table(
        "waves",
        sa.column("id", Id),
        sa.column("status", sa.String),
        sa.column("released_at", sa.DateTime(timezone=True)),
    )
    clusters = sa.table(
        "pick_clusters",
        sa.column("warehouse_id", Id),
        sa.column("wave_id", Id),
        sa.column("code", sa.String),
        sa.column("status", sa.String),
        sa.column("released_at", sa.DateTime(timezone=True)),
        sa.column("assignee_id", Id),
    )
    is_open = sa.case((tasks.c.status == "open", 1), else_=0)
    is_mine = sa.case((tasks.c.status.in_(MINE), 1), else_=0)
    mine_assignee = sa.case((tasks.c.status.in_(MINE), tasks.c.assignee_id), else_=None)
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            tasks.c.warehouse_id,
            tasks.c.wave_id,
            tasks.c.cluster,
            waves.c.status,
            waves.c.released_at,
            sa.func.sum(is_open),
            sa.func.sum(is_mine),
            sa.func.max(mine_assignee),
        )
        .join(waves, waves.c.id == tasks.c.wave_id)
        .where(tasks.c.kind == "pick", waves.c.released_at.is_not(None))
        .group_by(
            tasks.c.warehouse_id,
            tasks.c.wave_id,
            tasks.c.cluster,
            waves.c.status,
            waves.c.released_at,
        )
    ).all()
    batch = []
    for warehouse_id, wave_id, code, wave_status, released_at, open_n, mine_n, assignee in rows:
        if wave_status == "cancelled":
            status = "cancelled"
        elif open_n:
            status = "held" if wave_status == "held" else "open"
        elif mine_n:
            status = "claimed"
        else:
            status = "done"
        batch.append(
            {
                "warehouse_id": warehouse_id,
                "wave_id": wave_id,
                "code": code,
                "status": status,
                "released_at": released_at,
                "assignee_id": assignee if status == "claimed" else None,
            }
        )
    for start in range(0, len(batch), 5000):
        bind.execute(sa.insert(clusters), batch[start : start + 5000])


def downgrade() -> None:
    op.drop_index("ix_tasks_assignee", table_name="tasks")
    op.create_index("ix_tasks_assignee", "tasks", ["assignee_id", "status"])
    op.drop_index("ix_tasks_cluster", table_name="tasks")
    op.drop_index("ix_pick_clusters_queue", table_name="pick_clusters")
    op.drop_table("pick_clusters")
