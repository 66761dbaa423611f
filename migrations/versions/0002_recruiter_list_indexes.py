"""indexes for the recruiter's ranked candidate list

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 22:45:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index('ix_scorecards_org_composite', ['org_id', 'composite'], unique=False)
    with op.batch_alter_table('section_scores', schema=None) as batch_op:
        batch_op.create_index('ix_section_scores_section_score', ['section', 'score'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('section_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_section_scores_section_score')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecards_org_composite')
