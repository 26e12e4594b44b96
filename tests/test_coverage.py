"""Coverage figures and the ranking of uncovered sentences, on a small text."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from matrix import check, workbook
from matrix.analysis.coverage import coverage, stubs_yaml
from matrix.analysis.pivot import analyse
from tests.conftest import CODEBOOK, claims_yaml, write_project

CUES = """
cues:
  convergence: [agree, joint, shared]
  divergence: [differ, whereas, far apart]
  unilateral: [unilaterally]
  bilateral: [bilateral, two sides]
  multilateral: [United Nations, multilateral]
"""
TEXT = (
    "Source Title\n"
    "The two sides agree on a joint plan for space. "  # covered by a claim
    "India and the U.S. differ on trade, whereas they remain far apart on tariffs. "  # 3 divergence cues
    "They agree to work through the United Nations and multilateral forums. "  # 1 conv + 2 multi
    "The weather was fine that day in Delhi. "  # no cues
    "Short joint one. "  # under six words
    "The bilateral track is a shared priority for both."  # bilateral + shared
)


def project(tmp_path: Path) -> Path:
    claims = [
        {
            "id": "a-1",
            "topic": "space",
            "stance": "convergence",
            "quote": "'The two sides agree on a joint plan for space.'",
        }
    ]
    files = {
        "claims/codebook.yaml": CODEBOOK + CUES,
        "seeds/a.txt": TEXT,
        "claims/a.yaml": claims_yaml("src-a", "US-India", "seeds/a.txt", claims),
        "claims/b.yaml": None,
    }
    root = write_project(tmp_path, files)
    return root


def test_coverage_figures_and_ranking(tmp_path: Path) -> None:
    proj, report = check(project(tmp_path))
    assert report.errors == 0, report.problems
    result = coverage(proj, report)
    (figures,) = result.sources
    assert (figures.sentences, figures.covered, figures.words, figures.claims) == (7, 1, 57, 1)
    assert round(figures.claims_per_1000_words, 2) == 17.54
    ranked = [(c.score, c.cues, c.stance, c.approach, c.line, c.column) for c in result.candidates]
    assert ranked == [
        (3, ("differ", "whereas", "far apart"), "divergence", None, 2, 48),
        (3, ("agree", "United Nations", "multilateral"), "convergence", "multilateral", 2, 126),
        (2, ("shared", "bilateral"), "convergence", "bilateral", 2, 254),
    ]


def test_ties_keep_text_order_and_min_score_filters(tmp_path: Path) -> None:
    proj, report = check(project(tmp_path))
    assert [c.score for c in coverage(proj, report, min_score=3).candidates] == [3, 3]
    assert len(coverage(proj, report, min_score=0).candidates) == 4  # the cue-less sentence too, not the short one


def test_stubs_validate_once_topic_is_filled(tmp_path: Path) -> None:
    root = project(tmp_path)
    proj, report = check(root)
    stubs = stubs_yaml(coverage(proj, report).candidates, proj)
    assert stubs.startswith("# paste under 'claims:' in claims/a.yaml\n  - id: src-a-")
    assert "stance: divergence  # guessed from cues: differ, whereas, far apart" in stubs
    path = root / "claims" / "a.yaml"
    path.write_text(path.read_text() + stubs.replace("topic: TODO", "topic: space"))
    _, report = check(root)
    assert [p.code for p in report.problems if p.level.value == "error"] == []


def test_workbook_lists_the_best_and_counts_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj, report = check(project(tmp_path))
    monkeypatch.setattr(workbook, "COVERAGE_ROWS", 2)
    workbook.write_workbook(analyse(proj, report), report, proj, tmp_path / "book.xlsx")
    rows = [
        [c for c in row if c is not None] for row in openpyxl.load_workbook(tmp_path / "book.xlsx")["Coverage"].values
    ]
    header = ["Source", "Score", "Sentence", "Stance guess", "Approach guess", "Cues", "Location"]
    listed = rows[rows.index(header) + 1 :]
    assert [(row[0], row[1], row[-1]) for row in listed[:2]] == [
        ("src-a", 3, "seeds/a.txt:2:48"),
        ("src-a", 3, "seeds/a.txt:2:126"),
    ]
    assert listed[2:] == [["… and 1 more with lower scores: run 'claims-matrix coverage --limit 3'"]]


def test_validation_counts_the_covered_sentences_the_coverage_sheet_shows() -> None:
    """The key findings' coverage shares (`Report.sentences`, counted by the checks) and the
    Coverage sheet's figures (`coverage`) are one number worked out twice: on the shipped
    project they agree for every source."""
    from matrix.analysis.context import coverage_shares

    project, report = check(Path(__file__).resolve().parent.parent)
    shares = coverage_shares(project, report)
    sheet = tuple((row.source, row.covered, row.sentences) for row in coverage(project, report).sources)
    assert shares == sheet
    assert len(shares) == 5 and all(0 < covered < sentences for _, covered, sentences in shares)
