"""Positions over time, end to end: dated claims through build, summary and export, the
Timeline sheet read back cell by cell, and LibreOffice opening its charts."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from rich.console import Console

from matrix.analysis.palette import net_colour
from matrix.cli import run
from tests.conftest import CODEBOOK, write_project

SEED = (
    "The two governments agree to cooperate on export licensing reform.\n"
    "The two governments differ sharply on licensing rules for exports.\n"
    "Both sides agree to expand civil space cooperation together next year.\n"
    "The partners diverge on the military use of outer space entirely.\n"
    "Officials said the export rules remain a real source of friction.\n"
)
EXPORT_CONV = "agree to cooperate on export licensing reform"
EXPORT_DIV = "differ sharply on licensing rules for exports"
EXPORT_DIV_2 = "the export rules remain a real source of friction"
SPACE_CONV = "agree to expand civil space cooperation together"
SPACE_DIV = "diverge on the military use of outer space"


def _source(source_id: str, perspective: str, published: str | None, claims: list[tuple[str, ...]]) -> str:
    lines = ["source:", f"  id: {source_id}", f"  title: Title of {source_id}", "  publisher: Publisher"]
    if published:
        lines.append(f"  published: {published}")
    lines += [f"  perspective: {perspective}", f"  text: seeds/{source_id}.txt", "claims:"]
    for claim_id, topic, stance, quote, *date in claims:
        lines += [f"  - id: {claim_id}", f"    topic: {topic}", f"    stance: {stance}", f"    quote: {quote}"]
        lines += [f"    date: {d}" for d in date]
    return "\n".join(lines) + "\n"


# Claims over three years, from 2023-03-10 to 2025-06-30 (the same as tests/test_timeline.py's):
# a claim is dated by its own date:, else its source's published date; b4 has neither.
DATED_FILES: dict[str, str | bytes | None] = {
    "claims/codebook.yaml": CODEBOOK,
    "claims/a.yaml": None,
    "claims/b.yaml": None,
    "claims/s1.yaml": _source(
        "s1",
        "US-India",
        "2023-03-10",
        [
            ("a1", "export-controls", "convergence", EXPORT_CONV),
            ("a2", "export-controls", "divergence", EXPORT_DIV, "2023-11"),
            ("a3", "space", "convergence", SPACE_CONV),
        ],
    ),
    "claims/s2.yaml": _source(
        "s2",
        "US-India",
        "2024",
        [("a4", "export-controls", "convergence", EXPORT_CONV), ("a5", "space", "divergence", SPACE_DIV, "2024-07-04")],
    ),
    "claims/s3.yaml": _source(
        "s3",
        "CFR",
        "2025-02-14",
        [
            ("b1", "export-controls", "divergence", EXPORT_DIV),
            ("b2", "export-controls", "divergence", EXPORT_DIV_2),
            ("b3", "space", "convergence", SPACE_CONV, "2024-12"),
        ],
    ),
    "claims/s4.yaml": _source(
        "s4",
        "CFR",
        None,
        [
            ("b4", "export-controls", "convergence", EXPORT_CONV),
            ("b5", "space", "convergence", SPACE_CONV, "2025-06-30"),
        ],
    ),
    **{f"seeds/s{i}.txt": SEED for i in range(1, 5)},
}
ALL_IDS = ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "b5"]

# The tidy table with the default periods (quarters: the dates span 28 months)
QUARTER_ROWS = [
    ("2023-Q1", "US-India", "export-controls", 1, 0, 1, 1),
    ("2023-Q1", "US-India", "space", 1, 0, 1, 1),
    ("2023-Q4", "US-India", "export-controls", 0, 1, -1, 1),
    ("2024-Q1", "US-India", "export-controls", 1, 0, 1, 1),
    ("2024-Q3", "US-India", "space", 0, 1, -1, 1),
    ("2024-Q4", "CFR", "space", 1, 0, 1, 1),
    ("2025-Q1", "CFR", "export-controls", 0, 2, -1, 2),
    ("2025-Q2", "CFR", "space", 1, 0, 1, 1),
    ("Undated", "CFR", "export-controls", 1, 0, 1, 1),
]
QUARTERS = [
    "2023-Q1",
    "2023-Q2",
    "2023-Q3",
    "2023-Q4",
    "2024-Q1",
    "2024-Q2",
    "2024-Q3",
    "2024-Q4",
    "2025-Q1",
    "2025-Q2",
]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        run(args)
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    return write_project(tmp_path / "dated", DATED_FILES)


def _build(root: Path, capsys: pytest.CaptureFixture[str], *options: str) -> openpyxl.Workbook:
    code, out, err = _run(["build", "-q", "--root", str(root), *options], capsys)
    assert code == 0, (out, err)
    return openpyxl.load_workbook(root / "output" / "claims-matrix.xlsx")


def _tidy(sheet: Any) -> list[tuple[Any, ...]]:
    """The Timeline table's rows (below its header, columns A to G), up to the first empty one."""
    rows = list(sheet.iter_rows(min_row=7, max_col=7, values_only=True))
    assert rows[0] == ("Period", "Perspective", "Topic", "Convergence", "Divergence", "Net index", "Claims")
    body = []
    for row in rows[1:]:
        if row[0] is None:
            break
        body.append(row)
    return body


def _grid(sheet: Any, title: str) -> tuple[list[Any], dict[str, list[Any]]]:
    """The grid block headed `title`: its period labels and each topic's net indexes."""
    rows = list(sheet.iter_rows(min_row=7, min_col=9, values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    labels = [v for v in rows[start][1:] if v is not None]
    block = {}
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        block[row[0]] = list(row[1 : 1 + len(labels)])
    return labels, block


def test_the_timeline_sheet_holds_the_counts_per_quarter_cell_by_cell(
    dated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _build(dated, capsys)
    assert book.sheetnames.index("Timeline") == book.sheetnames.index("Approach") + 1
    sheet = book["Timeline"]
    assert _tidy(sheet) == QUARTER_ROWS
    assert sheet["A2"].value.startswith("Periods: quarters, 2023-Q1 to 2025-Q2 (chosen")
    assert "1 claim, in the Undated rows" in sheet["A4"].value
    labels, us_india = _grid(sheet, "Net index: U.S.-India sources")
    assert labels == [*QUARTERS, "Undated"]
    assert us_india == {
        "Export controls": [1, None, None, -1, 1, None, None, None, None, None, None],
        "Space": [1, None, None, None, None, None, -1, None, None, None, None],
    }
    _, cfr = _grid(sheet, "Net index: CFR analysis")
    assert cfr == {
        "Export controls": [None, None, None, None, None, None, None, None, -1, None, 1],
        "Space": [None, None, None, None, None, None, None, 1, None, 1, None],
    }
    # coloured like the Stance sheet: red for -1, green for +1
    net_cells = [c for row in sheet.iter_rows(min_row=8, max_row=16, min_col=6, max_col=6) for c in row]
    assert {(c.value, c.fill.fgColor.rgb) for c in net_cells} == {
        (1, "00" + net_colour(1)),
        (-1, "00" + net_colour(-1)),
    }
    # a4, dated only by its source's year, sits in 2024-Q1: its Claims cell says so
    partial = next(row for row in sheet.iter_rows(min_row=8, max_col=7) if row[0].value == "2024-Q1")
    assert partial[6].comment is not None and "1 claim dated by a month or a year" in partial[6].comment.text
    assert book["Timeline"].tables["Timeline"].ref == "A7:G16"


def test_one_line_chart_per_topic_with_a_line_per_perspective_and_gaps(
    dated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(dated, capsys)
    path = dated / "output" / "claims-matrix.xlsx"
    with zipfile.ZipFile(path) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [archive.read(n).decode() for n in charts]
    line_charts = [x for x in xml if "<lineChart>" in x]
    assert len(line_charts) == 2  # export controls, space (the Overview's bar chart aside)
    for chart in line_charts:
        assert '<dispBlanksAs val="gap"/>' in chart
        assert '<min val="-1"/>' in chart and '<max val="1"/>' in chart
        assert chart.count("<ser>") == 2  # both perspectives have dated claims on both topics
        # the labels are the quarters (J to S), not Undated (T), as text
        assert chart.count("<cat><strRef><f>'Timeline'!$J$7:$S$7</f></strRef></cat>") == 2
    # the export-controls chart: the grid's U.S.-India row, then its CFR row, over the ten quarters
    assert re.findall(r"<val><numRef><f>([^<]+)</f>", line_charts[0]) == [
        "'Timeline'!$J$8:$S$8",
        "'Timeline'!$J$12:$S$12",
    ]


def test_period_and_window_options_give_the_documented_periods(dated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    years = _build(dated, capsys, "--period", "year")["Timeline"]
    assert [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in _tidy(years)] == [
        ("2023", "US-India", "export-controls", 1, 1, 2),
        ("2023", "US-India", "space", 1, 0, 1),
        ("2024", "US-India", "export-controls", 1, 0, 1),
        ("2024", "US-India", "space", 0, 1, 1),
        ("2024", "CFR", "space", 1, 0, 1),
        ("2025", "CFR", "export-controls", 0, 2, 2),
        ("2025", "CFR", "space", 1, 0, 1),
        ("Undated", "CFR", "export-controls", 1, 0, 1),
    ]
    windows = _build(dated, capsys, "--window", "12M", "--step", "6M")["Timeline"]
    labels, _ = _grid(windows, "Net index: U.S.-India sources")
    assert labels == ["2023-03..2024-02", "2023-09..2024-08", "2024-03..2025-02", "2024-09..2025-08", "Undated"]
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in _tidy(windows)][:3] == [
        ("2023-03..2024-02", "US-India", "export-controls", 2, 1),
        ("2023-03..2024-02", "US-India", "space", 1, 0),
        ("2023-09..2024-08", "US-India", "export-controls", 1, 1),
    ]
    months = _build(dated, capsys, "--period", "month")["Timeline"]
    assert (
        _grid(months, "Net index: CFR analysis")[0][0] == "2023-03"
        and len(_grid(months, "Net index: CFR analysis")[0]) == 29
    )


def test_since_and_until_keep_exactly_the_claims_in_range_and_count_the_undated(
    dated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        ["export", "--format", "json", "--since", "2024-01-01", "--until", "2024-12-31", "--root", str(dated)], capsys
    )
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["a4", "a5", "b3"]
    assert "left out 1 undated claim, 3 dated before it, 3 after" in err
    code, out, _ = _run(["summary", "--format", "json", "--until", "2024", "--root", str(dated)], capsys)
    data = json.loads(out)
    assert code == 0 and data["claims"] == 6
    assert data["time_range"] == {
        "since": None,
        "until": "2024",
        "excluded": {"undated": 1, "before": 0, "after": 3},
    }
    code, out, _ = _run(["summary", "--since", "2025-01", "--root", str(dated), "--width", "80"], capsys)
    assert code == 0 and "left out 1 undated claim, 6 dated before it, 0 after" in " ".join(out.split())
    book = _build(dated, capsys, "--since", "2024-07-01")
    assert sorted(row[0] for row in list(book["Claims"].iter_rows(values_only=True))[1:]) == [
        "a5",
        "b1",
        "b2",
        "b3",
        "b5",
    ]
    overview = {row[0]: row[1] for row in book["Overview"].iter_rows(values_only=True) if row[0]}
    assert overview["Time range"] == "since 2024-07-01: left out 1 undated claim, 4 dated before it, 0 after"
    assert "Timeline" not in book.sheetnames  # a5 is U.S.-India's one dated claim: only CFR has two periods


def test_no_timeline_sheet_when_fewer_than_two_periods_hold_claims(
    dated: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    one = _build(dated, capsys, "--since", "2025-01-01", "--until", "2025-03-31")  # b1 and b2 only
    assert "Timeline" not in one.sheetnames
    plain = write_project(tmp_path / "plain", {})  # no dates at all
    assert "Timeline" not in _build(plain, capsys).sheetnames


def test_stance_and_approach_are_unchanged_by_dates_without_a_time_option(
    dated: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    undated = {
        name: re.sub(r"\n *(date|published): .*", "", text)
        if isinstance(text, str) and name.startswith("claims/s")
        else text
        for name, text in DATED_FILES.items()
    }
    plain = write_project(tmp_path / "undated", undated)
    with_dates, without = _build(dated, capsys), _build(plain, capsys)
    assert "Timeline" not in without.sheetnames
    for name in ("Stance", "Approach", "Contrasts"):
        cells = [[(c.value, c.fill.fgColor.rgb) for c in row] for row in with_dates[name].iter_rows()]
        assert cells == [[(c.value, c.fill.fgColor.rgb) for c in row] for row in without[name].iter_rows()], name


def test_summary_by_period_fits_80_columns_and_json_gives_the_same_numbers(
    dated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["summary", "--by-period", "--period", "month", "--width", "80", "--root", str(dated)], capsys)
    assert code == 0 and max(len(line) for line in out.splitlines()) <= 80
    assert out.startswith("Net index per period (months)")
    assert "21 of 28 periods hold no claims and are not shown" in out
    code, out, _ = _run(["summary", "--by-period", "--root", str(dated), "--width", "80"], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "Net index per period (quarters, chosen from the dates)"
    row = next(line for line in lines if line.startswith("Export controls"))
    assert row.split()[2:] == ["+1.00", "-1.00", "+1.00", "·", "·", "·", "·", "·"]  # 2023-Q1, Q4, 2024-Q1 ...
    code, out, _ = _run(["summary", "--by-period", "--format", "json", "--root", str(dated)], capsys)
    data = json.loads(out)
    assert code == 0 and data["period"] == "quarter" and [p["label"] for p in data["periods"]] == QUARTERS
    assert [
        (r["period"], r["perspective"], r["topic"], r["convergence"], r["divergence"], r["net"], r["claims"])
        for r in data["rows"]
    ] == QUARTER_ROWS
    assert data["grid"]["CFR"]["space"] == [None] * 7 + [1.0, None, 1.0]


@pytest.mark.parametrize(
    "options",
    [
        ["summary", "--since", "2024-13"],
        ["summary", "--until", "24"],
        ["summary", "--since", "2025", "--until", "2024-06"],
        ["summary", "--period", "week"],
        ["summary", "--window", "12"],
        ["summary", "--step", "3M"],
        ["build", "--period", "year", "--window", "12M"],
        ["export", "--format", "json", "--since", "June 2024"],
    ],
)
def test_bad_time_options_are_usage_errors(options: list[str], dated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([*options, "--root", str(dated)], capsys)
    assert code == 2 and "Error" in err and "Traceback" not in err
    assert not (dated / "output").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_timeline_and_its_charts(
    dated: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _build(dated, capsys)
    book = dated / "output" / "claims-matrix.xlsx"
    assert SOFFICE is not None
    profile = (tmp_path / "profile").as_uri()
    for target in ("pdf", "ods"):
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(book),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    assert (tmp_path / "claims-matrix.pdf").read_bytes().startswith(b"%PDF")
    # LibreOffice read every chart: the Overview's bar chart and the Timeline's two line charts
    with zipfile.ZipFile(tmp_path / "claims-matrix.ods") as ods:
        objects = [n for n in ods.namelist() if re.fullmatch(r"Object \d+/content\.xml", n)]
        kinds = sorted(re.search(rb'chart:class="chart:(\w+)"', ods.read(n)).group(1).decode() for n in objects)  # type: ignore[union-attr]
    assert kinds == ["bar", "line", "line"]


def test_diff_names_a_changed_date_and_compares_each_side_by_its_own_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_project(tmp_path / "old", DATED_FILES)
    new = write_project(tmp_path / "new", DATED_FILES)
    s2 = new / "claims" / "s2.yaml"
    s2.write_text(s2.read_text().replace("date: 2024-07-04", "date: 2025-01-15"))  # a5 moves into 2025
    code, out, err = _run(["diff", str(old), str(new), "--format", "json", "--root", str(new)], capsys)
    data = json.loads(out)
    assert code == 0 and [(c["id"], c["fields"]) for c in data["claims"]["changed"]] == [
        ("a5", {"date": ["2024-07-04", "2025-01-15"]})
    ]
    code, out, err = _run(
        ["diff", str(old), str(new), "--format", "json", "--since", "2025", "--root", str(new)], capsys
    )
    data = json.loads(out)
    # in 2025 on the new side only: a5 is added by the time range, nothing else changes
    assert code == 0 and [c["id"] for c in data["claims"]["added"]] == ["a5"] and data["claims"]["removed"] == []
    assert f"{old}: time range since 2025: left out 1 undated claim, 6 dated before it, 0 after" in err
    assert f"{new}: time range since 2025: left out 1 undated claim, 5 dated before it, 0 after" in err


@pytest.mark.parametrize("count", ["claims", "sources"])
@pytest.mark.parametrize("choice", [{}, {"period": "month"}, {"window": "12M", "step": "3M"}])
def test_the_project_fast_path_counts_as_the_dated_claims_do(dated: Path, count: str, choice: dict[str, str]) -> None:
    from matrix import check
    from matrix.time.timeline import PeriodChoice, project_claims, project_timeline, timeline

    project, report = check(dated)
    assert report.errors == 0
    periods = PeriodChoice.parse(**choice)
    topics, perspectives = ("export-controls", "space"), ("US-India", "CFR")
    slow = timeline(project_claims(project), topics, perspectives, periods, count=count)
    fast = project_timeline(project, set(ALL_IDS), topics, perspectives, periods, count)
    assert fast.cells == slow.cells and fast.periods == slow.periods and fast.cells
    some = project_timeline(project, {"a1", "b4"}, topics, perspectives, periods, count)
    # a1 (2023-03-10) and b4 (undated): one period, and the Undated row
    assert len(some.periods) == 1 and some.periods[0].label in ("2023-Q1", "2023-03", "2023-03..2024-02")
    assert {key: (cell.convergence, cell.divergence) for key, cell in some.cells.items()} == {
        (some.periods[0].label, "US-India", "export-controls"): (1, 0),
        ("Undated", "CFR", "export-controls"): (1, 0),
    }


def test_the_shipped_claims_are_dated_where_their_texts_say() -> None:
    from matrix import check
    from matrix.time.timeline import PeriodChoice, project_claims, timeline

    project, report = check(Path(__file__).resolve().parent.parent, cache=False)
    assert report.errors == 0
    dated = project_claims(project)
    own = {c.id: str(c.date) for c in dated if c.origin == "claim"}
    assert own == {
        "usi-intel-khalistan-extradition": "2024-03",
        "usi-exercises-interoperability": "2024",
        "crs-entity-list-removal": "2025-01",
    }
    published = {s.id: s.published for s in project.sources}
    assert published == {
        "cfr-defense-norms": None,
        "crs-india-us-defense": "2025-12-22",
        "india-russia-counterterrorism": None,
        "us-india-bilateral-ties": None,
        "us-india-counterterrorism": "2025-12-23",
    }
    codebook = project.codebook
    assert codebook is not None
    line = timeline(dated, codebook.ids("topics"), codebook.ids("perspectives"), PeriodChoice())
    assert line.kind == "month" and [p.label for p in line.held_periods] == ["2024-01", "2024-03", "2025-01", "2025-12"]
    assert line.undated == 104


def test_import_keeps_the_claims_dates_and_the_schema_knows_them(
    dated: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from matrix.checks.claims_schema import DATE_PATTERN

    table = tmp_path / "claims.csv"
    code, out, err = _run(["export", "--format", "csv", "--raw", "--out", str(table), "--root", str(dated)], capsys)
    assert code == 0, err
    rows = table.read_text().splitlines()
    recoded = [r.replace(",divergence,", ",convergence,") if r.startswith("a2,") else r for r in rows[1:]]
    table.write_text("\n".join([rows[0], *recoded]) + "\n")
    code, out, err = _run(["import", str(table), "--write", "--root", str(dated)], capsys)
    assert code == 0, (out, err)
    s1 = (dated / "claims" / "s1.yaml").read_text()
    assert s1.count("date: '2023-11'") == 1  # a2, recoded and so written anew, keeps its own date
    code, out, _ = _run(
        ["summary", "--by-period", "--period", "year", "--format", "json", "--root", str(dated)], capsys
    )
    rows_2023 = {
        (r["perspective"], r["topic"]): (r["convergence"], r["divergence"])
        for r in json.loads(out)["rows"]
        if r["period"] == "2023"
    }
    assert rows_2023 == {("US-India", "export-controls"): (2, 0), ("US-India", "space"): (1, 0)}
    assert all(re.fullmatch(DATE_PATTERN, d) for d in ("2025", "2025-06", "2025-06-05"))
    assert not any(re.fullmatch(DATE_PATTERN, d) for d in ("25", "2025/06", "June 2025"))


def test_no_chart_has_fewer_than_two_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A topic's Timeline chart is drawn only when its dated claims make two points or more
    (periods x perspectives): a third topic with one dated claim gets none; the Overview's chart
    is the workbook's only other one."""
    import zipfile

    from matrix import analyse, check
    from matrix.time.timeline import UNDATED

    files = {
        **DATED_FILES,
        "claims/codebook.yaml": CODEBOOK + "  - {id: trade, label: Trade}\n",
        "claims/s5.yaml": _source("s5", "US-India", "2024-05-01", [("a6", "trade", "convergence", EXPORT_CONV)]),
        "seeds/s5.txt": SEED,
    }
    dated = write_project(tmp_path / "three", files)
    _build(dated, capsys)
    project, report = check(dated)
    line = analyse(project, report).timeline
    points = {t: sum(1 for k in line.cells if k[0] != UNDATED and k[2] == t) for t in line.topics}
    assert points == {"export-controls": 4, "space": 4, "trade": 1}
    with zipfile.ZipFile(dated / "output" / "claims-matrix.xlsx") as book:
        charts = [name for name in book.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", name)]
    assert len(charts) == 1 + sum(n >= 2 for n in points.values())


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--period", "month"],
        ["--window", "12M", "--step", "6M"],
        ["--period", "year", "--count", "sources"],
        ["--since", "2024", "--topic", "export-controls"],
    ],
)
def test_the_timeline_sheet_and_summary_by_period_read_the_analysis_timeline(
    options: list[str], dated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The periods are computed once, in `analyse` (`Analysis.timeline`): the Timeline sheet's
    table and `summary --by-period`'s JSON and table show its values, cut as the options say."""
    from matrix import AnalysisOptions, Filters, PeriodChoice, TimeRange, analyse, check
    from matrix.terminal import period_view

    project, report = check(dated)
    since = options[options.index("--since") + 1] if "--since" in options else None
    analysis = analyse(
        project,
        report,
        AnalysisOptions(
            Filters(topics=("export-controls",)) if "--topic" in options else Filters(),
            "sources" if "--count" in options else "claims",  # type: ignore[arg-type]  # its text will do
            TimeRange.parse(since=since),
            PeriodChoice.parse(
                **{o[2:]: options[i + 1] for i, o in enumerate(options) if o in ("--period", "--window", "--step")}
            ),
        ),
    )
    line = analysis.timeline
    expected = [
        (r.period, r.perspective, r.topic, r.cell.convergence, r.cell.divergence, r.cell.net, r.cell.claims)
        for r in line.rows()
    ]
    assert expected and analysis.options.periods == analysis.periods
    book = _build(dated, capsys, *options)
    if "Timeline" in book.sheetnames:
        assert _tidy(book["Timeline"]) == expected
    else:  # --since 2024 on one topic: U.S.-India has one dated claim left, no trend to chart
        assert options[:1] == ["--since"]
    code, out, err = _run(["summary", "--by-period", "--format", "json", "--root", str(dated), *options], capsys)
    assert code == 0, err
    assert json.loads(out) == json.loads(json.dumps(analysis.to_dict(by_period=True)))
    assert [tuple(r.values())[:7] for r in json.loads(out)["rows"]] == expected
    code, out, err = _run(["summary", "--by-period", "--width", "100", "--root", str(dated), *options], capsys)
    recorder = Console(record=True, width=100, file=io.StringIO(), color_system=None, highlight=False)
    recorder.print(period_view(line, analysis.codebook.label, width=100))
    assert code == 0 and [t.rstrip() for t in out.splitlines()] == recorder.export_text().rstrip().splitlines()
