"""For every problem code, a small failing input and its exact (file, line, code)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from matrix import CODES, check
from matrix.authoring import importing
from matrix.files import tables
from matrix.files.loading import parse_claims_file
from tests.conftest import CLAIMS_A, CLAIMS_B, CODEBOOK, SEED_A, SEED_B, Found, write_project

A = "claims/a.yaml"
B = "claims/b.yaml"
CB = "claims/codebook.yaml"
M = "claims/memos.yaml"


def a(old: str, new: str) -> dict[str, str]:
    assert old in CLAIMS_A, old
    return {A: CLAIMS_A.replace(old, new, 1)}


def cb(old: str, new: str) -> dict[str, str]:
    assert old in CODEBOOK, old
    return {CB: CODEBOOK.replace(old, new, 1)}


EXPORT = "The United States and India differ sharply on export controls policy."
SPACE = "Both governments agree to expand civil space cooperation together."
QUOTE_A = f"    quote: {EXPORT}\n"
SEED_A_SHA256 = hashlib.sha256(SEED_A.encode("utf-8")).hexdigest()

CASES: list[tuple[str, Mapping[str, str | bytes | None], Found]] = [
    ("clean", {}, []),
    ("stale-schema", {"claims/claims.schema.json": "{}\n"}, [("claims/claims.schema.json", 1, "stale-schema")]),
    # YAML traps
    ("yaml-syntax", a("topic: export-controls", "topic: [export-controls"), [(A, 9, "yaml-syntax")]),
    ("multiple-documents", {A: CLAIMS_A + "---\nsource: {}\n"}, [(A, 12, "multiple-documents")]),
    ("anchor", a("topic: export-controls", "topic: &t export-controls"), [(A, 9, "yaml-anchor")]),
    (
        "alias",
        a("stance: divergence\n", "stance: divergence\n    note: &n x\n    approach: *n\n"),
        [(A, 11, "yaml-anchor"), (A, 12, "yaml-anchor")],
    ),
    ("merge-key", a("stance: divergence\n", "stance: divergence\n    <<: {note: x}\n"), [(A, 11, "yaml-merge-key")]),
    ("tag", a("stance: divergence", "stance: !!str divergence"), [(A, 10, "yaml-tag")]),
    ("custom-tag", a("stance: divergence", "stance: !python/object divergence"), [(A, 10, "yaml-tag")]),
    ("duplicate-key", a("stance: divergence\n", "stance: divergence\n    topic: space\n"), [(A, 11, "duplicate-key")]),
    ("too-deep", a("stance: divergence\n", "stance: divergence\n    note: [[[x]]]\n"), [(A, 11, "too-deep")]),
    # shape and types
    ("not-a-mapping", {A: "- one\n- two\n"}, [(A, 1, "wrong-shape")]),
    ("empty-file", {A: ""}, [(A, 1, "wrong-shape")]),
    ("claims-not-list", a("claims:\n", "claims: {x: 1}\nxclaims:\n"), [(A, 7, "wrong-shape"), (A, 8, "unknown-field")]),
    ("claim-not-mapping", {A: CLAIMS_A + "  - just text\n"}, [(A, 12, "wrong-shape")]),
    ("missing-field", a("    stance: divergence\n", ""), [(A, 8, "missing-field")]),
    (
        "missing-source",
        {A: CLAIMS_A.split("claims:")[0].replace("source:", "sauce:") + "claims: []\n"},
        [(A, 1, "missing-field"), (A, 1, "unknown-field")],
    ),
    ("unknown-field", a("stance: divergence\n", "stance: divergence\n    nots: x\n"), [(A, 11, "unknown-field")]),
    ("misspelt-required", a("    quote:", "    qoute:"), [(A, 11, "unknown-field")]),
    ("wrong-type", a("stance: divergence\n", "stance: divergence\n    note: [a, b]\n"), [(A, 11, "wrong-type")]),
    ("empty-value", a("stance: divergence\n", "stance: divergence\n    note: ''\n"), [(A, 11, "empty-value")]),
    ("null-value", a("topic: export-controls", "topic:"), [(A, 9, "empty-value")]),
    (
        "hidden-char",
        a("stance: divergence\n", 'stance: divergence\n    note: "a\\u200bb"\n'),
        [(A, 11, "control-character")],
    ),
    ("raw-control-char", a("title: Source A", "title: Source \x07A"), [(A, 3, "control-character")]),
    (
        "too-long",
        a("stance: divergence\n", "stance: divergence\n    note: " + "x" * 40_000 + "\n"),
        [(A, 11, "value-too-long")],
    ),
    ("not-utf8", {A: CLAIMS_A.encode().replace(b"Source A", b"Source \xff A")}, [(A, 3, "not-utf8")]),
    ("bom-is-fine", {A: "\ufeff" + CLAIMS_A}, []),
    # ids and vocabularies
    ("malformed-id", a("id: a-1", "id: A_1"), [(A, 8, "malformed-id")]),
    ("duplicate-claim-id", {B: CLAIMS_B.replace("id: b-1", "id: a-1")}, [(B, 8, "duplicate-id")]),
    ("duplicate-source-id", {B: CLAIMS_B.replace("id: src-b", "id: src-a")}, [(B, 2, "duplicate-id")]),
    ("unknown-stance", a("stance: divergence", "stance: divergance"), [(A, 10, "unknown-stance")]),
    ("stance-from-another-list", a("stance: divergence", "stance: bilateral"), [(A, 10, "unknown-stance")]),
    (
        "actor-from-another-list",
        a("stance: divergence\n", "stance: divergence\n    actor: trade\n"),
        [(A, 11, "unknown-actor")],
    ),
    (
        "unknown-approach",
        a("stance: divergence\n", "stance: divergence\n    approach: trilateral\n"),
        [(A, 11, "unknown-approach")],
    ),
    (
        "unknown-confidence",
        a("stance: divergence\n", "stance: divergence\n    confidence: 'yes'\n"),
        [(A, 11, "unknown-confidence")],
    ),
    (
        "no-stays-text",
        a("stance: divergence\n", "stance: divergence\n    confidence: no\n"),
        [(A, 11, "unknown-confidence")],
    ),
    ("unknown-topic", a("topic: export-controls", "topic: export-control"), [(A, 9, "unknown-topic")]),
    ("unknown-actor", a("stance: divergence\n", "stance: divergence\n    actor: USA\n"), [(A, 11, "unknown-actor")]),
    ("unknown-perspective", a("perspective: US-India", "perspective: US-Indai"), [(A, 5, "unknown-perspective")]),
    ("invalid-date", a("  text:", "  published: 2025-13-01\n  text:"), [(A, 6, "invalid-date")]),
    ("date-stays-text", a("  text:", "  published: 2025-06-05\n  text:"), []),
    ("month-and-year-published", a("  text:", "  published: 2025-06\n  text:"), []),
    ("year-published", a("  text:", "  published: '2025'\n  text:"), []),
    ("published-day-that-does-not-exist", a("  text:", "  published: 2025-02-29\n  text:"), [(A, 6, "invalid-date")]),
    (
        "invalid-claim-date",
        a("stance: divergence\n", "stance: divergence\n    date: March 2024\n"),
        [(A, 11, "invalid-claim-date")],
    ),
    ("claim-date-of-a-month", a("stance: divergence\n", "stance: divergence\n    date: 2024-03\n"), []),
    ("claim-date-of-a-year", a("stance: divergence\n", "stance: divergence\n    date: 2024\n"), []),
    (
        "claim-date-month-13",
        a("stance: divergence\n", "stance: divergence\n    date: 2024-13\n"),
        [(A, 11, "invalid-claim-date")],
    ),
    ("invalid-url", a("  text:", "  url: ftp//x\n  text:"), [(A, 6, "invalid-url")]),
    # provenance: all optional; a pinned text that changed is a warning at the sha256 line
    ("invalid-archive", a("  text:", "  archive: web.archive.org/x\n  text:"), [(A, 6, "invalid-url")]),
    ("invalid-retrieved", a("  text:", "  retrieved: 5 June 2025\n  text:"), [(A, 6, "invalid-date")]),
    ("invalid-sha256", a("  text:", "  sha256: e3b0c442\n  text:"), [(A, 6, "invalid-sha256")]),
    (
        "seed-changed",
        a("  text: seeds/a.txt\n", f"  text: seeds/a.txt\n  sha256: {'0' * 64}\n"),
        [(A, 7, "seed-changed")],
    ),
    ("seed-pinned", a("  text: seeds/a.txt\n", f"  text: seeds/a.txt\n  sha256: {SEED_A_SHA256}\n"), []),
    (
        "seed-pinned-upper-case",
        a("  text: seeds/a.txt\n", f"  text: seeds/a.txt\n  sha256: {SEED_A_SHA256.upper()}\n"),
        [],
    ),
    (
        "provenance-recorded",
        a("  text:", "  retrieved: 2025-06-05\n  archive: https://web.archive.org/web/2025/https://x.org/a\n  text:"),
        [],
    ),
    # codebook
    ("codebook-missing", {CB: None}, [(CB, 1, "codebook-missing")]),
    (
        "codebook-empty",
        cb("actors:\n  - {id: US, label: United States}\n  - {id: India, label: India}\n", "actors: []\n"),
        [(B, 12, "unknown-actor"), (CB, 4, "codebook-empty")],
    ),
    ("codebook-no-label", cb("{id: space, label: Space}", "{id: space}"), [(CB, 9, "missing-field")]),
    (
        "codebook-duplicate",
        cb("{id: space, label: Space}", "{id: export-controls, label: Space}"),
        [(B, 9, "unknown-topic"), (CB, 9, "duplicate-id")],
    ),
    (
        "codebook-duplicate-in-another-case",
        cb("  - {id: space, label: Space}\n", "  - {id: space, label: Space}\n  - {id: Space, label: Space 2}\n"),
        [(CB, 10, "duplicate-id"), (CB, 10, "unused-topic")],
    ),
    (
        "codebook-same-id-in-two-lists-is-fine",
        cb("  - {id: India, label: India}\n", "  - {id: India, label: India}\n  - {id: space, label: Space}\n"),
        [],
    ),
    (
        "codebook-malformed-id",
        cb("{id: space, label: Space}", "{id: 'space age', label: Space}"),
        [(B, 9, "unknown-topic"), (CB, 9, "malformed-id")],
    ),
    # source texts
    ("text-missing", a("text: seeds/a.txt", "text: seeds/aa.txt"), [(A, 6, "text-missing")]),
    ("text-dotdot", a("text: seeds/a.txt", "text: ../outside.txt"), [(A, 6, "text-outside-root")]),
    ("text-absolute", a("text: seeds/a.txt", "text: /etc/hostname"), [(A, 6, "text-outside-root")]),
    ("text-not-file", a("text: seeds/a.txt", "text: seeds"), [(A, 6, "text-not-file")]),
    (
        "text-not-utf8",
        {"seeds/a.txt": SEED_A.encode().replace(b"sharply", b"sh\xe9rply")},
        [("seeds/a.txt", 2, "text-not-utf8")],
    ),
    (
        "text-nul",
        {"seeds/a.txt": SEED_A.replace("line", "li\x00ne")},
        [("seeds/a.txt", 1, "text-control-character")],
    ),
    (
        "text-escape-after-crlf",
        {"seeds/a.txt": SEED_A.replace("\n", "\r\n").replace("Both", "\x1b[31mBoth")},
        [("seeds/a.txt", 3, "text-control-character")],
    ),
    ("text-form-feed", {"seeds/b.txt": "\x0c" + SEED_B}, [("seeds/b.txt", 1, "text-control-character")]),
    ("text-tab-is-fine", {"seeds/b.txt": "\t" + SEED_B.replace(" ", "\t", 1)}, []),
    # quotes
    ("quote-not-found", a("differ sharply", "differ slightly"), [(A, 11, "quote-not-found")]),
    ("quote-case", a("The United States", "the United States"), [(A, 11, "quote-not-found")]),
    ("short-quote", a(QUOTE_A, "    quote: differ sharply on\n"), [(A, 11, "short-quote")]),
    (
        "ambiguous-quote",
        {"seeds/a.txt": SEED_A + "The United States and India differ sharply on export controls policy.\n"},
        [(A, 11, "ambiguous-quote")],
    ),
    # several passages
    ("quotes-one-passage", a(QUOTE_A, f"    quotes:\n      - {EXPORT}\n"), []),
    (
        "quotes-second-not-found",
        a(QUOTE_A, f"    quotes:\n      - {EXPORT}\n      - Not a sentence of the text at all.\n"),
        [(A, 13, "quote-not-found")],
    ),
    (
        "quotes-second-short",
        a(QUOTE_A, f"    quotes:\n      - {EXPORT}\n      - differ sharply on\n"),
        [(A, 13, "short-quote")],
    ),
    ("quote-and-quotes", a(QUOTE_A, f"{QUOTE_A}    quotes:\n      - {EXPORT}\n"), [(A, 12, "quote-and-quotes")]),
    ("quotes-and-quote", a(QUOTE_A, f"    quotes:\n      - {EXPORT}\n{QUOTE_A}"), [(A, 13, "quote-and-quotes")]),
    ("quotes-empty-list", a(QUOTE_A, "    quotes: []\n"), [(A, 11, "empty-value")]),
    ("quotes-not-list", a(QUOTE_A, f"    quotes: {EXPORT}\n"), [(A, 11, "wrong-type")]),
    ("quotes-empty-item", a(QUOTE_A, f"    quotes:\n      - {EXPORT}\n      - ''\n"), [(A, 13, "empty-value")]),
    # a list or mapping as a passage nests deeper than the format allows
    ("quotes-item-not-text", a(QUOTE_A, f"    quotes:\n      - {EXPORT}\n      - {{a: b}}\n"), [(A, 13, "too-deep")]),
    # coding consistency
    (
        "hedged-confidence",
        {**a("differ sharply", "may differ sharply"), "seeds/a.txt": SEED_A.replace("differ", "may differ")},
        [(A, 11, "hedged-confidence")],
    ),
    (
        "hedged-but-low",
        {
            A: CLAIMS_A.replace("differ sharply", "may differ sharply") + "    confidence: low\n",
            "seeds/a.txt": SEED_A.replace("differ", "may differ"),
        },
        [],
    ),
    (
        "hedged-accepted",
        {
            A: CLAIMS_A.replace("differ sharply", "may differ sharply")
            + "    accept:\n      hedged-confidence: firm\n",
            "seeds/a.txt": SEED_A.replace("differ", "may differ"),
        },
        [],
    ),
    (
        "actor-names-both",
        a(QUOTE_A, f"    actor: US\n    quote: {SPACE}\n"),
        [(A, 11, "actor-names-both")],
    ),
    (
        "near-duplicate-claims",
        {
            A: CLAIMS_A
            + "  - id: a-2\n    topic: export-controls\n    stance: divergence\n    quote: differ sharply on export controls policy\n"
        },
        [(A, 12, "near-duplicate-claims")],
    ),
    (
        "near-duplicate-other-stance",
        {
            A: CLAIMS_A
            + "  - id: a-2\n    topic: export-controls\n    stance: convergence\n    quote: differ sharply on export controls policy\n"
        },
        [],
    ),
    (
        "unknown-accept-code",
        {A: CLAIMS_A + "    accept:\n      hedged-confidense: firm\n"},
        [(A, 13, "unknown-accept-code")],
    ),
    ("accept-empty-reason", {A: CLAIMS_A + "    accept:\n      hedged-confidence: ''\n"}, [(A, 13, "empty-value")]),
    ("accept-not-mapping", {A: CLAIMS_A + "    accept: hedged-confidence\n"}, [(A, 12, "wrong-type")]),
    ("unneeded-accept", {A: CLAIMS_A + "    accept:\n      hedged-confidence: firm\n"}, [(A, 13, "unneeded-accept")]),
    (
        "source-without-claims",
        {A: CLAIMS_A.split("claims:")[0] + "claims: []\n"},
        [(A, 2, "source-without-claims"), (CB, 8, "unused-topic")],
    ),
    (
        "unused-perspective",
        {B: CLAIMS_B.replace("perspective: CFR", "perspective: US-India")},
        [(CB, 3, "unused-perspective")],
    ),
    ("unused-topic", {B: CLAIMS_B.replace("topic: space", "topic: export-controls")}, [(CB, 9, "unused-topic")]),
    # analyst summaries (claims/memos.yaml)
    (
        "memo-errors",
        {M: "memos:\n  - topic: spaces\n    perspective: CFR\n    text: x\n  - topic: space\n    text: ''\n"},
        [(M, 2, "unknown-topic"), (M, 6, "empty-value")],
    ),
    (
        "duplicate-memo",
        {M: "memos:\n  - topic: space\n    text: one\n  - topic: space\n    text: two\n"},
        [(M, 4, "duplicate-memo")],
    ),
    (
        "unknown-memo-claim",
        {M: "memos:\n  - topic: space\n    perspective: CFR\n    text: x\n    claims: [b-1, b-2]\n"},
        [(M, 5, "unknown-memo-claim")],
    ),
    # a memo records the cell it was written against (cell: +C/-D): CFR x space holds b-1 (-1)
    ("memo-cell-current", {M: "memos:\n  - topic: space\n    perspective: CFR\n    cell: +0/-1\n    text: x\n"}, []),
    (
        "stale-memo",
        {M: "memos:\n  - topic: space\n    perspective: CFR\n    cell: +2/-0\n    text: x\n"},
        [(M, 4, "stale-memo")],
    ),
    ("stale-memo-across", {M: "memos:\n  - topic: space\n    cell: +1/-1\n    text: x\n"}, [(M, 3, "stale-memo")]),
    (
        "malformed-memo-cell",
        {M: "memos:\n  - topic: space\n    perspective: CFR\n    cell: 2-0\n    text: x\n"},
        [(M, 4, "malformed-memo-cell")],
    ),
    # voice, sides and approach lists
    ("voice", a("stance: divergence\n", "stance: divergence\n    voice: forecast\n"), []),
    (
        "unknown-voice",
        a("stance: divergence\n", "stance: divergence\n    voice: stated-ish\n"),
        [(A, 11, "unknown-voice")],
    ),
    (
        "missing-voice",
        {
            CB: CODEBOOK + "require: [voice]\n",
            B: CLAIMS_B.replace("stance: divergence\n", "stance: divergence\n    voice: stated\n"),
        },
        [(A, 8, "missing-voice")],
    ),
    (
        "unknown-requirement",
        {CB: CODEBOOK + "require: [voice, tone]\n"},
        [(A, 8, "missing-voice"), (B, 8, "missing-voice"), (CB, 10, "unknown-requirement")],
    ),
    ("approach-list", {B: CLAIMS_B.replace("approach: bilateral", "approach: [bilateral, multilateral]")}, []),
    (
        "repeated-approach",
        {B: CLAIMS_B.replace("approach: bilateral", "approach: [bilateral, multilateral, bilateral]")},
        [(B, 11, "repeated-approach")],
    ),
    (
        "unknown-approach-in-list",
        {B: CLAIMS_B.replace("approach: bilateral", "approach:\n      - bilateral\n      - trilateral")},
        [(B, 13, "unknown-approach")],
    ),
    (
        "sides",
        {
            B: CLAIMS_B.replace(
                "    approach: bilateral\n    actor: India\n", "    sides: {US: unilateral, India: bilateral}\n"
            )
        },
        [],
    ),
    (
        "sides-with-actor",
        {
            B: CLAIMS_B.replace(
                "    approach: bilateral\n", "    sides: {US: unilateral, India: bilateral}\n    approach: bilateral\n"
            )
        },
        [(B, 12, "sides-with-actor"), (B, 13, "sides-with-actor")],
    ),
    (
        "too-few-sides",
        {B: CLAIMS_B.replace("    approach: bilateral\n    actor: India\n", "    sides: {India: bilateral}\n")},
        [(B, 11, "too-few-sides")],
    ),
    (
        "unknown-side",
        {
            B: CLAIMS_B.replace(
                "    approach: bilateral\n    actor: India\n",
                "    sides:\n      US: unilateral\n      Indai: bilatral\n",
            )
        },
        [(B, 13, "unknown-actor"), (B, 13, "unknown-approach")],
    ),
    (
        "side-not-party",
        {
            CB: CODEBOOK.replace(
                "{id: CFR, label: CFR analysis}",
                "{id: CFR, label: CFR analysis, parties: [US, India], voice: CFR analysis}",
            ).replace(
                "  - {id: India, label: India}\n", "  - {id: India, label: India}\n  - {id: Russia, label: Russia}\n"
            ),
            B: CLAIMS_B.replace(
                "    approach: bilateral\n    actor: India\n",
                "    sides:\n      Russia: unilateral\n      India: bilateral\n",
            ),
        },
        [(B, 12, "side-not-party")],
    ),
    (
        "unknown-party",
        cb("{id: CFR, label: CFR analysis}", "{id: CFR, label: CFR analysis, parties: [US, Inida]}"),
        [(CB, 3, "unknown-actor")],
    ),
    (
        "hedged-stated",
        {
            "seeds/a.txt": SEED_A + "India may join the space accord next year, officials said.\n",
            A: CLAIMS_A + "  - id: a-2\n    topic: space\n    stance: convergence\n    voice: stated\n"
            "    confidence: low\n    quote: India may join the space accord next year\n",
        },
        [(A, 15, "hedged-stated")],
    ),
    (
        "hedged-forecast",
        {
            "seeds/a.txt": SEED_A + "India may join the space accord next year, officials said.\n",
            A: CLAIMS_A + "  - id: a-2\n    topic: space\n    stance: convergence\n    voice: forecast\n"
            "    confidence: low\n    quote: India may join the space accord next year\n",
        },
        [],
    ),
    (
        "split-topic",
        {
            A: CLAIMS_A
            + "  - id: a-2\n    topic: space\n    stance: divergence\n    quote: differ sharply on export controls policy\n"
        },
        [(A, 13, "split-topic")],
    ),
    (
        "split-topic-accepted",
        {
            A: CLAIMS_A
            + "  - id: a-2\n    topic: space\n    stance: divergence\n    quote: differ sharply on export controls policy\n"
            "    accept:\n      split-topic: two steps with their own verbs\n"
        },
        [],
    ),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_problem_locations(
    problems_of: Callable[..., Found], files: Mapping[str, str | bytes | None], expected: Found
) -> None:
    assert problems_of(files) == expected


def test_values_are_stripped_but_quotes_kept_as_written() -> None:
    text = CLAIMS_A.replace("topic: export-controls", 'topic: " export-controls "', 1)
    claim = parse_claims_file(A, text.replace(QUOTE_A, '    quote: " differ sharply "\n').encode()).claims[0]
    assert (claim.topic, claim.quote) == ("export-controls", " differ sharply ")


def test_every_code_has_a_case() -> None:
    covered = {code for _, _, found in CASES for _, _, code in found}
    covered |= {"file-too-large", "file-unreadable", "text-unreadable"}  # tested below
    covered |= {code for code in (*importing.EMITS, *tables.EMITS) if code.startswith("import-")}  # test_importing.py
    assert covered == set(CODES)


def test_file_too_large() -> None:
    result = parse_claims_file(A, CLAIMS_A.encode(), max_bytes=100)
    assert [(p.location.line, p.code) for p in result.problems] == [(1, "file-too-large")]


def test_unreadable_claims_file(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    (tmp_path / "claims" / "folder.yaml").mkdir()
    _, report = check(tmp_path)
    assert [(p.location.file, p.code) for p in report.problems] == [("claims/folder.yaml", "file-unreadable")]


def test_unreadable_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # root reads any file, so the permission error is raised by hand
    write_project(tmp_path, {})
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    _, report = check(tmp_path)
    assert [(p.location.file, p.location.line, p.code) for p in report.problems] == [(A, 6, "text-unreadable")]


def test_symlink_out_of_root(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {})
    outside = tmp_path / "secret.txt"
    outside.write_text(SEED_A)
    (root / "seeds" / "link.txt").symlink_to(outside)
    _, report = check(write_project(root, a("text: seeds/a.txt", "text: seeds/link.txt")))
    assert [(p.location.line, p.code) for p in report.problems] == [(6, "text-outside-root")]


def test_problem_details(tmp_path: Path) -> None:
    _, report = check(write_project(tmp_path, a("stance: divergence", "stance: divergance")))
    (problem,) = report.problems
    assert (problem.location.column, problem.subject, problem.hint) == (13, "a-1", "did you mean 'divergence'?")


def test_duplicate_names_both_places(tmp_path: Path) -> None:
    _, report = check(write_project(tmp_path, {B: CLAIMS_B.replace("id: b-1", "id: a-1")}))
    (problem,) = report.problems
    assert "claims/a.yaml:8:9" in problem.message


def test_ids_differing_only_in_case_name_both_places(tmp_path: Path) -> None:
    files = cb("{id: US, label: United States}", "{id: US, label: United States}\n  - {id: us, label: U.S.}")
    _, report = check(write_project(tmp_path, files))
    assert [(p.location.file, p.location.line, p.code) for p in report.problems] == [(CB, 6, "duplicate-id")]
    assert "'us'" in report.problems[0].message
    assert "claims/codebook.yaml:5:5" in report.problems[0].message


def test_quote_not_found_hint_shows_closest_passage(tmp_path: Path) -> None:
    _, report = check(write_project(tmp_path, a("differ sharply", "differ sharpley")))
    (problem,) = report.problems
    assert problem.hint.startswith("closest passage (seeds/a.txt:2:1, ")
    assert "differ sharply on export controls policy" in problem.hint


def test_quote_starts_record_where_quotes_start(tmp_path: Path) -> None:
    _, report = check(write_project(tmp_path, {}))
    assert {k: str(v) for k, v in report.quote_starts.items()} == {"a-1": "seeds/a.txt:2:1", "b-1": "seeds/b.txt:1:1"}


def test_all_problems_in_one_run(tmp_path: Path) -> None:
    broken = CLAIMS_A.replace("stance: divergence", "stance: divergance").replace("differ sharply", "differ gently")
    broken += "  - id: a-2\n    topic: spice\n    stance: convergence\n    quote: Both governments agree to expand civil space cooperation together.\n"
    _, report = check(write_project(tmp_path, {A: broken}))
    assert [(p.location.line, p.code) for p in report.problems] == [
        (10, "unknown-stance"),
        (11, "quote-not-found"),
        (13, "unknown-topic"),
    ]


def test_cue_lists_in_the_codebook_replace_the_defaults(problems_of: Callable[..., Found]) -> None:
    tuned = {CB: CODEBOOK + "cues:\n  hedges: [sharply]\n  both-parties: [bilateral]\n"}
    # 'sharply' is now a hedge, and 'bilateral' names both parties: b-1 (actor India) is flagged
    assert problems_of(tuned) == [(A, 11, "hedged-confidence"), (B, 12, "actor-names-both")]
    accepted = CLAIMS_B + "    accept:\n      actor-names-both: names India's preferred mechanism\n"
    assert problems_of({**tuned, B: accepted}) == [(A, 11, "hedged-confidence")]
    assert problems_of({B: accepted}) == [(B, 15, "unneeded-accept")]


def test_a_claim_with_quotes_holds_each_passage_where_it_is_written() -> None:
    text = CLAIMS_A.replace(QUOTE_A, f"    quotes:\n      - {EXPORT}\n      - >-\n        {SPACE}\n")
    text += "    accept:\n      hedged-confidence: the view is the report's own\n"
    (claim,) = parse_claims_file(A, text.encode()).claims
    assert claim.quotes == (EXPORT, SPACE)
    assert [claim.passage_at(i).line for i in range(2)] == [12, 13]
    assert dict(claim.accept) == {"hedged-confidence": "the view is the report's own"}
    assert claim.at("accept.hedged-confidence").line == 16


def test_report_places_every_passage(tmp_path: Path) -> None:
    text = CLAIMS_A.replace(QUOTE_A, f"    quotes:\n      - {SPACE}\n      - {EXPORT}\n")
    _, report = check(write_project(tmp_path, {A: text}))
    assert report.problems == ()
    assert [str(p[0]) for p in report.passages["a-1"] if p] == ["seeds/a.txt:3:1", "seeds/a.txt:2:1"]
    assert str(report.quote_starts["a-1"]) == "seeds/a.txt:3:1"


def test_an_accepted_near_duplicate_names_the_earlier_claim(tmp_path: Path) -> None:
    text = (
        CLAIMS_A
        + "  - id: a-2\n    topic: export-controls\n    stance: divergence\n    quote: differ sharply on export controls policy\n"
    )
    _, report = check(write_project(tmp_path, {A: text}))
    (problem,) = report.problems
    assert (problem.code, problem.subject) == ("near-duplicate-claims", "a-2")
    assert "'a-1' (line 8)" in problem.message and "quotes:" in problem.hint


def test_findings_worked_out_by_child_processes_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matrix.files.workers
    from tests.conftest import PIVOT_FILES

    a = str(PIVOT_FILES["claims/a.yaml"])
    files = {
        **PIVOT_FILES,
        "claims/a.yaml": a.replace("stance: divergence", "stance: divergance")  # unknown-stance
        .replace("id: a4", "id: b1")  # a repeated id: the first claim's passages are kept
        .replace("export controls policy", "export control policy", 1),  # quote-not-found
        "claims/c.yaml": a.replace("src-a", "src-c")
        .replace("id: a", "id: c")
        .replace("confidence: low", "date: 2024-13")
        + "  - id: c5\n    topic: space\n    stance: convergence\n    confidence: high\n"
        + "    quote: 'The two sides may agree on export controls policy.'\n",
    }
    root = write_project(tmp_path, files)
    alone = check(root)
    monkeypatch.setattr(matrix.files.workers, "PARALLEL_WEIGHT", 1)
    monkeypatch.setattr(matrix.files.workers.os, "cpu_count", lambda: 2)
    assert check(root) == alone
    codes = {(p.location.file, p.code) for p in alone[1].problems}
    assert {("claims/a.yaml", "unknown-stance"), ("claims/a.yaml", "quote-not-found")} <= codes
    assert {("claims/c.yaml", "invalid-claim-date"), ("claims/b.yaml", "duplicate-id")} <= codes
    assert {("claims/c.yaml", "hedged-confidence")} <= codes
    first = alone[1].passages["b1"][0]
    assert first is not None and first[0].file == "seeds/a.txt"  # where the first b1, in a.yaml, quotes
