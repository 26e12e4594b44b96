"""`claims-matrix agree`, end to end: the other codings' forms, the outputs, the exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from matrix import check
from matrix.analysis.agreement import OURS, coder_names
from tests.conftest import write_project
from tests.test_agreement import CODER_A, CODER_B, TEXT, claim_yaml

ROOT = Path(__file__).resolve().parent.parent
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def agree(root: Path, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "matrix", "agree", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100"},
    )
    return done.returncode, done.stdout, done.stderr


def claims_file(claims: list[tuple[str, list[int], dict[str, str]]]) -> str:
    body = "".join(claim_yaml(*claim) for claim in claims)
    head = "source:\n  id: src-a\n  title: A\n  publisher: P\n  perspective: US-India\n  text: seeds/a.txt\n"
    return f"{head}claims:\n{body}"


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """The hand-made pair of tests/test_agreement.py: the first as a project, the second as a
    project folder holding only claims/ (its texts are the first project's)."""
    first = write_project(
        tmp_path / "first", {"claims/a.yaml": claims_file(CODER_A), "seeds/a.txt": TEXT, "claims/b.yaml": None}
    )
    second = tmp_path / "second"
    (second / "claims").mkdir(parents=True)
    (second / "claims" / "a.yaml").write_text(claims_file(CODER_B))
    return first, second


def trimmed(row: tuple[object, ...]) -> tuple[object, ...]:
    """A row read back without the empty cells at its end."""
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


# the hand-worked values of tests/test_agreement.py, to three decimals
EXPECTED = {
    "coded": (0.464, "unreliable"),
    "topic": (0.571, "unreliable"),
    "stance": (0.640, "unreliable"),
    "approach": (1.0, "reliable"),
    "actor": (0.727, "tentative"),
    "confidence": (0.794, "tentative"),
    "voice": (None, "n/a"),  # neither coder codes voice: every unit has the same value
}


def test_json_reproduces_the_hand_worked_alphas(pair: tuple[Path, Path]) -> None:
    first, second = pair
    code, out, err = agree(first, str(second), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["coders"] == [OURS, "second"]
    assert {
        f["field"]: (f["alpha"] if f["alpha"] is None else round(f["alpha"], 3), f["verdict"]) for f in data["fields"]
    } == EXPECTED
    assert all({"field", "units", "agreement", "alpha", "ci", "verdict"} <= set(f) for f in data["fields"])
    assert [(d["location"], d["fields"]) for d in data["disagreements"]] == [
        ("seeds/a.txt:1:1", ["confidence"]),
        ("seeds/a.txt:2:1", ["topic"]),
        ("seeds/a.txt:3:1", ["stance"]),
        ("seeds/a.txt:5:1", ["actor"]),
    ]
    assert [(u["coder"], u["claim"]) for u in data["unmatched"]] == [(OURS, "a6"), ("second", "b7")]
    again = agree(first, str(second), "--format", "json")
    assert again[1] == out  # the bootstrap is seeded: the same bytes every run


def test_relative_paths_from_another_folder(pair: tuple[Path, Path]) -> None:
    code, out, err = agree(Path("first"), "second", "--format", "json", cwd=pair[0].parent)
    assert code == 0, err
    assert round(json.loads(out)["fields"][1]["alpha"], 3) == 0.571


def test_a_claims_folder_inside_the_project_and_its_own_codebook(pair: tuple[Path, Path]) -> None:
    first, second = pair
    folder = first / "claims" / "coder-b"
    folder.mkdir()
    shutil.copy(second / "claims" / "a.yaml", folder / "a.yaml")
    code, out, _ = agree(first, "claims/coder-b", "--format", "json", cwd=first)
    assert code == 0 and json.loads(out)["coders"] == [OURS, "coder-b"]
    assert round(json.loads(out)["fields"][1]["alpha"], 3) == 0.571
    project, _ = check(first)
    assert [c.id for c in project.claims] == [c[0] for c in CODER_A]  # subfolders are not the project's claims
    # their own codebook, which lacks a topic they use: their problem, named after them
    (folder / "codebook.yaml").write_text(
        (first / "claims" / "codebook.yaml").read_text().replace("  - {id: space", "  - {id: spaces")
    )
    code, out, err = agree(first, "claims/coder-b", cwd=first)
    assert code == 1 and out == ""
    assert "coder-b does not validate" in err and "claims/coder-b/a.yaml" in err and "unknown-topic" in err


def test_the_table_names_fields_sources_disagreements_and_unmatched(pair: tuple[Path, Path]) -> None:
    code, out, _ = agree(pair[0], str(pair[1]))
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"Agreement between {OURS} and second: 1 of 1 source"
    row = next(line.split() for line in lines if line.lstrip().startswith("actor "))
    assert row == ["actor", "claims", "5", "80.0%", "0.727", row[5], row[6], "tentative"]
    assert "seeds/a.txt:2:1  differ on topic" in out
    assert "Unmatched claims: 2" in out and "a6: space, convergence, no approach, no actor, medium" in out


def test_min_alpha_fails_below_and_passes_at_or_under(pair: tuple[Path, Path]) -> None:
    code, _, err = agree(pair[0], str(pair[1]), "--format", "json", "--min-alpha", "0.7")
    assert code == 1 and err.strip() == "alpha below 0.7: coded 0.464, topic 0.571, stance 0.640"
    assert agree(pair[0], str(pair[1]), "--format", "json", "--min-alpha", "0.4")[0] == 0


def test_the_workbook_has_the_three_sheets(pair: tuple[Path, Path], tmp_path: Path) -> None:
    book = tmp_path / "agreement.xlsx"
    assert agree(pair[0], str(pair[1]), "--out", str(book))[0] == 0
    first_bytes = book.read_bytes()
    assert agree(pair[0], str(pair[1]), "--out", str(book))[0] == 0
    assert book.read_bytes() == first_bytes  # reproducible
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Agreement", "Coincidences", "Disagreements"]
    rows = [tuple(r) for r in wb["Agreement"].iter_rows(values_only=True)]
    assert rows[1][:5] == ("Field", "Unit", "Units", "Agreement", "Alpha")
    actor = next(r for r in rows if r[0] == "actor")
    assert (actor[2], round(actor[4], 3), actor[7]) == (5, 0.727, "tentative")
    assert wb["Agreement"].cell(row=rows.index(actor) + 1, column=8).fill.fgColor.rgb.endswith("FFEB9C")
    coincidences = [trimmed(r) for r in wb["Coincidences"].iter_rows(values_only=True)]
    at = coincidences.index(("actor (nominal, 5 matched claims)",))
    assert coincidences[at + 1 : at + 5] == [
        (None, "US", "India", "(none)"),
        ("US", 2, 1, 0),
        ("India", 1, 2, 0),
        ("(none)", 0, 0, 4),
    ]
    disagreements = [tuple(r) for r in wb["Disagreements"].iter_rows(values_only=True)]
    assert disagreements[2][:4] == ("src-a", "seeds/a.txt:1:1", "confidence", "a1")
    assert disagreements[2][3 + 8 : 3 + 8 + 1] == ("b1",)  # the second coder's claim beside the first's
    assert ("src-a", "seeds/a.txt:7:1", "second", "b7") in [r[:4] for r in disagreements]


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(pair: tuple[Path, Path], tmp_path: Path) -> None:
    from tests.test_libreoffice import convert

    book = tmp_path / "agreement.xlsx"
    assert agree(pair[0], str(pair[1]), "--out", str(book))[0] == 0
    sheets = convert(book, tmp_path / "csv")
    assert sorted(sheets) == ["Agreement", "Coincidences", "Disagreements"]
    actor = next(row for row in sheets["Agreement"] if row and row[0] == "actor")
    assert (actor[2], round(float(actor[4]), 3), actor[7]) == ("5", 0.727, "tentative")


def test_a_git_revision_is_a_coder(pair: tuple[Path, Path]) -> None:
    first = pair[0]
    subprocess.run(["git", "-C", str(first), "init", "-q"], check=True)
    (first / "claims" / "a.yaml").write_text(claims_file(CODER_B))  # the other coder's branch, committed
    subprocess.run(["git", "-C", str(first), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(first), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "b"],
        check=True,
    )
    (first / "claims" / "a.yaml").write_text(claims_file(CODER_A))  # and this coder's working tree
    code, out, err = agree(first, "git:HEAD", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["coders"] == [OURS, "git:HEAD"]
    assert {
        f["field"]: (f["alpha"] if f["alpha"] is None else round(f["alpha"], 3), f["verdict"]) for f in data["fields"]
    } == EXPECTED
    assert agree(first, "git:nope")[0] == 2


def test_a_git_revision_is_read_in_memory_over_the_projects_texts(pair: tuple[Path, Path]) -> None:
    """As `diff` does: nothing of the revision is written to disk, and a text the revision does
    not hold (here seeds/ was never committed) is read from the project, as for a coder's folder."""
    first = pair[0]
    subprocess.run(["git", "-C", str(first), "init", "-q"], check=True)
    (first / "claims" / "a.yaml").write_text(claims_file(CODER_B))
    subprocess.run(["git", "-C", str(first), "add", "claims"], check=True)
    subprocess.run(
        ["git", "-C", str(first), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "b"],
        check=True,
    )
    (first / "claims" / "a.yaml").write_text(claims_file(CODER_A))
    program = (
        "import sys\n"
        "import matrix.files.revisions as revisions\n"
        "def refuse(*args): raise SystemExit('a revision was written to disk')\n"
        "revisions.write_revision = refuse\n"
        "from matrix.cli import run\n"
        "run(sys.argv[1:], prog_name='claims-matrix')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, "agree", "git:HEAD", "--root", str(first), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    alphas = {
        f["field"]: (f["alpha"] if f["alpha"] is None else round(f["alpha"], 3), f["verdict"]) for f in data["fields"]
    }
    assert alphas == EXPECTED


def test_three_coders_and_usage_errors(pair: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = pair
    third = tmp_path / "third" / "claims"
    third.mkdir(parents=True)
    (third / "a.yaml").write_text(claims_file(CODER_A))
    code, out, _ = agree(first, str(second), str(third), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["coders"] == [OURS, "second", "claims"]
    assert data["sources"][0]["claims"] == {OURS: 6, "second": 6, "claims": 6}
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = agree(first, str(empty))
    assert code == 2 and "holds no claims files" in err
    assert agree(first, str(tmp_path / "nowhere"))[0] == 2
    assert agree(first)[0] == 2  # OTHER is required


def test_sources_not_compared_and_source_filter(pair: tuple[Path, Path]) -> None:
    first, second = pair
    (second / "seeds").mkdir()
    (second / "seeds" / "a.txt").write_text(TEXT + "One more sentence in their copy of the text.\n")
    code, out, _ = agree(first, str(second), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["sources"][0]["reason"] == "its text differs in the coding of second"
    assert all(f["verdict"] == "n/a" and f["alpha"] is None for f in data["fields"])
    assert agree(first, str(second), "--source", "src-z")[0] == 2


def test_coder_names() -> None:
    assert coder_names(["claims/second-coder", "git:main", "../b/"]) == ("second-coder", "git:main", "b")
    assert coder_names(["x/claims", "y/claims"]) == ("x/claims", "y/claims")
    assert coder_names(["a", "a"]) == ("a", "a (2)")
    assert coder_names(["this project"]) == ("this project (2)",)


SHIPPED_SOURCES = (
    "cfr-defense-norms",
    "crs-india-us-defense",
    "india-russia-counterterrorism",
    "us-india-bilateral-ties",
    "us-india-counterterrorism",
)
FIELDS = ("coded", "topic", "stance", "approach", "actor", "confidence", "voice")


def _alphas(*args: str) -> dict[str, float | None]:
    code, out, err = agree(ROOT, "claims/second-coder", "--format", "json", *args, cwd=ROOT)
    assert code == 0, err
    return {f["field"]: f["alpha"] for f in json.loads(out)["fields"]}


def test_the_shipped_second_coding_covers_every_source_and_meets_the_targets() -> None:
    """The blind second coding validates, covers all five sources, and its alphas meet the
    issue's targets: stance and approach >= 0.80, voice and confidence >= 0.667."""
    code, out, err = agree(ROOT, "claims/second-coder", "--format", "json", "--no-cache", cwd=ROOT)
    assert code == 0, err
    data = json.loads(out)
    assert {s["source"] for s in data["sources"] if s["compared"]} == set(SHIPPED_SOURCES)
    alpha = {f["field"]: f["alpha"] for f in data["fields"]}
    assert alpha["stance"] >= 0.8 and alpha["approach"] >= 0.8
    assert alpha["voice"] >= 0.667 and alpha["confidence"] >= 0.667


def test_the_readme_per_source_table_is_reproduced_from_the_shipped_files() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- agreement-per-source -->", 1)[1].strip().splitlines()
    rows = {}
    for line in table[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[1:]
    assert set(rows) == set(SHIPPED_SOURCES)
    for source in SHIPPED_SOURCES:
        alphas = _alphas("--source", source)
        assert rows[source] == ["n/a" if alphas[f] is None else f"{alphas[f]:.3f}" for f in FIELDS], source
