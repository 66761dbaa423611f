"""HTML views of the applicant journey: apply, hub, eligibility, consents, section pages.

Only ``attempt.items`` (the public items) is ever rendered; ``attempt.answer_key`` never reaches
a template.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.assessments.answers import format_clock
from screening.db import db
from screening.models.background_check import BackgroundCheck
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.scoring.eligibility import COMPUTERS, US_STATES, min_age_rule
from screening.services import attempts as attempt_service
from screening.services import candidates as candidate_service
from screening.services import consents as consent_service
from screening.services import eligibility as eligibility_service
from screening.services.orgs import ServiceError
from screening.web.applicant import bp, resume
from screening.web.applicant.access import (
    KNOCKED_OUT,
    Applicant,
    load,
    next_step,
    remaining_seconds,
    require_tests_allowed,
    require_web_section,
    saved_answers,
    section_states,
)
from screening.web.applicant.consent_texts import consent_texts, documents

SECTION_LABELS = {"tenkey": "ten-key"}
"""How a section key is written in page text when it differs from the key."""


def _open_job(slug: str) -> Job:
    job = db.session.scalar(select(Job).where(Job.slug == slug))
    if job is None:
        abort(404, description="We could not find that job. Check the link you were given.")
    return job


def _knocked_out_page(applicant: Applicant, status: int = 200) -> ResponseReturnValue:
    reasons = (applicant.candidate.knockout_reasons or {}).get("reasons", [])
    return render_template("applicant/knocked_out.html", applicant=applicant, job=applicant.job,
                           reasons=reasons, message=KNOCKED_OUT), status


@bp.route("/apply/<slug>", methods=["GET", "POST"])
def apply(slug: str) -> ResponseReturnValue:
    """New e-mail: a candidate and a link to their hub. An e-mail that already applied: back to
    that application in the browser that started it (:mod:`.resume`), elsewhere a page saying
    so — never a new link for someone who only knows the e-mail."""
    job = _open_job(slug)
    if request.method == "POST":
        try:
            candidate, created = candidate_service.apply(
                job, email=request.form.get("email", ""), name=request.form.get("name", "")
            )
            if not created and not resume.started_here(candidate.id):
                db.session.commit()
                return render_template("applicant/apply_exists.html", job=job)
            token = candidate_service.issue_token(candidate)
            db.session.commit()
            return resume.remember(redirect(url_for("applicant.hub", token=token)), candidate.id)
        except ServiceError as exc:
            db.session.rollback()
            return render_template("applicant/apply.html", job=job, error=str(exc),
                                   form=request.form), 422
    return render_template("applicant/apply.html", job=job, error=None, form={})


@bp.get("/a/<token>")
def hub(token: str) -> ResponseReturnValue:
    """The next step of the application, or the hub of its tests; this browser is remembered
    as one that may resume the application from the apply page."""
    applicant = load(token)
    response = make_response(_hub(applicant, token))
    return resume.remember(response, applicant.candidate.id)


def _hub(applicant: Applicant, token: str) -> ResponseReturnValue:
    step = next_step(db.session, applicant)
    if step == "eligibility":
        db.session.commit()
        return redirect(url_for("applicant.eligibility", token=token))
    if step == "knocked_out":
        db.session.commit()
        return _knocked_out_page(applicant)
    if step == "consents":
        db.session.commit()
        return redirect(url_for("applicant.consents", token=token))
    states = section_states(db.session, applicant)
    requests = consent_service.accommodation_requests(db.session, applicant.candidate)
    show_check = background_check_due(db.session, applicant.candidate)
    db.session.commit()
    return render_template("applicant/hub.html", applicant=applicant, job=applicant.job,
                           candidate=applicant.candidate, sections=states, token=token,
                           requests=requests, show_background_check=show_check)


BACKGROUND_CHECK_STAGES = ("interview", "offer", "hired")
"""Stages at which employers usually ask for a background check."""


def background_check_due(session: Session, candidate: Candidate) -> bool:
    """Whether the hub links to the background-check documents: a check exists for the
    candidate, or they reached a stage where employers usually ask for one."""
    if candidate.stage in BACKGROUND_CHECK_STAGES:
        return True
    return session.scalar(
        select(BackgroundCheck.id).where(BackgroundCheck.candidate_id == candidate.id).limit(1)
    ) is not None


@bp.route("/a/<token>/eligibility", methods=["GET", "POST"])
def eligibility(token: str) -> ResponseReturnValue:
    applicant = load(token)
    if eligibility_service.is_answered(applicant.candidate):
        db.session.commit()
        return redirect(url_for("applicant.hub", token=token))
    rules = eligibility_service.knockout_rules(applicant.job)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            eligibility_service.submit_eligibility(db.session, applicant.candidate,
                                                   applicant.job, request.form)
            return redirect(url_for("applicant.hub", token=token))
        except eligibility_service.EligibilityInputError as exc:
            db.session.rollback()
            errors, status = exc.errors, 422
        except eligibility_service.AlreadyAnswered:
            db.session.rollback()
            return redirect(url_for("applicant.hub", token=token))
    db.session.commit()
    return render_template("applicant/eligibility.html", applicant=applicant, job=applicant.job,
                           token=token, errors=errors, form=request.form, states=US_STATES,
                           computers=COMPUTERS, min_age=min_age_rule(rules)), status


@bp.route("/a/<token>/consents", methods=["GET", "POST"])
def consents(token: str) -> ResponseReturnValue:
    applicant = load(token)
    step = next_step(db.session, applicant)
    if step in ("eligibility", "knocked_out"):
        db.session.commit()
        return redirect(url_for("applicant.hub", token=token))
    texts = consent_texts()
    error = None
    status = 200
    if request.method == "POST":
        accepted = [kind for kind in texts if request.form.get(kind) == "yes"]
        if len(accepted) == len(texts):
            consent_service.give_consents(
                db.session, applicant.candidate, documents(), ip=request.remote_addr,
                user_agent=request.headers.get("User-Agent"))
            return redirect(url_for("applicant.hub", token=token))
        error = ("Please tick every box to continue. If you do not agree, you can ask for an "
                 "alternative process below.")
        status = 422
    missing = set(consent_service.missing_consents(db.session, applicant.candidate,
                                                   documents()))
    db.session.commit()
    return render_template("applicant/consents.html", applicant=applicant, job=applicant.job,
                           token=token, texts=texts, missing=missing, error=error), status


@bp.post("/a/<token>/alternative")
def alternative(token: str) -> ResponseReturnValue:
    applicant = load(token)
    consent_service.request_alternative(db.session, applicant.candidate,
                                        reason=request.form.get("note", ""))
    db.session.commit()
    flash("Your request for an alternative process was sent to the recruiter, who will contact "
          "you. You may still take the tests if you wish; asking does not count against you.")
    back = "applicant.consents" if request.form.get("back") == "consents" else "applicant.hub"
    return redirect(url_for(back, token=token))


@bp.post("/a/<token>/extra-time")
def extra_time(token: str) -> ResponseReturnValue:
    """The applicant asks for extra time (an accommodation distinct from an alternative
    process); a recruiter decides and grants a factor on the scorecard page."""
    applicant = load(token)
    consent_service.request_extra_time(db.session, applicant.candidate,
                                       note=request.form.get("note", ""))
    db.session.commit()
    flash("Your request for extra time was sent to the recruiter. Extra time they grant applies "
          "to the tests you start afterwards, so you may wait before starting a test.")
    return redirect(url_for("applicant.hub", token=token))


@bp.app_template_global("accommodation_requests")
def _accommodation_requests(candidate: Candidate) -> list[str]:
    """Template helper (also used by the recruiter's scorecard page): what ``candidate`` asked
    for, sorted (``alternative``, ``extra_time``)."""
    return sorted(consent_service.accommodation_requests(db.session, candidate))


def _display_value(item: dict[str, Any], value: Any) -> Any:
    """A saved (normalized) answer as the input shows it again after a reload."""
    if value is None:
        return None
    if item.get("kind") == "math" and isinstance(value, int | float):
        if item.get("unit") == "clock":
            return format_clock(value)
        return f"{value:g}"
    return value


def _gate_page(applicant: Applicant) -> ResponseReturnValue | None:
    step = next_step(db.session, applicant)
    if step == "knocked_out":
        db.session.commit()
        return _knocked_out_page(applicant, 403)
    if step is not None:
        db.session.commit()
        flash("Please finish these steps before the tests.")
        return redirect(url_for("applicant.hub", token=applicant.token))
    return None


@bp.get("/a/<token>/sections/<section>")
def section_page(token: str, section: str) -> ResponseReturnValue:
    applicant = load(token)
    gate = _gate_page(applicant)
    if gate is not None:
        return gate
    require_web_section(applicant.job, section)
    attempt = attempt_service.get_attempt(db.session, applicant.candidate, section)
    db.session.commit()  # an overdue attempt was just submitted
    cfg = applicant.job.profile["sections"][section]
    context: dict[str, Any] = {"applicant": applicant, "job": applicant.job, "token": token,
                               "section": section, "cfg": cfg,
                               "label": SECTION_LABELS.get(section, section)}
    if attempt is None:
        limit = float(cfg.get("time_limit_s", 600)) * float(
            applicant.candidate.accommodation_factor or 1.0)
        return render_template("applicant/section_intro.html", time_limit_s=int(limit),
                               **context)
    if attempt.status != "in_progress":
        return render_template("applicant/section_done.html", attempt=attempt, **context)
    items: list[dict[str, Any]] = list(attempt.items.get("items", []))
    saved = saved_answers(db.session, attempt)
    values = {item["id"]: _display_value(item, saved.get(item["id"], {}).get("value"))
              for item in items}
    config = {
        "attemptId": attempt.id,
        "section": section,
        "remainingS": remaining_seconds(attempt),
        "saveUrl": url_for("applicant.save_answer", token=token, section=section,
                           item_id="__ITEM__"),
        "integrityUrl": url_for("applicant.integrity", token=token, section=section),
        "submitUrl": url_for("applicant.submit", token=token, section=section),
        "hubUrl": url_for("applicant.hub", token=token),
        "seqs": {item_id: row["seq"] for item_id, row in saved.items()},
        "typingLog": saved.get("t1", {}).get("value") if section == "typing" else None,
        "keyLog": saved.get("k1", {}).get("value") if section == "tenkey" else None,
    }
    return render_template(f"applicant/section_{section}.html", attempt=attempt, items=items,
                           values=values, config=config, **context)


@bp.post("/a/<token>/sections/<section>/start")
def start(token: str, section: str) -> ResponseReturnValue:
    applicant = load(token)
    require_tests_allowed(db.session, applicant)
    require_web_section(applicant.job, section)
    try:
        attempt_service.start_attempt(db.session, applicant.candidate, section)
    except attempt_service.SectionUnavailable as exc:
        db.session.rollback()
        abort(404, description=str(exc))
    return redirect(url_for("applicant.section_page", token=token, section=section))
