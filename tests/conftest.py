"""Small projects built from {path: text} dicts in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from hypothesis import settings

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


def claims_yaml(source_id: str, perspective: str, text: str, claims: list[dict[str, str]]) -> str:
    """A claims file for `claims`, each a dict of fields (quote defaults to a SEED_A line)."""
    lines = [
        "source:",
        f"  id: {source_id}",
        f"  title: Title of {source_id}",
        "  publisher: Publisher",
        f"  perspective: {perspective}",
        f"  text: {text}",
        "claims:",
    ]
    for claim in claims:
        first = True
        for key, value in claim.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {value}")
            first = False
    return "\n".join(lines) + "\n"


EXPORT_QUOTE = "The United States and India differ sharply on export controls policy."
SPACE_QUOTE = "Both governments agree to expand civil space cooperation together."


def c(claim_id: str, topic: str, stance: str, **extra: str) -> dict[str, str]:
    quote = EXPORT_QUOTE if topic == "export-controls" else SPACE_QUOTE
    return {"id": claim_id, "topic": topic, "stance": stance, **extra, "quote": f"'{quote}'"}


# A hand-made set with known matrices (see tests/test_pivot.py for the expected numbers).
PIVOT_FILES: dict[str, str | bytes | None] = {
    "seeds/b.txt": SEED_A,
    "claims/a.yaml": claims_yaml(
        "src-a",
        "US-India",
        "seeds/a.txt",
        [
            c("a1", "export-controls", "convergence", confidence="high", approach="bilateral", voice="stated"),
            c("a2", "export-controls", "divergence", confidence="low", approach="unilateral", actor="US"),
            c(
                "a3",
                "export-controls",
                "convergence",
                approach="bilateral",
                accept="{near-duplicate-claims: the test codes one sentence twice}",
            ),
            c("a4", "space", "convergence"),
        ],
    ),
    "claims/b.yaml": claims_yaml(
        "src-b",
        "CFR",
        "seeds/b.txt",
        [
            c(
                "b1",
                "export-controls",
                "divergence",
                confidence="high",
                approach="unilateral",
                actor="US",
                voice="forecast",
            ),
            c("b2", "export-controls", "divergence", approach="multilateral", actor="India", voice="assessment"),
            c(
                "b3",
                "space",
                "divergence",
                approach="bilateral",
                actor="India",
                accept="{actor-names-both: the test gives a two-party sentence an actor}",
            ),
            c("b4", "space", "convergence", confidence="low", approach="bilateral"),
        ],
    ),
}


# CI runs the property tests derandomized: a red run must be reproducible, never a coin toss.
# `HYPOTHESIS_PROFILE=long` searches much harder, by hand.
settings.register_profile("ci", derandomize=True)
settings.register_profile("long", max_examples=3000)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI"):
    settings.load_profile("ci")


def let_the_second_coding_leave_out_voice(project: Path) -> None:
    """In a copy of the shipped project: when its second coding predates `voice` (which the
    codebook requires), give that coding the codebook without the requirement, so that tests
    of `agree`'s mechanics can still run on it (the blind recoding with voice replaces it)."""
    second = project / "claims" / "second-coder"
    files = list(second.glob("*.yaml"))
    if files and not all("voice:" in p.read_text(encoding="utf-8") for p in files):
        codebook = (project / "claims" / "codebook.yaml").read_text(encoding="utf-8")
        (second / "codebook.yaml").write_text(
            "\n".join(line for line in codebook.splitlines() if not line.startswith("require:")) + "\n",
            encoding="utf-8",
        )
