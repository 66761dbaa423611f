"""Grammar client and score against the real LanguageTool server (SCREENING_LANGUAGETOOL_URL)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli.grammar import check_grammar
from screening.grammar import (
    GrammarMatch,
    GrammarUnavailable,
    check,
    check_and_score,
    get_client,
    server_version,
)
from tests.integration.grammar.samples import (
    BAD_REPLY,
    CLEAN_REPLY,
    CLEAN_REPLY_2,
    CLEAN_TRANSCRIPT,
)


def flagged(text: str, match: GrammarMatch) -> str:
    return text[match.offset : match.offset + match.length]


def find(text: str, matches: list[GrammarMatch], span: str) -> GrammarMatch:
    hits = [m for m in matches if flagged(text, m) == span]
    assert hits, f"no match on {span!r}; got {[(m.rule_id, flagged(text, m)) for m in matches]}"
    return hits[0]


def closed_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- the server ---------------------------------------------------------------------------


def test_server_reports_a_version(lt_url: str) -> None:
    version = server_version(lt_url)
    assert version.split(".")[0].isdigit()


def test_one_client_per_url_and_language(lt_url: str) -> None:
    a = get_client(lt_url, "en-US")
    assert get_client(lt_url + "/", "en-US") is a  # same server, normalized URL
    assert get_client(lt_url, "en-GB") is not a


def test_unknown_language_is_a_value_error(lt_url: str) -> None:
    with pytest.raises(ValueError):
        check("Bonjour tout le monde.", url=lt_url, language="xx-XX")


# --- what LanguageTool finds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "suggestion"),
    [
        ("Their is a problem with your order.", "Their", "There"),
        ("Their are two options available.", "Their", "There"),
        ("I spoke with there manager this morning.", "there", "their"),
    ],
)
def test_their_there_confusion_is_found(lt_url: str, text: str, span: str, suggestion: str) -> None:
    match = find(text, check(text, url=lt_url), span)
    assert suggestion in match.replacements
    result = check_and_score(text, url=lt_url)
    assert [e.category for e in result.errors if e.offset == match.offset] == ["grammar"]


def test_theyre_misuse_is_found(lt_url: str) -> None:
    text = "They're are two options for your refund."
    match = find(text, check(text, url=lt_url), "They're are")
    assert "They are" in match.replacements


@pytest.mark.parametrize(
    ("text", "span", "suggestion"),
    [
        ("He go to the store every day.", "go", "goes"),
        ("She don't know the answer yet.", "do", "does"),
        ("The customers is waiting in line.", "is", "are"),
    ],
)
def test_subject_verb_agreement_is_found(
    lt_url: str, text: str, span: str, suggestion: str
) -> None:
    match = find(text, check(text, url=lt_url), span)
    assert match.category == "GRAMMAR"
    assert suggestion in match.replacements
    scored = check_and_score(text, url=lt_url)
    assert [e.category for e in scored.errors] == ["grammar"]


def test_misspelling_is_found_with_suggestions(lt_url: str) -> None:
    text = "We recieved your request yesterday."
    matches = check(text, url=lt_url)
    match = find(text, matches, "recieved")
    assert match.rule_id.startswith("MORFOLOGIK_RULE_EN")
    assert match.replacements[0] == "received"
    assert 1 <= len(match.replacements) <= 5
    assert match.context and "recieved" in match.context
    assert check_and_score(text, url=lt_url).errors[0].category == "spelling"


def test_offsets_count_python_characters_after_emoji(lt_url: str) -> None:
    # 😊 is one Python character but two UTF-16 units (LanguageTool's offsets).
    text = "Thank you 😊😊. We recieved it."
    match = find(text, check(text, url=lt_url), "recieved")
    assert match.offset == text.index("recieved")


def test_missing_capital_counts_in_writing_not_in_transcript(lt_url: str) -> None:
    text = "Thank you for calling today. we will call you back tomorrow morning."
    match = find(text, check(text, url=lt_url), "we")
    assert match.rule_id == "UPPERCASE_SENTENCE_START"

    writing = check_and_score(text, url=lt_url, mode="writing")
    transcript = check_and_score(text, url=lt_url, mode="transcript")
    assert [(e.offset, e.category) for e in writing.errors] == [(match.offset, "casing")]
    assert transcript.errors == ()
    assert transcript.ignored == 1
    # 12 words: both scores are capped at 40 (too short), so compare the rates
    assert writing.weighted_errors_per_100_words > transcript.weighted_errors_per_100_words == 0


# --- scores on whole replies ------------------------------------------------------------------


@pytest.mark.parametrize("reply", [CLEAN_REPLY, CLEAN_REPLY_2])
def test_clean_professional_reply_scores_above_90(lt_url: str, reply: str) -> None:
    result = check_and_score(reply, url=lt_url)
    assert 100 <= result.words <= 150
    assert result.score > 90, result.explanation


def test_reply_with_many_errors_scores_below_60(lt_url: str) -> None:
    result = check_and_score(BAD_REPLY, url=lt_url)
    assert result.score < 60, result.explanation
    assert result.by_category["spelling"] >= 3
    assert result.by_category["grammar"] >= 5
    # still weak when casing and punctuation are forgiven
    assert check_and_score(BAD_REPLY, url=lt_url, mode="transcript").score < 60


def test_unpunctuated_transcript_is_clean_in_transcript_mode(lt_url: str) -> None:
    writing = check_and_score(CLEAN_TRANSCRIPT, url=lt_url, mode="writing")
    transcript = check_and_score(CLEAN_TRANSCRIPT, url=lt_url, mode="transcript")
    assert writing.by_category["casing"] >= 3  # "i", "monday", sentence start ...
    assert transcript.score > 90, transcript.explanation
    assert writing.score < transcript.score


# --- command line -------------------------------------------------------------------------------


def test_cli_prints_the_json_contract(lt_url: str) -> None:
    text = "We recieved your request. He go to the office every day to help customers."
    result = CliRunner().invoke(check_grammar, ["-", "--url", lt_url], input=text)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["words"] == 14
    assert {"words", "errors", "errors_per_100_words", "score"} <= set(payload)
    for error in payload["errors"]:
        assert {"offset", "length", "rule_id", "category", "message", "replacements"} <= set(error)
        assert isinstance(error["replacements"], list)
    spans = {
        text[e["offset"] : e["offset"] + e["length"]]: e["category"] for e in payload["errors"]
    }
    assert spans["recieved"] == "spelling"
    assert spans["go"] == "grammar"
    assert payload["errors_per_100_words"] == pytest.approx(
        100 * len(payload["errors"]) / 14, abs=0.01
    )
    assert 0 <= payload["score"] < 100


def test_cli_reads_a_file_and_uses_the_environment_url(
    lt_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "answer.txt"
    path.write_text(CLEAN_TRANSCRIPT, encoding="utf-8")
    monkeypatch.setenv("SCREENING_LANGUAGETOOL_URL", lt_url)
    written = CliRunner().invoke(check_grammar, [str(path)])
    spoken = CliRunner().invoke(check_grammar, [str(path), "--transcript"])
    assert written.exit_code == 0 and spoken.exit_code == 0
    assert json.loads(spoken.stdout)["mode"] == "transcript"
    assert json.loads(spoken.stdout)["score"] > json.loads(written.stdout)["score"]


def test_cli_unreachable_server_exits_2_with_message() -> None:
    url = closed_port_url()
    result = CliRunner().invoke(check_grammar, ["-", "--url", url], input="He go home.")
    assert result.exit_code == 2
    assert "not reachable" in result.stderr
    assert json.loads(result.stdout)["error"]["type"] == "GrammarUnavailable"


# --- failures are quick and specific ---------------------------------------------------------


def test_closed_port_raises_grammar_unavailable_within_seconds() -> None:
    url = closed_port_url()
    started = time.monotonic()
    with pytest.raises(GrammarUnavailable) as info:
        check("He go to the store.", url=url)
    assert time.monotonic() - started < 5.0
    assert info.value.url == url
    # a failed client is not cached: the next call tries again (and fails again, quickly)
    with pytest.raises(GrammarUnavailable):
        check("He go to the store.", url=url)


class _NotLanguageTool(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self._reply()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._reply()

    def _reply(self) -> None:
        body = b"<html>502 Bad Gateway</html>"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def not_languagetool_url() -> Iterator[str]:
    """A loopback HTTP server answering every request with an HTML error page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotLanguageTool)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_server_that_is_not_languagetool_is_unavailable(not_languagetool_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(GrammarUnavailable):
        check("He go to the store.", url=not_languagetool_url)
    assert time.monotonic() - started < 5.0
