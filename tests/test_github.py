"""GitHub Actions annotations: one per problem, at its file, line and column, escaped."""

from __future__ import annotations

from matrix.checks.github import annotated_lines, annotation, escape_data, escape_property
from matrix.model.location import Location
from matrix.model.problems import Problem


def test_an_error_and_a_warning() -> None:
    error = Problem(Location("claims/a.yaml", 10, 13), "unknown-stance", "stance 'x' is wrong", "did you mean 'y'?")
    warning = Problem(Location("claims/a.yaml", 3, 1), "short-quote", "the quote is short")
    assert annotation(error) == (
        "::error file=claims/a.yaml,line=10,col=13,title=unknown-stance::stance 'x' is wrong (did you mean 'y'?)"
    )
    assert annotation(warning) == "::warning file=claims/a.yaml,line=3,col=1,title=short-quote::the quote is short"
    assert annotated_lines([error, warning])[2:] == [
        "claims/a.yaml:10:13: error unknown-stance: stance 'x' is wrong (did you mean 'y'?)",
        "claims/a.yaml:3:1: warning short-quote: the quote is short",
    ]


def test_escaping_as_the_actions_toolkit_does() -> None:
    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    odd = Problem(Location("claims/a,b:c.yaml", 1, 2), "empty-value", "50%\nof it")
    assert annotation(odd) == "::error file=claims/a%2Cb%3Ac.yaml,line=1,col=2,title=empty-value::50%25\\u000aof it"
