"""The curated claims are data under test: they must validate clean, strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from matrix import check

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_claims_validate_strictly() -> None:
    project, report = check(ROOT)
    assert [(p.location.file, p.location.line, p.code) for p in report.problems] == []
    assert report.passes(strict=True)
    assert len(project.sources) == 5


def test_codebook_has_the_three_perspectives_in_order() -> None:
    project, _ = check(ROOT)
    assert project.codebook is not None
    assert project.codebook.ids("perspectives") == ("US-India", "India-Russia", "CFR")
    assert project.codebook.ids("actors") == ("US", "India", "Russia")
    assert 10 <= len(project.codebook.topics) <= 16
    assert all(t.description for t in project.codebook.topics)


def test_every_source_is_coded_thoroughly() -> None:
    project, _ = check(ROOT)
    per_source = {s.id: sum(c.source == s.id for c in project.claims) for s in project.sources}
    assert all(count >= 10 for count in per_source.values()), per_source


def test_seeds_are_the_shared_texts_unchanged() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    ours = sorted(p.read_bytes() for p in (ROOT / "seeds").glob("*.txt"))
    theirs = sorted(p.read_bytes() for p in shared.glob("*.txt"))
    assert ours == theirs
