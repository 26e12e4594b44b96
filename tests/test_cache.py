"""The parse cache: reused when inputs are unchanged, ignored when stale or corrupt."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

import matrix.files.cache
import matrix.files.workers
from matrix import check
from matrix.checks.pipeline import check_files, findings_cache, load_project, locate_quotes, parse_cache, quotes_cache
from matrix.files.cache import CACHE_FILE
from matrix.files.where import ProjectFiles
from tests.conftest import CLAIMS_A, PIVOT_FILES, write_project


def entries(root: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(root / CACHE_FILE)) as db:
        return [key for (key,) in db.execute("SELECT key FROM entries ORDER BY key")]


def summary(root: Path, cache: bool) -> list[tuple[str, int, str]]:
    _, report = check(root, cache=cache)
    return [(p.location.file, p.location.line, p.code) for p in report.problems] + [
        (k, 0, str(v)) for k, v in report.quote_starts.items()
    ]


def test_warm_run_hits_and_matches_a_cold_run(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("differ sharply", "differ slightly")})
    cold = summary(root, cache=True)
    assert len(entries(root)) == 6  # two parsed files, two quote-location results, two files' findings
    cache = parse_cache(root)
    load_project(root, cache=cache)
    assert (cache.hits, cache.misses) == (2, 0)
    assert summary(root, cache=True) == cold == summary(root, cache=False)


def test_a_files_findings_are_kept_until_its_codebook_or_text_changes(tmp_path: Path) -> None:
    """A warm run takes each claims file's findings from the cache; a changed codebook or
    text is another key, and the file is checked again."""
    root = write_project(tmp_path, {})
    cold = summary(root, cache=True)
    project = load_project(root)
    located = locate_quotes(project, quotes_cache(None))
    warm = findings_cache(root)
    assert check_files(project, located, warm) == check_files(project, located, findings_cache(None))
    assert (warm.hits, warm.misses) == (2, 0)
    codebook = root / "claims" / "codebook.yaml"
    codebook.write_text(codebook.read_text() + "\n# edited\n")
    project = load_project(root)
    changed = findings_cache(root)
    check_files(project, located, changed)
    assert (changed.hits, changed.misses) == (0, 2)
    assert summary(root, cache=True) == cold


def test_changed_file_misses(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    summary(root, cache=True)
    (root / "claims" / "a.yaml").write_text(CLAIMS_A.replace("stance: divergence", "stance: divergance"))
    cache = parse_cache(root)
    load_project(root, cache=cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert [code for _, _, code in summary(root, cache=True)][:1] == ["unknown-stance"]


@pytest.mark.parametrize("damage", ["empty", "garbage", "zeros", "swapped"])
def test_corrupt_entries_are_ignored(tmp_path: Path, damage: str) -> None:
    root = write_project(tmp_path, {})
    cold = summary(root, cache=True)
    with contextlib.closing(sqlite3.connect(root / CACHE_FILE)) as db:
        values = [value for (value,) in db.execute("SELECT value FROM entries ORDER BY key")]
        damaged = {"empty": [b""] * 6, "garbage": [b"garbage"] * 6, "zeros": [b"\0" * 64] * 6}.get(
            damage,
            values[::-1],  # swapped: sound values, each under another entry's key
        )
        db.executemany("UPDATE entries SET value = ? WHERE key = ?", zip(damaged, entries(root), strict=True))
        db.commit()
    assert summary(root, cache=True) == cold
    cache = parse_cache(root)
    load_project(root, cache=cache)
    assert cache.hits == 2  # rewritten by the previous run


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, b"SQLite format 3\0" + b"\xff" * 4000])
def test_a_damaged_database_is_replaced(tmp_path: Path, damage: bytes) -> None:
    root = write_project(tmp_path, {})
    cold = summary(root, cache=True)
    (root / CACHE_FILE).write_bytes(damage)
    assert summary(root, cache=True) == cold
    assert len(entries(root)) == 6
    cache = parse_cache(root)
    load_project(root, cache=cache)
    assert cache.hits == 2


def test_a_cache_locked_by_another_run_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {})
    cold = summary(root, cache=True)
    (root / "claims" / "a.yaml").write_text(CLAIMS_A.replace("stance: divergence", "stance: divergance"))
    monkeypatch.setattr(matrix.files.cache, "LOCK_TIMEOUT", 0.05)
    with contextlib.closing(sqlite3.connect(root / CACHE_FILE, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another run writing
        cache = parse_cache(root)
        project = load_project(root, cache=cache)  # cannot even read: every file parsed afresh
        assert (cache.hits, cache.misses, cache.path) == (0, 0, None)
        assert "divergance" in {c.stance for c in project.claims}
        other.execute("ROLLBACK")
    assert summary(root, cache=True) != cold
    assert len(entries(root)) == 9  # the changed file's entries (parse, quotes, findings) were stored by the run after


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    summary(root, cache=False)
    assert not (root / ".cache").exists()


def test_parallel_parse_equals_sequential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = CLAIMS_A.replace("stance: divergence", "stance: divergance").replace("title: Source A", "title: [x]")
    root = write_project(tmp_path, {**PIVOT_FILES, "claims/c.yaml": broken.replace("src-a", "src-c")})
    sequential = load_project(root)
    monkeypatch.setattr(matrix.files.workers, "PARALLEL_WEIGHT", 1)
    monkeypatch.setattr(matrix.files.workers.os, "cpu_count", lambda: 2)
    parallel = load_project(root)
    assert parallel.files == sequential.files
    assert [c.positions for c in parallel.claims] == [c.positions for c in sequential.claims]
    assert [f.source.positions if f.source else None for f in parallel.files] == [
        f.source.positions if f.source else None for f in sequential.files
    ]
    assert parallel.all_problems() == sequential.all_problems() != ()


def test_entries_of_the_earlier_file_cache_are_removed(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    old = root / CACHE_FILE
    (old.parent / "ab").mkdir(parents=True)
    (old.parent / "ab" / ("ab" + "0" * 62)).write_bytes(b"an entry of the earlier cache")
    (old.parent / "notes").mkdir()  # not ours to remove
    cold = summary(root, cache=True)
    assert sorted(p.name for p in old.parent.iterdir()) == ["cache.sqlite3", "notes"]
    assert summary(root, cache=True) == cold and len(entries(root)) == 6


def test_a_copy_of_the_project_shares_the_projects_cache(tmp_path: Path) -> None:
    import shutil

    root = write_project(tmp_path / "project", {})
    first = check(root, cache=True)
    stored = entries(root)
    copy = tmp_path / "revision"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".cache"))
    project, report = check(ProjectFiles(copy, cache_root=root), cache=True)
    assert not (copy / ".cache").exists()
    assert entries(root) == stored  # every parse and quote location was found there: nothing added
    assert report == first[1] and project.claims == first[0].claims


def test_an_upgraded_parser_or_scorer_is_another_salt(tmp_path: Path) -> None:
    """Parsed files come from PyYAML and a file's findings (near duplicates, the closest
    passage of a quote not found) from rapidfuzz: entries made with other versions of them
    are never read (their versions are read from their metadata folders' names)."""
    import sys

    from matrix.files import cache

    site = tmp_path / "site-packages"
    for name in ("rapidfuzz-3.14.6.dist-info", "PyYAML-6.0.4.dist-info", "types_pyyaml-6.0.12.dist-info", "other"):
        (site / name).mkdir(parents=True)
    before = cache._library_versions([str(site), str(tmp_path / "absent")])
    assert before == b"pyyaml-6.0.4|rapidfuzz-3.14.6"
    (site / "rapidfuzz-3.14.6.dist-info").rename(site / "rapidfuzz-3.15.0.dist-info")
    assert cache._library_versions([str(site)]) == b"pyyaml-6.0.4|rapidfuzz-3.15.0"
    installed = cache._library_versions(sys.path)
    assert b"pyyaml-" in installed and b"rapidfuzz-" in installed and installed in cache._SALT
