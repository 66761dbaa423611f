"""A real headless Chromium (Debian's chromium + chromedriver, driven by Selenium) against the
app served on 127.0.0.1: the applicant signs the FCRA disclosure and then the authorization;
the recruiter orders a check through the Checkr stand-in and sees its status change when the
provider's webhooks arrive."""

from __future__ import annotations

import pytest
import requests
from flask import Flask
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select

from screening.background_checks.checkr_stub import ServerThread, create_app
from screening.db import db
from screening.models.background_check import BackgroundCheck
from tests import factories
from tests.integration.background_checks.conftest import make_world

API_KEY = "ck_test_browser_51d2"


def _text(driver: webdriver.Chrome, css: str) -> str:
    try:
        return str(driver.find_element(By.CSS_SELECTOR, css).text)
    except WebDriverException as exc:
        # Chrome's words for an element of a page that was replaced while it was being read
        # (the form post navigated): a stale element, so the wait polls again.
        if "does not belong to the document" in str(exc.msg):
            raise StaleElementReferenceException(exc.msg) from exc
        raise


@pytest.mark.parametrize("backend", ["postgresql"])
def test_applicant_signs_and_recruiter_sees_webhook_status(app: Flask,
                                                           browser: webdriver.Chrome) -> None:
    world = make_world(app)
    with ServerThread(app) as site:
        stub_app = create_app(API_KEY, f"{site.url}/webhooks/checkr")
        with ServerThread(stub_app) as stub, requests.Session() as api:
            api.auth = (API_KEY, "")
            app.config.update(BGCHECK_PROVIDER="checkr", BGCHECK_CHECKR_API_KEY=API_KEY,
                              BGCHECK_CHECKR_BASE_URL=stub.url, BGCHECK_CHECKR_TIMEOUT_S=5)
            wait = WebDriverWait(browser, 15, poll_frequency=0.1, ignored_exceptions=(
                StaleElementReferenceException, NoSuchElementException))

            # The applicant reads the disclosure and signs it, then the authorization.
            browser.get(f"{site.url}/a/{world.token}/background-check")
            browser.find_element(By.ID, "disclosure-link").click()
            wait.until(lambda d: "Disclosure Regarding Background" in _text(d, "h1"))
            browser.find_element(By.ID, "agree").click()
            browser.find_element(By.ID, "sign").click()
            wait.until(lambda d: "Authorization of Background" in _text(d, "h1"))
            browser.find_element(By.ID, "agree").click()
            browser.find_element(By.ID, "sign").click()
            wait.until(lambda d: d.find_elements(By.ID, "authorization-state"))
            assert _text(browser, "#disclosure-state") == "signed"

            # The recruiter logs in and orders a criminal check through Checkr.
            browser.get(f"{site.url}/login")
            browser.find_element(By.ID, "email").send_keys(world.editor_email)
            browser.find_element(By.ID, "password").send_keys(factories.PASSWORD)
            browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            wait.until(lambda d: "/login" not in d.current_url)
            panel = f"{site.url}/recruiter/candidates/{world.candidate_id}/background-checks"
            browser.get(panel)
            Select(browser.find_element(By.ID, "check_type")).select_by_value("criminal")
            Select(browser.find_element(By.ID, "payer")).select_by_value("company")
            browser.find_element(By.CSS_SELECTOR, "#order-form button").click()
            wait.until(lambda d: "check ordered" in d.page_source)

            def status_is(expected: str):
                def check(driver: webdriver.Chrome) -> bool:
                    driver.get(panel)
                    found = driver.find_elements(By.CSS_SELECTOR, ".bgcheck-status")
                    return bool(found) and found[0].get_attribute("data-status") == expected
                return check

            wait.until(status_is("invited"))
            with app.app_context():
                ref = db.session.scalar(select(BackgroundCheck.provider_ref))
            # Checkr's side: the applicant completes the hosted form, the report completes.
            report = api.post(f"{stub.url}/_stub/invitations/{ref}/complete").json()
            wait.until(status_is("pending"))
            api.post(f"{stub.url}/_stub/reports/{report['id']}/status",
                     json={"status": "complete", "result": "clear"}).raise_for_status()
            wait.until(status_is("complete"))
            assert _text(browser, ".bgcheck-result") == "clear"
            history = _text(browser, ".bgcheck-history")
            assert "pending → complete (clear)" in history and "by the provider" in history
