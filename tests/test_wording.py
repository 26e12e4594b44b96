"""Counts in plain English: `counted`, a scan of the code for counts it does not say, and
the messages of real commands on a project of one claim."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from matrix.model.wording import counted
from tests.conftest import CODEBOOK, write_project

ROOT = Path(__file__).resolve().parent.parent
NOUNS = (
    "claim|warning|error|memo|file|source|passage|sentence|problem|period|word|topic|perspective|actor|coder"
    "|resample|unit|row|change|cell|contrast|window|month"
)
AFTER_A_COUNT = re.compile(rf"^ (?:more )?(?:{NOUNS})s?\b")  # a literal right after a formatted value
HAND_MADE = re.compile(r"""['"]s['"] \* \(|['"]s['"] if [^'"]*!= 1""")  # hand-made plurals


def test_counted() -> None:
    assert [counted(n, "claim") for n in (0, 1, 2, 129)] == ["0 claims", "1 claim", "2 claims", "129 claims"]
    assert counted(1, "claims file") == "1 claims file" and counted(2, "entry", "entries") == "2 entries"


def _python_sources() -> list[Path]:
    return sorted((ROOT / "matrix").rglob("*.py"))


def test_no_message_counts_without_counted() -> None:
    """No f-string puts a number before a noun it counts by hand, and no template either:
    every such count goes through `counted` (which picks the singular or the plural)."""
    found = []
    for path in _python_sources():
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.JoinedStr):
                continue
            for value, after in zip(node.values, node.values[1:], strict=False):
                if (
                    isinstance(value, ast.FormattedValue)
                    and isinstance(after, ast.Constant)
                    and isinstance(after.value, str)
                    and AFTER_A_COUNT.match(after.value)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:90]}")
        found += [
            f"{path.relative_to(ROOT)}:{source.count(chr(10), 0, m.start()) + 1}: {m.group()}"
            for m in HAND_MADE.finditer(source)
        ]
    for path in sorted((ROOT / "matrix").rglob("*.j2")):
        source = path.read_text(encoding="utf-8")
        for m in re.finditer(rf"\}}\}}\s*(?:{NOUNS})s?\b|'s' if", source):
            found.append(f"{path.relative_to(ROOT)}:{source.count(chr(10), 0, m.start()) + 1}: {m.group()}")
    assert found == []


WRONG = re.compile(rf"\b(?:1 (?:more )?(?:{NOUNS})s\b|(?<![\d.+-])(?:0|[2-9]|\d\d+) (?:more )?(?:{NOUNS})\b(?!s))")


def _run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "matrix", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(cwd)},
        check=False,
    )
    assert done.returncode in (0, 1), (args, done.stdout, done.stderr)
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def one_claim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of one source with one claim (and one warning: a codebook topic no claim uses)."""
    codebook = CODEBOOK.replace("  - {id: CFR, label: CFR analysis}\n", "")
    files = {"claims/codebook.yaml": codebook, "claims/b.yaml": None, "seeds/b.txt": None}
    return write_project(tmp_path_factory.mktemp("one"), files)


def test_commands_on_one_claim_say_one_claim(one_claim: Path) -> None:
    """Every command that counts, on a project of one claim: "1 claim", never "1 claims", and
    no other number before a singular noun."""
    outputs = {
        "validate": _run(["validate"], one_claim),
        "validate text": _run(["validate", "--format", "text"], one_claim),
        "build": _run(["build", "-q", "--out", "book.xlsx"], one_claim),
        "build summary": _run(["build", "--out", "book.xlsx"], one_claim),
        "summary": _run(["summary"], one_claim),
        "summary narrow": _run(["summary", "--width", "40"], one_claim),
        "export": _run(["export", "--format", "csv", "--out", "claims.csv"], one_claim),
        "export passages": _run(["export", "--format", "csv", "--per", "passage", "--out", "p.csv"], one_claim),
        "import": _run(["import", "claims.csv"], one_claim),
        "report": _run(["report", "--out", "brief.html"], one_claim),
        "coverage": _run(["coverage"], one_claim),
        "schema": _run(["schema", "--out", "schema.json"], one_claim),
    }
    assert "wrote book.xlsx (1 claim, 1 warning)" in outputs["build"]
    assert "valid: 1 claim in 1 file: 0 errors, 1 warning" in outputs["validate"]
    assert "wrote claims.csv (1 claim)" in outputs["export"]
    assert "wrote p.csv (1 passage)" in outputs["export passages"]
    assert "imported 1 claim: nothing to change" in outputs["import"]
    assert "wrote brief.html (1 claim, 0 memos, 1 warning)" in outputs["report"]
    assert "(2 topics, 1 perspective, 2 actors)" in outputs["schema"]
    assert "1 source, 1 claim" in outputs["summary narrow"]
    page = (one_claim / "brief.html").read_text(encoding="utf-8")
    wrong = {name: WRONG.findall(text) for name, text in {**outputs, "brief.html": page}.items()}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_scan_of_outputs_catches_wrong_counts() -> None:
    shown = "wrote x (1 claims, 2 warning); 3 of 5 sources, +1.00 claim, 12 claim, 0 errors, 1 more problems"
    assert WRONG.findall(shown) == ["1 claims", "2 warning", "12 claim", "1 more problems"]
