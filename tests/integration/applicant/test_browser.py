"""The test page script (static/js/assessment.js) in a real headless Chromium.

Autosave, the keystroke log of the typing test, offline saves kept in localStorage and sent when
back online, answer errors shown next to the question, paste blocking and reporting, and submit.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select

from screening.db import db
from screening.models.attempt import Attempt, IntegrityEvent, Response
from tests.browser import wait_for
from tests.integration.applicant.helpers import ready_applicant, start

pytestmark = pytest.mark.e2e


def set_offline(driver: webdriver.Chrome, offline: bool) -> None:
    """Cut or restore the page's network through Chromium's DevTools protocol."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def saved(app: Flask, section: str) -> tuple[Attempt, dict[str, tuple[Any, int]]]:
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.section == section))
        assert attempt is not None
        rows = db.session.scalars(select(Response).where(Response.attempt_id == attempt.id))
        return attempt, {r.item_id: (r.value["v"], r.client_seq) for r in rows}


def test_page_script_saves_logs_keys_survives_offline_and_submits(
        live: tuple[Flask, str], browser: webdriver.Chrome) -> None:
    app, base = live
    client = app.test_client()
    token = ready_applicant(app, client)
    for section in ("typing", "math", "grammar"):
        assert start(client, token, section).status_code == 302

    # Typing: every key goes into the log (t in ms, never decreasing), Backspace included.
    browser.get(f"{base}/a/{token}/sections/typing")
    attempt, _ = saved(app, "typing")
    passage = attempt.items["items"][0]["passage"]
    browser.find_element(By.CSS_SELECTOR, "#typing-box").send_keys(passage[:30] + Keys.BACKSPACE)
    def full_log() -> list[dict[str, Any]] | None:
        stored = saved(app, "typing")[1].get("t1")
        return stored[0] if stored is not None and len(stored[0]) == 31 else None

    log = wait_for(full_log, message="the 31-key typing log to be saved")
    assert [e["key"] for e in log] == [*passage[:30], "Backspace"]
    times = [e["t"] for e in log]
    assert times[0] == 0 and times == sorted(times)
    typed = "return document.getElementById('typing-box').value"
    assert browser.execute_script(typed) == passage[:29]
    assert re.fullmatch(r"[12]:\d\d", browser.execute_script(
        "return document.getElementById('time-left').textContent"))
    # Paste is blocked in the typing box and reported.
    prevented = browser.execute_script(
        "var e = new Event('paste', {bubbles: true, cancelable: true});"
        "document.getElementById('typing-box').dispatchEvent(e); return e.defaultPrevented;")
    assert prevented is True
    with app.app_context():
        wait_for(lambda: db.session.scalar(select(IntegrityEvent.kind)) == "paste",
                 message="the paste signal")
    # A reload shows what was typed (rebuilt from the saved log).
    browser.refresh()
    assert browser.execute_script(typed) == passage[:29]

    # Math: offline answers wait in localStorage, then are sent when the browser is online.
    math_items = saved(app, "math")[0].items["items"]
    number_id = next(i["id"] for i in math_items if i["unit"] != "clock")  # "42" is no time
    other_id = next(i["id"] for i in math_items if i["id"] != number_id)
    browser.get(f"{base}/a/{token}/sections/math")
    set_offline(browser, True)
    browser.find_element(By.CSS_SELECTOR, f"#answer-{number_id}").send_keys("42")
    wait_for(lambda: "offline" in browser.execute_script(
        "return document.getElementById('save-status').textContent"), message="offline notice")
    pending = browser.execute_script(
        "return localStorage.getItem('screening:attempt:' + arguments[0])",
        saved(app, "math")[0].id)
    assert f'"{number_id}":{{"value":"42"' in pending
    assert number_id not in saved(app, "math")[1]
    set_offline(browser, False)
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    value, seq = wait_for(lambda: saved(app, "math")[1].get(number_id),
                          message="the offline answer to be saved")
    assert value == 42.0 and seq >= 1
    # A bad answer is explained next to its question and not stored.
    browser.find_element(By.CSS_SELECTOR, f"#answer-{other_id}").send_keys("abc")
    error = wait_for(lambda: browser.execute_script(
        f"return document.querySelector('[data-error-for={other_id}]').textContent"),
        message="the error next to the question")
    assert "abc" in error
    assert other_id not in saved(app, "math")[1]

    # Grammar: a choice is saved at once; the Submit button (after the confirm) submits.
    browser.get(f"{base}/a/{token}/sections/grammar")
    browser.find_element(By.CSS_SELECTOR, "fieldset[data-item=q1] input[value='2']").click()
    wait_for(lambda: saved(app, "grammar")[1].get("q1") == (2, 1), message="q1 to be saved")
    browser.find_element(By.CSS_SELECTOR, "#submit-button").click()
    WebDriverWait(browser, 10).until(expected_conditions.alert_is_present()).accept()
    wait_for(lambda: saved(app, "grammar")[0].status == "scored", message="grammar submitted")
    wait_for(lambda: browser.current_url.endswith(f"/a/{token}"), message="back at the hub")
