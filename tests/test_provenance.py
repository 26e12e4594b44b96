"""Sources you can prove: sha256 (pinned text), retrieved and archive; seed-changed; pin."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from matrix import check
from matrix.analysis.pivot import analyse
from matrix.authoring.pinning import PinRefused, pinned_text
from matrix.brief import brief_of, render_brief
from matrix.workbook import write_workbook
from tests.conftest import CLAIMS_A, SEED_A, write_project
from tests.test_report import assert_self_contained

DIGEST = hashlib.sha256(SEED_A.encode()).hexdigest()
PINNED = f"  sha256: '{DIGEST}'\n"  # quoted as the YAML writer quotes text starting with a digit
assert DIGEST[0].isdigit()
OTHER = "ab" * 32


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matrix", *args], cwd=root, capture_output=True, text=True, check=False
    )


def _found(root: Path) -> list[tuple[str, int, str]]:
    _, report = check(root)
    return [(p.location.file, p.location.line, p.code) for p in report.problems]


# --- pinned_text: only the sha256 line changes --------------------------------------------


def test_pin_adds_a_line_after_the_source_fields_and_keeps_everything_else() -> None:
    text = CLAIMS_A.replace("  text: seeds/a.txt\n", "  text: seeds/a.txt   # the memo\n\n# the claims\n")
    pinned = pinned_text("claims/a.yaml", text, DIGEST)
    lines, before = pinned.splitlines(), text.splitlines()
    assert lines[6] + "\n" == PINNED
    assert lines[:6] + lines[7:] == before


def test_pin_replaces_the_value_keeping_the_key_and_comment() -> None:
    text = CLAIMS_A.replace("  text: seeds/a.txt\n", f"  sha256: '{OTHER}'  # pinned in June\n  text: seeds/a.txt\n")
    pinned = pinned_text("claims/a.yaml", text, DIGEST)
    assert pinned == text.replace(f"'{OTHER}'", f"'{DIGEST}'")


def test_pin_quotes_a_hash_that_starts_with_a_digit_and_keeps_crlf_and_bom() -> None:
    digest = "1" + DIGEST[1:]
    text = "\ufeff" + CLAIMS_A.replace("\n", "\r\n")
    pinned = pinned_text("claims/a.yaml", text, digest)
    assert pinned.startswith("\ufeffsource:\r\n") and f"  sha256: '{digest}'\r\n" in pinned
    assert pinned.replace(f"  sha256: '{digest}'\r\n", "") == text


@pytest.mark.parametrize(
    "text",
    [
        CLAIMS_A.replace("  id: src-a", "  id: [src-a"),  # does not parse
        "source: {id: src-a, title: A, publisher: P, perspective: US-India, text: seeds/a.txt}\nclaims: []\n",
        CLAIMS_A.replace("  text: seeds/a.txt\n", "  text: seeds/a.txt\n  sha256: >-\n    abc\n"),
    ],
    ids=["broken", "flow-mapping", "folded-value"],
)
def test_pin_refuses_what_it_cannot_rewrite_line_by_line(text: str) -> None:
    with pytest.raises(PinRefused):
        pinned_text("claims/a.yaml", text, DIGEST)


# --- validate ---------------------------------------------------------------------------------


def test_a_changed_seed_is_a_warning_at_the_sha256_line_and_fails_strict(tmp_path: Path) -> None:
    pinned = CLAIMS_A.replace("  text: seeds/a.txt\n", f"  text: seeds/a.txt\n  sha256: {DIGEST}\n")
    write_project(tmp_path, {"claims/a.yaml": pinned})
    assert _found(tmp_path) == []
    (tmp_path / "seeds" / "a.txt").write_text(SEED_A.replace("Title line", "Title line, corrected"))
    assert _found(tmp_path) == [("claims/a.yaml", 7, "seed-changed")]
    done = _run(tmp_path, "validate", "--format", "text")
    assert done.returncode == 0 and "claims-matrix pin src-a" in done.stdout  # the hint: review, then re-pin
    assert _run(tmp_path, "validate", "--strict").returncode == 1
    # re-pinning after the review silences it
    assert _run(tmp_path, "pin", "src-a").returncode == 0
    assert _found(tmp_path) == []


def test_the_shipped_sources_are_pinned() -> None:
    root = Path(__file__).resolve().parent.parent
    project, report = check(root)
    assert report.problems == () and len(project.sources) == 5
    for claims_file in project.files:
        assert claims_file.source is not None
        assert claims_file.source.sha256 == project.texts[claims_file.file].digest


# --- pin ----------------------------------------------------------------------------------


def test_pin_writes_only_the_named_sources_and_keeps_permissions(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    a, b = tmp_path / "claims" / "a.yaml", tmp_path / "claims" / "b.yaml"
    a.chmod(0o600)
    before_b = b.read_bytes()
    done = _run(tmp_path, "pin", "src-a")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"claims/a.yaml: pinned seeds/a.txt (sha256 {DIGEST[:12]}…)",
        "pinned 1 source: 1 written",
    ]
    assert a.read_text() == pinned_text("claims/a.yaml", CLAIMS_A, DIGEST)
    assert oct(a.stat().st_mode & 0o777) == "0o600" and b.read_bytes() == before_b
    assert [p.name for p in (tmp_path / "claims").iterdir() if p.name.startswith(".")] == []  # no temporaries
    again = _run(tmp_path, "pin")
    assert again.stdout.splitlines()[0] == f"claims/a.yaml: unchanged (seeds/a.txt, sha256 {DIGEST[:12]}…)"
    assert again.stdout.splitlines()[-1] == "pinned 2 sources: 1 written"


def test_pin_repins_a_changed_text_and_says_what_it_was(tmp_path: Path) -> None:
    write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("  text:", f"  sha256: {OTHER}\n  text:")})
    done = _run(tmp_path, "pin", "src-a")
    assert (
        done.stdout.splitlines()[0]
        == f"claims/a.yaml: re-pinned seeds/a.txt (sha256 {DIGEST[:12]}…, was abababababab…)"
    )
    assert PINNED in (tmp_path / "claims" / "a.yaml").read_text()


def test_pin_refuses_an_unknown_source_a_read_only_file_and_a_link(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    unknown = _run(tmp_path, "pin", "src-x")
    assert unknown.returncode == 2 and "did you mean" in unknown.stderr
    a = tmp_path / "claims" / "a.yaml"
    a.chmod(0o444)
    refused = _run(tmp_path, "pin")
    assert refused.returncode == 1 and "read-only" in refused.stderr and "Traceback" not in refused.stderr
    assert a.read_text() == CLAIMS_A and "sha256" not in (tmp_path / "claims" / "b.yaml").read_text()
    a.chmod(0o644)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(CLAIMS_A)
    a.unlink()
    a.symlink_to(outside)
    linked = _run(tmp_path, "pin", "src-a")
    assert linked.returncode == 1 and "symbolic link" in linked.stderr and outside.read_text() == CLAIMS_A


# --- add-source, the Sources sheet and the brief ---------------------------------------------


def test_add_source_pins_the_copied_text_and_records_where_it_came_from(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    text = tmp_path / "new.txt"
    text.write_text(SEED_A)
    archive = "https://web.archive.org/web/2025/https://example.org/a"
    args = ["add-source", str(text), "--id", "src-n", "--perspective", "CFR", "--title", "T", "--publisher", "P"]
    done = _run(tmp_path, *args, "--retrieved", "2025-06-07", "--archive", archive)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "claims" / "src-n.yaml").read_text()
    source = yaml.safe_load(written)["source"]
    assert (source["retrieved"], source["archive"], source["sha256"]) == ("2025-06-07", archive, DIGEST)
    assert written.index("retrieved:") < written.index("archive:") < written.index("sha256:")
    assert [code for _, _, code in _found(tmp_path)] == ["source-without-claims"]
    bad = _run(tmp_path, *args[:3], "src-m", *args[4:], "--archive", "web.archive.org/x")
    assert bad.returncode == 1 and "invalid-url" in bad.stdout + bad.stderr
    assert not (tmp_path / "claims" / "src-m.yaml").exists()


ARCHIVE = "https://web.archive.org/web/2025/https://example.org/a?x=1&y=2"


def _recorded(tmp_path: Path) -> Path:
    source = f"  text: seeds/a.txt\n  retrieved: 2025-06-07\n  archive: '{ARCHIVE}'\n  sha256: {DIGEST}\n"
    return write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("  text: seeds/a.txt\n", source)})


def test_the_sources_sheet_shows_retrieval_archive_and_hash(tmp_path: Path) -> None:
    project, report = check(_recorded(tmp_path))
    out = tmp_path / "out.xlsx"
    write_workbook(analyse(project, report), report, project, out)
    rows = list(openpyxl.load_workbook(out)["Sources"].iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["Source"], record["Retrieved"], record["Archive"], record["SHA-256"]) == (
        "src-a",
        "2025-06-07",
        ARCHIVE,
        DIGEST,
    )
    other = dict(zip(rows[0], rows[2], strict=True))
    assert (other["Source"], other["Retrieved"], other["Archive"], other["SHA-256"]) == ("src-b", None, None, None)


def test_the_brief_links_the_archived_copy_plainly_and_shows_the_hash(tmp_path: Path) -> None:
    project, report = check(_recorded(tmp_path))
    html = render_brief(brief_of(analyse(project, report), project))
    assert_self_contained(html)
    links = re.findall(r'<a class="archive" href="([^"]*)" rel="noopener noreferrer">archived copy</a>', html)
    assert links == [ARCHIVE.replace("&", "&amp;")]
    assert "retrieved 2025-06-07" in html and f'<code class="hash">{DIGEST}</code>' in html


@pytest.mark.parametrize(
    "archive", ["javascript:alert(1)", 'https://x.org/"><script>alert(1)</script>', "https://x.org/a b", "//x.org/a"]
)
def test_an_archive_that_is_not_a_plain_web_address_is_refused_and_never_linked(tmp_path: Path, archive: str) -> None:
    from dataclasses import replace

    from yaml import safe_dump

    field = safe_dump({"archive": archive}, width=1000).strip()
    write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("  text:", f"  {field}\n  text:")})
    assert _found(tmp_path) == [("claims/a.yaml", 6, "invalid-url")]
    project, report = check(tmp_path)
    files = tuple(replace(f, problems=()) for f in project.files)  # as if it had validated
    html = render_brief(brief_of(analyse(replace(project, files=files), report), replace(project, files=files)))
    assert_self_contained(html)
    assert 'class="archive"' not in html and "<script" not in html


def test_an_unpinned_project_validates_and_pins_nothing_by_itself(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    assert _found(tmp_path) == []
    assert _run(tmp_path, "build", "-q").returncode == 0
    assert "sha256" not in (tmp_path / "claims" / "a.yaml").read_text()
