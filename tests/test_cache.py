"""The parse cache: reused when inputs are unchanged, ignored when stale or corrupt."""

from __future__ import annotations

from pathlib import Path

import pytest

import matrix.workers
from matrix import check
from matrix.cache import CACHE_DIR
from matrix.loading import load_project, parse_cache
from tests.conftest import CLAIMS_A, PIVOT_FILES, write_project


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / CACHE_DIR).rglob("*") if p.is_file())


def summary(root: Path, cache: bool) -> list[tuple[str, int, str]]:
    _, report = check(root, cache=cache)
    return [(p.location.file, p.location.line, p.code) for p in report.problems] + [
        (k, 0, str(v)) for k, v in report.anchors.items()
    ]


def test_warm_run_hits_and_matches_a_cold_run(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("differ sharply", "differ slightly")})
    cold = summary(root, cache=True)
    assert len(entries(root)) == 4  # two parsed files, two quote-location results
    cache = parse_cache(root)
    load_project(root, cache=cache)
    assert (cache.hits, cache.misses) == (2, 0)
    assert summary(root, cache=True) == cold == summary(root, cache=False)


def test_changed_file_misses(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    summary(root, cache=True)
    (root / "claims" / "a.yaml").write_text(CLAIMS_A.replace("stance: divergence", "stance: divergance"))
    cache = parse_cache(root)
    load_project(root, cache=cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert [code for _, _, code in summary(root, cache=True)][:1] == ["unknown-stance"]


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x00" * 64])
def test_corrupt_entries_are_ignored(tmp_path: Path, damage: bytes) -> None:
    root = write_project(tmp_path, {})
    cold = summary(root, cache=True)
    for entry in entries(root):
        entry.write_bytes(damage)
    assert summary(root, cache=True) == cold
    cache = parse_cache(root)
    load_project(root, cache=cache)
    assert cache.hits == 2  # rewritten by the previous run


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    summary(root, cache=False)
    assert not (root / ".cache").exists()


def test_parallel_parse_equals_sequential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = CLAIMS_A.replace("stance: divergence", "stance: divergance").replace("title: Source A", "title: [x]")
    root = write_project(tmp_path, {**PIVOT_FILES, "claims/c.yaml": broken.replace("src-a", "src-c")})
    sequential = load_project(root)
    monkeypatch.setattr(matrix.workers, "PARALLEL_WEIGHT", 1)
    monkeypatch.setattr(matrix.workers.os, "cpu_count", lambda: 2)
    parallel = load_project(root)
    assert parallel.files == sequential.files
    assert [c.spans for c in parallel.claims] == [c.spans for c in sequential.claims]
    assert [f.source.spans if f.source else None for f in parallel.files] == [
        f.source.spans if f.source else None for f in sequential.files
    ]
    assert parallel.all_problems() == sequential.all_problems() != ()
