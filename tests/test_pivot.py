"""Pivot frames on a small hand-made claim set, against exact expected values."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from matrix import check
from matrix.model import Filters
from matrix.pivot import Analysis, analyse, summary_numbers
from tests.conftest import PIVOT_FILES, write_project

NA = pd.NA


@pytest.fixture
def analysis(tmp_path: Path) -> Analysis:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    assert report.errors == 0, report.problems
    return analyse(project, report)


def test_stance_matrix(analysis: Analysis) -> None:
    columns = pd.MultiIndex.from_product(
        [["US-India", "CFR"], ["convergence", "divergence", "net", "weighted"]], names=["perspective", "measure"]
    )
    expected = pd.DataFrame(
        [
            [2, 1, 1 / 3, 4 / 6, 0, 2, -1.0, -1.0],
            [1, 0, 1.0, 1.0, 1, 1, 0.0, -1 / 3],
        ],
        index=pd.Index(["export-controls", "space"], name="topic"),
        columns=columns,
    )
    for perspective in ("US-India", "CFR"):
        for measure in ("convergence", "divergence"):
            expected[(perspective, measure)] = expected[(perspective, measure)].astype("Int64")
    pd.testing.assert_frame_equal(analysis.stance, expected)


def test_empty_cells_stay_empty(tmp_path: Path) -> None:
    files = dict(PIVOT_FILES)
    files["claims/b.yaml"] = str(files["claims/b.yaml"]).split("  - id: b3")[0]
    project, report = check(write_project(tmp_path, files))
    stance = analyse(project, report).stance
    assert stance.loc["space", ("CFR", "convergence")] is NA
    assert pd.isna(stance.loc["space", ("CFR", "net")])
    assert analyse(project, report).stance_cell("space", "CFR") is None


def test_approach_matrix(analysis: Analysis) -> None:
    approach = analysis.approach
    assert approach.loc["export-controls", "US-India"].tolist() == [1, 2, 0, "bilateral"]
    assert approach.loc["export-controls", "CFR"].tolist() == [1, 0, 1, "unilateral = multilateral"]
    assert approach.loc["space", "CFR"].tolist() == [0, 2, 0, "bilateral"]
    assert approach.loc["space", "US-India"].isna().all()


def test_actor_view(analysis: Analysis) -> None:
    assert analysis.actor_rows() == [
        ("US-India", "US", (1, 0, 0, 0, 1)),
        ("US-India", "India", (None, None, None, None, None)),
        ("CFR", "US", (1, 0, 0, 0, 1)),
        ("CFR", "India", (0, 1, 1, 0, 2)),
    ]


def test_contrasts_ranked_by_gap(analysis: Analysis) -> None:
    rows = [(r.topic, r.perspective_a, r.perspective_b, round(r.gap, 4), r.opposite) for r in analysis.contrast_rows()]
    assert rows == [("export-controls", "US-India", "CFR", 1.3333, True), ("space", "US-India", "CFR", 1.0, False)]


def test_source_profile(analysis: Analysis) -> None:
    profile = analysis.sources
    assert profile[["claims", "convergence", "divergence", "export-controls", "space"]].values.tolist() == [
        [4, 3, 1, 3, 1],
        [4, 1, 3, 2, 2],
    ]
    assert profile["net"].tolist() == [0.5, -0.5]


def test_totals(analysis: Analysis) -> None:
    assert [
        (t.perspective, t.sources, t.claims, t.convergence, t.divergence, t.net) for t in analysis.total_rows()
    ] == [
        ("US-India", 1, 4, 3, 1, 0.5),
        ("CFR", 1, 4, 1, 3, -0.5),
    ]


def test_claims_table_has_locations(analysis: Analysis) -> None:
    first = analysis.claims.iloc[0]
    assert (first["id"], first["quote_at"], first["claim_at"], first["weight"]) == (
        "a1",
        "seeds/a.txt:2:1",
        "claims/a.yaml:8:5",
        3,
    )


@pytest.mark.parametrize(
    "filters, ids",
    [
        (Filters(perspectives=("CFR",)), ["b1", "b2", "b3", "b4"]),
        (Filters(topics=("space",)), ["a4", "b3", "b4"]),
        (Filters(sources=("src-a",), actors=("US",)), ["a2"]),
        (Filters(actors=("India", "US")), ["a2", "b1", "b2", "b3"]),
    ],
)
def test_filters(tmp_path: Path, filters: Filters, ids: list[str]) -> None:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    result = analyse(project, report, filters)
    assert result.claims["id"].tolist() == ids


def test_filtered_matrix_keeps_only_chosen_columns(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    result = analyse(project, report, Filters(perspectives=("CFR",), topics=("space",)))
    assert result.stance.columns.get_level_values(0).unique().tolist() == ["CFR"]
    assert result.stance.index.tolist() == ["space"]


def test_summary_numbers(analysis: Analysis) -> None:
    numbers = summary_numbers(analysis)
    assert numbers["stance"][0] == {
        "topic": "export-controls",
        "perspective": "US-India",
        "convergence": 2,
        "divergence": 1,
        "net": pytest.approx(1 / 3),
        "weighted": pytest.approx(2 / 3),
    }
    assert numbers["approach"][2] == {
        "topic": "space",
        "perspective": "US-India",
        "unilateral": None,
        "bilateral": None,
        "multilateral": None,
        "dominant": None,
    }


def test_claims_csv_quotes_every_formula_start_owasp_lists() -> None:
    from matrix.pivot import claims_csv

    assert claims_csv(pd.DataFrame({"text": ["\r1"]})) == "text\n'\r1\n"  # a carriage return too
    cells = ["=1", "+1", "-1", "@1", "\t1", "a=1", "'1", "", "x-1"]
    frame = pd.DataFrame({"text": cells, "weight": [-1] * len(cells)})
    safe = pd.read_csv(io.StringIO(claims_csv(frame)), keep_default_na=False, dtype=str)
    assert list(safe["text"]) == ["'=1", "'+1", "'-1", "'@1", "'\t1", "a=1", "'1", "", "x-1"]
    assert list(safe["weight"]) == ["-1"] * len(cells)  # numbers stay numbers
    raw = pd.read_csv(io.StringIO(claims_csv(frame, raw=True)), keep_default_na=False, dtype=str)
    assert list(raw["text"]) == cells
