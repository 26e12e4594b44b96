"""The workbook's layout: Claims rows in matrix order, each cell's block, references that hold
exactly the rows they name."""

from __future__ import annotations

from pathlib import Path

import pytest

from matrix import check
from matrix.analysis.pivot import analyse
from matrix.workbook.layout import block, claims_layout, passage_order, runs, stance_address
from tests.conftest import PIVOT_FILES, write_project


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([], None),
        ([7], "'Claims'!A7"),
        ([4, 2, 3], "'Claims'!A2:A4"),
        ([2, 3, 9, 5, 6], "'Claims'!A2:A3,'Claims'!A5:A6,'Claims'!A9"),
    ],
)
def test_a_block_holds_exactly_its_rows(rows: list[int], expected: str | None) -> None:
    assert block(rows) == expected
    assert [r for first, last in runs(rows) for r in range(first, last + 1)] == sorted(rows)


def test_claims_in_matrix_order_and_the_spans_of_cells(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path / "p", PIVOT_FILES))
    analysis = analyse(project, report)
    layout = claims_layout(analysis)
    shown = [analysis.claims[i] for i in layout.order]
    keys = [
        (analysis.topics.index(c.topic), analysis.perspectives.index(c.perspective), c.stance, c.source) for c in shown
    ]
    assert keys == sorted(keys)  # topic, perspective, stance, source
    assert [layout.rows[i] for i in layout.order] == list(range(2, len(shown) + 2))
    assert {c.id: layout.ids[c.id] for c in shown} == {c.id: row for row, c in enumerate(shown, start=2)}
    for (topic, perspective, stance), (first, last) in layout.spans.items():
        inside = [c for c in shown[first - 2 : last - 1]]
        assert all((c.topic, c.perspective) == (topic, perspective) for c in inside)
        assert stance is None or all(c.stance == stance for c in inside)
        every = [c for c in shown if (c.topic, c.perspective) == (topic, perspective) and stance in (None, c.stance)]
        assert inside == every
    assert layout.span_block("export-controls", "US-India") == "'Claims'!A2:A4"
    assert stance_address(0, 0) == "D4" and stance_address(1, 1) == "I5"
    assert set(layout.cells) == {"D4", "I4", "D5", "I5"}


def test_passages_follow_their_claims() -> None:
    assert passage_order([2, 0, 1], [1, 2, 1]) == [3, 0, 1, 2]
