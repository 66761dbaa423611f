"""The real LanguageTool server for the grammar tests.

Start it with ``scripts/languagetool.sh start 8081`` and export
``SCREENING_LANGUAGETOOL_URL=http://127.0.0.1:8081``. When the variable is missing or the
server does not answer, every test here FAILS with a message saying so (never skipped).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from screening.grammar import GrammarUnavailable, reset_clients, server_version

HOW_TO_START = (
    "start it with `scripts/languagetool.sh start 8081` and "
    "`export SCREENING_LANGUAGETOOL_URL=http://127.0.0.1:8081`"
)


@pytest.fixture(scope="session")
def lt_url() -> str:
    """Base URL of the running LanguageTool server (checked to answer)."""
    url = os.environ.get("SCREENING_LANGUAGETOOL_URL", "").strip()
    if not url:
        pytest.fail(f"SCREENING_LANGUAGETOOL_URL is not set: {HOW_TO_START}", pytrace=False)
    try:
        server_version(url)
    except GrammarUnavailable as exc:
        problem = str(exc)  # fail outside the except block: no chained traceback
    else:
        return url
    pytest.fail(f"{problem}; {HOW_TO_START}", pytrace=False)


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    """Each test starts without cached clients and stops any embedded server it started."""
    reset_clients()
    yield
    reset_clients()
