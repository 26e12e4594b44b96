"""init, add-source, import and schema end to end, and `validate --format github`: a new
analyst's project from an empty folder, and export -> import -> export on the shipped claims."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from matrix.checks.claims_schema import SCHEMA_FILE
from matrix.cli import run
from matrix.files.loading import parse_claims_file
from tests.conftest import CLAIMS_A, write_project

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "claims").glob("*.yaml") if p.name not in ("codebook.yaml", "memos.yaml"))
STATEMENT = (
    "EU-China summit statement\n\n"
    "The European Union and China agreed to deepen their cooperation on climate action and trade.\n"
    "However, the two sides differ sharply on market access and industrial subsidies.\n"
)

Result = tuple[int, str, str]


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    with pytest.raises(SystemExit) as done:
        run(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but the cache (which every command may write)."""
    files = (p for p in folder.rglob("*") if p.is_file() and ".cache" not in p.parts)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def new_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    study = tmp_path / "study"
    code, out, _ = invoke(capsys, "init", str(study), "--perspective", "EU", "--perspective", "China", "--actor", "EU")
    assert code == 0, out
    return study


def test_init_writes_a_project_that_validates_and_refuses_an_existing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = new_project(tmp_path, capsys)
    assert sorted(files_of(study)) == sorted(
        [
            ".gitignore",
            ".vscode/settings.json",
            "README.md",
            "claims/README.md",
            "claims/claims.schema.json",
            "claims/codebook.yaml",
            "seeds/README.md",
        ]
    )
    assert (study / "output").is_dir()
    assert invoke(capsys, "validate", "--root", str(study), "--format", "text")[:2] == (
        0,
        "valid: 0 claims in 0 files: 0 errors, 0 warnings\n",
    )
    before = files_of(study)
    code, _, err = invoke(capsys, "init", str(study), "--perspective", "X")
    assert code == 1 and "already holds a project" in err and files_of(study) == before
    # a folder that only has claims/ or seeds/ already holds one too
    (tmp_path / "half" / "seeds").mkdir(parents=True)
    assert invoke(capsys, "init", str(tmp_path / "half"))[0] == 1
    assert files_of(tmp_path / "half") == {}


def test_from_an_empty_folder_to_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    study = new_project(tmp_path, capsys)
    text = tmp_path / "statement.txt"
    text.write_bytes(STATEMENT.encode())
    args = ["add-source", str(text), "--root", str(study), "--id", "eu-china", "--perspective", "EU"]
    args += ["--title", "EU-China summit: statement", "--publisher", "Council of the EU", "--published", "2025-07-24"]
    code, out, _ = invoke(capsys, *args)
    assert code == 0, out
    assert (study / "seeds" / "eu-china.txt").read_bytes() == text.read_bytes()
    written = (study / "claims" / "eu-china.yaml").read_text()
    assert written.startswith("# yaml-language-server: $schema=claims.schema.json\nsource:\n  id: eu-china\n")
    code, out, _ = invoke(capsys, "validate", "--root", str(study), "--format", "text")
    assert code == 0 and {line.split(" ")[2].rstrip(":") for line in out.splitlines()[:-1]} == {
        "unused-perspective",
        "unused-topic",
        "source-without-claims",
    }
    code, stubs, _ = invoke(capsys, "coverage", "--root", str(study), "--source", "eu-china", "--stubs")
    assert code == 0
    first = stubs.split("\n\n")[0].replace("topic: TODO", "topic: trade")
    with (study / "claims" / "eu-china.yaml").open("a") as claims:
        claims.write(first + "\n")
    code, out, _ = invoke(capsys, "build", "--root", str(study), "-q")
    assert code == 0, out
    book = openpyxl.load_workbook(study / "output" / "claims-matrix.xlsx")
    rows = list(book["Claims"].iter_rows(values_only=True))
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(r["Source"], r["Topic"]) for r in records] == [("eu-china", "trade")]
    # the same text again is fine; another text under that name, or the id again, is refused
    assert invoke(capsys, *args)[0] == 1
    assert (study / "seeds" / "eu-china.txt").read_bytes() == text.read_bytes()


def test_add_source_reports_what_validate_would_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "p", {})
    text = tmp_path / "t.txt"
    text.write_text("A text.\n")
    before = files_of(root)
    args = ["add-source", str(text), "--root", str(root), "--title", "T", "--publisher", "P"]
    cases = [
        (["--id", "src-c", "--perspective", "US-india"], [("claims/src-c.yaml", 5, "unknown-perspective")]),
        (
            ["--id", "src-c", "--perspective", "CFR", "--published", "5 June"],
            [("claims/src-c.yaml", 5, "invalid-date")],
        ),
        (["--id", "src-c", "--perspective", "CFR", "--url", "www.x.org"], [("claims/src-c.yaml", 7, "invalid-url")]),
        (["--id", "src-a", "--perspective", "CFR"], [("claims/src-a.yaml", 2, "duplicate-id")]),
        (["--id", "Src C", "--perspective", "CFR"], [("claims/new-source.yaml", 2, "malformed-id")]),
    ]
    for extra, expected in cases:
        code, _, err = invoke(capsys, *args, *extra)
        found = [(m[1], int(m[2]), m[3]) for m in re.finditer(r"(\S+\.yaml):(\d+):\d+ +(?:error|warning) (\S+)", err)]
        assert code == 1 and "nothing was written" in err, err
        assert found == expected, err
        assert files_of(root) == before
    text.write_bytes(b"caf\xe9\n")
    code, _, err = invoke(capsys, *args, "--id", "src-c", "--perspective", "CFR")
    assert code == 1 and "seeds/src-c.txt:1:4" in err and "text-not-utf8" in err
    assert files_of(root) == before


def _fresh_copy_of_the_shipped_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A new project with the shipped codebook and every shipped source added, but no claims."""
    fresh = new_project(tmp_path, capsys)
    shutil.copyfile(ROOT / "claims" / "codebook.yaml", fresh / "claims" / "codebook.yaml")
    for path in SHIPPED:
        source = parse_claims_file(f"claims/{path.name}", path.read_bytes()).source
        assert source is not None
        args = ["add-source", str(ROOT / source.text), "--root", str(fresh), "--id", source.id]
        args += ["--perspective", source.perspective, "--title", source.title, "--publisher", source.publisher]
        for name in ("author", "published", "url"):
            if getattr(source, name):
                args += [f"--{name}", getattr(source, name)]
        code, out, err = invoke(capsys, *args)
        assert code == 0, (out, err)
    return fresh


def _export(capsys: pytest.CaptureFixture[str], root: Path) -> list[dict[str, str]]:
    code, out, err = invoke(capsys, "export", "--format", "csv", "--root", str(root))
    assert code == 0, err
    assert out.startswith("\ufeff")  # the spreadsheet variant: with the byte-order mark
    return list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))


def _claims(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every field but where the claim itself is written (its line in its file)."""
    return [{k: v for k, v in row.items() if k != "claim_at"} for row in rows]


@pytest.mark.parametrize("via", ["csv", "workbook"])
def test_export_import_export_gives_the_same_claims(
    via: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = tmp_path / "shipped"
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, shipped / folder)
    before = _export(capsys, shipped)
    assert len(before) == 135
    if via == "csv":
        table = tmp_path / "claims.csv"
        assert invoke(capsys, "export", "--format", "csv", "--root", str(shipped), "--out", str(table))[0] == 0
    else:
        table = tmp_path / "claims.xlsx"
        assert invoke(capsys, "build", "-q", "--root", str(shipped), "--out", str(table))[0] == 0
    fresh = _fresh_copy_of_the_shipped_project(tmp_path, capsys)
    untouched = files_of(fresh)
    code, out, err = invoke(capsys, "import", str(table), "--root", str(fresh))
    assert code == 0, (out, err)
    assert out.splitlines()[-1] == "imported 135 claims: would write 5 claims files (run again with --write to write)"
    assert files_of(fresh) == untouched  # a dry run writes nothing
    code, out, err = invoke(capsys, "import", str(table), "--root", str(fresh), "--write")
    assert code == 0, (out, err)
    counts = [re.sub(r" \([^)]*\)", "", line) for line in out.splitlines()]
    assert counts[-1] == "imported 135 claims: wrote 5 claims files"
    added = sum(int(line.split(": ")[1].split(" ")[0]) for line in counts[:-1])
    assert added == 135 and all(", 0 changed, 0 removed" in line for line in counts[:-1])
    after = _export(capsys, fresh)
    if via == "csv":
        assert _claims(after) == _claims(before)
    else:  # every claim is new to the emptied files: they take the sheet's (matrix) order
        assert sorted(_claims(after), key=str) == sorted(_claims(before), key=str)
    # and again: nothing to change
    code, out, _ = invoke(capsys, "import", str(table), "--root", str(fresh))
    assert code == 0 and out.splitlines()[-1] == "imported 135 claims: nothing to change"


def test_import_edits_from_the_workbook_and_reports_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_project(tmp_path / "p", {"claims/a.yaml": "# a comment kept\n" + CLAIMS_A})
    book_path = tmp_path / "claims.xlsx"
    assert invoke(capsys, "build", "-q", "--root", str(root), "--out", str(book_path))[0] == 0
    untouched_b = (root / "claims" / "b.yaml").read_bytes()
    book = openpyxl.load_workbook(book_path)
    sheet = book["Claims"]
    assert sheet["E1"].value == "Stance" and sheet["M1"].value == "Note"
    assert sheet["E2"].value == "divergence"
    sheet["E2"] = "convergence"
    sheet["M3"] = 12  # a number in the note of b-1
    book.save(book_path)
    code, out, err = invoke(capsys, "import", str(book_path), "--root", str(root))
    assert code == 1 and f"{book_path}:Claims!M3: error import-typed-cell" in out, (out, err)
    sheet["M3"] = "=1+2"
    book.save(book_path)
    code, out, _ = invoke(capsys, "import", str(book_path), "--root", str(root))
    assert code == 1 and f"{book_path}:Claims!M3: error import-formula" in out
    sheet["M3"] = "null"
    book.save(book_path)
    code, out, _ = invoke(capsys, "import", str(book_path), "--root", str(root), "--write")
    assert code == 0, out
    assert out.splitlines() == [
        "claims/a.yaml: 0 added, 1 changed (a-1), 0 removed",
        "claims/b.yaml: 0 added, 1 changed (b-1), 0 removed",
        "imported 2 claims: wrote 2 claims files",
    ]
    a = (root / "claims" / "a.yaml").read_text()
    assert a.startswith("# a comment kept\nsource:\n") and "    stance: convergence\n" in a
    b = parse_claims_file("claims/b.yaml", (root / "claims" / "b.yaml").read_bytes())
    assert b.claims[0].note == "null" and untouched_b != (root / "claims" / "b.yaml").read_bytes()


def test_schema_writes_the_codebooks_schema_and_validate_warns_when_it_is_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "p", {})
    code, out, _ = invoke(capsys, "schema", "--root", str(root))
    assert (code, out) == (0, f"wrote {root / SCHEMA_FILE} (2 topics, 2 perspectives, 2 actors)\n")
    schema = json.loads((root / SCHEMA_FILE).read_text())
    assert schema["properties"]["claims"]["items"]["properties"]["topic"]["enum"] == ["export-controls", "space"]
    assert invoke(capsys, "validate", "--root", str(root), "--format", "text")[:2] == (
        0,
        "valid: 2 claims in 2 files: 0 errors, 0 warnings\n",
    )
    codebook = root / "claims" / "codebook.yaml"
    codebook.write_text(codebook.read_text() + "  - {id: trade, label: Trade}\n")
    code, out, _ = invoke(capsys, "validate", "--root", str(root), "--format", "text")
    assert code == 0 and out.startswith("claims/claims.schema.json:1:1: warning stale-schema:")


def test_validate_github_annotations_under_github_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = CLAIMS_A.replace("stance: divergence", "stance: divergance").replace("id: a-1", "id: A 1")
    root = write_project(tmp_path / "p", {"claims/a.yaml": broken})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = invoke(capsys, "validate", "--root", str(root))
    lines = out.splitlines()
    assert code == 1
    assert [line.split("::")[1] for line in lines[:2]] == [
        "error file=claims/a.yaml,line=8,col=9,title=malformed-id",
        "error file=claims/a.yaml,line=10,col=13,title=unknown-stance",
    ]
    assert lines[2].startswith("claims/a.yaml:8:9: error malformed-id:")
    assert lines[3].startswith("claims/a.yaml:10:13: error unknown-stance:")
    assert lines[4].startswith("invalid: ")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert not invoke(capsys, "validate", "--root", str(root))[1].startswith("::")


def test_add_source_keeps_a_text_already_there_and_refuses_a_different_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "p", {"seeds/src-c.txt": "Already here.\n"})
    text = tmp_path / "c.txt"
    args = ["add-source", str(text), "--root", str(root), "--id", "src-c", "--perspective", "CFR"]
    args += ["--title", "T", "--publisher", "P"]
    text.write_text("Another text.\n")
    before = files_of(root)
    code, _, err = invoke(capsys, *args)
    assert code == 1 and "seeds/src-c.txt already exists with other content" in err and files_of(root) == before
    text.write_text("Already here.\n")
    code, out, _ = invoke(capsys, *args)
    assert code == 0 and out == "wrote claims/src-c.yaml (no claims yet) and seeds/src-c.txt (was already there)\n"


def test_import_touches_only_the_files_whose_claims_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_project(tmp_path / "p", {})
    table = tmp_path / "claims.csv"
    assert invoke(capsys, "export", "--format", "csv", "--root", str(root), "--out", str(table))[0] == 0
    table.write_text(table.read_text().replace(",divergence,", ",convergence,", 1))
    before = files_of(root)
    code, out, _ = invoke(capsys, "import", str(table), "--root", str(root), "--write")
    assert code == 0 and out.splitlines() == [
        "claims/a.yaml: 0 added, 1 changed (a-1), 0 removed",
        "claims/b.yaml: unchanged",
        "imported 2 claims: wrote 1 claims file",
    ]
    after = files_of(root)
    assert [name for name in after if after[name] != before[name]] == ["claims/a.yaml"]
    assert invoke(capsys, "import", str(tmp_path / "p" / "claims" / "a.yaml"), "--root", str(root))[0] == 2
