"""Real-browser helpers: Debian's Chromium driven by Selenium through Debian's chromedriver
(no browser or driver download), and the app served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
BASE_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    # This machine has no internet: keep Chromium from trying to reach Google's services.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--autoplay-policy=no-user-gesture-required",
)


@contextmanager
def chrome(profile_dir: Path, extra_args: Sequence[str] = ()) -> Iterator[webdriver.Chrome]:
    """A headless Chromium session; fails (never skips) when Chromium is not installed."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("chromium and chromedriver are needed: apt-get install chromium-driver "
                    "(make test installs them)", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (*BASE_ARGS, f"--user-data-dir={profile_dir}", *extra_args):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download_restrictions": 3})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


class LiveServer:
    """The app on a threaded werkzeug server on 127.0.0.1 (port chosen by the OS)."""

    def __init__(self, app: Flask) -> None:
        app.config["SERVER_NAME"] = None  # answer whatever host:port the server runs on
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, message: str = "") -> Any:
    """Poll ``predicate`` every 100 ms until it returns something truthy; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {message or predicate}")
        time.sleep(0.1)
