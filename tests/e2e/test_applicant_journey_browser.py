"""The whole applicant journey in a real headless Chromium, then the recruiter's ranked list.

Embedded app (SQLite, background jobs in the thread runner) served by a werkzeug server on
127.0.0.1. The applicant applies on /apply/<slug>, answers the eligibility form (the page's
connection check fills the measured speed), accepts the consents, takes the typing test
(reloading mid-test keeps the typed text), the ten-key test, some grammar and math items, and
submits each with the page's Submit button. A recruiter then logs in and sees the candidate's
typing, grammar and math scores as numbers in /recruiter/candidates.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select

from screening.assessments.answers import format_clock
from screening.db import db
from screening.models.attempt import Attempt, Response
from screening.models.candidate import Candidate
from screening.models.score import SectionScore
from tests import factories
from tests.browser import wait_for

pytestmark = pytest.mark.e2e


def attempt(app: Flask, section: str) -> Attempt:
    with app.app_context():
        row = db.session.scalar(select(Attempt).where(Attempt.section == section))
        assert row is not None, f"no {section} attempt"
        return row


def stored(app: Flask, section: str) -> dict[str, Any]:
    """item id -> saved value of the section's attempt."""
    with app.app_context():
        row = db.session.scalar(select(Attempt).where(Attempt.section == section))
        if row is None:
            return {}
        return {r.item_id: r.value["v"] for r in db.session.scalars(
            select(Response).where(Response.attempt_id == row.id))}


def open_and_start(driver: webdriver.Chrome, wait: WebDriverWait[Any], section: str) -> None:
    """From the hub: open the section's page and press Start."""
    row = driver.find_element(By.CSS_SELECTOR, f'tr[data-section="{section}"]')
    assert row.get_attribute("data-state") == "not_started"
    row.find_element(By.TAG_NAME, "a").click()
    wait.until(lambda d: d.current_url.endswith(f"/sections/{section}"))
    driver.find_element(By.CSS_SELECTOR, "form[action$='/start'] button").click()
    wait.until(lambda d: d.find_elements(By.ID, "assessment"))


def submit_section(driver: webdriver.Chrome, wait: WebDriverWait[Any], app: Flask,
                   section: str, hub_url: str) -> None:
    """Press Submit, confirm, and wait for the scored attempt and the way back to the hub."""
    driver.find_element(By.ID, "submit-button").click()
    wait.until(expected_conditions.alert_is_present()).accept()
    wait_for(lambda: attempt(app, section).status == "scored", message=f"{section} scored")
    wait.until(lambda d: d.current_url == hub_url)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'tr[data-section="{section}"]')
               .get_attribute("data-state") == "submitted")


def math_text(problem: dict[str, Any]) -> str:
    if problem["unit"] == "clock":
        return format_clock(problem["answer"])
    return f"{float(problem['answer']):.2f}"


def test_applicant_journey_then_recruiter_list(live: tuple[Flask, str],
                                              browser: webdriver.Chrome) -> None:
    app, base = live
    with app.app_context():
        org = factories.org()
        recruiter = factories.user(org, name="Rene Recruiter")
        job = factories.job(org, "Support agent")
        profile = copy.deepcopy(job.profile)
        profile["sections"]["tenkey"].update(enabled=True)
        job.profile = profile
        db.session.commit()
        slug, recruiter_email = job.slug, recruiter.email
    wait: WebDriverWait[Any] = WebDriverWait(
        browser, 15, poll_frequency=0.1,
        ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))

    # Apply.
    browser.get(f"{base}/apply/{slug}")
    browser.find_element(By.ID, "name").send_keys("Ada Applicant")
    browser.find_element(By.ID, "email").send_keys("ada@example.com")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda d: d.current_url.endswith("/eligibility"))
    token = browser.current_url.rsplit("/a/", 1)[1].split("/", 1)[0]
    hub_url = f"{base}/a/{token}"

    # Eligibility: the form, while the page measures the connection to our server.
    Select(browser.find_element(By.ID, "state")).select_by_value("TX")
    for name in ("adult", "evening", "weekend", "headset"):
        browser.find_element(By.CSS_SELECTOR, f"input[name={name}][value=yes]").click()
    browser.find_element(By.ID, "weekly_hours").send_keys("30")
    Select(browser.find_element(By.ID, "computer")).select_by_value("windows")
    browser.find_element(By.ID, "download_mbps").send_keys("50")
    wait.until(lambda d: "Connection check done" in d.find_element(
        By.ID, "speedtest-status").text)
    browser.find_element(By.CSS_SELECTOR, "#eligibility-form button[type=submit]").click()
    wait.until(lambda d: d.current_url.endswith("/consents"))
    with app.app_context():
        candidate = db.session.scalar(select(Candidate))
        assert candidate is not None and candidate.knocked_out is False
        assert candidate.eligibility is not None
        measured = candidate.eligibility["measured"]
        assert measured["download_mbps"] is not None and measured["download_mbps"] > 0
        assert measured["latency_ms"] is not None and measured["latency_ms"] >= 0
        candidate_id = candidate.id

    # Consents.
    for box in browser.find_elements(By.CSS_SELECTOR, "form.consents input[type=checkbox]"):
        box.click()
    browser.find_element(By.CSS_SELECTOR, "form.consents button[type=submit]").click()
    wait.until(lambda d: d.current_url == hub_url)

    # Typing: type part of the passage, reload mid-test, the text is kept; type on, submit.
    open_and_start(browser, wait, "typing")
    passage = attempt(app, "typing").items["items"][0]["passage"]
    browser.find_element(By.ID, "typing-box").send_keys(passage[:40])
    def typed(driver: webdriver.Chrome) -> str:
        return str(driver.find_element(By.ID, "typing-box").get_property("value"))

    assert typed(browser) == passage[:40]
    # Reload at once (keys typed within the last 1.5 s are not sent yet: kept on the device).
    browser.refresh()
    wait.until(lambda d: typed(d) == passage[:40])
    browser.find_element(By.ID, "typing-box").send_keys(passage[40:60])

    def typing_log() -> list[dict[str, Any]] | None:
        saved = stored(app, "typing").get("t1")
        return saved if isinstance(saved, list) and len(saved) == 60 else None

    log = wait_for(typing_log, message="the 60-key typing log to be saved")
    assert "".join(e["key"] for e in log) == passage[:60]
    submit_section(browser, wait, app, "typing", hub_url)

    # Ten-key: key the first three numbers (Enter after each), submit.
    open_and_start(browser, wait, "tenkey")
    entries = attempt(app, "tenkey").items["items"][0]["entries"]
    keypad = browser.find_element(By.ID, "tenkey-box")
    for entry in entries[:3]:
        keypad.send_keys(entry + Keys.ENTER)
    expected_keys = [k for e in entries[:3] for k in [*e, "Enter"]]

    def tenkey_log() -> list[dict[str, Any]] | None:
        saved = stored(app, "tenkey").get("k1")
        return saved if isinstance(saved, list) and len(saved) == len(expected_keys) else None

    keys = wait_for(tenkey_log, message="the ten-key log to be saved")
    assert [k["key"] for k in keys] == expected_keys
    shown = browser.find_element(By.CSS_SELECTOR, '[data-keyed="0"]').text
    assert entries[0] in shown
    submit_section(browser, wait, app, "tenkey", hub_url)

    # Grammar: answer the first three choice questions and write a reply.
    open_and_start(browser, wait, "grammar")
    grammar = attempt(app, "grammar")
    choices = grammar.answer_key["choices"][:3]
    for choice in choices:
        browser.find_element(By.CSS_SELECTOR, f"fieldset[data-item={choice['id']}] "
                             f"input[value='{choice['answer_index']}']").click()
    reply = ("Hello, thank you for writing to us. I am sorry about the trouble and I have "
             "fixed your account today.")
    browser.find_element(By.CSS_SELECTOR, "textarea[data-item=w1]").send_keys(reply)
    wait_for(lambda: all(stored(app, "grammar").get(c["id"]) == c["answer_index"]
                         for c in choices) and stored(app, "grammar").get("w1") == reply,
             message="grammar answers to be saved")
    submit_section(browser, wait, app, "grammar", hub_url)

    # Math: answer the first three problems correctly.
    open_and_start(browser, wait, "math")
    problems = attempt(app, "math").answer_key["problems"][:3]
    for problem in problems:
        browser.find_element(By.ID, f"answer-{problem['id']}").send_keys(math_text(problem))
    wait_for(lambda: all(p["id"] in stored(app, "math") for p in problems),
             message="math answers to be saved")
    submit_section(browser, wait, app, "math", hub_url)

    with app.app_context():
        scores = {s.section: s for s in db.session.scalars(
            select(SectionScore).where(SectionScore.candidate_id == candidate_id))}
        assert set(scores) == {"typing", "tenkey", "grammar", "math"}
        assert all(s.score is not None for s in scores.values())
        tenkey_metrics = scores["tenkey"].metrics
        assert tenkey_metrics is not None and tenkey_metrics["entries_correct"] == 3
        assert tenkey_metrics["net_kph"] > 0
        typing_metrics = scores["typing"].metrics
        assert typing_metrics is not None and typing_metrics["typed_chars"] == 60
        expected = {k: scores[k].score for k in ("typing", "grammar", "math")}

    # The recruiter logs in and sees the section scores in the ranked list.
    browser.delete_all_cookies()
    browser.get(f"{base}/login")
    browser.find_element(By.ID, "email").send_keys(recruiter_email)
    browser.find_element(By.ID, "password").send_keys(factories.PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda d: "/login" not in d.current_url)
    browser.get(f"{base}/recruiter/candidates")
    headers = [th.text.strip() for th in browser.find_elements(
        By.CSS_SELECTOR, "table.ranked thead th")]
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-candidate-id="{candidate_id}"]')
    cells = [td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")]
    assert "Ada Applicant" in " ".join(cells)
    for section, score in expected.items():
        cell = cells[headers.index(section.capitalize())]
        assert cell != "not available", f"{section} shows no score"
        assert score is not None and cell == f"{score:.1f}", (section, cell, score)
