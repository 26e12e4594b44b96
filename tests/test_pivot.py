"""Pivot frames on a small hand-made claim set, against exact expected values."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from matrix import check
from matrix.analysis.dataframes import CELL_COLUMNS
from matrix.analysis.pivot import Analysis, AnalysisOptions, ApproachCell, StanceCell, analyse, summary_numbers
from matrix.model.terms import Unit
from matrix.model.values import Filters
from tests.conftest import EXPORT_QUOTE, PIVOT_FILES, SPACE_QUOTE, c, claims_yaml, write_project

NA = pd.NA


@pytest.fixture
def analysis(tmp_path: Path) -> Analysis:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    assert report.errors == 0, report.problems
    return analyse(project, report)


def test_stance_matrix(analysis: Analysis) -> None:
    assert analysis.stance == {
        ("export-controls", "US-India"): StanceCell(2, 1, 1 / 3, 4 / 6, 1),
        ("export-controls", "CFR"): StanceCell(0, 2, -1.0, -1.0, 1),
        ("space", "US-India"): StanceCell(1, 0, 1.0, 1.0, 1),
        ("space", "CFR"): StanceCell(1, 1, 0.0, -1 / 3, 1),
    }
    assert [cell.thin for cell in analysis.stance.values()] == [False, True, True, True]


def test_cells_frame(analysis: Analysis) -> None:
    cells = analysis.to_frame("cells")
    assert cells.columns.tolist() == list(CELL_COLUMNS)
    row = cells[(cells["topic"] == "export-controls") & (cells["perspective"] == "US-India")].iloc[0]
    assert (row["convergence"], row["divergence"], row["net"], row["sources"]) == (2, 1, 1 / 3, 1)
    assert (row["unilateral"], row["bilateral"], row["dominant"]) == (1, 2, "bilateral")


def test_empty_cells_stay_empty(tmp_path: Path) -> None:
    files = dict(PIVOT_FILES)
    files["claims/b.yaml"] = str(files["claims/b.yaml"]).split("  - id: b3")[0]
    project, report = check(write_project(tmp_path, files))
    analysis = analyse(project, report)
    assert ("space", "CFR") not in analysis.stance
    assert analysis.stance_cell("space", "CFR") is None
    cells = analysis.to_frame("cells").set_index(["topic", "perspective"])
    assert cells.loc[("space", "CFR"), "convergence"] is NA
    assert pd.isna(cells.loc[("space", "CFR"), "net"])


def test_approach_matrix(analysis: Analysis) -> None:
    assert analysis.approach_cell("export-controls", "US-India") == ApproachCell((1, 2, 0), "bilateral")
    assert analysis.approach_cell("export-controls", "CFR") == ApproachCell((1, 0, 1), "unilateral = multilateral")
    assert analysis.approach_cell("space", "CFR") == ApproachCell((0, 2, 0), "bilateral")
    # a4 codes no approach: the cell counts it as unspecified and names no dominant approach
    assert analysis.approach_cell("space", "US-India") == ApproachCell((0, 0, 0), "", 1)


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
    rows = [row for _, row in analysis.source_rows()]
    assert [[r[k] for k in ("claims", "convergence", "divergence", "export-controls", "space")] for r in rows] == [
        [4, 3, 1, 3, 1],
        [4, 1, 3, 2, 2],
    ]
    assert [r["net"] for r in rows] == [0.5, -0.5]


def test_totals(analysis: Analysis) -> None:
    assert [
        (t.perspective, t.sources, t.claims, t.convergence, t.divergence, t.net) for t in analysis.total_rows()
    ] == [
        ("US-India", 1, 4, 3, 1, 0.5),
        ("CFR", 1, 4, 1, 3, -0.5),
    ]


def test_claims_table_has_locations(analysis: Analysis) -> None:
    first = analysis.claims[0]
    assert (first.id, first.quote_at, first.claim_at, first.weight) == (
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
    result = analyse(project, report, AnalysisOptions(filters))
    assert [c.id for c in result.claims] == ids


def test_filtered_matrix_keeps_only_chosen_columns(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    result = analyse(project, report, AnalysisOptions(Filters(perspectives=("CFR",), topics=("space",))))
    assert (result.topics, result.perspectives) == (("space",), ("CFR",))
    assert list(result.stance) == [("space", "CFR")]


def test_summary_numbers(analysis: Analysis) -> None:
    numbers = summary_numbers(analysis)
    assert numbers["stance"][0] == {
        "topic": "export-controls",
        "perspective": "US-India",
        "convergence": 2,
        "divergence": 1,
        "net": pytest.approx(1 / 3),
        "weighted": pytest.approx(2 / 3),
        "sources": 1,
    }
    assert numbers["count"] == "claims"
    assert numbers["approach"][2] == {
        "topic": "space",
        "perspective": "US-India",
        "unilateral": 0,
        "bilateral": 0,
        "multilateral": 0,
        "unspecified": 1,
        "dominant": None,
    }


def test_sources_count_each_source_once_per_stance_in_a_cell(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    analysis = analyse(project, report, AnalysisOptions(unit=Unit.SOURCES))
    assert analysis.count == "sources"
    # US-India export controls: a1 (high) and a3 converge, a2 (low) diverges, all from src-a
    assert analysis.stance_cell("export-controls", "US-India") == StanceCell(1, 1, 0.0, 0.5, 1)
    assert analysis.stance_cell("export-controls", "CFR") == StanceCell(0, 1, -1.0, -1.0, 1)
    assert analysis.stance_cell("space", "CFR") == StanceCell(1, 1, 0.0, pytest.approx(-1 / 3), 1)
    approach = analysis.approach_cell("export-controls", "US-India")
    assert approach is not None and approach.counts == (1, 1, 0) and approach.dominant == "unilateral = bilateral"
    space = analysis.approach_cell("space", "CFR")
    assert space is not None and space.counts == (0, 1, 0)
    numbers = summary_numbers(analysis)
    assert numbers["count"] == "sources"
    assert numbers["stance"][0]["convergence"] == 1 and numbers["stance"][0]["sources"] == 1
    # the totals still count claims
    assert [(t.perspective, t.claims) for t in analysis.total_rows()] == [("US-India", 4), ("CFR", 4)]


def test_a_cell_says_how_many_sources_its_claims_come_from(tmp_path: Path) -> None:
    files = dict(PIVOT_FILES)
    files["claims/c.yaml"] = claims_yaml("src-c", "CFR", "seeds/a.txt", [c("c1", "space", "divergence")])
    project, report = check(write_project(tmp_path, files))
    claims_cell = analyse(project, report).stance_cell("space", "CFR")
    sources_cell = analyse(project, report, AnalysisOptions(unit=Unit.SOURCES)).stance_cell("space", "CFR")
    assert claims_cell is not None and (claims_cell.divergence, claims_cell.sources) == (2, 2)
    assert sources_cell is not None and (sources_cell.convergence, sources_cell.divergence) == (1, 2)


def test_the_options_are_one_value_the_analysis_keeps(tmp_path: Path) -> None:
    """`AnalysisOptions` takes the unit as text too (as a notebook writes it), refuses one that
    is not a Unit, and the Analysis says which options it was computed with."""
    from matrix import PeriodChoice, TimeRange

    assert AnalysisOptions(unit="sources").unit is Unit.SOURCES  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="count must be one of"):
        AnalysisOptions(unit="passages")  # type: ignore[arg-type]
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    options = AnalysisOptions(
        Filters(topics=("space",)), Unit.SOURCES, TimeRange.parse(until="2030"), PeriodChoice.parse(period="quarter")
    )
    analysis = analyse(project, report, options)
    assert analysis.options == options and analysis.unit is Unit.SOURCES and analysis.timeline.kind == "quarter"
    assert analyse(project, report).options == AnalysisOptions()


def test_passages_table_has_one_row_per_passage(tmp_path: Path) -> None:
    two = "    quotes:\n      - Both governments agree to expand civil space cooperation together.\n      - The United States and India differ sharply on export controls policy.\n"
    text = claims_yaml("src-c", "CFR", "seeds/a.txt", [{"id": "c1", "topic": "space", "stance": "convergence"}])
    files = {**PIVOT_FILES, "claims/c.yaml": text + two}
    project, report = check(write_project(tmp_path, files))
    assert report.errors == 0, report.problems
    analysis = analyse(project, report)
    rows = [list(p) for p in analysis.passages if p.claim == "c1"]
    assert rows == [
        ["c1", "src-c", "CFR", "space", "convergence", "seeds/a.txt:3:1", SPACE_QUOTE],
        ["c1", "src-c", "CFR", "space", "convergence", "seeds/a.txt:2:1", EXPORT_QUOTE],
    ]
    row = next(c for c in analysis.claims if c.id == "c1")
    assert row.quote == SPACE_QUOTE + " \u2026 \u00b6 " + EXPORT_QUOTE
    assert row.quote_at == "seeds/a.txt:3:1"
    assert len(analysis.passages) == len(analysis.claims) + 1
    frame = analysis.to_frame("passages")
    assert frame[frame["claim"] == "c1"].values.tolist() == rows


def test_claims_csv_quotes_every_formula_start_owasp_lists() -> None:
    from matrix.analysis.pivot import claims_csv

    assert claims_csv([("\r1",)], names=("text",)) == "text\n'\r1\n"  # a carriage return too
    cells = ["=1", "+1", "-1", "@1", "\t1", "a=1", "'1", "", "x-1"]
    rows = [(cell, -1) for cell in cells]
    safe = pd.read_csv(io.StringIO(claims_csv(rows, names=("text", "weight"))), keep_default_na=False, dtype=str)
    assert list(safe["text"]) == ["'=1", "'+1", "'-1", "'@1", "'\t1", "a=1", "'1", "", "x-1"]
    assert list(safe["weight"]) == ["-1"] * len(cells)  # numbers stay numbers
    raw = pd.read_csv(
        io.StringIO(claims_csv(rows, raw=True, names=("text", "weight"))), keep_default_na=False, dtype=str
    )
    assert list(raw["text"]) == cells


def test_a_stance_cell_names_its_claims_in_table_order(analysis: Analysis) -> None:
    cell = analysis.stance_cell("export-controls", "US-India")
    assert cell is not None and cell.claims == ("a1", "a2", "a3")
    assert all(
        c.id in found.claims
        for c in analysis.claims
        if (found := analysis.stance_cell(c.topic, c.perspective)) is not None
    )
