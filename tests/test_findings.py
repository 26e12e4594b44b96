"""Key findings (matrix/analysis/findings.py): generated from the numbers, the same on the
Overview's first screen (A1:J20), at the top of the brief (1280x900 in Chromium), at the start
of `summary` (a pseudo-terminal of 80, 120 and 160 columns, and a pipe) and in its JSON."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from matrix import check
from matrix.analysis.counting import CONTRAST_FIELDS
from matrix.analysis.findings import Context, findings, same_parties
from matrix.analysis.pivot import Analysis, analyse
from tests.conftest import PIVOT_FILES, c, claims_yaml, write_project
from tests.test_report import CHROMIUM, needs_chromium
from tests.test_terminal_width import on_terminal, piped

ROOT = Path(__file__).resolve().parent.parent


def with_parties(analysis: Analysis, parties: dict[str, tuple[str, ...]]) -> Analysis:
    """`analysis` with its codebook's perspectives giving `parties`."""
    entries = tuple(replace(e, parties=parties.get(e.id, ())) for e in analysis.codebook.perspectives)
    return replace(analysis, codebook=replace(analysis.codebook, perspectives=entries))


@pytest.fixture
def pivot(tmp_path: Path) -> Analysis:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    return analyse(project, report)


def test_opposite_signs_on_the_same_parties_are_a_disagreement(pivot: Analysis) -> None:
    same = with_parties(pivot, {"US-India": ("US", "India"), "CFR": ("India", "US")})
    assert same_parties(same.codebook, "US-India", "CFR")
    found = findings(same)
    (disagreement,) = found.disagreements
    assert not found.triangulations
    assert disagreement.topic == "export-controls" and disagreement.gap == pytest.approx(4 / 3)
    a, b = disagreement.sides
    assert (a.perspective, a.net, a.claims, a.sources) == ("US-India", pytest.approx(1 / 3), 3, 1)
    assert (b.perspective, b.net, b.claims, b.sources) == ("CFR", -1.0, 2, 1)
    assert disagreement.evidence == ("a1", "a2", "a3", "b1", "b2")
    assert not disagreement.strong and b.why == "fewer than 3 claims" and not a.thin
    for number in ("+0.33", "3 claims", "-1.00", "2 claims", "1.33"):  # the sentence states its numbers
        assert number in disagreement.text


def test_opposite_signs_on_different_pairs_are_a_triangulation(pivot: Analysis) -> None:
    other = with_parties(pivot, {"US-India": ("US", "India"), "CFR": ("India", "Russia")})
    found = findings(other)
    assert not found.disagreements
    (triangulation,) = found.triangulations
    assert "different pairs, not a disagreement" in triangulation.text
    assert "disagree" not in triangulation.text.replace("not a disagreement", "")


def test_a_side_of_only_low_confidence_claims_is_thin(tmp_path: Path) -> None:
    files = {
        "claims/a.yaml": claims_yaml(
            "src-a", "US-India", "seeds/a.txt", [c(f"a{i}", "space", "convergence", confidence="low") for i in range(4)]
        ),
        "claims/b.yaml": claims_yaml(
            "src-b", "CFR", "seeds/a.txt", [c(f"b{i}", "space", "convergence", confidence="high") for i in range(3)]
        ),
    }
    project, report = check(write_project(tmp_path, files))
    found = findings(analyse(project, report))
    (agreement,) = found.agreements
    low, high = agreement.sides
    assert low.why == "only low-confidence or writer's-voice claims" and not high.thin
    assert not agreement.strong and agreement.topic == "space"


def test_caveats_name_single_sources_and_state_their_shares(pivot: Analysis) -> None:
    found = findings(pivot, Context(dated=1, coverage=(("src-a", 2, 3),), alpha=(0.5, 10, "claims/second-coder/")))
    codes = [f.code for f in found.caveats]
    assert codes == [
        "sources-per-perspective",
        "undated-share",
        "coverage-share",
        "writer-voice",
        "second-coding-alpha",
    ]
    sources, undated, coverage, voice, alpha = found.caveats
    assert voice.numbers["claims"] == 8 and "rest on forecasts" in voice.text
    assert sources.numbers["single_source"] == {"US-India": "src-a", "CFR": "src-b"}
    assert "7 of 8 (88%)" in undated.text and "src-a 67%" in coverage.text
    assert "stance alpha 0.50 over 10 matched claims" in alpha.text


def _shipped_json() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "matrix", "summary", "--format", "json"], cwd=ROOT, capture_output=True, check=True
    )
    data: dict[str, object] = json.loads(done.stdout)
    return data


def test_summary_json_adds_findings_and_pairs_and_keeps_contrasts() -> None:
    data = _shipped_json()
    findings_ = data["findings"]
    assert isinstance(findings_, dict) and list(findings_) == ["disagree", "triangulate", "agree", "caveats"]
    contrasts = data["contrasts"]
    assert isinstance(contrasts, list) and contrasts
    assert all(list(row) == list(CONTRAST_FIELDS) for row in contrasts)  # shape, order, meaning kept
    gaps = [row["gap"] for row in contrasts]
    assert gaps == sorted(gaps, reverse=True)
    caveats = {f["code"]: f for f in findings_["caveats"]}
    assert caveats["undated-share"]["numbers"] == {"undated": 104, "claims": 135}
    assert caveats["writer-voice"]["numbers"]["claims"] == 135
    assert caveats["sources-per-perspective"]["numbers"]["single_source"] == {
        "India-Russia": "india-russia-counterterrorism",
        "CFR": "cfr-defense-norms",
    }
    assert caveats["second-coding-alpha"]["numbers"]["stance_alpha"] is not None
    pairs = data["pairs"]
    assert isinstance(pairs, list)
    strong = [p["strength"] == "strong" for p in pairs]
    assert strong == sorted(strong, reverse=True)  # strong first
    for pair in pairs:
        assert set(pair) == {"topic", "relation", "same_parties", "strength", "gap", "a", "b"}
        assert {"net", "claims", "sources", "thin"} <= set(pair["a"])
    for kind in ("disagree", "triangulate", "agree"):
        for finding in findings_[kind]:
            assert finding["evidence"] and all({"net", "claims", "sources"} <= set(side) for side in finding["sides"])


def _first_screen_texts(data: dict[str, object]) -> list[str]:
    found = data["findings"]
    assert isinstance(found, dict)
    return [f["text"] for kind in ("disagree", "triangulate", "agree") for f in found[kind][:3]] + [
        f["text"] for f in found["caveats"]
    ]


def test_the_overview_opens_on_the_findings_with_their_numbers(tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    subprocess.run([sys.executable, "-m", "matrix", "build", "-q", "--out", str(out)], cwd=ROOT, check=True)
    book = openpyxl.load_workbook(out)
    ws = book["Overview"]
    screen = [str(cell.value) for row in ws["A1:J20"] for cell in row if cell.value is not None]
    assert screen[0] == "Key findings"
    for text in _first_screen_texts(_shipped_json()):
        assert text in screen, text
    joined = " ".join(screen)
    assert "104 of 135 (77%)" in joined and "single source: india-russia-counterterrorism" in joined
    assert re.search(r"[+-]\d\.\d\d; \d+ claims?, \d+ sources?", joined)  # net, claims and sources per side
    links = {cell.value: [] for row in ws["J1:J20"] for cell in row if cell.hyperlink}  # beside each finding
    for row in ws["J1:J20"]:
        for cell in row:
            if cell.hyperlink:
                links[cell.value].append(cell.hyperlink.location)
    assert set(links) == {"evidence", "figures"}
    assert all(re.fullmatch(r"'Stance'![DIN]\d+", link) for link in links["evidence"])  # a Net cell
    assert set(links["figures"]) <= {"'Sources'!A1", "'Claims'!A1", "'Coverage'!A1", "'Stance'!A1"}
    rows = list(ws.iter_rows(values_only=True))
    last = [r for r in rows if r[0] is not None][-1]
    assert last[0] == "seeds/us-india-counterterrorism.txt" and re.fullmatch(r"[0-9a-f]{64}", str(last[1]))
    index = [r[0] for r in rows if r[1] in ("read", "reference")]
    assert index == book.sheetnames


@needs_chromium
def test_the_brief_opens_on_the_findings_at_1280_by_900(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    page = tmp_path / "brief.html"
    subprocess.run([sys.executable, "-m", "matrix", "report", "--out", str(page)], cwd=ROOT, check=True)
    html = page.read_text(encoding="utf-8")
    assert html.index('id="findings"') < html.index('class="matrix"')  # before the matrix
    for text in _first_screen_texts(_shipped_json()):
        assert text.replace("'", "&#39;") in html, text
    # where each finding is laid out: the page (its script-free policy dropped) measured on load
    probe = tmp_path / "probe.html"
    measure = (
        "<script>addEventListener('load',()=>{for(const e of document.querySelectorAll('#findings li,table.matrix'))"
        "e.setAttribute('data-bottom',Math.round(e.getBoundingClientRect().bottom))})</script>"
    )
    probe.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html) + measure, "utf-8")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'p'}",
    ]
    done = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120, check=True
    )
    bottoms = [int(b) for b in re.findall(r'<li data-kind="[a-z]+"[^>]*data-bottom="(\d+)"', done.stdout)]
    assert len(bottoms) == len(_first_screen_texts(_shipped_json()))
    assert max(bottoms) <= 900, bottoms
    shot = tmp_path / "first-screen.png"
    subprocess.run(
        [CHROMIUM, *flags, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True
    )
    assert shot.read_bytes()[16:24] == (1280).to_bytes(4, "big") + (900).to_bytes(4, "big")  # PNG width, height


def _flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


@pytest.mark.parametrize("columns", [80, 120, 160])
def test_summary_opens_on_the_findings_on_a_terminal(columns: int, tmp_path: Path) -> None:
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    lines = on_terminal(["summary"], columns, tmp_path)
    stance = next(i for i, line in enumerate(lines) if line.startswith("Stance:"))
    assert lines[0] == "Key findings" and max(len(line) for line in lines) <= columns
    head = _flat(lines[:stance])
    for text in _first_screen_texts(_shipped_json()):
        assert " ".join(text.split()) in head, text


def test_summary_through_a_pipe_gives_one_finding_per_line(tmp_path: Path) -> None:
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    lines = piped(["summary"], tmp_path)
    for text in _first_screen_texts(_shipped_json()):
        assert f"- {text}" in lines, text


def test_the_second_coding_alpha_is_cached_by_both_codings(tmp_path: Path) -> None:
    """The alpha is kept in the cache, keyed by both codings' files: the same from the cache,
    and worked out afresh when the second coder changes a claim."""
    from matrix.analysis.context import second_coding_alpha
    from matrix.files.where import ProjectFiles

    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    files = ProjectFiles(tmp_path)
    project, report = check(tmp_path)
    first = second_coding_alpha(files, project, report)
    assert first is not None and first[2] == "claims/second-coder/" and first[1] > 0
    assert second_coding_alpha(files, project, report) == first == second_coding_alpha(files, project, report, False)
    path = tmp_path / "claims" / "second-coder" / "cfr-defense-norms.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("stance: convergence", "stance: divergence", 3)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    again = second_coding_alpha(files, project, report)
    assert again is not None and again[0] != first[0]
    shutil.rmtree(tmp_path / "claims" / "second-coder")
    assert second_coding_alpha(files, project, report) is None
