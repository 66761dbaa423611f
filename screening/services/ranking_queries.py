"""The recruiter's ranked candidate list: filters, sorting, pagination and job statistics.

Read-only queries, always scoped to one organization (``org_id`` is a required argument of
every function). The same :class:`CandidateFilters` drive the HTML list and the CSV export.

Indexes used (PostgreSQL, 100,000 candidates in one organization):

* ``ix_candidates_org_job_stage`` / ``ix_candidates_org_state`` / ``ix_candidates_org_applied``
  for the job, stage and state filters and the applied-date sort;
* ``ix_scorecards_org_composite`` / ``ix_scorecards_job_composite`` for the composite sort,
  ``ix_scorecards_org_recommendation`` for the recommendation filter;
* ``uq_section_scores_candidate_id`` (candidate, section) for the section join and
  ``ix_section_scores_section_score`` for sorting by one section;
* ``uq_background_checks_candidate_id`` (candidate, type) for the background-check filter.

The name / e-mail search is a case-insensitive substring match (``lower(x) LIKE '%q%'``) over
the organization's rows that the other filters leave (no trigram index: about 0.1 s at
100,000 candidates).

A page is read in two index-friendly segments (scored rows by the sort key, then unscored rows
by id; see :func:`_page_pairs`). ``benchmarks/ranking.py`` measures it: with 100,000 candidates
in one organization on PostgreSQL 15, a page (count + 50 rows + their section scores) takes
about 10–30 ms for the sorts and most filters, 50 ms for a check-status filter and 100 ms for a
search.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from screening.models.background_check import BackgroundCheck
from screening.models.candidate import STAGES, Candidate
from screening.models.job import Job
from screening.models.score import Scorecard, SectionScore
from screening.services.orgs import ServiceError

PER_PAGE = 50
"""Rows per page of the ranked list."""

SCORE_SECTIONS = ("typing", "grammar", "math", "voice")
"""Section columns of the list (and sort keys besides ``composite`` and ``applied``)."""

SORTS = ("composite", *SCORE_SECTIONS, "applied")
RECOMMENDATIONS = ("advance", "review", "reject")
CHECK_STATUSES = ("not_started", "invited", "pending", "suspended", "paused", "complete",
                  "canceled", "dispute")
"""Background-check statuses (Checkr's model). Filtering by a status matches candidates with
any check in that status; ``not_started`` matches candidates none of whose checks has started
(no check at all, or only ``not_started`` rows)."""


class FilterError(ServiceError):
    """A filter or sort value that is not allowed; the message names the value and choices."""


@dataclass(frozen=True)
class CandidateFilters:
    """What the recruiter asked for. ``None`` = no filter on that field.

    ``flagged``: True only flagged scorecards, False only unflagged (or unscored).
    ``q``: case-insensitive substring of the name or e-mail. ``sort`` one of :data:`SORTS`,
    ``direction`` ``asc`` | ``desc``; unscored candidates always come last.
    """

    job_id: int | None = None
    stage: str | None = None
    state: str | None = None
    bg_status: str | None = None
    recommendation: str | None = None
    flagged: bool | None = None
    q: str | None = None
    sort: str = "composite"
    direction: str = "desc"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CandidateFilters:
        """Parse query-string values (empty = not set); :class:`FilterError` on a bad value."""

        def text(name: str) -> str | None:
            value = (args.get(name) or "").strip()
            return value or None

        job_raw = text("job")
        job_id = None
        if job_raw is not None:
            if not job_raw.isdigit():
                raise FilterError(f"job must be a job id, got {job_raw!r}")
            job_id = int(job_raw)
        stage = text("stage")
        _check_choice("stage", stage, STAGES)
        state = text("state")
        if state is not None:
            state = state.upper()
            if len(state) != 2 or not state.isalpha():
                raise FilterError(f"state must be a two-letter US state code, got {state!r}")
        bg_status = text("bg")
        _check_choice("background-check status", bg_status, CHECK_STATUSES)
        recommendation = text("recommendation")
        _check_choice("recommendation", recommendation, RECOMMENDATIONS)
        flagged_raw = text("flagged")
        flagged: bool | None = None
        if flagged_raw is not None:
            if flagged_raw not in ("yes", "no"):
                raise FilterError(f"flagged must be yes or no, got {flagged_raw!r}")
            flagged = flagged_raw == "yes"
        q = text("q")
        if q is not None and len(q) > 200:
            raise FilterError("search text is limited to 200 characters")
        sort = text("sort") or "composite"
        _check_choice("sort", sort, SORTS)
        direction = text("dir") or "desc"
        _check_choice("direction", direction, ("asc", "desc"))
        return cls(job_id, stage, state, bg_status, recommendation, flagged, q, sort, direction)

    def to_args(self) -> dict[str, str]:
        """The query-string form of the filters that are set (inverse of :meth:`from_args`)."""
        out: dict[str, str] = {}
        if self.job_id is not None:
            out["job"] = str(self.job_id)
        for key, value in (("stage", self.stage), ("state", self.state), ("bg", self.bg_status),
                           ("recommendation", self.recommendation), ("q", self.q)):
            if value is not None:
                out[key] = value
        if self.flagged is not None:
            out["flagged"] = "yes" if self.flagged else "no"
        if self.sort != "composite":
            out["sort"] = self.sort
        if self.direction != "desc":
            out["dir"] = self.direction
        return out

    def describe(self) -> dict[str, Any]:
        """JSON-ready form for the audit log."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def _check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise FilterError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(org_id: int, f: CandidateFilters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [Candidate.org_id == org_id]
    if f.job_id is not None:
        conds.append(Candidate.job_id == f.job_id)
    if f.stage is not None:
        conds.append(Candidate.stage == f.stage)
    if f.state is not None:
        conds.append(Candidate.state == f.state)
    if f.bg_status is not None:
        if f.bg_status == "not_started":
            # no check has started: none at all, or only rows still ``not_started``
            conds.append(~exists().where(BackgroundCheck.candidate_id == Candidate.id,
                                         BackgroundCheck.status != "not_started"))
        else:
            conds.append(exists().where(BackgroundCheck.candidate_id == Candidate.id,
                                        BackgroundCheck.status == f.bg_status))
    if f.recommendation is not None:
        conds.append(Scorecard.recommendation == f.recommendation)
    if f.flagged is True:
        conds.append(Scorecard.flagged.is_(True))
    elif f.flagged is False:
        conds.append(or_(Scorecard.id.is_(None), Scorecard.flagged.is_(False)))
    if f.q is not None:
        pattern = _like_pattern(f.q)
        conds.append(or_(func.lower(Candidate.name).like(pattern, escape="\\"),
                         func.lower(Candidate.email).like(pattern, escape="\\")))
    return conds


def _unordered(org_id: int, f: CandidateFilters) -> tuple[Select[tuple[Candidate, Scorecard]],
                                                          Any]:
    """The filtered rows (not yet sorted) and the column they are sorted by."""
    stmt = (
        select(Candidate, Scorecard)
        .outerjoin(Scorecard, Scorecard.candidate_id == Candidate.id)
        .where(*_conditions(org_id, f))
    )
    key: Any
    if f.sort == "composite":
        key = Scorecard.composite
    elif f.sort == "applied":
        key = Candidate.applied_at
    else:
        section = aliased(SectionScore)
        stmt = stmt.outerjoin(section, and_(section.candidate_id == Candidate.id,
                                            section.section == f.sort))
        key = section.score
    return stmt, key


def _ordered(stmt: Select[Any], key: Any, direction: str, *,
             nulls_last: bool = True) -> Select[Any]:
    if direction == "desc":
        k = key.desc().nulls_last() if nulls_last else key.desc()
        return stmt.order_by(k, Candidate.id.desc())
    k = key.asc().nulls_last() if nulls_last else key.asc()
    return stmt.order_by(k, Candidate.id.asc())


def filtered_query(org_id: int, f: CandidateFilters) -> Select[tuple[Candidate, Scorecard]]:
    """``(Candidate, Scorecard | None)`` rows of the organization matching ``f``, sorted by
    ``f.sort`` in ``f.direction`` with missing values last, ties by candidate id (same
    direction)."""
    stmt, key = _unordered(org_id, f)
    # applied_at is NOT NULL: a plain ORDER BY lets PostgreSQL walk ix_candidates_org_applied
    return _ordered(stmt, key, f.direction, nulls_last=f.sort != "applied")


def count(session: Session, org_id: int, f: CandidateFilters) -> int:
    """How many candidates of the organization match ``f``."""
    stmt = (
        select(func.count(Candidate.id))
        .select_from(Candidate)
        .outerjoin(Scorecard, Scorecard.candidate_id == Candidate.id)
        .where(*_conditions(org_id, f))
    )
    return int(session.scalar(stmt) or 0)


@dataclass
class CandidateRow:
    """One list row. ``sections``: section key -> score, ``None`` = not available.
    ``checks``: background-check statuses (``type: status``), empty = none started."""

    candidate: Candidate
    scorecard: Scorecard | None
    job_title: str
    sections: dict[str, float | None] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)


@dataclass
class Page:
    """One page of the list: ``page`` counts from 1; ``pages`` >= 1."""

    rows: list[CandidateRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _decorate(session: Session, org_id: int,
              pairs: list[tuple[Candidate, Scorecard | None]]) -> list[CandidateRow]:
    ids = [c.id for c, _ in pairs]
    titles = {r.id: r.title for r in session.execute(
        select(Job.id, Job.title).where(Job.org_id == org_id))}
    scores: dict[int, dict[str, float | None]] = {i: {} for i in ids}
    checks: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for s in session.execute(
            select(SectionScore.candidate_id, SectionScore.section, SectionScore.score)
            .where(SectionScore.candidate_id.in_(ids))
        ):
            scores[s.candidate_id][s.section] = s.score
        for b in session.execute(
            select(BackgroundCheck.candidate_id, BackgroundCheck.check_type,
                   BackgroundCheck.status, BackgroundCheck.result)
            .where(BackgroundCheck.candidate_id.in_(ids))
            .order_by(BackgroundCheck.check_type)
        ):
            label = f"{b.check_type}: {b.status}" + (f" ({b.result})" if b.result else "")
            checks[b.candidate_id].append(label)
    return [
        CandidateRow(c, card, titles.get(c.job_id, ""),
                     {k: scores[c.id].get(k) for k in SCORE_SECTIONS}, checks[c.id])
        for c, card in pairs
    ]


def _page_pairs(session: Session, org_id: int, f: CandidateFilters, offset: int,
                limit: int) -> list[tuple[Candidate, Scorecard | None]]:
    """One page in :func:`filtered_query` order, read as two index-friendly segments.

    ``ORDER BY score DESC NULLS LAST`` cannot be read from a plain b-tree index on PostgreSQL,
    so sorting 100,000 rows would be a full top-N sort. Rows *with* a score are read with a
    plain ``ORDER BY`` (walking ``ix_scorecards_org_composite`` / ``ix_section_scores_section_
    score`` backwards or forwards and stopping after ``limit`` rows), then rows without a score
    by id; the result is the same order as :func:`filtered_query`.
    """
    stmt, key = _unordered(org_id, f)
    if f.sort == "applied" or f.q is not None or f.bg_status not in (None, "not_started"):
        # applied: already index-ordered; search / check filters are selective (or need a
        # scan anyway), where one sorted query beats walking an index and filtering.
        rows = session.execute(filtered_query(org_id, f).limit(limit).offset(offset)).all()
        return [(r[0], r[1]) for r in rows]
    scored = stmt.where(key.is_not(None))
    if f.sort == "composite":
        scored = scored.where(Scorecard.org_id == org_id)  # lets the index drive the scan
    pairs: list[tuple[Candidate, Scorecard | None]] = [
        (r[0], r[1]) for r in session.execute(
            _ordered(scored, key, f.direction, nulls_last=False).limit(limit).offset(offset))]
    if len(pairs) < limit:
        # the scored rows end on this page (or before it): the unscored ones follow
        if pairs:
            n_scored = offset + len(pairs)
        else:
            n_scored = int(session.scalar(select(func.count()).select_from(
                scored.with_only_columns(Candidate.id).subquery())) or 0)
        unscored = stmt.where(key.is_(None))
        order = Candidate.id.desc() if f.direction == "desc" else Candidate.id.asc()
        pairs += [(r[0], r[1]) for r in session.execute(
            unscored.order_by(order).limit(limit - len(pairs))
            .offset(max(0, offset - n_scored)))]
    return pairs


def page(session: Session, org_id: int, f: CandidateFilters, number: int = 1,
         per_page: int = PER_PAGE) -> Page:
    """Page ``number`` (from 1; past the end gives an empty page) of the filtered list."""
    number = max(1, number)
    total = count(session, org_id, f)
    pairs = _page_pairs(session, org_id, f, (number - 1) * per_page, per_page)
    return Page(_decorate(session, org_id, pairs), total, number, per_page)


def iter_rows(session: Session, org_id: int, f: CandidateFilters,
              batch: int = 500) -> Iterator[CandidateRow]:
    """Every matching row in list order, fetched ``batch`` rows at a time (for the export)."""
    result = session.execute(filtered_query(org_id, f).execution_options(yield_per=batch))
    for chunk in result.partitions(batch):
        yield from _decorate(session, org_id, [(r[0], r[1]) for r in chunk])


# --- job statistics -----------------------------------------------------------------------------

HISTOGRAM_BINS = tuple((lo, lo + 10) for lo in range(0, 100, 10))
"""Composite bins [0,10), [10,20), … [90,100] (100 falls into the last bin)."""


def score_histogram(session: Session, org_id: int, job_id: int) -> list[dict[str, Any]]:
    """Scored candidates of a job per 10-point composite bin: ``[{label, low, high, count}]``."""
    bucket = case(*[(Scorecard.composite < hi, i) for i, (_lo, hi) in
                    enumerate(HISTOGRAM_BINS[:-1])], else_=len(HISTOGRAM_BINS) - 1)
    counts = {int(r[0]): int(r[1]) for r in session.execute(
        select(bucket, func.count())
        .where(Scorecard.org_id == org_id, Scorecard.job_id == job_id,
               Scorecard.composite.is_not(None))
        .group_by(bucket)
    )}
    return [{"label": f"{lo}–{hi if hi < 100 else 100}", "low": lo, "high": hi,
             "count": int(counts.get(i, 0))} for i, (lo, hi) in enumerate(HISTOGRAM_BINS)]


def stage_funnel(session: Session, org_id: int, job_id: int) -> list[dict[str, Any]]:
    """Candidates of a job per stage, in pipeline order: ``[{stage, count}]``."""
    counts = {str(r[0]): int(r[1]) for r in session.execute(
        select(Candidate.stage, func.count())
        .where(Candidate.org_id == org_id, Candidate.job_id == job_id)
        .group_by(Candidate.stage)
    )}
    return [{"stage": s, "count": int(counts.get(s, 0))} for s in STAGES]
