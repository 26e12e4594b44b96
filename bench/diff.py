"""Benchmark of `claims-matrix diff` (part of `make bench`): two revisions of a generated
project that differ in one claims file, against a warm `validate` of one of them.

Target (README, Performance): the diff takes at most twice the warm validate; both read the
project's parse cache, which is keyed by content, so the unchanged files are not parsed again.

Usage: python bench/diff.py [SIZE]   (default: 100000)
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import CLI, OUT, change_one_file, project, timed


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def median(command: list[str], runs: int = 3) -> float:
    return statistics.median(timed(command)[0] for _ in range(runs))


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repo = OUT / f"diff-{size}"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(project(size), repo, ignore=shutil.ignore_patterns(".cache", ".generated"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qm", "A")
    change_one_file(repo)
    git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qam", "B")
    validate = [*CLI, "validate", "--root", str(repo), "--format", "text", "--max-problems", "1"]
    diff = [*CLI, "diff", "git:HEAD~1", "git:HEAD", "--root", str(repo), "--format", "json"]
    timed(validate)  # fills the cache, as the analyst's last validate did
    timed(diff)
    start = time.perf_counter()
    warm_validate, warm_diff = median(validate), median(diff)
    print(f"## diff of two {size:,}-claim revisions differing in one file (median of 3)\n")
    print(f"- warm `validate`: {warm_validate:.2f} s")
    print(f"- `diff git:HEAD~1 git:HEAD`: {warm_diff:.2f} s ({warm_diff / warm_validate:.1f}x the warm validate)")
    ok = warm_diff <= 2 * warm_validate
    print(f"- [{'x' if ok else ' '}] diff <= 2 x warm validate ({warm_diff:.2f} s vs {2 * warm_validate:.2f} s)")
    print(f"\n(measured in {time.perf_counter() - start:.0f} s)")
    shutil.rmtree(repo, ignore_errors=True)


if __name__ == "__main__":
    main()
