"""Small projects built from {path: text} dicts in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from matrix import check

CODEBOOK = """\
perspectives:
  - {id: US-India, label: U.S.-India sources}
  - {id: CFR, label: CFR analysis}
actors:
  - {id: US, label: United States}
  - {id: India, label: India}
topics:
  - {id: export-controls, label: Export controls, description: Licensing and entity lists.}
  - {id: space, label: Space}
"""

SEED_A = (
    "Title line\n"
    "The United States and India differ sharply on export controls policy.\n"
    "Both governments agree to expand civil space cooperation together.\n"
)
SEED_B = "India favors bilateral initiatives over multilateral ones in space, the memo says.\n"

# line numbers matter: tests assert them
CLAIMS_A = """\
source:
  id: src-a
  title: Source A
  publisher: Publisher A
  perspective: US-India
  text: seeds/a.txt
claims:
  - id: a-1
    topic: export-controls
    stance: divergence
    quote: The United States and India differ sharply on export controls policy.
"""
CLAIMS_B = """\
source:
  id: src-b
  title: Source B
  publisher: Publisher B
  perspective: CFR
  text: seeds/b.txt
claims:
  - id: b-1
    topic: space
    stance: divergence
    approach: bilateral
    actor: India
    quote: India favors bilateral initiatives over multilateral ones in space
"""

BASE: dict[str, str | bytes] = {
    "claims/codebook.yaml": CODEBOOK,
    "claims/a.yaml": CLAIMS_A,
    "claims/b.yaml": CLAIMS_B,
    "seeds/a.txt": SEED_A,
    "seeds/b.txt": SEED_B,
}


def write_project(root: Path, files: Mapping[str, str | bytes | None]) -> Path:
    """Write BASE overridden by `files` (None deletes a file) under root."""
    merged = {**BASE, **files}
    for name, content in merged.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


Found = list[tuple[str, int, str]]


@pytest.fixture
def problems_of(tmp_path: Path) -> Callable[[Mapping[str, str | bytes | None]], Found]:
    """(file, line, code) of every problem in BASE overridden by `files`."""

    def run(files: Mapping[str, str | bytes | None]) -> Found:
        _, report = check(write_project(tmp_path, files))
        return [(p.location.file, p.location.line, p.code) for p in report.problems]

    return run
