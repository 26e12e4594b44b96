"""A real spreadsheet client: LibreOffice opens the workbook and reads the same numbers."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from matrix import check
from matrix.analysis.findings import findings
from matrix.analysis.pivot import AnalysisOptions, analyse
from matrix.workbook import SHEETS, write_workbook
from matrix.workbook.layout import claims_layout
from tests.conftest import PIVOT_FILES, SPACE_QUOTE, claims_yaml, write_project

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
    assert set(sheets) == set(SHEETS) - {"Timeline"}  # no dates
    stance = sheets["Stance"]
    for row_index, topic in enumerate(analysis.topics, start=3):  # below the three header rows
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
    assert quotes == [analysis.claims[i].quote for i in claims_layout(analysis).order]  # in matrix order
    assert [q for q in quotes if q in tricky] == tricky


def test_libreoffice_opens_the_shipped_workbook(tmp_path: Path) -> None:
    project, report = check(ROOT)
    assert project.codebook is not None
    analysis = analyse(project, report)
    book = tmp_path / "claims-matrix.xlsx"
    write_workbook(analysis, report, project, book)
    sheets = convert(book, tmp_path / "lo")
    contrasts = sheets["Contrasts"]
    first = findings(analysis).pairs[0]  # the strongest pair with the largest gap
    assert contrasts[2][1] == project.codebook.label("topics", first.topic)
    assert float(contrasts[2][10]) == pytest.approx(first.gap)
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
    from matrix.model.values import Filters
    from matrix.workbook import CLAIM_HEADERS

    project, report = check(write_project(tmp_path / "p", PIVOT_FILES))
    book = tmp_path / "none.xlsx"
    nothing = Filters(perspectives=("CFR",), topics=("space",), actors=("US",))
    write_workbook(analyse(project, report, AnalysisOptions(nothing)), report, project, book)
    sheets = convert(book, tmp_path)
    assert [row for row in sheets["Claims"] if any(row)] == [list(CLAIM_HEADERS)]
    assert any(row and row[0].startswith("No claims match the filters") for row in sheets["Overview"])


# What the spreadsheet CSV must carry through: curly quotes, dashes, accents, the ellipsis and
# the pilcrow of the passage separator (mojibake when a spreadsheet takes UTF-8 for a code page)
TYPOGRAPHY = "India\u2019s “strategic autonomy” — café, naïveté, São Paulo, Zürich … as agreed."
TYPOGRAPHY_SEED = f"Title line\n{TYPOGRAPHY}\nBoth governments agree to expand civil space cooperation together.\n"


def _cli(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    import sys

    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "matrix", *map(str, args)], capture_output=True, env=env, check=False)


def test_libreoffice_reads_the_spreadsheet_csv_cell_for_cell(tmp_path: Path) -> None:
    """`export --format csv` starts with the UTF-8 byte-order mark, to a file and to stdout alike;
    LibreOffice, importing it, shows the cells export wrote (the mark in no cell); `--raw` has no
    mark; `import` reads both."""
    claims = claims_yaml(
        "src-a", "US-India", "seeds/a.txt", [{"id": "a-typo", "topic": "space", "stance": "convergence"}]
    )
    claims += f"    note: Résumé — “noted” …\n    quotes:\n      - {json.dumps(TYPOGRAPHY)}\n"
    claims += "      - Both governments agree to expand civil space cooperation together.\n"
    root = write_project(tmp_path / "p", {"claims/a.yaml": claims, "seeds/a.txt": TYPOGRAPHY_SEED})
    table = tmp_path / "claims.csv"
    done = _cli("export", "--format", "csv", "--root", root, "--out", table)
    assert done.returncode == 0, done.stderr
    written = table.read_bytes()
    assert written.startswith(b"\xef\xbb\xbfid,") and written.count(b"\xef\xbb\xbf") == 1
    assert _cli("export", "--format", "csv", "--root", root).stdout == written  # the same bytes
    raw = _cli("export", "--format", "csv", "--raw", "--root", root).stdout
    assert raw == written.removeprefix(b"\xef\xbb\xbf")  # no text here starts like a formula
    expected = list(csv.reader(io.StringIO(written.decode("utf-8-sig"), newline="")))
    assert expected[1][expected[0].index("quote")] == f"{TYPOGRAPHY} … ¶ {SPACE_QUOTE}"

    assert SOFFICE is not None
    out = tmp_path / "lo"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,0,1",  # comma, double quote, LibreOffice's own choice of character set
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(table),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "LANG": "C.UTF-8"},
    )
    from openpyxl import load_workbook

    sheet = load_workbook(out / "claims.xlsx").active
    assert sheet is not None
    shown = [["" if cell.value is None else str(cell.value) for cell in row] for row in sheet.iter_rows()]
    assert shown == expected  # cell for cell: A1 is `id`, with no stray mark

    fresh = write_project(tmp_path / "q", {"claims/a.yaml": claims, "seeds/a.txt": TYPOGRAPHY_SEED})
    for variant, data in (("with-bom", written), ("raw", raw)):
        path = tmp_path / f"{variant}.csv"
        path.write_bytes(data)
        done = _cli("import", path, "--root", fresh)
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode().splitlines()[-1] == "imported 2 claims: nothing to change"


def _chart_titles(book: Path) -> list[str]:
    """The title of every chart in `book`, its lines joined by a space."""
    import re
    import zipfile

    with zipfile.ZipFile(book) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    titles = []
    for chart in charts:
        title = re.search(r"<chart><title>(.*?)</title>", chart, re.DOTALL)  # the chart's (not an axis's)
        assert title is not None
        paragraphs = re.findall(r"<a:p[ >].*?</a:p>", title[1], re.DOTALL)
        lines = [" ".join(re.findall(r"<a:t>([^<]*)</a:t>", p)) for p in paragraphs]
        titles.append(" ".join(line for line in lines if line))
    return titles


def _without_charts(book: Path, copy: Path, charts: bool = False) -> None:
    """`book` with its charts left out of every sheet (their parts stay, unused), unless
    `charts`; either way with no print areas, so that everything on a sheet is printed (the
    Timeline's print area is its table: its charts are for the screen)."""
    import re
    import zipfile

    with zipfile.ZipFile(book) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet") and not charts:
                data = re.sub(rb"<drawing [^>]*/>", b"", data)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb'<definedName name="_xlnm.Print_Area"[^>]*>[^<]*</definedName>', b"", data)
            target.writestr(item, data)


def test_libreoffice_prints_every_chart_title_whole(tmp_path: Path) -> None:
    """The shipped workbook printed to PDF by LibreOffice: each chart's title is one whole line
    of the PDF's text (the Overview's, and every Timeline chart's), found at least once more than
    in the same workbook without its charts (a topic's label is in cells too). The dated test
    project: the shipped one has a Timeline no more (only U.S.-India's claims are dated)."""
    from tests.test_timeline_outputs import DATED_FILES

    project, report = check(write_project(tmp_path / "dated", DATED_FILES))
    written = tmp_path / "written.xlsx"
    write_workbook(analyse(project, report), report, project, written)
    book, bare = tmp_path / "book.xlsx", tmp_path / "bare.xlsx"
    _without_charts(written, book, charts=True)
    _without_charts(written, bare)
    titles = _chart_titles(book)
    assert "Convergence vs divergence per perspective (claims)" in titles and len(titles) >= 3
    assert SOFFICE is not None
    profile = (tmp_path / "profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(book), str(bare)], check=True, capture_output=True, timeout=300
    )

    def lines(pdf: Path) -> list[str]:
        """The PDF's lines, and each pair of consecutive lines joined (a title too long for one
        line at a readable size is broken between words onto two, never cut)."""
        done = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True)
        single = [line.strip() for line in done.stdout.splitlines()]
        return single + [f"{a} {b}" for a, b in itertools.pairwise(single) if a and b]

    printed, without = lines(tmp_path / "book.pdf"), lines(tmp_path / "bare.pdf")
    # (a chart across a page break is printed on both pages: its title may be found twice)
    assert {t for t in titles if printed.count(t) - without.count(t) < titles.count(t)} == set()


CALIBRATION_POINTS = 10


def pdf_of(books: list[Path], folder: Path) -> list[Path]:
    """Each workbook as LibreOffice prints it to PDF (one process for all)."""
    assert SOFFICE is not None
    profile = folder / "profile"
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(folder), *map(str, books)], check=True, capture_output=True, timeout=300)
    return [folder / f"{book.stem}.pdf" for book in books]


WORD = re.compile(r'<word xMin="[-\d.]+" yMin="([-\d.]+)" xMax="[-\d.]+" yMax="([-\d.]+)">([^<]*)</word>')


def pages_of(pdf: Path) -> list[list[tuple[float, str]]]:
    """Per page of `pdf`, its words with their box heights (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[(float(b) - float(a), w) for a, b, w in WORD.findall(page)] for page in html.split("<page ")[1:]]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_printed_workbook_has_a_footer_on_every_page_and_no_text_under_7_points(tmp_path: Path) -> None:
    """LibreOffice's PDF of the shipped workbook: every page carries its sheet's name, page n of
    N and the inputs' stamp; no word is under 7 points. A word's box is as tall as its size times
    the font's line height, which a 10-point reference printed in the same run measures."""
    project, report = check(ROOT)
    book = tmp_path / "claims-matrix.xlsx"
    write_workbook(analyse(project, report), report, project, book, stamp="git 1234abc (2026-12-01)")
    reference = Workbook()
    reference.active["A1"] = "Reference text"
    reference.active["A1"].font = Font(size=CALIBRATION_POINTS)
    reference.save(tmp_path / "reference.xlsx")
    printed, measure = pdf_of([book, tmp_path / "reference.xlsx"], tmp_path)
    line_height = min(h for h, _ in pages_of(measure)[0]) / CALIBRATION_POINTS  # box height per point
    pages = pages_of(printed)
    assert len(pages) >= len(SHEETS)
    sheets_seen = set()
    for number, words in enumerate(pages, start=1):
        text = " ".join(w for _, w in words)
        assert f"Page {number} of {len(pages)}" in text, number
        assert "git 1234abc (2026-12-01)" in text, number
        sheets_seen |= {name for name in SHEETS if f" {name} " in f" {text} "}
        smallest = min(h for h, _ in words) / line_height
        assert smallest >= 7, (number, round(smallest, 2), text[:60])
    assert sheets_seen >= set(SHEETS) - {"Timeline"}  # the shipped project has one dated perspective
