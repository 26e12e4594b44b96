"""A real spreadsheet client: LibreOffice opens the workbook and reads the same numbers."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from matrix import check
from matrix.pivot import analyse
from matrix.workbook import SHEETS, write_workbook
from tests.conftest import PIVOT_FILES, claims_yaml, write_project

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui"
    ),
]
# separator ',', quote '"', UTF-8, raw values (not as shown), every sheet to its own file
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
ROOT = Path(__file__).resolve().parent.parent


def convert(book: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `book` as LibreOffice reads it, by sheet name."""
    assert SOFFICE is not None
    profile = folder / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(folder),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {}
    for path in folder.glob(f"{book.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix(f"{book.stem}-")] = list(csv.reader(handle))
    return sheets


def number(text: str) -> float | None:
    return float(text) if text else None


def test_libreoffice_reads_the_computed_matrices(tmp_path: Path) -> None:
    tricky = ["=1+1 is not a formula", "@SUM(A1) neither", "+44 20 7946 0958 call", "-5 degrees in Delhi"]
    files = dict(PIVOT_FILES)
    files["seeds/c.txt"] = " ".join(tricky) + "\n"
    files["claims/c.yaml"] = claims_yaml(
        "src-c",
        "CFR",
        "seeds/c.txt",
        [
            {"id": f"t{i}", "topic": "space", "stance": "convergence", "quote": json.dumps(t)}
            for i, t in enumerate(tricky)
        ],
    )
    project, report = check(write_project(tmp_path / "p", files))
    assert report.errors == 0, report.problems
    assert project.codebook is not None
    analysis = analyse(project, report)
    book = tmp_path / "book.xlsx"
    write_workbook(analysis, report, project, book)

    sheets = convert(book, tmp_path / "lo")
    assert set(sheets) == set(SHEETS)
    stance = sheets["Stance"]
    for row_index, topic in enumerate(analysis.topics, start=2):
        row = stance[row_index]
        assert row[0] == project.codebook.label("topics", topic)
        for i, perspective in enumerate(analysis.perspectives):
            cell = analysis.stance_cell(topic, perspective)
            got = [number(v) for v in row[1 + 5 * i : 5 + 5 * i]]  # then the Writer column
            if cell is None:
                assert got == [None, None, None, None]
            else:
                assert got == pytest.approx([cell.convergence, cell.divergence, cell.net, cell.weighted], abs=1e-12)
    quotes = [row[8] for row in sheets["Claims"][1:]]
    assert quotes == analysis.claims["quote"].tolist()
    assert quotes[-4:] == tricky


def test_libreoffice_opens_the_shipped_workbook(tmp_path: Path) -> None:
    project, report = check(ROOT)
    assert project.codebook is not None
    analysis = analyse(project, report)
    book = tmp_path / "claims-matrix.xlsx"
    write_workbook(analysis, report, project, book)
    sheets = convert(book, tmp_path / "lo")
    contrasts = sheets["Contrasts"]
    first = analysis.contrast_rows()[0]
    assert contrasts[1][1] == project.codebook.label("topics", first.topic)
    assert float(contrasts[1][8]) == pytest.approx(first.gap)
    assert len(sheets["Claims"]) == len(project.claims) + 1
    # the shipped summaries, each in its topic's row and its perspective's Summary column
    summaries = sheets["Summaries"]
    columns = {p: 1 + 2 * i for i, p in enumerate(analysis.perspectives)}
    rows = {t: 2 + i for i, t in enumerate(analysis.topics)}
    assert project.memos.entries
    for memo in project.memos.entries:
        column = columns[memo.perspective] if memo.perspective else 1 + 2 * len(columns)
        assert summaries[rows[memo.topic]][column].startswith(memo.text)


def test_libreoffice_opens_a_header_only_claims_table(tmp_path: Path) -> None:
    from matrix.model import Filters
    from matrix.workbook import CLAIM_HEADERS

    project, report = check(write_project(tmp_path / "p", PIVOT_FILES))
    book = tmp_path / "none.xlsx"
    nothing = Filters(perspectives=("CFR",), topics=("space",), actors=("US",))
    write_workbook(analyse(project, report, nothing), report, project, book)
    sheets = convert(book, tmp_path)
    assert [row for row in sheets["Claims"] if any(row)] == [list(CLAIM_HEADERS)]
    assert any(row and row[0].startswith("No claims match the filters") for row in sheets["Overview"])
