"""Voice, sides and approach lists end to end: counting, filters, exports and import, agree,
diff, memos that record their cell, and the perspectives' parties in the outputs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from matrix import check
from matrix.analysis.counting import Tally
from matrix.analysis.coverage import voice_guess
from matrix.analysis.pivot import analyse, summary_numbers
from matrix.analysis.voicing import voice_cells
from matrix.checks.consistency import cues_of
from matrix.cli import run

CODEBOOK = """\
perspectives:
  - {id: US-India, label: U.S.-India sources, parties: [US, India], voice: official sources}
  - {id: CFR, label: CFR analysis, parties: [US, India], voice: CFR analysis}
actors:
  - {id: US, label: United States}
  - {id: India, label: India}
require: [voice]
topics:
  - {id: autonomy, label: Strategic autonomy}
  - {id: law, label: Law enforcement}
"""
SEED = (
    "Washington tends to act alone, whereas Delhi prefers working through the United Nations.\n"
    "The two police services signed an accord and joined the regional crime forum together.\n"
    "The two police services may set up a joint cybercrime unit next year.\n"
    "The agencies could also exchange watch lists of suspects under investigation.\n"
    "India and the United States value an open order governed by rules for all.\n"
)
CLAIMS = """\
source:
  id: src
  title: Source
  publisher: Publisher
  perspective: US-India
  text: seeds/s.txt
claims:
  - id: contrast
    topic: autonomy
    stance: divergence
    voice: assessment
    sides: {US: unilateral, India: multilateral}
    quote: Washington tends to act alone, whereas Delhi prefers working through the United Nations
  - id: accord
    topic: law
    stance: convergence
    voice: stated
    approach: [bilateral, multilateral]
    quote: The two police services signed an accord and joined the regional crime forum together
  - id: unit
    topic: law
    stance: convergence
    voice: forecast
    confidence: low
    approach: bilateral
    quote: The two police services may set up a joint cybercrime unit next year
  - id: lists
    topic: law
    stance: convergence
    voice: forecast
    confidence: low
    quote: The agencies could also exchange watch lists of suspects under investigation
  - id: order
    topic: autonomy
    stance: convergence
    voice: stated
    quote: India and the United States value an open order governed by rules for all
"""
MEMOS = """\
memos:
  - topic: law
    perspective: US-India
    cell: +2/-0
    text: Two claims on police cooperation.
  - topic: autonomy
    perspective: US-India
    cell: +1/-1
    text: One contrast of means, one shared value.
"""
FILES = {"claims/codebook.yaml": CODEBOOK, "claims/s.yaml": CLAIMS, "seeds/s.txt": SEED, "claims/memos.yaml": MEMOS}

Result = tuple[int, str, str]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write(tmp_path / "p", FILES)


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    with pytest.raises(SystemExit) as done:
        run(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_the_project_validates_with_only_the_stale_memo(root: Path) -> None:
    project, report = check(root)
    assert [(p.location.file, p.location.line, p.code) for p in report.problems] == [
        ("claims/codebook.yaml", 3, "unused-perspective"),
        ("claims/memos.yaml", 4, "stale-memo"),  # law now holds three claims, not two
    ]
    (claim,) = [c for c in project.claims if c.id == "contrast"]
    assert claim.sides == (("US", "unilateral"), ("India", "multilateral")) and claim.actors == ("US", "India")
    assert claim.approach_text == "US: unilateral; India: multilateral"
    assert claim.approach_value == "India: multilateral; US: unilateral"  # sorted: compared as one value


def test_approach_matrix_counts_lists_and_sides_and_names_a_dominant_only_on_a_majority(root: Path) -> None:
    project, report = check(root)
    analysis = analyse(project, report)
    law = analysis.approach_cell("law", "US-India")
    # accord counts under bilateral and multilateral, unit under bilateral; lists has none
    assert law is not None and (law.counts, law.unspecified, law.dominant) == ((0, 2, 1), 1, "bilateral")
    autonomy = analysis.approach_cell("autonomy", "US-India")
    # the contrast counts under both of its sides' approaches; order codes none: 1 of 2, no majority
    assert autonomy is not None and (autonomy.counts, autonomy.unspecified, autonomy.dominant) == ((1, 0, 1), 1, "")
    rows = {(p, a): counts for p, a, counts in analysis.actor_rows()}
    assert rows["US-India", "US"] == (1, 0, 0, 0, 1)  # the contrast's US side: unilateral
    assert rows["US-India", "India"] == (0, 0, 1, 0, 1)  # its India side: multilateral
    numbers = summary_numbers(analysis)
    assert numbers["perspectives"] == [
        {"perspective": "US-India", "parties": ["US", "India"], "voice": "official sources"},
        {"perspective": "CFR", "parties": ["US", "India"], "voice": "CFR analysis"},
    ]


def test_a_cell_resting_on_forecasts_is_flagged_in_json_and_terminal(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = invoke(capsys, "summary", "--format", "json", "--root", str(root))
    assert code == 0
    voices = {(v["topic"], v["perspective"]): v for v in json.loads(out)["voices"]}
    law = voices["law", "US-India"]
    # three convergences, two of them forecasts: one claim is left, under two
    assert (law["claims"], law["writer_voice"], law["forecasts"], law["rests_on_forecasts"]) == (3, 2, 2, True)
    assert voices["autonomy", "US-India"]["rests_on_forecasts"] is False
    code, out, _ = invoke(capsys, "summary", "--width", "100", "--root", str(root))
    assert "+3/-0 +1.00  w2\u25b2" in out and "+1/-1 +0.00\u00b0 w1" in out  # \u00b0: thin
    assert "US-India: US - India, official sources" in out
    assert "\u25b2 US-India \u00b7 Law enforcement: 1 left without forecasts and recommendations" in out


@pytest.mark.parametrize(
    ("codings", "flag"),
    [
        ([("s", "t", "p", "convergence", 2, "stated"), ("s", "t", "p", "divergence", 1, "forecast")], True),
        (
            [
                ("s", "t", "p", "convergence", 2, "stated"),
                ("s", "t", "p", "convergence", 2, "stated"),
                ("s", "t", "p", "divergence", 2, "recommendation"),
            ],
            True,  # net +0.33 becomes +1.00: moves by more than 0.25
        ),
        (
            [("s", "t", "p", "convergence", 2, "stated")] * 4 + [("s", "t", "p", "convergence", 1, "forecast")],
            False,  # +1.00 either way, four claims left
        ),
        ([("s", "t", "p", "divergence", 2, "assessment")] * 2, False),  # assessments stay
    ],
)
def test_rests_on_forecasts(codings: list[tuple[str, str, str, str, int, str]], flag: bool) -> None:
    assert voice_cells(codings)[("t", "p")].rests_on_forecasts is flag
    assert Tally(1, 0, 2, 0).net == 1.0


def test_the_voice_and_actor_filters(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(capsys, "export", "--format", "json", "--voice", "forecast", "--root", str(root))
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["unit", "lists"]
    code, out, _ = invoke(capsys, "export", "--format", "json", "--actor", "India", "--root", str(root))
    assert [r["id"] for r in json.loads(out)] == ["contrast"]  # a side for India
    assert invoke(capsys, "export", "--format", "json", "--voice", "said", "--root", str(root))[0] == 2


def test_exports_keep_lists_and_sides_and_import_reads_them_back(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = invoke(capsys, "export", "--format", "json", "--root", str(root))
    records = {r["id"]: r for r in json.loads(out)}
    assert records["contrast"]["sides"] == {"US": "unilateral", "India": "multilateral"}
    assert records["contrast"]["approach"] is None and records["contrast"]["voice"] == "assessment"
    assert records["accord"]["approach"] == ["bilateral", "multilateral"] and records["accord"]["sides"] is None
    table = tmp_path / "claims.csv"
    assert invoke(capsys, "export", "--format", "csv", "--root", str(root), "--out", str(table))[0] == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig")))}
    assert list(rows["contrast"])[11:14] == ["quote", "voice", "sides"]
    assert rows["contrast"]["sides"] == "US: unilateral; India: multilateral"
    assert rows["accord"]["approach"] == "bilateral; multilateral"
    assert invoke(capsys, "import", str(table), "--root", str(root))[1].splitlines()[-1] == (
        "imported 5 claims: nothing to change"
    )
    # a recoding in the table: the sides swapped, a list made one approach, a voice changed
    text = table.read_text()
    text = text.replace("US: unilateral; India: multilateral", "India: multilateral; US: bilateral")
    text = text.replace("bilateral; multilateral", "multilateral").replace(",forecast,", ",assessment,", 1)
    table.write_text(text)
    code, out, err = invoke(capsys, "import", str(table), "--root", str(root), "--write")
    assert code == 0, (out, err)
    project, _ = check(root)
    claims = {c.id: c for c in project.claims}
    assert claims["contrast"].sides == (("India", "multilateral"), ("US", "bilateral"))
    assert (claims["accord"].approach, claims["accord"].approach_list) == ("multilateral", ())
    assert claims["unit"].voice == "assessment"
    written = (root / "claims" / "s.yaml").read_text()
    assert "    sides:\n      India: multilateral\n      US: bilateral\n" in written


def test_import_problems_at_their_cells(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "claims.csv"
    assert invoke(capsys, "export", "--format", "csv", "--root", str(root), "--out", str(table))[0] == 0
    text = table.read_text().replace("US: unilateral; India: multilateral", "US: unilateral")
    text = text.replace("bilateral; multilateral", "bilateral; bilateral").replace(",stated,", ",said,", 1)
    table.write_text(text)
    code, out, _ = invoke(capsys, "import", str(table), "--root", str(root))
    assert code == 1
    found = re.findall(r"claims\.csv:(\d+): error ([a-z-]+)", out)
    assert found == [("2", "too-few-sides"), ("3", "repeated-approach"), ("3", "unknown-voice")]


def test_agree_compares_voice_and_the_approach_as_one_value(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = write(tmp_path / "other", {**FILES, "claims/memos.yaml": "memos: []\n"})
    recoded = CLAIMS.replace(
        "sides: {US: unilateral, India: multilateral}", "sides: {India: multilateral, US: unilateral}"
    )
    recoded = recoded.replace("approach: [bilateral, multilateral]", "approach: [multilateral, bilateral]")
    recoded = recoded.replace(
        "    voice: forecast\n    confidence: low\n    approach: bilateral",
        "    voice: stated\n    confidence: low\n    approach: bilateral",
    )
    (other / "claims" / "s.yaml").write_text(recoded)
    code, out, err = invoke(capsys, "agree", str(other), "--format", "json", "--root", str(root))
    assert code == 0, err
    data = json.loads(out)
    # the sides and the list in another order are the same value; the voice of `unit` differs
    assert [(d["fields"], d["codings"][0]["claim"]) for d in data["disagreements"]] == [(["voice"], "unit")]
    fields = {f["field"]: f for f in data["fields"]}
    assert fields["approach"]["agreement"] == 1.0 and fields["voice"]["agreement"] == 0.8


def test_diff_reports_a_recoded_voice_and_sides(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path / "old", FILES)
    text = CLAIMS.replace("sides: {US: unilateral, India: multilateral}", "sides: {US: unilateral, India: bilateral}")
    (root / "claims" / "s.yaml").write_text(text.replace("voice: assessment", "voice: forecast", 1))
    code, out, _ = invoke(capsys, "diff", str(old), str(root), "--format", "json", "--root", str(root))
    assert code == 0
    (change,) = json.loads(out)["claims"]["changed"]
    assert change["id"] == "contrast"
    assert change["fields"] == {
        "approach": ["US: unilateral; India: multilateral", "US: unilateral; India: bilateral"],
        "voice": ["assessment", "forecast"],
    }


def test_stale_memos_are_flagged_on_summaries_and_in_the_brief(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_book = root / "book.xlsx"
    assert invoke(capsys, "build", "-q", "--root", str(root), "--out", str(out_book))[0] == 0
    book = openpyxl.load_workbook(out_book)
    summaries = book["Summaries"]
    law = summaries.cell(row=4, column=2).value
    assert law.startswith("STALE (written against +2/-0, now +3/-0)")
    assert summaries.cell(row=3, column=2).value == "One contrast of means, one shared value."
    stance = book["Stance"]
    assert stance["B1"].value == "U.S.-India sources"  # the label alone, its parties and voice under it
    assert stance["A2"].value == "counting claims" and stance["B2"].value == "US - India, official sources"
    assert [stance.cell(row=3, column=c).value for c in range(2, 7)] == ["Conv", "Div", "Net", "Weighted", "Writer"]
    assert stance["F5"].value == 2 and stance["F5"].number_format == '0" \u25b2"'
    assert stance["F5"].comment is not None and "Rests on forecasts: 1 left" in stance["F5"].comment.text
    claims = book["Claims"]
    header = [c.value for c in claims[1]]
    assert header[8:12] == ["Quote", "Cell", "Voice", "Sides"]
    page = root / "brief.html"
    assert invoke(capsys, "report", "--root", str(root), "--out", str(page))[0] == 0
    html = page.read_text()
    assert html.count('class="stale"') == 1 and "written against +2/-0, now +3/-0" in html
    assert "US-India: US - India, official sources" in html
    assert "writer 2 \u25b2" in html


def test_the_stub_guesses_a_voice() -> None:
    hedges = cues_of(None)[0]
    assert voice_guess("The two sides should agree on a tariff", hedges) == ("recommendation", "should")
    assert voice_guess("The two sides may agree on a tariff", hedges) == ("forecast", "may")
    assert voice_guess("The two sides agreed on a tariff", hedges) == ("stated", "")


def test_the_shipped_claims_code_the_key_contrast_with_sides() -> None:
    project, report = check(Path(__file__).resolve().parent.parent)
    assert report.passes(strict=True)
    claims = {c.id: c for c in project.claims}
    assert claims["usi-unilateral-vs-multilateral"].sides == (("US", "unilateral"), ("India", "multilateral"))
    assert all(c.voice for c in project.claims)
