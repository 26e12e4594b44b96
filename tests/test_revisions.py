"""Versions of a project read in one run: git revisions held in memory (`Snapshot`), read with
the same checks and problems as a folder, and the work two versions share done once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matrix import check
from matrix.analysis.diff import side_of
from matrix.analysis.pivot import AnalysisOptions, analyse, summary_numbers
from matrix.checks.pipeline import Shared
from matrix.files.loading import Snapshot
from matrix.files.revisions import checkout, inputs_digest, inputs_revision, inputs_stamp
from matrix.files.where import ProjectFiles
from matrix.model.terms import Unit
from matrix.model.values import Filters
from matrix.time.timeline import TimeRange
from tests.conftest import PIVOT_FILES, SEED_A, write_project
from tests.test_diff import commit, diff, git


def snapshot_of(root: Path) -> Snapshot:
    """Every file under `root`, as a git revision of it is held in memory."""
    return Snapshot(
        {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
    )


def text_at(path: str) -> dict[str, str | bytes | None]:
    return {"claims/a.yaml": PIVOT_FILES["claims/a.yaml"].replace("text: seeds/a.txt", f"text: {path}")}  # type: ignore[union-attr]


CASES: dict[str, dict[str, str | bytes | None]] = {
    "valid": {},
    "text missing (did you mean)": text_at("seeds/a.tx"),
    "text outside with ..": text_at("../outside.txt"),
    "text is a folder": text_at("seeds"),
    "text through a missing folder": text_at("seeds/gone/../a.txt"),
    "text through claims/..": text_at("claims/../seeds/a.txt"),
    "text path with a NUL": text_at('"seeds/a\\0.txt"'),
    "text absolute": text_at("/etc/passwd"),
    "no codebook": {"claims/codebook.yaml": None},
    "a folder named like a claims file": {"claims/folder.yaml/x.txt": "x"},
    "claims file not UTF-8": {"claims/c.yaml": b"source: \xff\n"},
    "memos": {"claims/memos.yaml": "memos:\n  - topic: space\n    text: a memo\n    claims: [a1, gone]\n"},
    "no seeds folder": {"seeds/a.txt": None, "seeds/b.txt": None},
}


VALID = ("valid", "text through claims/..")


@pytest.mark.parametrize("case", list(CASES))
def test_a_snapshot_reads_like_its_folder(tmp_path: Path, case: str) -> None:
    root = write_project(tmp_path / "project", {**PIVOT_FILES, **CASES[case]})
    (tmp_path / "outside.txt").write_text(SEED_A)
    on_disk = check(root)
    in_memory = check(ProjectFiles(root, snapshot_of(root)))
    assert in_memory == on_disk
    assert bool(on_disk[1].problems) == (case not in VALID)


def test_a_file_over_the_size_limit_is_reported_alike(tmp_path: Path) -> None:
    root = write_project(tmp_path, PIVOT_FILES)
    assert check(ProjectFiles(root, snapshot_of(root), max_bytes=200)) == check(ProjectFiles(root, max_bytes=200))
    codes = {(p.location.file, p.code) for p in check(ProjectFiles(root, max_bytes=200))[1].problems}
    assert ("claims/a.yaml", "file-too-large") in codes


def test_snapshot_folders_and_paths_follow_the_file_system() -> None:
    snapshot = Snapshot({"claims/a.yaml": b"", "seeds/a.txt": b"x", "seeds/deep/b.txt": b""})
    assert snapshot.entries("") == ["claims", "seeds"]
    assert snapshot.entries("seeds") == ["a.txt", "deep"]
    with pytest.raises(FileNotFoundError):
        snapshot.entries("nothing")
    assert snapshot.walk(("seeds", "a.txt")) == ("seeds/a.txt", True, True)
    assert snapshot.walk(("seeds",)) == ("seeds", True, False)
    assert snapshot.walk(("seeds", "deep", "..", "a.txt")) == ("seeds/a.txt", True, True)
    assert snapshot.walk(("seeds", "gone", "..", "a.txt")) == ("seeds/a.txt", False, False)
    assert snapshot.walk(("seeds", "a.txt", "..", "a.txt")) == ("seeds/a.txt", False, False)  # through a file
    assert snapshot.walk(("seeds", "..", "..", "x")) == (None, False, False)


def test_versions_read_in_one_run_share_their_files(tmp_path: Path) -> None:
    old = write_project(tmp_path / "old", PIVOT_FILES)
    edited = PIVOT_FILES["claims/b.yaml"].replace("id: b4", "id: b5")  # type: ignore[union-attr]
    new = write_project(tmp_path / "new", {**PIVOT_FILES, "claims/b.yaml": edited})
    shared = Shared()
    old_project, old_report = check(old, shared=shared)
    new_project, new_report = check(new, shared=shared)
    # the same values as each version read on its own, and the very same objects where the file is the same
    assert (old_project, old_report) == check(old)
    assert (new_project, new_report) == check(new)
    (old_a, old_b, *_), (new_a, new_b, *_) = old_project.files, new_project.files
    assert new_a is old_a and new_b is not old_b
    assert [claim.id for claim in new_b.claims] == ["b1", "b2", "b3", "b5"]
    assert len(shared.findings) == 3  # a.yaml once, b.yaml twice


@pytest.mark.parametrize(
    ("filters", "count", "time_range"),
    [
        (Filters(), "claims", None),
        (Filters(), "sources", None),
        (Filters(perspectives=("CFR",), actors=("US", "India")), "claims", None),
        (Filters(topics=("space",)), "sources", TimeRange.parse(since="2020")),
    ],
)
def test_a_sides_numbers_are_those_of_the_summary(
    tmp_path: Path, filters: Filters, count: str, time_range: TimeRange | None
) -> None:
    dated = PIVOT_FILES["claims/a.yaml"].replace("  text:", "  published: 2024-05\n  text:")  # type: ignore[union-attr]
    project, report = check(write_project(tmp_path, {**PIVOT_FILES, "claims/a.yaml": dated}))
    side, selection = side_of("version", project, filters, count, time_range)
    numbers = side.numbers
    analysis = analyse(project, report, AnalysisOptions(filters, Unit(count), time_range or TimeRange()))
    summary = summary_numbers(analysis)
    assert numbers["stance"] == [{k: v for k, v in row.items() if k != "sources"} for row in summary["stance"]]  # type: ignore[attr-defined]
    assert numbers["contrasts"] == summary["contrasts"]
    assert selection == analysis.selection
    assert any(row["net"] is not None for row in numbers["stance"])  # not all empty


def test_two_revisions_read_their_common_files_once(tmp_path: Path) -> None:
    root = write_project(tmp_path, PIVOT_FILES)
    git(root, "init", "-q")
    commit(root, "first")
    (root / "claims/b.yaml").write_text(PIVOT_FILES["claims/b.yaml"].replace("id: b4", "id: b5"))  # type: ignore[union-attr]
    commit(root, "second")
    blobs: dict[str, bytes] = {}
    with checkout("git:HEAD~1", root, blobs) as old, checkout("git:HEAD", root, blobs) as new:
        assert old.snapshot is not None and new.snapshot is not None
        assert old.root == new.root == root  # in memory: nothing written anywhere
        assert old.snapshot.files["claims/a.yaml"] is new.snapshot.files["claims/a.yaml"]
        assert b"id: b5" in new.snapshot.files["claims/b.yaml"]
        assert b"id: b5" not in old.snapshot.files["claims/b.yaml"]
    # codebook, a.yaml, the two b.yaml, and one text (seeds/b.txt holds the same bytes as seeds/a.txt)
    assert len(blobs) == 5


def test_a_revision_with_a_symbolic_link_is_followed_as_in_a_folder(tmp_path: Path) -> None:
    root = write_project(tmp_path, PIVOT_FILES)
    os.symlink("a.txt", root / "seeds/link.txt")
    linked = PIVOT_FILES["claims/a.yaml"].replace("text: seeds/a.txt", "text: seeds/link.txt")  # type: ignore[union-attr]
    (root / "claims/a.yaml").write_text(linked)
    git(root, "init", "-q")
    commit(root, "a text through a link")
    with checkout("git:HEAD", root) as version:
        assert version.snapshot is None and version.root != root  # written out, for the link to be followed
        assert (version.root / "seeds/link.txt").is_symlink()
        _, report = check(version.root)
        assert report.errors == 0, report.problems
    assert diff(root, "git:HEAD", "--exit-code")[:2] == (0, "no changes (git:HEAD → working tree)\n")
    os.remove(root / "seeds/a.txt")  # the link now points nowhere: the working tree no longer validates
    code, _, err = diff(root, "git:HEAD")
    assert code == 1 and "working tree" in err and "text-missing" in err


def test_a_revision_before_the_project_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("not yet\n")
    git(tmp_path, "init", "-q")
    commit(tmp_path, "before the project")
    root = write_project(tmp_path / "project", PIVOT_FILES)
    commit(tmp_path, "the project")
    code, _, err = diff(root, "git:HEAD~1", "git:HEAD")
    assert code == 2
    assert "no claims/ folder at HEAD~1" in err


def test_diff_does_without_pandas(tmp_path: Path) -> None:
    """The matrix numbers diff compares are counted in plain Python: pandas' import is spared."""
    import subprocess
    import sys

    root = write_project(tmp_path, PIVOT_FILES)
    git(root, "init", "-q")
    commit(root, "first")
    (root / "claims/b.yaml").write_text(PIVOT_FILES["claims/b.yaml"].replace("id: b4", "id: b5"))  # type: ignore[union-attr]
    script = (
        "import sys\n"
        "from matrix.cli import run\n"
        "import matrix.cli.process as p\n"
        "p.finish = lambda code: (print('pandas' in sys.modules, code, file=sys.stderr), sys.exit(code))\n"
        "import matrix.cli.versions as v\n"
        "v.finish = p.finish\n"
        f"run(['diff', '--root', {str(root)!r}, '--format', 'json'])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.stderr.splitlines()[-1] == "False 0", done.stderr
    assert '"id": "b5"' in done.stdout


def test_the_inputs_stamp_names_their_last_commit_and_uncommitted_changes(tmp_path: Path) -> None:
    """What printed pages name their inputs by: the last commit that changed them, `+ uncommitted
    changes` when one differs from it, and always a digest of their contents; no git, no commit."""
    root = write_project(tmp_path / "p", PIVOT_FILES)
    project, _ = check(root)
    assert inputs_revision(root, project.inputs) is None  # not a git repository
    assert inputs_stamp(project.inputs) == f"inputs {inputs_digest(project.inputs)}"
    git(root, "init", "-q")
    full = commit(root, "claims")
    (root / "notes.md").write_text("not an input\n")
    short, day = git(root, "log", "-1", "--format=%h"), git(root, "log", "-1", "--format=%cs")
    assert full.startswith(short)
    assert inputs_revision(root, project.inputs) == f"git {short} ({day})"
    with (root / "claims" / "a.yaml").open("a") as handle:
        handle.write("# edited\n")
    changed, _ = check(root)
    assert inputs_revision(root, changed.inputs) == f"git {short} ({day}) + uncommitted changes"
    assert inputs_digest(changed.inputs) != inputs_digest(project.inputs)
    stamp = inputs_stamp(changed.inputs, inputs_revision(root, changed.inputs))
    assert stamp == f"git {short} ({day}) + uncommitted changes, inputs {inputs_digest(changed.inputs)}"


def test_build_and_report_stamp_their_outputs_with_the_inputs_revision(tmp_path: Path) -> None:
    import subprocess
    import sys

    import openpyxl

    root = write_project(tmp_path / "p", PIVOT_FILES)
    git(root, "init", "-q")
    commit(root, "claims")
    short, day = git(root, "log", "-1", "--format=%h"), git(root, "log", "-1", "--format=%cs")
    for command in ("build", "report"):
        done = subprocess.run(
            [sys.executable, "-m", "matrix", command, "--root", str(root), *(["-q"] if command == "build" else [])],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    page = (root / "output" / "claims-matrix.html").read_text()
    assert f"Inputs: git {short} ({day}), inputs " in page and "filters: none (all claims)" in page
    book = openpyxl.load_workbook(root / "output" / "claims-matrix.xlsx")
    assert all(str(ws.oddFooter.right.text).startswith(f"git {short} ({day}), inputs ") for ws in book.worksheets)
