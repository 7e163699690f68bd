"""human labels and jobs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 08:49:26.134259
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.String(length=200), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=100), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)

    op.create_table('human_labels',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_id', sa.String(length=100), nullable=False),
    sa.Column('segment_id', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('doc', sa.String(length=100), nullable=True),
    sa.Column('zone', sa.String(length=100), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('heading', sa.JSON(), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=True),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('human_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_human_labels_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_human_labels_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_human_labels_segment_id'), ['segment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('human_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_human_labels_segment_id'))
        batch_op.drop_index(batch_op.f('ix_human_labels_record_id'))
        batch_op.drop_index(batch_op.f('ix_human_labels_created_at'))

    op.drop_table('human_labels')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_status'))

    op.drop_table('jobs')
