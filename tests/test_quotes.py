from __future__ import annotations

import pytest

from matrix.files.quotes import Match, NormalisedText, normalise_quote


@pytest.mark.parametrize(
    "source, quote, expected",
    [
        ("abc\nThe two sides agree.", "The two sides agree.", Match(2, 1, 1)),
        ("x India\u2019s \u201cstance\u201d here", 'India\'s "stance" here', Match(1, 3, 1)),
        ("the India\u2013Russia relationship", "India-Russia relationship", Match(1, 5, 1)),
        ("a\u00a0b   c\n  d e", "a b c d e", Match(1, 1, 1)),
        (
            "[Sameer Lalwani \\(Washington, DC\\) argues that](#) x",
            "Sameer Lalwani (Washington, DC) argues",
            Match(1, 2, 1),
        ),
        ("see [the report](https://x.org/a) now", "see the report now", Match(1, 1, 1)),
        ("\ufb01nal word; fine", "final word", Match(1, 1, 1)),
        ("caf\u0065\u0301 au lait", "caf\u00e9 au", Match(1, 1, 1)),
        ("one two. one two.", "one two", Match(1, 1, 2)),
        ("\u201cquoted\u201d   after\u00a0\u00a0spaces, \u2014 dash", "spaces, - dash", Match(1, 19, 1)),
        ("Case matters here", "case matters", None),
    ],
)
def test_locate(source: str, quote: str, expected: Match | None) -> None:
    found = NormalisedText.of(source).locate(quote)
    assert (found and (found.line, found.column, found.occurrences)) == (
        expected and (expected.line, expected.column, expected.occurrences)
    )


def test_location_after_replacements_points_into_original() -> None:
    source = "\u201cA\u201d \u2014\u00a0\u00a0[link](u) then target text"
    text = NormalisedText.of(source)
    found = text.locate("target text")
    assert found is not None
    assert source[found.column - 1 :].startswith("target text")


def test_normalise_quote() -> None:
    assert normalise_quote("  India\u2019s\n  \u201cview\u201d \u2014 ok  ") == 'India\'s "view" - ok'


def test_word_count_of_located_quote() -> None:
    found = NormalisedText.of("x one two\nthree four y").locate("one two\nthree   four")
    assert found is not None and found.words == 4


def test_closest_passage() -> None:
    text = NormalisedText.of("intro line\nIndia prefers trade agreements with select nations.\n")
    closest = text.closest("India prefers trade agreement with select nations")
    assert closest is not None
    line, column, passage, score = closest
    assert (line, column) == (2, 1)
    assert passage.startswith("India prefers trade agreement")
    assert score > 90
