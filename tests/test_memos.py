"""claims/memos.yaml: the analyst's summaries, parsed into values with located problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from matrix.checks.pipeline import check
from matrix.files.memos import parse_memos
from matrix.model.location import Location
from matrix.model.values import MEMOS_FILE, Codebook, Entry, Memo
from tests.conftest import write_project

F = MEMOS_FILE


def _entries(*ids: str) -> tuple[Entry, ...]:
    return tuple(Entry(i, i.title(), None, Location("claims/codebook.yaml", n, 3)) for n, i in enumerate(ids, 1))


CODEBOOK = Codebook(
    perspectives=_entries("US-India", "CFR"), actors=_entries("US"), topics=_entries("export-controls", "space")
)

VALID = """\
memos:
  - topic: export-controls
    perspective: CFR
    text: >-
      CFR reads U.S. export controls as unilateral
      and a brake on the partnership.
    claims: [b-1, a-1]
  - topic: export-controls
    text: The perspectives split on export controls.
  - topic: space
    perspective: US-India
    text: "Cooperation in space, <b>not</b> contested."
    claims:
      - a-2
"""


def found(text: str) -> list[tuple[int, int, str]]:
    _, problems = parse_memos(text, CODEBOOK)
    return sorted((p.location.line, p.location.column, p.code) for p in problems)


def test_memos_are_read_per_cell_and_per_topic() -> None:
    memos, problems = parse_memos(VALID, CODEBOOK)
    assert problems == []
    cfr = memos.cell("export-controls", "CFR")
    assert cfr == Memo(
        "export-controls",
        "CFR",
        "CFR reads U.S. export controls as unilateral and a brake on the partnership.",
        ("b-1", "a-1"),
        Location(F, 2, 5),
        (Location(F, 7, 14), Location(F, 7, 19)),
    )
    across = memos.across("export-controls")
    assert across is not None and across.perspective is None and across.claims == ()
    assert across.text == "The perspectives split on export controls."
    space = memos.cell("space", "US-India")
    assert space is not None and space.text == "Cooperation in space, <b>not</b> contested."
    assert space.claim_positions == (Location(F, 14, 9),)
    assert memos.cell("space", "CFR") is None and memos.across("space") is None
    assert memos.cell("export-controls", "US-India") is None
    assert memos.cited() == ("b-1", "a-1", "a-2")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("memos:\n  - topic: trade\n    text: x\n", [(2, 12, "unknown-topic")]),
        ("memos:\n  - topic: space\n    perspective: cfr\n    text: x\n", [(3, 18, "unknown-perspective")]),
        ("memos:\n  - topic: space\n    text: ''\n", [(3, 11, "empty-value")]),
        ("memos:\n  - topic: space\n    text:\n", [(3, 10, "empty-value")]),
        ("memos:\n  - topic: space\n    text: '   '\n", [(3, 11, "empty-value")]),
        ("memos:\n  - topic: space\n", [(2, 5, "missing-field")]),
        ("memos:\n  - text: x\n", [(2, 5, "missing-field")]),
        ("memos:\n  - topic: space\n    txt: x\n", [(2, 5, "missing-field"), (3, 5, "unknown-field")]),
        ("memos:\n  - topic: space\n    text: x\n    claims: a-1\n", [(4, 13, "wrong-type")]),
        ("memos:\n  - topic: space\n    text: x\n    claims: ['']\n", [(4, 14, "empty-value")]),
        ("memos:\n  - topic: space\n    text: [x]\n", [(3, 11, "wrong-type")]),
        ('memos:\n  - topic: space\n    text: "a\\u200bb"\n', [(3, 11, "control-character")]),
        ("memos:\n  - topic: space\n    text: x\n    claims: [[a]]\n", [(4, 14, "too-deep")]),
        ("memos:\n  topic: space\n", [(2, 3, "wrong-shape")]),
        ("memos:\n  - just text\n", [(2, 5, "wrong-shape")]),
        ("memo:\n  - topic: space\n", [(1, 1, "missing-field"), (1, 1, "unknown-field")]),
        ("- topic: space\n", [(1, 1, "wrong-shape")]),
        ("memos:\n  - topic: 'space\n", [(2, 12, "yaml-syntax")]),
        ("memos:\n  - topic: space\n    text: &a x\n", [(3, 11, "yaml-anchor")]),
    ],
)
def test_problems_at_their_line(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert found(text) == expected


def test_an_empty_file_or_list_holds_no_memos() -> None:
    for text in ("", "memos:\n", "memos: []\n"):
        memos, problems = parse_memos(text, CODEBOOK)
        assert (memos.entries, problems) == ((), [])


def test_a_memo_with_a_problem_is_dropped_and_the_others_kept() -> None:
    text = "memos:\n  - topic: trade\n    text: x\n  - topic: space\n    text: kept\n"
    memos, problems = parse_memos(text, CODEBOOK)
    assert [(p.location.line, p.code) for p in problems] == [(2, "unknown-topic")]
    assert [m.text for m in memos.entries] == ["kept"]
    assert "did you mean" not in problems[0].hint or "space" in problems[0].hint


def test_unknown_topic_hint_names_the_closest() -> None:
    _, problems = parse_memos("memos:\n  - topic: spaces\n    text: x\n", CODEBOOK)
    assert problems[0].hint == "did you mean 'space'?"


def test_two_memos_for_one_cell() -> None:
    text = (
        "memos:\n  - topic: space\n    perspective: CFR\n    text: one\n"
        "  - topic: space\n    perspective: CFR\n    text: two\n"
        "  - topic: space\n    text: across\n  - topic: space\n    text: again\n"
    )
    assert found(text) == [(5, 5, "duplicate-memo"), (10, 5, "duplicate-memo")]
    memos, _ = parse_memos(text, CODEBOOK)
    assert [m.text for m in memos.entries] == ["one", "across"]


def test_memos_are_read_with_the_project_and_a_cited_claim_that_does_not_exist_is_a_warning(
    tmp_path: Path,
) -> None:
    project, report = check(write_project(tmp_path, {MEMOS_FILE: VALID}))
    assert [m.text[:20] for m in project.memos.entries] == [
        "CFR reads U.S. expor",
        "The perspectives spl",
        "Cooperation in space",
    ]
    assert MEMOS_FILE in project.inputs and len(project.files) == 2  # not read as a claims file
    found = [(p.location.file, p.location.line, p.location.column, p.code, p.subject) for p in report.problems]
    assert found == [(F, 14, 9, "unknown-memo-claim", "a-2")]
    assert report.problems[0].level.value == "warning" and report.passes() and not report.passes(strict=True)


def test_no_memos_file_is_no_memos(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path, {}))
    assert project.memos.entries == () and MEMOS_FILE not in project.inputs and report.problems == ()


def test_memos_are_checked_against_the_codebook_of_the_project(tmp_path: Path) -> None:
    text = "memos:\n  - topic: trade\n    text: x\n  - topic: space\n    text: ''\n"
    _, report = check(write_project(tmp_path, {MEMOS_FILE: text}))
    assert [(p.location.line, p.code) for p in report.problems] == [(2, "unknown-topic"), (5, "empty-value")]
    assert not report.passes()
