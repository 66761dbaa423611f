"""Grammar scoring on hand-computed cases (no LanguageTool server needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.grammar.match import GrammarMatch
from screening.scoring.grammar import (
    MIN_WORDS,
    WEIGHTS,
    categorize,
    count_words,
    length_cap,
    score_from_rate,
    score_grammar,
)


def m(
    offset: int, rule_id: str, category: str, issue_type: str = "", length: int = 3
) -> GrammarMatch:
    return GrammarMatch(
        offset=offset,
        length=length,
        rule_id=rule_id,
        category=category,
        message=f"message of {rule_id}",
        replacements=("a", "b"),
        issue_type=issue_type,
    )


def words(n: int) -> str:
    return " ".join(["word"] * n)


# --- words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Hello", 1),
        ("Don't worry, the follow-up e-mail arrives at 3 pm.", 9),
        ("Hello—world", 2),  # em dash separates
        ("it's_ok", 2),  # underscore is not part of a word
        ("We’re here — ready!", 3),  # typographic apostrophe keeps the word whole
        ("... !!! ---", 0),
        ("Café déjà vu", 3),
    ],
)
def test_count_words(text: str, expected: int) -> None:
    assert count_words(text) == expected


# --- categories --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lt_category", "rule_id", "issue_type", "expected"),
    [
        ("TYPOS", "MORFOLOGIK_RULE_EN_US", "misspelling", "spelling"),
        ("TYPOS", "EN_CONTRACTION_SPELLING", "misspelling", "spelling"),
        ("TYPOS", "I_LOWERCASE", "misspelling", "casing"),  # rule id wins over category
        ("TYPOS", "CONFUSION_OF_ME_I", "misspelling", "grammar"),
        ("CONFUSED_WORDS", "THEIR_IS", "misspelling", "grammar"),
        ("GRAMMAR", "HE_VERB_AGR", "grammar", "grammar"),
        ("MISC", "EN_A_VS_AN", "misspelling", "grammar"),
        ("MISC", "ENGLISH_WORD_REPEAT_RULE", "duplication", "spelling"),
        ("PUNCTUATION", "COMMA_COMPOUND_SENTENCE", "uncategorized", "punctuation"),
        ("TYPOGRAPHY", "COMMA_PARENTHESIS_WHITESPACE", "whitespace", "punctuation"),
        ("CASING", "UPPERCASE_SENTENCE_START", "typographical", "casing"),
        ("STYLE", "MORE_EASY_N_CLEAR", "style", "style"),
        ("REPETITIONS_STYLE", "ENGLISH_WORD_REPEAT_BEGINNING_RULE", "style", "style"),
        ("SOMETHING_NEW", "NEW_RULE", "whitespace", "punctuation"),  # issue type fallback
        ("SOMETHING_NEW", "NEW_RULE", "register", "style"),
        ("SOMETHING_NEW", "NEW_RULE", "", "grammar"),  # nothing known: grammar
        ("", "MORFOLOGIK_RULE_EN_GB", "", "spelling"),  # speller rule ids by prefix
    ],
)
def test_categorize(lt_category: str, rule_id: str, issue_type: str, expected: str) -> None:
    assert categorize(lt_category, rule_id, issue_type) == expected


def test_weights_style_is_lowest_and_errors_count_fully() -> None:
    assert WEIGHTS["spelling"] == WEIGHTS["grammar"] == 1.0
    assert WEIGHTS["punctuation"] == WEIGHTS["casing"] == 0.5
    assert WEIGHTS["style"] == 0.25


# --- formula -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(0.0, 100.0), (1.0, 90.0), (2.0, 81.0), (5.0, 59.049), (10.0, 34.8678)],
)
def test_score_from_rate(rate: float, expected: float) -> None:
    assert score_from_rate(rate) == pytest.approx(expected, abs=1e-4)


def test_score_from_rate_rejects_negative_rate() -> None:
    with pytest.raises(ValueError, match="negative"):
        score_from_rate(-0.1)


@pytest.mark.parametrize(("n", "cap"), [(0, 0.0), (6, 20.0), (15, 50.0), (30, 100.0), (500, 100.0)])
def test_length_cap(n: int, cap: float) -> None:
    assert MIN_WORDS == 30
    assert length_cap(n) == pytest.approx(cap)


def test_writing_mode_hand_computed() -> None:
    # 50 words; 2 spelling (1 + 1) + 1 punctuation (0.5) + 1 style (0.25) = 2.75 weighted.
    # unweighted: 4 / 50 × 100 = 8.00; weighted: 2.75 / 50 × 100 = 5.50;
    # score: 100 × 0.9^5.5 = 100 × 0.59049 × 0.948683 = 56.02 → 56.0
    matches = [
        m(30, "COMMA_COMPOUND_SENTENCE", "PUNCTUATION"),
        m(0, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
        m(10, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
        m(40, "MORE_EASY_N_CLEAR", "STYLE", "style"),
    ]
    result = score_grammar(words(50), matches)
    assert result.mode == "writing"
    assert result.words == 50
    assert result.error_count == 4
    assert result.errors_per_100_words == 8.0
    assert result.weighted_errors_per_100_words == 5.5
    assert result.score == 56.0
    assert result.too_short is False
    assert result.ignored == 0
    assert [e.offset for e in result.errors] == [0, 10, 30, 40]  # text order
    assert [e.category for e in result.errors] == ["spelling", "spelling", "punctuation", "style"]
    assert [e.weight for e in result.errors] == [1.0, 1.0, 0.5, 0.25]
    assert dict(result.by_category) == {
        "spelling": 2,
        "grammar": 0,
        "punctuation": 1,
        "casing": 0,
        "style": 1,
    }
    assert "8.00 errors per 100 words" in result.explanation
    assert "5.50 after weighting" in result.explanation
    assert "56.0 of 100" in result.explanation


def test_transcript_mode_drops_punctuation_and_casing() -> None:
    # Same 50 words plus a casing match. Transcript: casing and punctuation not counted.
    # counted: 2 spelling + 1 style = 3 errors, 2.25 weighted.
    # unweighted 3 / 50 × 100 = 6.00; weighted 2.25 / 50 × 100 = 4.50;
    # score 100 × 0.9^4.5 = 100 × 0.59049 / 0.948683 = 62.24 → 62.2
    matches = [
        m(0, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
        m(10, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling"),
        m(20, "UPPERCASE_SENTENCE_START", "CASING", "typographical"),
        m(25, "I_LOWERCASE", "TYPOS", "misspelling"),
        m(30, "COMMA_COMPOUND_SENTENCE", "PUNCTUATION"),
        m(40, "MORE_EASY_N_CLEAR", "STYLE", "style"),
    ]
    result = score_grammar(words(50), matches, mode="transcript")
    assert result.mode == "transcript"
    assert result.error_count == 3
    assert result.ignored == 3
    assert {e.category for e in result.errors} == {"spelling", "style"}
    assert result.errors_per_100_words == 6.0
    assert result.weighted_errors_per_100_words == 4.5
    assert result.score == 62.2
    assert "(3 ignored)" in result.explanation

    writing = score_grammar(words(50), matches, mode="writing")
    # writing: 2 + 0.5 + 0.5 + 0.5 + 0.25 = 3.75 → 7.50 per 100 → 100 × 0.9^7.5 = 45.3
    assert writing.error_count == 6
    assert writing.weighted_errors_per_100_words == 7.5
    assert writing.score == 45.4


def test_no_errors_scores_100() -> None:
    result = score_grammar(words(120), [])
    assert result.score == 100.0
    assert result.errors_per_100_words == 0.0
    assert result.errors == ()
    assert "no errors" in result.explanation


def test_short_text_is_capped() -> None:
    # 15 words, no errors: raw 100, capped at 100 × 15 / 30 = 50.0
    clean = score_grammar(words(15), [])
    assert clean.too_short is True
    assert clean.score == 50.0
    assert "capped at 50.0" in clean.explanation
    # 15 words, 1 spelling error: rate 6.67; raw 100 × 0.9^6.667 = 49.5 < 50 → 49.5
    one = score_grammar(words(15), [m(0, "MORFOLOGIK_RULE_EN_US", "TYPOS")])
    assert one.errors_per_100_words == 6.67
    assert one.score == 49.5
    # 30 words is enough: not capped
    assert score_grammar(words(30), []).score == 100.0
    assert score_grammar(words(30), []).too_short is False


def test_no_words_scores_zero() -> None:
    result = score_grammar("  ", [])
    assert result.words == 0
    assert result.score == 0.0
    assert result.errors_per_100_words == 0.0
    assert result.too_short is True
    assert "No words" in result.explanation


def test_same_span_counts_once_keeping_the_heavier_match() -> None:
    # 100 words; two rules on the same span (style 0.25 and grammar 1.0) → one grammar error
    matches = [
        m(5, "SOME_STYLE", "STYLE", "style", length=4),
        m(5, "SOME_GRAMMAR", "GRAMMAR", "grammar", length=4),
    ]
    result = score_grammar(words(100), matches)
    assert result.error_count == 1
    assert result.errors[0].rule_id == "SOME_GRAMMAR"
    assert result.ignored == 1
    assert result.weighted_errors_per_100_words == 1.0
    assert result.score == 90.0


def test_to_dict_is_the_json_contract() -> None:
    result = score_grammar(words(40), [m(4, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling")])
    d = result.to_dict()
    assert d["words"] == 40
    assert d["errors_per_100_words"] == 2.5
    assert d["score"] == round(100 * 0.9**2.5, 1) == 76.8
    assert d["errors"] == [
        {
            "offset": 4,
            "length": 3,
            "rule_id": "MORFOLOGIK_RULE_EN_US",
            "category": "spelling",
            "message": "message of MORFOLOGIK_RULE_EN_US",
            "replacements": ["a", "b"],
            "lt_category": "TYPOS",
            "weight": 1.0,
        }
    ]
    assert set(d) >= {"words", "errors", "errors_per_100_words", "score", "explanation"}


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="mode"):
        score_grammar("some words", [], mode="spoken")  # type: ignore[arg-type]


@given(
    n_words=st.integers(min_value=1, max_value=400),
    n_errors=st.integers(min_value=0, max_value=60),
    category=st.sampled_from(["TYPOS", "GRAMMAR", "PUNCTUATION", "CASING", "STYLE"]),
)
def test_score_is_bounded_and_never_rises_with_more_errors(
    n_words: int, n_errors: int, category: str
) -> None:
    text = words(n_words)
    fewer = score_grammar(text, [m(i * 7, f"R{i}", category) for i in range(n_errors)])
    more = score_grammar(text, [m(i * 7, f"R{i}", category) for i in range(n_errors + 1)])
    assert 0.0 <= more.score <= fewer.score <= 100.0
    assert more.errors_per_100_words > fewer.errors_per_100_words


def test_spelling_fixed_by_case_alone_is_casing() -> None:
    # "monday" flagged by the speller with suggestion "Monday": a casing error (0.5), which
    # transcript mode ignores; "recieve" → "receive" stays spelling (1.0).
    text = "we meet on monday and recieve the parcel " + words(32)  # 40 words
    monday = GrammarMatch(
        11, 6, "MORFOLOGIK_RULE_EN_US", "TYPOS", "Spelling?", ("Monday", "Mondays")
    )
    recieve = GrammarMatch(22, 7, "MORFOLOGIK_RULE_EN_US", "TYPOS", "Spelling?", ("receive",))
    assert text[11:17] == "monday" and text[22:29] == "recieve"

    writing = score_grammar(text, [monday, recieve])
    assert [e.category for e in writing.errors] == ["casing", "spelling"]
    # (0.5 + 1) / 40 × 100 = 3.75 weighted; 2 / 40 × 100 = 5.00 unweighted
    assert writing.weighted_errors_per_100_words == 3.75
    assert writing.errors_per_100_words == 5.0

    transcript = score_grammar(text, [monday, recieve], mode="transcript")
    assert [e.rule_id for e in transcript.errors] == ["MORFOLOGIK_RULE_EN_US"]
    assert transcript.errors[0].offset == 22
    # 1 / 40 × 100 = 2.50 → 100 × 0.9^2.5 = 76.8
    assert transcript.score == 76.8
