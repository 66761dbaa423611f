"""Voice answers: accept a recording, transcribe and score it, score the voice section.

Flow (see DESIGN.md, "One applicant submission, end to end"):

1. :func:`submit_voice_sample` (web request): validate and decode the upload, store the
   original bytes under their SHA-256 (write-once), write a :class:`VoiceSample` with status
   ``queued``, commit, and only then dispatch ``transcribe_voice_sample`` (task key
   ``transcribe:<sample id>``, queue ``audio``).
2. :func:`transcribe_sample` (job, model loaded once per worker process): decode the stored
   original, transcribe, compute speech metrics and the sample's 0–100 voice score, store them.
   Idempotent: a sample already transcribed is left alone.
3. The prompt's score is kept as the attempt's saved answer (a :class:`Response` row with
   ``value = {"v": score, "sample_id", "take"}`` and ``client_seq = take``) so that
   ``services.attempts.submit_attempt`` scores the voice section like any other. When the
   attempt is already submitted and no latest take is still waiting for transcription,
   :func:`score_section_if_complete` (re)computes the voice :class:`SectionScore` and queues the
   scorecard.

Takes: a prompt may be recorded ``1 + retakes`` times (``retakes`` from the job profile's voice
section, default 2); the latest take counts.

Grammar of free answers: each transcribed scenario sample with words gets a LanguageTool check
(``services.grammar_checks.request_check``, source ``voice``); when it is done,
:func:`rescore_with_grammar` re-scores the sample with the grammar part and the section again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from screening.assessments import get_type
from screening.assessments.voice import prompt_in_key
from screening.config import Settings
from screening.db import utcnow
from screening.models.attempt import Attempt
from screening.models.job import Job
from screening.models.score import SectionScore
from screening.models.task import Task
from screening.models.voice import VoiceSample
from screening.queues import enqueue
from screening.scoring.audio_quality import AudioQuality
from screening.services import attempts as attempt_service
from screening.services.attempts import AttemptClosed
from screening.services.orgs import ServiceError
from screening.speech.analysis import analyze_voice, score_transcript
from screening.speech.audio import AudioError, decode_audio, decode_audio_file, store_original
from screening.speech.engines import get_engine
from screening.speech.transcript import Transcript

log = logging.getLogger(__name__)

SECTION = "voice"
DEFAULT_RETAKES = 2
TRANSCRIBE_JOB = "transcribe_voice_sample"
FINISHED = ("transcribed", "failed")
"""Sample statuses after which nothing more happens to a sample."""


class UnknownPrompt(ServiceError):
    """The attempt has no prompt with that id (HTTP 404)."""


class NoTakesLeft(ServiceError):
    """Every allowed take of the prompt is used (HTTP 409)."""


def task_key(sample_id: int) -> str:
    """Task key of a sample's transcription: ``transcribe:<sample id>``."""
    return f"transcribe:{sample_id}"


def original_path(storage_dir: str | Path, sha256: str) -> Path:
    """Where :func:`screening.speech.audio.store_original` keeps the bytes of ``sha256``."""
    return Path(storage_dir) / sha256[:2] / sha256


def max_takes(job: Job) -> int:
    """Recordings allowed per prompt: 1 + the voice section's ``retakes`` (default 2)."""
    cfg = job.profile.get("sections", {}).get(SECTION, {})
    retakes = cfg.get("retakes", DEFAULT_RETAKES)
    if isinstance(retakes, bool) or not isinstance(retakes, int) or retakes < 0:
        retakes = DEFAULT_RETAKES
    return 1 + retakes


def _takes_used(session: Session, attempt: Attempt, prompt_id: str) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.max(VoiceSample.take), 0)).where(
                VoiceSample.attempt_id == attempt.id, VoiceSample.prompt_id == prompt_id
            )
        )
        or 0
    )


def _check_open(attempt: Attempt) -> None:
    """AttemptClosed unless the attempt takes answers (in progress, before deadline + grace)."""
    timeout = utcnow() > attempt.deadline_at + attempt_service.GRACE
    if attempt.status != "in_progress" and not (attempt.auto_submitted and timeout):
        raise AttemptClosed("This test is already submitted; recordings can no longer change.")
    if timeout:
        raise AttemptClosed("Time is up for this test; recordings after the time limit are not "
                            "accepted.")


def _check_takes(used: int, limit: int) -> None:
    if used >= limit:
        raise NoTakesLeft(
            f"You have used all {limit} recordings allowed for this question; your last "
            "recording is the one that counts."
        )


def submit_voice_sample(session: Session, attempt: Attempt, prompt_id: str, data: bytes,
                        settings: Settings) -> VoiceSample:
    """Accept one recording of ``prompt_id`` for the voice ``attempt``. Commits.

    Raises :class:`UnknownPrompt`, :class:`AttemptClosed` (submitted, or past deadline + grace;
    an overdue attempt is submitted on the way), :class:`NoTakesLeft`, and the
    :class:`~screening.speech.audio.AudioError` subclasses of ``decode_audio`` (size limit
    ``settings.max_upload_bytes``, length limit = the prompt's ``max_seconds`` + 2 s). Nothing
    is written when it raises (except an automatic submission of an overdue attempt).

    On success the sample has status ``queued`` and ``take`` = previous takes + 1; its
    transcription is dispatched after the commit with key ``transcribe:<id>`` on queue ``audio``.
    """
    if attempt.section != SECTION:
        raise ServiceError("Recordings belong to the voice test.")
    prompt = prompt_in_key(attempt.answer_key, prompt_id)
    if prompt is None:
        raise UnknownPrompt(f"This voice test has no question {prompt_id!r}.")
    job = session.get(Job, _job_id(session, attempt))
    assert job is not None
    limit = max_takes(job)
    # Cheap checks first so a refused upload is not decoded or stored.
    if attempt_service.close_if_overdue(session, attempt):
        session.commit()
    _check_open(attempt)
    _check_takes(_takes_used(session, attempt, prompt_id), limit)

    audio = decode_audio(data, max_bytes=settings.max_upload_bytes,
                         max_seconds=float(prompt["max_seconds"]))
    sha256, _path = store_original(data, settings.storage_dir)

    # Lock the attempt: uploads and the submit of one attempt run one after the other, so take
    # numbers do not collide and no recording slips in after the submit.
    session.refresh(attempt, with_for_update=True)
    if attempt_service.close_if_overdue(session, attempt):
        session.commit()
    _check_open(attempt)
    take = _takes_used(session, attempt, prompt_id) + 1
    _check_takes(take - 1, limit)
    sample = VoiceSample(attempt_id=attempt.id, prompt_id=prompt_id, take=take, sha256=sha256,
                         container=audio.container, size_bytes=len(data),
                         duration_s=round(audio.duration_s, 3), status="queued")
    try:
        session.add(sample)
        session.flush()
    except IntegrityError:  # a concurrent upload of the same prompt (SQLite has no row locks)
        session.rollback()
        raise ServiceError("Another recording of this question is being saved; please try "
                           "again.") from None
    enqueue(session, TRANSCRIBE_JOB, key=task_key(sample.id), queue="audio", sample_id=sample.id)
    session.commit()
    return sample


def _job_id(session: Session, attempt: Attempt) -> int:
    from screening.models.candidate import Candidate

    candidate = session.get(Candidate, attempt.candidate_id)
    assert candidate is not None
    return candidate.job_id


def takes_left(session: Session, attempt: Attempt, prompt_id: str) -> int:
    """Recordings still allowed for ``prompt_id`` (0 when all are used)."""
    job = session.get(Job, _job_id(session, attempt))
    assert job is not None
    return max(0, max_takes(job) - _takes_used(session, attempt, prompt_id))


def latest_takes(session: Session, attempt: Attempt) -> dict[str, VoiceSample]:
    """The latest take of every recorded prompt of ``attempt``, by prompt id."""
    latest: dict[str, VoiceSample] = {}
    rows = session.scalars(
        select(VoiceSample).where(VoiceSample.attempt_id == attempt.id).order_by(VoiceSample.take)
    )
    for sample in rows:
        latest[sample.prompt_id] = sample
    return latest


def pending_prompts(session: Session, attempt: Attempt) -> list[str]:
    """Prompt ids whose latest take is not transcribed (or failed) yet. While this is not
    empty, a voice section score computed at submit time is provisional."""
    return sorted(pid for pid, s in latest_takes(session, attempt).items()
                  if s.status not in FINISHED)


def sample_progress(session: Session, sample: VoiceSample) -> dict[str, Any]:
    """What the recorder page shows while waiting: ``status`` is queued | running |
    transcribed | failed (from the sample, or its task when the task is ahead of it), plus
    ``message`` when it failed. Scores are not shown to applicants."""
    status = sample.status
    if status not in FINISHED:
        task = session.scalar(select(Task).where(Task.key == task_key(sample.id)))
        if task is not None and task.status in ("running", "failed"):
            status = task.status
    body: dict[str, Any] = {"sample_id": sample.id, "prompt_id": sample.prompt_id,
                            "take": sample.take, "status": status,
                            "duration_s": sample.duration_s}
    if status == "failed":  # the technical reason stays in ``sample.error`` for recruiters
        body["message"] = ("We could not process this recording; please record your answer "
                           "again.")
    return body


def submit_voice_attempt(session: Session, attempt: Attempt) -> SectionScore:
    """Submit the voice ``attempt`` (once; see ``services.attempts.submit_attempt``). Does not
    commit.

    When recordings are still waiting for transcription the section score is stored as
    ``status="pending"`` with ``score=None`` (the scorecard treats the section as not yet
    scored) instead of a provisional number; the last transcription job scores it.
    """
    score = attempt_service.submit_attempt(session, attempt)
    waiting = pending_prompts(session, attempt)
    if waiting:
        score.status = "pending"
        score.score = None
        score.explanation = (f"waiting for {len(waiting)} recording(s) to be transcribed "
                             f"({', '.join(waiting)})")
        session.flush()
    return score


# --------------------------------------------------------------------------- job side


def transcribe_sample(session: Session, sample_id: int, settings: Settings) -> VoiceSample | None:
    """Transcribe and score one sample; then maybe score the section. Does not commit.

    Idempotent: returns at once when the sample is already transcribed or failed, or gone.
    A stored original that can no longer be decoded marks the sample ``failed`` (a retry would
    not help); engine or storage errors propagate so the task is retried.
    """
    sample = session.get(VoiceSample, sample_id)
    if sample is None:
        log.warning("voice sample %s does not exist; nothing to transcribe", sample_id)
        return None
    if sample.status in FINISHED:
        return sample
    attempt = session.get(Attempt, sample.attempt_id)
    assert attempt is not None
    prompt = prompt_in_key(attempt.answer_key, sample.prompt_id) or {}
    try:
        audio = decode_audio_file(original_path(settings.storage_dir, sample.sha256),
                                  max_bytes=None, max_seconds=None, silence_dbfs=None)
    except AudioError as exc:
        sample.status = "failed"
        sample.error = exc.message
        return sample
    engine = get_engine(settings.whisper_engine, settings.whisper_model or None,
                        settings.whisper_compute_type)
    script = prompt.get("script") if prompt.get("kind") == "read_aloud" else None
    max_seconds = prompt.get("max_seconds")
    analysis = analyze_voice(audio, engine, script=script,
                             max_seconds=None if max_seconds is None else float(max_seconds))
    result = analysis.to_dict()
    words = result.pop("words")
    result.pop("transcript")
    sample.transcript = analysis.transcript.text
    sample.words = {"words": words}
    sample.engine = analysis.transcript.engine
    sample.model = analysis.transcript.model
    sample.metrics = result
    sample.status = "transcribed"
    sample.error = None
    sample.transcribed_at = utcnow()
    if analysis.kind == "scenario" and analysis.transcript.words:
        _grammar_hook(session, attempt, sample)
    session.flush()
    _save_prompt_score(session, attempt, sample, float(analysis.score.score))
    score_section_if_complete(session, attempt)
    return sample


def _grammar_hook(session: Session, attempt: Attempt, sample: VoiceSample) -> None:
    """Queue the LanguageTool check of a free answer's transcript (transcript mode); when it
    is done, :func:`rescore_with_grammar` folds the grammar score into the sample's score."""
    from screening.services.grammar_checks import request_check

    request_check(session, attempt.candidate_id, "voice", sample.id)


def rescore_with_grammar(session: Session, sample_id: int, grammar_score: float) -> None:
    """Re-score a transcribed free answer with its grammar score (no model run), then the
    voice section when complete. Does not commit."""
    sample = session.get(VoiceSample, sample_id)
    if sample is None or sample.status != "transcribed" or not sample.metrics:
        return
    attempt = session.get(Attempt, sample.attempt_id)
    assert attempt is not None
    prompt = prompt_in_key(attempt.answer_key, sample.prompt_id) or {}
    metrics = sample.metrics
    transcript = Transcript.from_dict({
        "text": sample.transcript or "", "words": (sample.words or {}).get("words", []),
        "duration_s": metrics.get("duration_s") or sample.duration_s or 0.0,
        "engine": sample.engine or "", "model": sample.model or ""})
    quality = AudioQuality(**metrics["audio"])
    max_seconds = prompt.get("max_seconds")
    analysis = score_transcript(transcript, quality, script=None, grammar_score=grammar_score,
                                max_seconds=None if max_seconds is None else float(max_seconds))
    result = analysis.to_dict()
    result.pop("words")
    result.pop("transcript")
    sample.metrics = result
    session.flush()
    _save_prompt_score(session, attempt, sample, float(analysis.score.score))
    score_section_if_complete(session, attempt)


def _save_prompt_score(session: Session, attempt: Attempt, sample: VoiceSample,
                       score: float) -> None:
    """Keep the score as the prompt's saved answer when ``sample`` is its latest take."""
    if _takes_used(session, attempt, sample.prompt_id) != sample.take:
        return
    attempt_service.upsert_response(
        session, attempt.id, sample.prompt_id,
        {"v": score, "sample_id": sample.id, "take": sample.take}, sample.take)


def score_section_if_complete(session: Session, attempt: Attempt) -> SectionScore | None:
    """(Re)compute the voice section score once the attempt is submitted and every recorded
    prompt's latest take is transcribed or failed; queue the scorecard. Does not commit.

    Locks the attempt row first, so two samples finishing together (or a sample finishing
    while the attempt is submitted) cannot both miss the moment the section became complete.
    Returns the score, or ``None`` while the section is not complete.
    """
    session.flush()
    session.refresh(attempt, with_for_update=True)
    if attempt.status == "in_progress":
        return None
    if pending_prompts(session, attempt):
        return None
    result = get_type(SECTION).score(attempt.answer_key,
                                     attempt_service.answers_of(session, attempt))
    score = attempt_service.store_section_result(session, attempt.candidate_id, SECTION, result)
    attempt_service.after_section_scored(session, attempt.candidate_id)
    return score
