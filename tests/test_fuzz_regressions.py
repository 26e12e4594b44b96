"""Inputs that crashed or misled the loader under fuzzing and property tests, kept as tests."""

from __future__ import annotations

import os
from pathlib import Path

from matrix import check
from matrix.files.loading import parse_claims_file
from tests.conftest import CLAIMS_A, CLAIMS_B, write_project


def located(root: Path) -> list[tuple[str, int, str]]:
    _, report = check(root)
    return [(p.location.file, p.location.line, p.code) for p in report.problems]


def test_text_path_too_long_for_the_os(tmp_path: Path) -> None:
    # was: OSError ENAMETOOLONG out of Path.resolve()
    root = write_project(
        tmp_path, {"claims/a.yaml": CLAIMS_A.replace("text: seeds/a.txt", "text: seeds/" + "[" * 300 + ".txt")}
    )
    assert located(root) == [("claims/a.yaml", 6, "text-unreadable")]


def test_raw_next_line_character_is_reported(tmp_path: Path) -> None:
    # was: a raw U+0085 inside double quotes silently became a space
    root = write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("title: Source A", 'title: "Source\x85A"')})
    assert located(root) == [("claims/a.yaml", 3, "control-character")]


def test_line_separator_keeps_line_numbers(tmp_path: Path) -> None:
    # was: libyaml counted U+2028 as a line break and every later line was off by one
    text = CLAIMS_A.replace("title: Source A", "title: Source\u2028A").replace(
        "stance: divergence", "stance: divergance"
    )
    assert located(write_project(tmp_path, {"claims/a.yaml": text})) == [
        ("claims/a.yaml", 3, "control-character"),
        ("claims/a.yaml", 10, "unknown-stance"),
    ]


def test_carriage_returns_keep_line_numbers() -> None:
    for newline in ("\r\n", "\r"):
        data = CLAIMS_A.replace("stance: divergence", "stance: divergance").replace("\n", newline).encode()
        result = parse_claims_file("claims/a.yaml", data)
        (claim,) = result.claims
        assert claim.at("stance").line == 10


def test_fifo_claims_file_is_not_read(tmp_path: Path) -> None:
    # was: read_bytes() blocked forever on a named pipe
    root = write_project(tmp_path, {})
    os.mkfifo(root / "claims" / "pipe.yaml")
    assert located(root) == [("claims/pipe.yaml", 1, "file-unreadable")]


def test_device_behind_a_link_is_not_read(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    (root / "claims" / "zero.yaml").symlink_to("/dev/zero")
    assert located(root) == [("claims/zero.yaml", 1, "file-unreadable")]


def test_oversized_claims_file_is_not_read(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    with (root / "claims" / "big.yaml").open("wb") as handle:
        handle.truncate(6 * 1024 * 1024)  # sparse: nothing is really written
    assert located(root) == [("claims/big.yaml", 1, "file-too-large")]


def test_undecodable_file_name_is_reported_not_read(tmp_path: Path) -> None:
    # was: UnicodeEncodeError from the cache key and from --format json
    root = write_project(tmp_path, {})
    os.rename(root / "claims" / "b.yaml", os.fsencode(root / "claims") + b"/\xff\x1b[31m.yaml")
    assert located(root) == [("claims/\\xff\x1b[31m.yaml", 1, "file-unreadable")]


def test_control_character_in_a_file_name_is_reported_not_read(tmp_path: Path) -> None:
    # was: valid, then build crashed with IllegalCharacterError on the file name in a cell
    root = write_project(tmp_path, {})
    os.rename(root / "claims" / "b.yaml", root / "claims" / "b\x01.yaml")
    assert located(root) == [("claims/b\x01.yaml", 1, "file-unreadable")]


def test_dangling_link_as_a_claims_file_is_a_broken_link(tmp_path: Path) -> None:
    # was: "disappeared while it was being read (run again)"
    root = write_project(tmp_path, {})
    (root / "claims" / "gone.yaml").symlink_to("nowhere/x.yaml")
    _, report = check(root)
    assert [(p.location.file, p.location.line, p.code) for p in report.problems] == [
        ("claims/gone.yaml", 1, "file-unreadable")
    ]
    assert "broken link" in report.problems[0].message
    assert "nowhere/x.yaml" in report.problems[0].message


def test_dangling_link_as_a_source_text_is_a_broken_link(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"seeds/a.txt": None})
    (root / "seeds" / "a.txt").symlink_to("moved-away.txt")
    _, report = check(root)
    assert [(p.location.file, p.location.line, p.location.column, p.code) for p in report.problems] == [
        ("claims/a.yaml", 6, 9, "text-missing")
    ]
    assert "broken link" in report.problems[0].message
    assert "moved-away.txt" in report.problems[0].message


def test_claims_files_with_any_case_of_yaml_or_yml_are_read(tmp_path: Path) -> None:
    # was: claims/x.YAML and claims/x.yml silently ignored
    root = write_project(tmp_path, {"claims/b.yaml": None})
    for name, suffix in (("b", ".YAML"), ("c", ".yml"), ("d", ".Yml"), ("e", ".yaml")):
        text = CLAIMS_B.replace("src-b", f"src-{name}").replace("b-1", f"{name}-1")
        (root / "claims" / f"{name}{suffix}").write_text(text, encoding="utf-8")
    project, report = check(root)
    assert [f.file for f in project.files] == [
        "claims/a.yaml",
        "claims/b.YAML",
        "claims/c.yml",
        "claims/d.Yml",
        "claims/e.yaml",
    ]
    assert [c.id for c in project.claims] == ["a-1", "b-1", "c-1", "d-1", "e-1"]
    assert report.problems == ()


def test_text_reached_through_a_link_to_a_name_with_a_control_character(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"seeds/a.txt": None})
    (root / "seeds" / "a\x01.txt").write_text("x\n", encoding="utf-8")
    (root / "seeds" / "a.txt").symlink_to("a\x01.txt")
    assert located(root) == [("claims/a.yaml", 6, "text-unreadable")]
