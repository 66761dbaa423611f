"""Scorecards: combine stored section scores with the job profile, then re-rank the job.

Runs as the ``recompute_scorecard`` job; adds writes to the given session without committing
(the job runner commits them together with the task's ``done`` mark).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from screening.db import utcnow
from screening.models.attempt import Attempt, IntegrityEvent
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.models.score import Scorecard, SectionScore
from screening.scoring.composite import RecommendationCutoffs, build_scorecard
from screening.scoring.composite import Scorecard as Card
from screening.scoring.ranking import rank_candidates
from screening.services import webhooks


def profile_weights(profile: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    """(weights, thresholds) of the enabled sections of a job profile."""
    weights: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    for key, section in profile.get("sections", {}).items():
        if section.get("enabled") and float(section.get("weight", 0)) > 0:
            weights[key] = float(section["weight"])
            if section.get("threshold") is not None:
                thresholds[key] = float(section["threshold"])
    return weights, thresholds


@dataclass(frozen=True)
class JobRules:
    """What a job's profile says about scoring: enabled-section weights, pass thresholds and
    recommendation cut-offs."""

    weights: dict[str, float]
    thresholds: dict[str, float]
    cutoffs: RecommendationCutoffs

    @classmethod
    def of(cls, job: Job) -> JobRules:
        weights, thresholds = profile_weights(job.profile)
        cutoffs = job.profile.get("cutoffs", {"advance": 75, "review": 55})
        return cls(weights, thresholds,
                   RecommendationCutoffs(float(cutoffs["advance"]), float(cutoffs["review"])))

    def card(self, candidate: Candidate, scores: Mapping[str, float | None],
             flags: Iterable[str]) -> Card:
        """The candidate's scorecard from their section scores and integrity flag kinds."""
        return build_scorecard(
            {k: v for k, v in scores.items() if k in self.weights},
            self.weights,
            self.thresholds,
            cutoffs=self.cutoffs,
            knockout_failures=list((candidate.knockout_reasons or {}).get("reasons", [])),
            integrity_flags=sorted(set(flags)),
        )


def store_card(session: Session, row: Scorecard | None, candidate: Candidate,
               card: Card) -> Scorecard:
    """Write ``card`` into the candidate's scorecard row (created when ``row`` is None). When
    the card is complete and its composite or recommendation changed, emit ``scorecard.ready``;
    a complete card also tells Greenhouse (which sends only what it has not sent yet)."""
    before = (row.complete, row.composite, row.recommendation) if row is not None else None
    if row is None:
        row = Scorecard(candidate_id=candidate.id, org_id=candidate.org_id,
                        job_id=candidate.job_id)
        session.add(row)
    row.composite = card.composite
    row.recommendation = card.recommendation
    row.complete = card.complete
    row.flagged = card.flagged
    row.explanation = card.to_dict()
    row.computed_at = utcnow()
    if card.complete and before != (True, card.composite, card.recommendation):
        webhooks.emit(session, candidate.org_id, "scorecard.ready",
                      {"candidate_id": candidate.id, "job_id": candidate.job_id,
                       "composite": card.composite, "recommendation": card.recommendation,
                       "sections": {s.key: s.score for s in card.sections}},
                      ordering_key=f"candidate:{candidate.id}")
    if card.complete:
        from screening.services.greenhouse import notify_scorecard_ready

        notify_scorecard_ready(session, candidate.id)
    return row


def recompute(session: Session, candidate_id: int) -> Scorecard | None:
    """Rebuild one candidate's scorecard (upsert) and the ranks of the job's candidates."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    job = session.get(Job, candidate.job_id)
    assert job is not None
    scores = {
        s.section: s.score
        for s in session.scalars(
            select(SectionScore).where(SectionScore.candidate_id == candidate_id)
        )
    }
    flags = session.scalars(
        select(IntegrityEvent.kind)
        .join(Attempt, Attempt.id == IntegrityEvent.attempt_id)
        .where(Attempt.candidate_id == candidate_id)
    )
    card = JobRules.of(job).card(candidate, scores, flags)
    row = session.scalar(select(Scorecard).where(Scorecard.candidate_id == candidate_id))
    row = store_card(session, row, candidate, card)
    session.flush()
    rerank_job(session, job.id)
    return row


def rerank_job(session: Session, job_id: int) -> None:
    """Write competition rank and percentile for every scored candidate of a job."""
    rows = session.execute(
        select(Scorecard.id, Scorecard.composite)
        .where(Scorecard.job_id == job_id)
        .order_by(Scorecard.id)
    ).all()
    ranked = {r.candidate: r for r in rank_candidates({row.id: row.composite for row in rows})}
    for row in rows:
        r = ranked.get(row.id)
        session.execute(
            update(Scorecard)
            .where(Scorecard.id == row.id)
            .values(rank=r.rank if r else None, percentile=r.percentile if r else None)
        )
