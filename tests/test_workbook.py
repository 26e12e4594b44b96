"""Reopen the written workbook with openpyxl and check what an analyst would see."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from matrix import check
from matrix.analysis.palette import hatch_colour
from matrix.analysis.pivot import AnalysisOptions, analyse
from matrix.model.terms import Unit
from matrix.workbook import SHEETS, net_colour, write_workbook
from tests.conftest import EXPORT_QUOTE, PIVOT_FILES, SPACE_QUOTE, c, claims_yaml, write_project

Book = openpyxl.Workbook


def comment_title(comment: Comment | None) -> str:
    """A matrix comment's title (its first paragraph), unwrapped."""
    assert comment is not None
    return " ".join(comment.text.split("\n\n")[0].splitlines())


def comment_claims(comment: Comment | None) -> list[str]:
    """A matrix comment's claim entries (`+ id: “passage”`, each unwrapped; `¶` lines apart)."""
    assert comment is not None
    entries: list[str] = []
    for line in comment.text.split("\n\n", 1)[1].splitlines():
        if line.startswith("    ") and not line.lstrip().startswith("\u00b6"):
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    return entries


def build(root: Path, out: Path, count: str = "claims") -> Book:
    project, report = check(root)
    assert report.errors == 0, report.problems
    write_workbook(analyse(project, report, AnalysisOptions(unit=Unit(count))), report, project, out)
    return openpyxl.load_workbook(out)


@pytest.fixture
def book(tmp_path: Path) -> Book:
    return build(write_project(tmp_path / "p", PIVOT_FILES), tmp_path / "out.xlsx")


def test_sheet_names_in_order(book: Book) -> None:
    """Reader sheets first, then reference sheets, told apart by tab colour; no Timeline
    (no two perspectives have dated claims in two periods)."""
    assert book.sheetnames == [s for s in SHEETS if s != "Timeline"]
    colours = {ws.title: ws.sheet_properties.tabColor.rgb for ws in book.worksheets}
    assert {colours[t] for t in ("Overview", "Stance", "Summaries", "Contrasts", "Approach", "Network")} == {"001F6E43"}
    assert {colours[t] for t in ("Claims", "Evidence", "Sources", "Coverage", "Codebook", "Problems")} == {"008C8C8C"}


def test_stance_matrix_cells(book: Book) -> None:
    ws = book["Stance"]
    assert [c.value for c in ws[1]] == [
        "Topic",
        "U.S.-India sources",
        None,
        None,
        None,
        None,
        "CFR analysis",
        None,
        None,
        None,
        None,
    ]
    assert [c.value for c in ws[3]][1:6] == ["Conv", "Div", "Net", "Weighted", "Writer"]
    assert [c.value for c in ws[4]] == [
        "Export controls",
        2,
        1,
        pytest.approx(1 / 3),
        pytest.approx(2 / 3),
        0,
        0,
        2,
        -1,
        -1,
        2,
    ]
    assert [c.value for c in ws[5]] == ["Space", 1, 0, 1, 1, 0, 1, 1, 0, pytest.approx(-1 / 3), 0]
    assert ws.freeze_panes == "B4"
    assert ws["D4"].number_format == "+0.00;-0.00;0.00"


def test_matrix_fills_follow_the_net_index(book: Book) -> None:
    ws = book["Stance"]
    assert ws["D4"].fill.fgColor.rgb == "00" + net_colour(1 / 3)  # three claims: the full colour
    assert ws["D4"].number_format == "+0.00;-0.00;0.00"
    assert ws["D4"].fill.patternType == "solid"
    # two claims or fewer: thin evidence, the same hue as its net index (never lighter) under a
    # hatch, and the net index marked
    for ref, net in (("I4", -1), ("D5", 1), ("I5", 0)):
        fill = ws[ref].fill
        assert fill.patternType not in (None, "solid") and fill.patternType == "lightUp"
        assert fill.bgColor.rgb == "00" + net_colour(net) and fill.fgColor.rgb == "00" + hatch_colour(net_colour(net))
        assert ws[ref].number_format == '+0.00"°";-0.00"°";0.00"°"'
        conv = ws[ref.replace("D", "B").replace("I", "G")].fill
        assert (conv.patternType, conv.fgColor.rgb, conv.bgColor.rgb) == ("lightUp", fill.fgColor.rgb, fill.bgColor.rgb)
    assert ws["I4"].fill.bgColor.rgb == "00EF8A62"  # a thin -1.00 as strong as a solid one


def test_net_colour_scale() -> None:  # ColorBrewer RdBu, 3 classes
    assert (net_colour(-1), net_colour(0), net_colour(1), net_colour(0.5)) == ("EF8A62", "F7F7F7", "67A9CF", "AFD0E3")


def test_comments_list_claims_and_quotes(book: Book) -> None:
    ws = book["Stance"]
    comment = ws["D4"].comment
    assert (
        comment_title(comment) == "U.S.-India sources \u00b7 Export controls: net +0.33 (2 conv, 1 div) from 1 source"
    )
    assert comment_claims(comment) == [
        "+ a1: \u201cThe United States and India differ sharply on export controls policy.\u201d",
        "+ a3: \u201cThe United States and India differ sharply on export controls policy.\u201d",
        "- a2: \u201cThe United States and India differ sharply on export controls policy.\u201d",
    ]
    assert comment_claims(ws["C4"].comment)[0].startswith("- a2:")


def comment_boxes(path: Path) -> list[tuple[int, int]]:
    """(width, height) in pixels of every comment box of a workbook, as its VML gives them."""
    with zipfile.ZipFile(path) as archive:
        vml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml"))
    return [(int(w), int(h)) for w, h in re.findall(r"width:(\d+)px;\s*height:(\d+)px", vml)]


def test_comment_boxes_fit_their_wrapped_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    build(write_project(tmp_path / "p", PIVOT_FILES), out)
    comment = openpyxl.load_workbook(out)["Stance"]["D4"].comment
    assert comment is not None
    lines = comment.text.splitlines()
    assert max(len(line) for line in lines) <= 72  # wrapped
    assert (24 + 7 * max(len(line) for line in lines), 24 + 13 * len(lines)) in comment_boxes(out)


def test_hyperlinks_open_the_claims_block(book: Book) -> None:
    """Claims rows run in matrix order (topic, perspective, stance, source): a cell's claims
    are one block, and its count cells link to exactly that block (its stance's, for Conv
    and Div); each claim's Cell links back to its Stance cell."""
    ws = book["Stance"]
    claims = book["Claims"]
    assert [claims.cell(row=r, column=1).value for r in range(2, 10)] == [
        "a1",
        "a3",
        "a2",
        "b1",
        "b2",
        "a4",
        "b4",
        "b3",
    ]
    link = ws["D4"].hyperlink
    assert link is not None and link.location == "'Claims'!A2:A4"
    assert ws["B4"].hyperlink is not None and ws["B4"].hyperlink.location == "'Claims'!A2:A3"  # a1, a3 converge
    assert ws["C4"].hyperlink is not None and ws["C4"].hyperlink.location == "'Claims'!A4"  # a2 diverges
    cfr_space = ws["I5"].hyperlink
    assert cfr_space is not None and cfr_space.location == "'Claims'!A8:A9"
    assert [claims.cell(row=r, column=10).value for r in range(2, 10)] == [
        "Stance!D4", "Stance!D4", "Stance!D4", "Stance!I4", "Stance!I4", "Stance!D5", "Stance!I5", "Stance!I5",
    ]  # fmt: skip
    back = claims["J8"].hyperlink
    assert back is not None and back.location == "'Stance'!I5"


def test_claims_table(book: Book) -> None:
    ws = book["Claims"]
    assert ws.freeze_panes == "B2"
    (table,) = ws.tables.values()
    assert (table.displayName, table.ref) == ("Claims", "A1:Q9")
    assert table.autoFilter is not None and table.autoFilter.ref == "A1:Q9"
    # what identifies a claim, then the quote on the first screen; ids, weights and locations after
    assert [c.value for c in ws[1]] == [
        "ID", "Perspective", "Source", "Topic label", "Stance", "Approach", "Actor", "Confidence",
        "Quote", "Cell", "Voice", "Sides", "Note", "Topic", "Weight", "Quote location", "Claim location",
    ]  # fmt: skip
    assert sum(ws.column_dimensions[get_column_letter(i)].width for i in range(1, 9)) <= 125  # ~ 900 px
    row = {h.value: c.value for h, c in zip(ws[1], ws[4], strict=True)}
    assert row["ID"] == "a2"
    assert "Source title" not in row and row["Topic label"] == "Export controls" and row["Topic"] == "export-controls"
    link = ws["C4"].hyperlink  # the title is on Sources, once: the id links to it
    assert link is not None and link.location == "'Sources'!A2" and book["Sources"]["B2"].value == "Title of src-a"
    assert all(c.alignment.vertical == "top" for r in ws.iter_rows() for c in r)
    assert ws["I3"].alignment.wrap_text
    assert row["Actor"] == "US"
    assert row["Confidence"] == "low"
    assert row["Weight"] == 1
    assert row["Quote location"] == "seeds/a.txt:2:1"
    assert row["Claim location"] == "claims/a.yaml:15:5"


def test_approach_sheet(book: Book) -> None:
    ws = book["Approach"]
    assert [c.value for c in ws[4]] == [
        "Export controls", 1, 2, 0, 0, "bilateral", 1, 0, 1, 0, "unilateral = multilateral",
    ]  # fmt: skip
    # a4 codes no approach: one unspecified claim, the majority, so no dominant approach
    assert [c.value for c in ws[5]] == [
        "Space",
        0,
        0,
        0,
        1,
        "\u2014 (most claims specify none)",
        0,
        2,
        0,
        0,
        "bilateral",
    ]
    assert ws["C4"].font.b and not ws["B4"].font.b
    comment = ws["C4"].comment
    assert comment_title(comment) == "U.S.-India sources \u00b7 Export controls: 2 bilateral"
    assert [line.split(":")[0] for line in comment_claims(comment)] == ["+ a1", "+ a3"]
    link = ws["C4"].hyperlink
    assert link is not None and link.location == "'Claims'!A2:A3"
    assert ws["D4"].comment is None and ws["D4"].hyperlink is None  # no multilateral claims there


def test_contrasts_sheet(book: Book) -> None:
    """A Disagree section, then an Agree section: same parties, strength, and claims and
    sources on each side; strong pairs first, then by gap."""
    ws = book["Contrasts"]
    assert ws["B1"].value.startswith("Disagree:")
    assert [c.value for c in ws[2]] == [
        "Rank",
        "Topic",
        "Perspective A",
        "Net A",
        "Claims A",
        "Sources A",
        "Perspective B",
        "Net B",
        "Claims B",
        "Sources B",
        "Gap",
        "Same parties",
        "Strength",
        "Reading",
    ]
    assert [c.value for c in ws[3]][:13] == [
        1,
        "Export controls",
        "U.S.-India sources",
        pytest.approx(1 / 3),
        3,
        1,
        "CFR analysis",
        -1,
        2,
        1,
        pytest.approx(4 / 3),
        "no",  # the test codebook names no parties
        "thin",  # CFR: 2 claims
    ]
    assert ws["B3"].hyperlink is not None and ws["B3"].hyperlink.location == "'Stance'!A4"
    titles = [row[0] for row in ws.iter_rows(min_col=2, max_col=2, values_only=True) if row[0]]
    assert any(str(t).startswith("Agree:") for t in titles)


def test_sources_codebook_problems(book: Book) -> None:
    assert [c.value for c in book["Sources"][2]][:2] == ["src-a", "Title of src-a"]
    codebook = book["Codebook"]
    assert [codebook.cell(row=r, column=1).value for r in range(1, 6)] == [
        "Perspectives",
        "ID",
        "US-India",
        "CFR",
        None,
    ]
    assert book["Problems"]["A2"].value == "none"


def test_overview_totals(book: Book) -> None:
    ws = book["Overview"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Perspective")
    rows = list(ws.iter_rows(values_only=True))
    start = rows.index(header) + 1
    assert rows[start][:6] == ("U.S.-India sources", 1, 4, 3, 1, 0.5)
    assert rows[start + 1][:6] == ("CFR analysis", 1, 4, 1, 3, -0.5)


def test_overview_has_the_stacked_chart(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    build(write_project(tmp_path / "p", PIVOT_FILES), out)
    with zipfile.ZipFile(out) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
        drawing_rels = archive.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    assert "<barChart>" in chart and '<grouping val="stacked"/>' in chart and '<barDir val="bar"/>' in chart
    series = re.findall(r"<f>([^<]*)</f>", chart)
    overview = openpyxl.load_workbook(out)["Overview"]
    h = next(row[0].row for row in overview.iter_rows(max_col=1) if row[0].value == "Perspective")
    assert h > 20  # below the key findings
    # convergence and divergence (columns D and E) for the two perspectives, labelled with their
    # short ids from column G (a long label is cut on the axis)
    assert series == [
        f"'Overview'!D{h}",
        f"'Overview'!$G${h + 1}:$G${h + 2}",
        f"'Overview'!$D${h + 1}:$D${h + 2}",
        f"'Overview'!E{h}",
        f"'Overview'!$G${h + 1}:$G${h + 2}",
        f"'Overview'!$E${h + 1}:$E${h + 2}",
    ]
    assert [overview[c].value for c in (f"D{h}", f"E{h}", f"A{h + 1}", f"D{h + 1}", f"E{h + 1}")] == [
        "Convergence",
        "Divergence",
        "U.S.-India sources",
        3,
        1,
    ]
    assert "chart1.xml" in drawing_rels


FORMULA_LIKE = ["=SUM(A1:A2) is a formula", "+cmd|' /C calc'!A0 injection", "-2+3 starts with minus", "@SUM(1) at sign"]


def test_formula_like_values_are_text(tmp_path: Path) -> None:
    seed = " ".join(FORMULA_LIKE) + "\n"
    claims = [
        {
            "id": f"f{i}",
            "topic": "export-controls",
            "stance": "divergence",
            "quote": json.dumps(value),
            "note": json.dumps(value),
        }
        for i, value in enumerate(FORMULA_LIKE)
    ]
    claims.append({"id": "space-1", "topic": "space", "stance": "convergence", "quote": json.dumps(FORMULA_LIKE[2])})
    files = {
        "seeds/a.txt": seed,
        "claims/a.yaml": claims_yaml("src-a", "US-India", "seeds/a.txt", claims),
        "claims/b.yaml": claims_yaml("src-b", "CFR", "seeds/a.txt", [claims[0] | {"id": "b1"}]),
    }
    book = build(write_project(tmp_path / "p", files), tmp_path / "out.xlsx")
    ws = book["Claims"]
    quotes = [ws.cell(row=r, column=9) for r in range(2, 6)]
    notes = [ws.cell(row=r, column=13) for r in range(2, 6)]
    assert [c.value for c in quotes] == FORMULA_LIKE
    assert [c.value for c in notes] == FORMULA_LIKE
    assert {c.data_type for c in quotes + notes} == {"s"}
    assert all(c.quotePrefix for c in notes)


def test_nothing_left_behind(tmp_path: Path) -> None:
    build(write_project(tmp_path / "p", PIVOT_FILES), tmp_path / "out" / "book.xlsx")
    assert os.listdir(tmp_path / "out") == ["book.xlsx"]


TWO_PASSAGES = {
    **PIVOT_FILES,
    "claims/c.yaml": claims_yaml(
        "src-c", "CFR", "seeds/a.txt", [{"id": "c1", "topic": "space", "stance": "convergence"}]
    )
    + f"    quotes:\n      - {SPACE_QUOTE}\n      - {EXPORT_QUOTE}\n",
}


def test_claims_row_shows_every_passage_and_evidence_has_one_row_each(tmp_path: Path) -> None:
    book = build(write_project(tmp_path / "p", TWO_PASSAGES), tmp_path / "out.xlsx")
    claims = book["Claims"]
    header = [c.value for c in claims[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in claims.iter_rows(min_row=2)]
    (c1,) = [r for r in rows if r["ID"] == "c1"]
    assert c1["Quote"] == f"{SPACE_QUOTE} \u2026 \u00b6 {EXPORT_QUOTE}"
    assert c1["Quote location"] == "seeds/a.txt:3:1"
    evidence = book["Evidence"]
    # the passage right after what identifies it, its location last
    assert [c.value for c in evidence[1]] == [
        "Claim",
        "Perspective",
        "Source",
        "Topic",
        "Stance",
        "Passage",
        "Cell",
        "Location",
    ]
    passages = [[c.value for c in row] for row in evidence.iter_rows(min_row=2)]
    assert len(passages) == 10  # eight one-passage claims and c1's two, in the order of Claims
    assert [p[0] for p in passages] == [r["ID"] for r in rows for _ in range(2 if r["ID"] == "c1" else 1)]
    first = ["a1", "US-India", "src-a", "export-controls", "convergence", EXPORT_QUOTE, "Stance!D4", "seeds/a.txt:2:1"]
    assert passages[0] == first
    at = [p[0] for p in passages].index("c1")
    assert passages[at : at + 2] == [
        ["c1", "CFR", "src-c", "space", "convergence", SPACE_QUOTE, "Stance!I5", "seeds/a.txt:3:1"],
        ["c1", "CFR", "src-c", "space", "convergence", EXPORT_QUOTE, "Stance!I5", "seeds/a.txt:2:1"],
    ]
    back = evidence.cell(row=2, column=7).hyperlink
    assert back is not None and back.location == "'Stance'!D4"
    assert all(c.alignment.vertical == "top" for r in evidence.iter_rows() for c in r)
    assert evidence.freeze_panes == "B2" and evidence.print_title_rows == "$1:$1"
    (table,) = evidence.tables.values()
    assert (table.displayName, table.ref) == ("Evidence", "A1:H11")
    comment = book["Stance"]["I5"].comment  # CFR x space: b3 and c1 converge, b4 diverges
    assert comment_title(comment).endswith("from 2 sources")
    entries = comment_claims(comment)
    assert [e.split(":")[0] for e in entries if not e.lstrip().startswith("\u00b6")] == ["+ b4", "+ c1", "- b3"]
    at = entries.index(f"+ c1: \u201c{SPACE_QUOTE}\u201d")  # its first passage in full, the second marked
    assert entries[at + 1] == "    \u00b6 and 1 more passage (see Evidence)"


def test_sources_count_in_the_stance_sheet_counts_a_source_once(tmp_path: Path) -> None:
    book = build(write_project(tmp_path / "p", PIVOT_FILES), tmp_path / "out.xlsx", count="sources")
    ws = book["Stance"]
    assert ws["A2"].value == "counting sources"
    # U.S.-India x export controls: a1 and a3 converge, a2 diverges, all three from src-a
    assert [c.value for c in ws[4]][1:5] == [1, 1, 0, 0.5]
    comment = ws["D4"].comment
    assert comment is not None
    assert comment_title(comment) == (
        "U.S.-India sources \u00b7 Export controls: net +0.00 (1 conv, 1 div, counting sources) from 1 source, 3 claims"
    )
    assert [line.split(":")[0] for line in comment_claims(comment)] == ["+ a1", "+ a3", "- a2"]
    assert book["Approach"]["A2"].value == "counting sources"
    assert [c.value for c in book["Approach"][4]][1:6] == [1, 1, 0, 0, "unilateral = bilateral"]
    assert [book["Contrasts"][c].value for c in ("E2", "F2")] == ["Claims A", "Sources A"]


def test_claims_count_says_so(book: Book) -> None:
    assert book["Stance"]["A2"].value == "counting claims"
    assert book["Approach"]["A2"].value == "counting claims"
    assert book["Contrasts"]["E2"].value == "Claims A"


def test_filters_matching_no_claims_leave_a_header_only_claims_table(tmp_path: Path) -> None:
    """No fake claim row: the Claims table is its header (spanning one empty row, as an
    empty Excel table does) and the Overview says that no claims match."""
    from matrix.cli import run
    from matrix.workbook import CLAIM_HEADERS

    root, out = write_project(tmp_path / "p", PIVOT_FILES), tmp_path / "none.xlsx"
    with pytest.raises(SystemExit) as done:  # CFR has no claim on space by the US
        run(
            [
                "build",
                "--root",
                str(root),
                "--out",
                str(out),
                "-q",
                "--perspective",
                "CFR",
                "--topic",
                "space",
                "--actor",
                "US",
            ]
        )
    assert done.value.code in (0, None)
    book = openpyxl.load_workbook(out)
    claims = book["Claims"]
    assert [list(row) for row in claims.iter_rows(values_only=True)] == [list(CLAIM_HEADERS)]
    assert claims.tables["Claims"].ref == f"A1:{openpyxl.utils.get_column_letter(len(CLAIM_HEADERS))}2"
    overview = [row[0] for row in book["Overview"].iter_rows(values_only=True) if isinstance(row[0], str)]
    assert any(
        line.startswith("No claims match the filters (perspective: CFR; topic: space; actor: US)") for line in overview
    ), overview
    read_only = openpyxl.load_workbook(out, read_only=True)["Claims"]
    assert list(read_only.iter_rows(min_row=2, values_only=True)) == []


MEMOS = """\
memos:
  - topic: export-controls
    perspective: CFR
    text: CFR reads the controls as unilateral.
    claims: [b1, b2]
  - topic: space
    text: "Across perspectives: <mixed> = fine"
"""


def test_summaries_sheet_holds_the_memos_as_the_matrix_and_the_stance_comment_repeats_them(tmp_path: Path) -> None:
    book = build(write_project(tmp_path / "p", {**PIVOT_FILES, "claims/memos.yaml": MEMOS}), tmp_path / "out.xlsx")
    assert book.sheetnames.index("Summaries") == book.sheetnames.index("Stance") + 1
    ws = book["Summaries"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["Topic", "U.S.-India sources", None, "CFR analysis", None, "Across perspectives"]
    assert rows[1] == ["counting claims", "Summary", "Counts", "Summary", "Counts", "Summary"]
    assert rows[2] == [
        "Export controls",
        None,
        "+2 / -1\nnet +0.33",
        "CFR reads the controls as unilateral.\n(rests on b1, b2)",
        "+0 / -2\nnet -1.00°",
        None,
    ]
    assert rows[3] == [
        "Space",
        None,
        "+1 / -0\nnet +1.00°",
        None,
        "+1 / -1\nnet 0.00°",
        "Across perspectives: <mixed> = fine",
    ]
    assert ws["E3"].fill.bgColor.rgb == book["Stance"]["I4"].fill.bgColor.rgb == "00" + net_colour(-1)
    assert ws["E3"].fill.patternType == "lightUp"
    memo = ws["D3"].hyperlink  # the memo links to the claims it rests on
    assert memo is not None and memo.location == "'Claims'!A5:A6"
    assert [book["Claims"][f"A{r}"].value for r in (5, 6)] == ["b1", "b2"]
    counts = ws["E3"].hyperlink
    assert counts is not None and counts.location == "'Claims'!A5:A6" and ws["E3"].comment is not None
    assert ws["F4"].data_type == "s" and ws["F4"].quotePrefix is False  # text, never a formula
    assert ws.freeze_panes == "B3" and all(c.alignment.vertical == "top" for r in ws.iter_rows() for c in r)
    comment = book["Stance"]["I4"].comment  # CFR x export controls: the memo after the title
    assert comment is not None
    summary = " ".join(comment.text.split("\n\n")[1].splitlines())
    assert summary == "Summary: CFR reads the controls as unilateral. (rests on b1, b2)"
    assert book["Stance"]["D4"].comment is not None and "Summary" not in book["Stance"]["D4"].comment.text


def test_overview_explains_thin_cells_and_every_sheet_prints_landscape_one_page_wide(book: Book) -> None:
    overview = book["Overview"]
    (thin,) = [row for row in overview.iter_rows() if str(row[1].value).startswith("thin evidence")]
    assert thin[0].number_format.endswith('"°"') and thin[0].fill.bgColor.rgb == "00" + net_colour(1)
    assert thin[0].fill.patternType == "lightUp"
    assert "fewer than 3 claims" in str(thin[1].value) and "never lighter" in str(thin[1].value)
    (legend,) = [row for row in overview.iter_rows() if row[0].value == "Legend"]
    assert legend[1].value == "colours: ColorBrewer RdBu, colour-blind safe"
    for ws in book.worksheets:  # every printed page: the workbook and sheet atop, page n of N below
        assert (ws.oddHeader.left.text, ws.oddHeader.right.text) == ("Claims matrix", "&A"), ws.title
        assert (ws.oddFooter.left.text, ws.oddFooter.center.text) == ("&A", "Page &P of &N"), ws.title
        assert str(ws.oddFooter.right.text).startswith("inputs "), ws.title  # the inputs' digest
    assert book["Claims"].print_area == "'Claims'!$A$1:$I$9"  # up to the Quote
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert book["Stance"].print_title_rows == "$1:$3" and book["Stance"].freeze_panes == "B4"
    coverage = book["Coverage"]
    assert coverage.freeze_panes == "B3"
    header = next(row for row in coverage.iter_rows(values_only=True) if row[:3] == ("Source", "Score", "Sentence"))
    assert header[-1] == "Location"


def test_chart_titles_fit_their_charts_on_one_line_or_two() -> None:
    from matrix.workbook.charts import POINTS_PER_CM, SMALLEST_POINTS, TITLE_ROOM, text_points, title_lines

    assert title_lines("Convergence vs divergence per perspective (claims)", 22) == (
        ("Convergence vs divergence per perspective (claims)",),
        12,
    )
    long = "Strategic autonomy, deterrence and defence norms"
    lines, size = title_lines(long, 12, largest=11)
    assert lines == (long,) and SMALLEST_POINTS <= size < 11
    assert text_points(long, size) <= 12 * POINTS_PER_CM * TITLE_ROOM
    longer = "A topic label far longer than any chart title has room for on one line, however small"
    lines, size = title_lines(longer, 12)
    assert " ".join(lines) == longer and len(lines) == 2  # broken between words, never cut


def linked_rows(location: str) -> list[int]:
    """The Claims rows a link's location holds (`'Claims'!A2:A4,'Claims'!A7` -> [2, 3, 4, 7])."""
    rows: list[int] = []
    for area in location.split(","):
        sheet, _, cells = area.partition("!")
        assert sheet == "'Claims'", location
        first, _, last = cells.partition(":")
        rows += range(int(first[1:]), int((last or first)[1:]) + 1)
    return rows


def listed_claims(comment: Comment | None) -> tuple[list[str], int]:
    """The claim ids a matrix comment lists, and how many more it says there are."""
    entries = comment_claims(comment)
    ids = [e.split(":")[0][2:] for e in entries if e[:2] in ("+ ", "- ")]
    more = [int(m) for e in entries for m in re.findall(r"^\u2026 and (\d+) more claims?", e)]
    return ids, sum(more)


def test_every_count_cell_links_to_exactly_the_claims_its_comment_lists(tmp_path: Path) -> None:
    """On the shipped workbook: each count cell of Stance, Approach and Summaries links to a
    range of Claims rows that holds exactly the claims its comment lists (the first of them, and
    how many more, when there are many), and they are the claims of its cell; each Claims and
    Evidence row links back to its Stance cell."""
    root = Path(__file__).resolve().parent.parent
    project, report = check(root)
    analysis = analyse(project, report)
    out = tmp_path / "book.xlsx"
    write_workbook(analysis, report, project, out)
    book = openpyxl.load_workbook(out)
    claims = book["Claims"]
    ids = {row: claims.cell(row=row, column=1).value for row in range(2, claims.max_row + 1)}
    assert sorted(ids.values()) == sorted(c.id for c in analysis.claims)
    checked, long_ones = 0, 0
    for name in ("Stance", "Approach", "Summaries"):
        for row in book[name].iter_rows(min_row=3):
            for cell in row:
                if cell.hyperlink is None or cell.comment is None:
                    continue
                block = [ids[r] for r in linked_rows(cell.hyperlink.location)]
                listed, more = listed_claims(cell.comment)
                assert listed == block[: len(listed)] and len(listed) + more == len(block), (name, cell.coordinate)
                long_ones += more > 0
                checked += 1
    assert checked > 100 and long_ones > 0
    stance = book["Stance"]
    for t, topic in enumerate(analysis.topics):  # each Net cell: exactly its cell's claims
        for p, perspective in enumerate(analysis.perspectives):
            net = stance.cell(row=4 + t, column=4 + 5 * p)
            mine = sorted(c.id for c in analysis.claims if (c.topic, c.perspective) == (topic, perspective))
            got = sorted(ids[r] for r in linked_rows(net.hyperlink.location)) if net.hyperlink else []
            assert got == mine, (topic, perspective)
    for sheet, column in (("Claims", 10), ("Evidence", 7)):
        ws = book[sheet]
        assert ws.cell(row=1, column=column).value == "Cell"
        for row in range(2, ws.max_row + 1):
            link = ws.cell(row=row, column=column).hyperlink
            assert link is not None and link.location.startswith("'Stance'!"), (sheet, row)
            target = stance[link.location.split("!")[1]]
            assert isinstance(target.value, int | float) and target.hyperlink is not None, (sheet, row)
            assert ws.cell(row=row, column=1).value in [ids[r] for r in linked_rows(target.hyperlink.location)]


def test_problems_rows_are_streamed_with_message_and_hint_wrapped(tmp_path: Path) -> None:
    short = " ".join(SPACE_QUOTE.split()[:3])
    extra = claims_yaml(
        "src-c", "CFR", "seeds/a.txt", [{"id": "c1", "topic": "space", "stance": "convergence", "quote": short}]
    )
    root = write_project(tmp_path / "p", {**PIVOT_FILES, "claims/c.yaml": extra})
    project, report = check(root)
    assert report.warnings > 0 and report.errors == 0
    out = tmp_path / "out.xlsx"
    write_workbook(analyse(project, report), report, project, out)
    ws = openpyxl.load_workbook(out)["Problems"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Level", "Code", "Location", "Claim or source", "Message", "Hint")
    expected = [(p.level.value, p.code, str(p.location), p.subject, p.message, p.hint) for p in report.problems]
    assert rows[1:] == expected
    assert [(c.alignment.wrap_text, c.alignment.vertical) for c in ws[2]] == [(None, "top")] * 4 + [(True, "top")] * 2
    with zipfile.ZipFile(out) as archive:  # the rows went through the streamed path (inline strings)
        index = openpyxl.load_workbook(out).sheetnames.index("Problems") + 1
        assert 't="inlineStr"' in archive.read(f"xl/worksheets/sheet{index}.xml").decode()


@given(first=st.binary(max_size=3000), second=st.binary(max_size=3000))
def test_crc32_combine_is_the_crc_of_both(first: bytes, second: bytes) -> None:
    """The streamed rows' CRC-32, made by the child, joins the entry's as zlib's would."""
    import zlib

    from matrix.workbook.archive import crc32_combine

    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


@pytest.mark.parametrize("children", [False, True], ids=["alone", "with-children"])
def test_streamed_entries_are_whole_deflate_streams_with_their_crc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: bool
) -> None:
    """The rows deflated apart (by a child, or here) sit inside each sheet's entry between a
    sync flush and a fresh stream: zip's own check (CRC-32 and sizes) passes, and every entry
    inflates to well-formed XML holding every row."""
    from lxml import etree

    import matrix.files.workers

    if children:
        monkeypatch.setattr(matrix.files.workers, "PARALLEL_WEIGHT", 1)
        monkeypatch.setattr(matrix.files.workers.os, "cpu_count", lambda: 2)
    claims = [c(f"a{i}", "space", "convergence") for i in range(300)]
    root = write_project(tmp_path / "p", {"claims/a.yaml": claims_yaml("src-a", "US-India", "seeds/a.txt", claims)})
    project, report = check(root)
    out = tmp_path / "book.xlsx"
    write_workbook(analyse(project, report), report, project, out)
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith(".xml"):
                etree.fromstring(archive.read(name))  # raises on a cut or doubled stream
    claims = openpyxl.load_workbook(out, read_only=True)["Claims"]
    ids = [row[0] for row in claims.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(claim.id for claim in project.claims)  # every row, once


def test_streamed_numbers_are_written_as_openpyxl_writes_them(tmp_path: Path) -> None:
    """A number in a streamed sheet (the Sources sheet's net index) has the very text an
    openpyxl cell gives it ('%.16g'), as in every other sheet: 9/19, whose shortest repr has
    17 digits, is 0.4736842105263158 in the Sources sheet and in the Stance sheet alike."""
    from openpyxl.compat import safe_string

    stances = ["convergence"] * 14 + ["divergence"] * 5
    claims = [c(f"a{i}", "space", stance) for i, stance in enumerate(stances)]
    root = write_project(tmp_path / "p", {"claims/a.yaml": claims_yaml("src-a", "US-India", "seeds/a.txt", claims)})
    out = tmp_path / "book.xlsx"
    book = build(root, out)
    nets = [row for row in book["Sources"].iter_rows(values_only=True) if row[0] == "src-a"]
    assert nets and nets[0][list(next(book["Sources"].iter_rows(values_only=True))).index("Net")] == float(
        safe_string(9 / 19)
    )
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                for number in re.findall(r"<v>([^<]*)</v>", archive.read(name).decode()):
                    assert number == safe_string(float(number)), (name, number)
