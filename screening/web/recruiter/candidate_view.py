"""Everything the scorecard page shows about one candidate (read-only queries).

The caller has already scoped the candidate to the current organization; every query here
is keyed by that candidate's id (or rows reached through it), so nothing of another
organization can appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening.models.attempt import Attempt, IntegrityEvent, Response
from screening.models.audit import AuditEvent
from screening.models.background_check import BackgroundCheck, BackgroundCheckEvent
from screening.models.candidate import Candidate, Consent, Note, StageChange
from screening.models.job import SECTIONS, Job
from screening.models.org import User
from screening.models.score import GrammarCheck, Scorecard, SectionScore
from screening.models.task import Task
from screening.models.voice import VoiceSample

LOW_PROBABILITY = 0.5
"""Transcript words the recognizer was less sure of than this are highlighted."""

VOICE_BUSY = ("queued", "running")
TASK_BUSY = ("queued", "running")


@dataclass
class Segment:
    """A piece of the writing reply; ``match`` is the LanguageTool error covering it."""

    text: str
    match: dict[str, Any] | None = None


@dataclass
class VoiceView:
    sample: VoiceSample
    words: list[dict[str, Any]]
    grammar: GrammarCheck | None


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    text: str


@dataclass
class Progress:
    """Pending scoring work: voice samples queued/running, grammar checks pending, tasks
    queued/running (the candidate's scorecard, transcriptions, grammar checks)."""

    voice_samples: int
    grammar_checks: int
    tasks: int

    @property
    def in_progress(self) -> bool:
        return bool(self.voice_samples or self.grammar_checks or self.tasks)

    def to_dict(self) -> dict[str, Any]:
        return {"in_progress": self.in_progress, "voice_samples": self.voice_samples,
                "grammar_checks": self.grammar_checks, "tasks": self.tasks}


@dataclass
class CandidatePage:
    candidate: Candidate
    job: Job
    scorecard: Scorecard | None
    sections: list[SectionScore]
    integrity: list[tuple[IntegrityEvent, str]]
    consents: list[Consent]
    checks: list[tuple[BackgroundCheck, list[BackgroundCheckEvent]]]
    history: list[StageChange]
    notes: list[Note]
    users: dict[int, User]
    writing_text: str | None
    writing_check: GrammarCheck | None
    writing_segments: list[Segment]
    voice: list[VoiceView]
    typing_series: list[float]
    progress: Progress
    missing_sections: list[str] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    def user_name(self, user_id: int | None) -> str:
        if user_id is None:
            return "system"
        user = self.users.get(user_id)
        return user.name if user else f"user {user_id}"


def highlight(text: str, matches: list[dict[str, Any]]) -> list[Segment]:
    """Split ``text`` at the LanguageTool matches (``offset``/``length`` in characters);
    overlapping or out-of-range matches are skipped, so every character appears once."""
    segments: list[Segment] = []
    pos = 0
    for m in sorted(matches, key=lambda m: (int(m.get("offset", 0)), int(m.get("length", 0)))):
        start, length = int(m.get("offset", -1)), int(m.get("length", 0))
        end = start + length
        if start < pos or length <= 0 or end > len(text):
            continue
        if start > pos:
            segments.append(Segment(text[pos:start]))
        segments.append(Segment(text[start:end], m))
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return segments


def progress(session: Session, candidate_id: int) -> Progress:
    """Count the candidate's pending scoring work (database only, never Redis)."""
    attempt_ids = select(Attempt.id).where(Attempt.candidate_id == candidate_id)
    samples = session.execute(
        select(VoiceSample.id, VoiceSample.status).where(VoiceSample.attempt_id.in_(attempt_ids))
    ).all()
    checks = session.execute(
        select(GrammarCheck.id, GrammarCheck.status)
        .where(GrammarCheck.candidate_id == candidate_id)
    ).all()
    keys = [f"scorecard:{candidate_id}"]
    keys += [f"transcribe:{s.id}" for s in samples]
    keys += [f"grammar:{c.id}" for c in checks]
    tasks = int(session.scalar(
        select(func.count(Task.id)).where(Task.key.in_(keys), Task.status.in_(TASK_BUSY))
    ) or 0)
    return Progress(
        voice_samples=sum(1 for s in samples if s.status in VOICE_BUSY),
        grammar_checks=sum(1 for c in checks if c.status == "pending"),
        tasks=tasks,
    )


def _section_order(job: Job) -> dict[str, int]:
    order = list(job.profile.get("sections", {}).keys()) or list(SECTIONS)
    return {k: i for i, k in enumerate(order)}


def load(session: Session, candidate: Candidate) -> CandidatePage:
    """Assemble the scorecard page of ``candidate`` (already scoped to the organization)."""
    cid = candidate.id
    job = session.get(Job, candidate.job_id)
    assert job is not None
    order = _section_order(job)
    sections = sorted(
        session.scalars(select(SectionScore).where(SectionScore.candidate_id == cid)).all(),
        key=lambda s: order.get(s.section, 99))
    scorecard = session.scalar(select(Scorecard).where(Scorecard.candidate_id == cid))
    attempts = {a.section: a for a in session.scalars(
        select(Attempt).where(Attempt.candidate_id == cid))}
    by_id = {a.id: a for a in attempts.values()}
    integrity = [
        (e, by_id[e.attempt_id].section)
        for e in session.scalars(
            select(IntegrityEvent).where(IntegrityEvent.attempt_id.in_(list(by_id) or [-1]))
            .order_by(IntegrityEvent.at, IntegrityEvent.id))
    ]
    consents = list(session.scalars(
        select(Consent).where(Consent.candidate_id == cid).order_by(Consent.accepted_at)))
    check_rows = list(session.scalars(
        select(BackgroundCheck).where(BackgroundCheck.candidate_id == cid)
        .order_by(BackgroundCheck.check_type)))
    events: dict[int, list[BackgroundCheckEvent]] = {c.id: [] for c in check_rows}
    if check_rows:
        for ev in session.scalars(
            select(BackgroundCheckEvent).where(BackgroundCheckEvent.check_id.in_(list(events)))
            .order_by(BackgroundCheckEvent.at, BackgroundCheckEvent.id)
        ):
            events[ev.check_id].append(ev)
    history = list(session.scalars(
        select(StageChange).where(StageChange.candidate_id == cid)
        .order_by(StageChange.at, StageChange.id)))
    notes = list(session.scalars(
        select(Note).where(Note.candidate_id == cid).order_by(Note.created_at.desc(), Note.id)))
    views = list(session.scalars(
        select(AuditEvent).where(AuditEvent.org_id == candidate.org_id,
                                 AuditEvent.subject_type == "candidate",
                                 AuditEvent.subject_id == cid)
        .order_by(AuditEvent.at.desc()).limit(200)))

    # writing reply with its LanguageTool matches
    writing_text: str | None = None
    writing_check: GrammarCheck | None = None
    segments: list[Segment] = []
    grammar_attempt = attempts.get("grammar")
    if grammar_attempt is not None:
        writing = (grammar_attempt.answer_key or {}).get("writing")
        if writing:
            reply = session.scalar(select(Response).where(
                Response.attempt_id == grammar_attempt.id, Response.item_id == writing["id"]))
            value = reply.value.get("v") if reply else None
            writing_text = value if isinstance(value, str) else None
        writing_check = session.scalar(select(GrammarCheck).where(
            GrammarCheck.source == "writing", GrammarCheck.source_id == grammar_attempt.id,
            GrammarCheck.candidate_id == cid))
        if writing_text is not None:
            matches = ((writing_check.matches or {}).get("errors", [])
                       if writing_check and writing_check.status == "done" else [])
            segments = highlight(writing_text, matches)

    # voice samples with word confidence and transcript grammar
    voice: list[VoiceView] = []
    voice_attempt = attempts.get("voice")
    if voice_attempt is not None:
        samples = list(session.scalars(
            select(VoiceSample).where(VoiceSample.attempt_id == voice_attempt.id)
            .order_by(VoiceSample.prompt_id, VoiceSample.take)))
        grammar = {g.source_id: g for g in session.scalars(select(GrammarCheck).where(
            GrammarCheck.candidate_id == cid, GrammarCheck.source == "voice"))}
        for s in samples:
            words = [w for w in (s.words or {}).get("words", []) if isinstance(w, dict)]
            voice.append(VoiceView(s, words, grammar.get(s.id)))

    typing_series: list[float] = []
    for sec in sections:
        if sec.section == "typing" and sec.metrics:
            series = sec.metrics.get("wpm_series")
            if isinstance(series, list):
                typing_series = [float(v) for v in series if isinstance(v, int | float)]

    user_ids = {h.user_id for h in history} | {n.user_id for n in notes}
    user_ids |= {v.user_id for v in views}
    user_ids |= {e.user_id for evs in events.values() for e in evs}
    user_ids.discard(None)
    users = {u.id: u for u in session.scalars(
        select(User).where(User.org_id == candidate.org_id, User.id.in_(list(user_ids) or [-1])))}

    page = CandidatePage(
        candidate=candidate, job=job, scorecard=scorecard, sections=sections,
        integrity=integrity, consents=consents,
        checks=[(c, events[c.id]) for c in check_rows], history=history, notes=notes,
        users=users, writing_text=writing_text, writing_check=writing_check,
        writing_segments=segments, voice=voice, typing_series=typing_series,
        progress=progress(session, cid),
    )
    present = {sec.section for sec in sections}
    page.missing_sections = [
        key for key, conf in job.profile.get("sections", {}).items()
        if conf.get("enabled") and key not in present]
    page.timeline = _timeline(page, attempts.values(), views)
    return page


def _timeline(page: CandidatePage, attempts: Any, views: list[AuditEvent]) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    for h in page.history:
        out.append(TimelineEntry(h.at, "stage", f"Stage {h.from_stage or '–'} → {h.to_stage} "
                                                f"by {page.user_name(h.user_id)}"))
    for n in page.notes:
        out.append(TimelineEntry(n.created_at, "note", f"Note by {page.user_name(n.user_id)}"))
    for c in page.consents:
        out.append(TimelineEntry(c.accepted_at, "consent", f"Consent given: {c.kind}"))
    for a in attempts:
        out.append(TimelineEntry(a.started_at, "attempt", f"Started the {a.section} test"))
        if a.submitted_at is not None:
            how = " (automatically at the time limit)" if a.auto_submitted else ""
            out.append(TimelineEntry(a.submitted_at, "attempt",
                                     f"Submitted the {a.section} test{how}"))
    for event, section in page.integrity:
        out.append(TimelineEntry(event.at, "integrity",
                                 f"Integrity signal in {section}: {event.kind}"))
    for v in views:
        verb = v.action.split(".", 1)[-1].replace("_", " ")
        out.append(TimelineEntry(v.at, "audit", f"{verb.capitalize()} by "
                                                f"{page.user_name(v.user_id)}"))
    out.sort(key=lambda e: e.at, reverse=True)
    return out
