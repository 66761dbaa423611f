"""CSV export of the ranked candidate list, streamed row by row.

Cells are guarded against CSV (formula) injection: a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'`` so spreadsheet programs show it
as text instead of running it (OWASP "CSV Injection"). Numbers are written as numbers.
Scores that are not available are empty cells (never 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from screening.services.ranking_queries import SCORE_SECTIONS, CandidateRow

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADER = (
    "candidate_id", "name", "email", "phone", "state", "job", "stage", "applied_at",
    "composite", "percentile", "rank", "recommendation", "flagged",
    *SCORE_SECTIONS, "background_checks",
)


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell: text that a spreadsheet would evaluate gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def row_cells(row: CandidateRow) -> list[Any]:
    """The cells of one candidate, in :data:`HEADER` order (guarded)."""
    c, card = row.candidate, row.scorecard
    values: list[Any] = [
        c.id, c.name, c.email, c.phone, c.state, row.job_title, c.stage,
        c.applied_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        card.composite if card else None,
        card.percentile if card else None,
        card.rank if card else None,
        card.recommendation if card else None,
        card.flagged if card else None,
        *(row.sections.get(s) for s in SCORE_SECTIONS),
        "; ".join(row.checks),
    ]
    return [safe_cell(v) for v in values]


def stream_csv(rows: Iterable[CandidateRow]) -> Iterator[str]:
    """The header line, then one CSV line per row (RFC 4180 quoting, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow(HEADER)
    yield flush()
    for row in rows:
        writer.writerow(row_cells(row))
        yield flush()
