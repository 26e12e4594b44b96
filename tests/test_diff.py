"""`claims-matrix diff`: what changed between two revisions, named exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from matrix.analysis.diff import marked
from tests.conftest import PIVOT_FILES, write_project


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def diff(root: Path, *args: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "matrix", "diff", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100"},
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The pivot project in a subfolder of a git repository, committed once."""
    root = write_project(tmp_path / "repo" / "project", PIVOT_FILES)
    git(tmp_path / "repo", "init", "-q")
    commit(tmp_path / "repo", "first coding")
    return root


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = root / name
    text = path.read_text()
    assert text.count(old) >= count, (old, text)
    path.write_text(text.replace(old, new, count))


def test_each_kind_of_change_is_named(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    # a recoded stance that flips the CFR space cell, a new claim, a removed claim, an edited passage
    edit(
        repo,
        "claims/b.yaml",
        "- id: b4\n    topic: space\n    stance: convergence",
        "- id: b4\n    topic: space\n    stance: divergence",
    )
    edit(repo, "claims/a.yaml", "  - id: a3\n", "  - id: a3-renamed\n")
    edit(
        repo,
        "claims/a.yaml",
        "stance: convergence\n    quote: 'Both",
        "stance: convergence\n    confidence: high\n    quote: 'Both",
    )
    second = commit(repo.parent, "recode")
    code, out, err = diff(repo, f"git:{first}", f"git:{second}", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [c["id"] for c in data["claims"]["added"]] == ["a3-renamed"]
    assert [c["id"] for c in data["claims"]["removed"]] == ["a3"]
    assert data["claims"]["renamed"] == [{"old": "a3", "new": "a3-renamed"}]
    changed = {c["id"]: c["fields"] for c in data["claims"]["changed"]}
    assert changed == {"a4": {"confidence": ["medium", "high"]}, "b4": {"stance": ["convergence", "divergence"]}}
    cells = {(c["topic"], c["perspective"]): c for c in data["cells"]}
    space = cells[("space", "CFR")]
    assert space["old"] == {"convergence": 1, "divergence": 1, "net": 0.0}
    assert space["new"] == {"convergence": 0, "divergence": 2, "net": -1.0}
    assert space["flag"] == "changed"  # 0.00 -> -1.00 is no sign flip
    assert set(cells) == {("space", "CFR")}


def test_sign_flip_new_and_emptied_cells_and_moved_sources(repo: Path) -> None:
    edit(repo, "claims/a.yaml", "stance: convergence", "stance: divergence", 3)  # US-India export controls flips
    edit(repo, "claims/b.yaml", "perspective: CFR", "perspective: US-India")  # all of src-b moves column
    code, out, err = diff(repo, "--format", "json")  # git:HEAD against the working tree
    assert code == 0, err
    data = json.loads(out)
    assert data["sources"] == [{"id": "src-b", "fields": {"perspective": ["CFR", "US-India"]}, "moves": 4}]
    flags = {(c["topic"], c["perspective"]): c["flag"] for c in data["cells"]}
    assert flags[("export-controls", "US-India")] == "sign flipped"
    assert flags[("export-controls", "CFR")] == "emptied"
    assert flags[("space", "CFR")] == "emptied"
    assert data["contrasts"]["disappeared"] and not data["contrasts"]["appeared"]


def test_edited_passage_and_moved_claim(repo: Path) -> None:
    b = (repo / "claims" / "b.yaml").read_text()
    claim_b1 = b[b.index("  - id: b1") : b.index("  - id: b2")]
    (repo / "claims" / "b.yaml").write_text(b.replace(claim_b1, ""))
    (repo / "claims" / "a.yaml").write_text((repo / "claims" / "a.yaml").read_text() + claim_b1)
    edit(repo, "claims/a.yaml", "quote: 'Both governments agree to expand civil space cooperation together.'",
         "quote: 'Both governments agree to expand civil space cooperation'")  # fmt: skip
    code, out, _ = diff(repo, "--format", "json")
    assert code == 0
    changed = {c["id"]: c for c in json.loads(out)["claims"]["changed"]}
    assert changed["b1"]["moved"] == ["claims/b.yaml (src-b)", "claims/a.yaml (src-a)"]
    assert changed["a4"]["passages"]["new"] == ["Both governments agree to expand civil space cooperation"]
    assert (
        changed["a4"]["passages"]["marked"] == "Both governments agree to expand civil space cooperation [-together.-]"
    )


def test_exit_code_and_no_changes(repo: Path) -> None:
    assert diff(repo, "git:HEAD", "git:HEAD", "--exit-code")[:2] == (0, "no changes (git:HEAD → git:HEAD)\n")
    assert diff(repo, "--exit-code")[0] == 0
    edit(repo, "claims/a.yaml", "confidence: high", "confidence: low")
    code, out, _ = diff(repo, "--exit-code")
    assert code == 1 and "a1" in out and "confidence: high → low" in out
    assert diff(repo)[0] == 0  # without --exit-code a change is no failure


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("git:no-such-rev",), "unknown revision 'no-such-rev'"),
        (("git:",), "'git:' needs a revision"),
        (("nowhere",), "'nowhere' is neither a folder nor git:REV"),
    ],
)
def test_unknown_revisions_are_usage_errors(repo: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = diff(repo, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_not_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "plain", PIVOT_FILES)
    code, _, err = diff(root)
    assert code == 2 and "is not in a git repository" in err


def test_a_side_that_does_not_validate_is_named(repo: Path) -> None:
    edit(repo, "claims/a.yaml", "stance: divergence", "stance: divergance")
    code, out, err = diff(repo)
    assert code == 1 and out == ""
    assert "working tree" in err and "unknown-stance" in err


def test_folders_filters_and_changes_workbook(repo: Path, tmp_path: Path) -> None:
    other = write_project(tmp_path / "other", PIVOT_FILES)
    edit(other, "claims/a.yaml", "stance: convergence", "stance: divergence")  # a1 recoded (export-controls)
    edit(
        other,
        "claims/b.yaml",
        "- id: b3\n    topic: space\n    stance: divergence",
        "- id: b3\n    topic: space\n    stance: convergence",
    )
    code, out, _ = diff(repo, str(repo), str(other), "--format", "json", "--topic", "space")
    data = json.loads(out)
    assert code == 0 and [c["id"] for c in data["claims"]["changed"]] == ["b3"]
    book = tmp_path / "changes.xlsx"
    code, _, err = diff(repo, str(repo), str(other), "--out", str(book))
    assert code == 0, err
    sheets = openpyxl.load_workbook(book)
    claims = list(sheets["Claims"].iter_rows(values_only=True))
    assert claims[0][:5] == ("claim", "change", "field", "old", "new")
    assert ("a1", "recoded", "stance", "convergence", "divergence") in [row[:5] for row in claims]
    cells = list(sheets["Cells"].iter_rows(values_only=True))
    assert ("space", "CFR") in [row[:2] for row in cells]
    again = tmp_path / "again.xlsx"
    diff(repo, str(repo), str(other), "--out", str(again))
    assert again.read_bytes() == book.read_bytes()


def test_marked_words() -> None:
    assert marked("a b c d", "a x c d e") == "a [-b-]{+x+} c d {+e+}"
    assert marked("same", "same") == "same"
