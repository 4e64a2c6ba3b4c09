"""print jobs: the document in the database, references to reprint by

Revision ID: print_0001
Revises: shell_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "print_0001"
down_revision = "shell_0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("print_jobs") as batch:
        batch.add_column(sa.Column("document", sa.LargeBinary(), nullable=True))
    op.create_table(
        "print_job_references",
        sa.Column("id", Id, nullable=False),
        sa.Column("print_job_id", Id, nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["print_job_id"],
            ["print_jobs.id"],
            name=op.f("fk_print_job_references_print_job_id_print_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_job_references")),
        sa.UniqueConstraint(
            "print_job_id",
            "reference",
            name=op.f("uq_print_job_references_print_job_id_reference"),
        ),
    )
    op.create_index(
        op.f("ix_print_job_references_reference"),
        "print_job_references",
        ["reference"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_print_job_references_reference"), table_name="print_job_references")
    op.drop_table("print_job_references")
    with op.batch_alter_table("print_jobs") as batch:
        batch.drop_column("document")
