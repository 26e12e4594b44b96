"""The loader: strings stay strings, typed frozen objects, locations on every value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from matrix.checks.pipeline import load_project
from matrix.files.loading import parse_claims_file, parse_codebook
from matrix.model.location import Location
from matrix.model.values import Claim
from tests.conftest import CLAIMS_A, CODEBOOK, SEED_A, write_project


def test_claims_are_typed_frozen_objects_with_locations() -> None:
    result = parse_claims_file("claims/a.yaml", CLAIMS_A.encode())
    assert result.problems == ()
    (claim,) = result.claims
    assert isinstance(claim, Claim)
    assert (claim.id, claim.source, claim.topic, claim.stance, claim.confidence) == (
        "a-1",
        "src-a",
        "export-controls",
        "divergence",
        "medium",
    )
    assert claim.location == Location("claims/a.yaml", 8, 5)
    assert claim.at("quote") == Location("claims/a.yaml", 11, 12)
    with pytest.raises(AttributeError):
        claim.id = "x"  # type: ignore[misc]


@pytest.mark.parametrize("typed", ["no", "on", "012", "1e3", "2025-06-05", "null", "true", "0x1F", ".inf"])
def test_scalars_stay_the_strings_typed(typed: str) -> None:
    text = CLAIMS_A.replace("title: Source A", f"title: {typed}")
    result = parse_claims_file("claims/a.yaml", text.encode())
    assert result.source is not None
    assert result.source.title == typed


def test_folded_quote_joins_lines() -> None:
    text = CLAIMS_A.replace("    quote: The United States", "    quote: >-\n      The United States\n     ").replace(
        "  and India", " and India"
    )
    text = CLAIMS_A.replace(
        "    quote: The United States and India differ sharply on export controls policy.\n",
        "    quote: >-\n      The United States and India\n      differ sharply on export controls policy.\n",
    )
    (claim,) = parse_claims_file("claims/a.yaml", text.encode()).claims
    assert claim.quote == "The United States and India differ sharply on export controls policy."
    assert claim.at("quote").line == 11


def test_columns_count_characters_not_bytes() -> None:
    text = CLAIMS_A.replace("title: Source A", "title: S\u00f6urce \u00c4").replace(
        "stance: divergence", "stance: d\u00efvergence"
    )
    result = parse_claims_file("claims/a.yaml", text.encode())
    (claim,) = result.claims
    assert claim.at("stance") == Location("claims/a.yaml", 10, 13)


def test_alias_bomb_is_not_expanded() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    result = parse_claims_file("claims/a.yaml", bomb.encode())
    codes = {p.code for p in result.problems}
    assert "yaml-anchor" in codes


def test_deep_nesting_is_reported_not_recursed() -> None:
    deep = "source: " + "[" * 50_000 + "]" * 50_000 + "\n"
    result = parse_claims_file("claims/a.yaml", deep.encode())
    assert [(p.location.line, p.code) for p in result.problems][:1] == [(1, "too-deep")]


def _first_problem(text: str) -> tuple[int, int, str]:
    problems = parse_claims_file("claims/a.yaml", text.encode()).problems
    assert problems, text[:80]
    first = problems[0]
    return first.location.line, first.location.column, first.code


# the root mapping is level 1, so the fourth bracket after 'source: ' (column 9) is level 5;
# libyaml itself gives up at 1,000 levels, before it has given a single event
@pytest.mark.parametrize("depth", [4, 5, 999, 1_000, 1_001, 5_000])
@pytest.mark.parametrize("brackets", ["[]", "{}"])
def test_flow_nesting_is_too_deep_where_it_passes_the_limit(depth: int, brackets: str) -> None:
    opener, closer = brackets
    inner = "x" if opener == "[" else "k: x"
    step = "" if opener == "[" else "k: "
    text = "source: " + (opener + step) * depth + inner + closer * depth + "\nclaims:\n"
    assert _first_problem(text) == (1, 9 + 3 * len(opener + step), "too-deep")


def test_flow_nesting_at_the_limit_is_no_problem() -> None:
    problems = parse_claims_file("claims/a.yaml", b"source: [[[x]]]\nclaims:\n").problems
    assert "too-deep" not in {p.code for p in problems}


@pytest.mark.parametrize("depth", [5, 1_001, 2_000])
@pytest.mark.parametrize("item", ["k:", "-"])
def test_block_nesting_is_too_deep_where_it_passes_the_limit(depth: int, item: str) -> None:
    text = "".join("  " * level + item + "\n" for level in range(depth))
    # line n holds the first entry of level n: the fifth line's is the first too deep
    assert _first_problem(text) == (5, 9, "too-deep")


def _long_file_with(line: int, broken: str) -> str:
    """A 268-line claims-like file whose line `line` is `broken`."""
    lines = [f"key{n}: value {n}" for n in range(1, 269)]
    lines[line - 1] = broken
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "broken, column",
    [
        ('note: "never closed', 7),
        ("note: 'never closed", 7),
        ("note: [a, b", 7),
        ("note: {a: b", 7),
        ("note: [a, [b, c]", 7),
        ("note: {a: [b, c], d: 'e'", 7),
        ('note: ["a]", b', 7),
    ],
)
def test_unclosed_quote_or_bracket_is_reported_where_it_opens(broken: str, column: int) -> None:
    assert _first_problem(_long_file_with(23, broken)) == (23, column, "yaml-syntax")


def test_unclosed_quote_names_where_the_file_ends() -> None:
    problems = parse_claims_file("claims/a.yaml", _long_file_with(23, 'note: "oops').encode()).problems
    assert [(p.location.line, p.location.column, p.code) for p in problems] == [(23, 7, "yaml-syntax")]
    assert "line 269" in problems[0].message


@pytest.mark.parametrize(
    "text, where",
    [
        ("a: 1\nb\nc: 2\n", (2, 1)),  # a key without ':', found only on the next line
        ("a: |\n  x\ny\n  z: 1\n", (3, 1)),  # a line that leaves a block value too early
    ],
)
def test_a_key_without_colon_is_reported_on_its_own_line(text: str, where: tuple[int, int]) -> None:
    assert _first_problem(text) == (*where, "yaml-syntax")


@pytest.mark.parametrize(
    "text, where",
    [
        ('a: ["x" "y"]\nb: 1\n', (1, 9)),  # a missing comma inside brackets that close: at the comma's place
        ('a: [1,\n  "b" "c",\n  3]\n', (2, 7)),
        ('a: "bad \\q escape"\n', (1, 9)),  # a bad escape inside a closed quote: at the escape
    ],
)
def test_errors_inside_closed_quotes_and_brackets_stay_where_the_parser_stopped(
    text: str, where: tuple[int, int]
) -> None:
    assert _first_problem(text) == (*where, "yaml-syntax")


def test_codebook_in_order() -> None:
    codebook, problems = parse_codebook("claims/codebook.yaml", CODEBOOK.encode())
    assert problems == []
    assert codebook is not None
    assert codebook.ids("perspectives") == ("US-India", "CFR")
    assert codebook.ids("topics") == ("export-controls", "space")
    assert codebook.label("topics", "export-controls") == "Export controls"


def test_codebook_cues() -> None:
    text = CODEBOOK + "cues:\n  divergence: [differ, diverge]\n  multilateral: [United Nations]\n"
    codebook, problems = parse_codebook("claims/codebook.yaml", text.encode())
    assert problems == []
    assert codebook is not None
    assert dict(codebook.cues) == {"divergence": ("differ", "diverge"), "multilateral": ("United Nations",)}


def test_project_reads_texts_once(tmp_path: Path) -> None:
    project = load_project(write_project(tmp_path, {}))
    assert [s.id for s in project.sources] == ["src-a", "src-b"]
    assert project.texts["claims/a.yaml"].path == "seeds/a.txt"
    assert [c.id for c in project.claims] == ["a-1", "b-1"]


def test_a_control_character_in_a_text_is_an_error_at_its_line_and_column(tmp_path: Path) -> None:
    seed = SEED_A.replace("governments agree", "governments \x00agree\x1b")
    project = load_project(write_project(tmp_path, {"seeds/a.txt": seed}))
    found = [(p.location.file, p.location.line, p.location.column, p.code) for p in project.problems]
    assert found == [("seeds/a.txt", 3, 18, "text-control-character")]
    assert "1 more" in project.problems[0].message


@pytest.mark.parametrize(
    "command",
    [["validate"], ["build", "--out", "out.xlsx"], ["summary"], ["export", "--format", "json"], ["coverage"]],
)
def test_no_command_crashes_on_a_control_character_in_a_text(tmp_path: Path, command: list[str]) -> None:
    root = write_project(tmp_path, {"seeds/a.txt": "\x00\x01" + SEED_A.replace("\n", "\x0b\n")})
    result = subprocess.run(
        [sys.executable, "-m", "matrix", *command, "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr + result.stdout
    assert "seeds/a.txt:1:1" in result.stdout + result.stderr
    assert "text-control-character" in result.stdout + result.stderr
    assert not (root / "out.xlsx").exists()
