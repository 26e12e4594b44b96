"""The files of a new project: a codebook the loader reads as intended, a schema that matches
it, editor settings, and a project that validates with warnings about unused entries only."""

from __future__ import annotations

import json
from pathlib import Path

from matrix import check
from matrix.authoring.starter import CODEBOOK_FILE, id_problems, starter_codebook, starter_files
from matrix.checks.claims_schema import SCHEMA_FILE, schema_text
from matrix.files.loading import parse_codebook


def test_the_codebook_reads_back_as_the_starter_codebook() -> None:
    files = starter_files(["EU", "China", "no"], ["EU", "China"])
    codebook, problems = parse_codebook(CODEBOOK_FILE, files[CODEBOOK_FILE].encode())
    assert problems == [] and codebook is not None
    expected = starter_codebook(["EU", "China", "no"], ["EU", "China"])
    for kind in ("perspectives", "actors", "topics"):
        got = [(e.id, e.label, e.description) for e in getattr(codebook, kind)]
        assert got == [(e.id, e.label, e.description) for e in getattr(expected, kind)]
    assert codebook.ids("perspectives") == ("EU", "China", "no")
    assert set(codebook.cues) == {"convergence", "divergence", "unilateral", "bilateral", "multilateral"} | {
        "hedges",
        "both-parties",
    }
    assert "may" in codebook.cues["hedges"] and "each other" in codebook.cues["both-parties"]
    assert files[SCHEMA_FILE] == schema_text(codebook)


def test_editor_settings_attach_the_schema_to_claims_files_but_not_the_codebook() -> None:
    settings = json.loads(starter_files()[".vscode/settings.json"])
    patterns = ["claims/*.yaml", "claims/*.yml", "!claims/codebook.yaml", "!claims/memos.yaml"]
    assert settings == {"yaml.schemas": {SCHEMA_FILE: patterns}}


def test_defaults_and_what_the_files_say() -> None:
    files = starter_files()
    assert "  - id: perspective-a\n" in files[CODEBOOK_FILE]
    assert "output/" in files[".gitignore"].splitlines()
    assert "Claim format" in files["README.md"] and "claims/README.md" in files["README.md"]
    assert files["claims/README.md"].startswith("# Coding manual")


def test_a_new_project_validates(tmp_path: Path) -> None:
    """No claims files yet: nothing is reported (unused entries are reported once a source
    exists; see the end-to-end test of init and add-source)."""
    for name, text in starter_files(["EU", "China"], ["EU"]).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "seeds").mkdir(exist_ok=True)
    _, report = check(tmp_path)
    assert report.problems == ()


def test_bad_ids_are_named() -> None:
    assert id_problems("perspective", ["EU", "eu", "a b", "-x", "ok"]) == [
        "perspective id 'eu' is given twice",
        "perspective id 'a b' must be letters, digits and '-', starting with a letter or digit",
        "perspective id '-x' must be letters, digits and '-', starting with a letter or digit",
    ]
