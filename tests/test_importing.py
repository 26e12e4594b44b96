"""import's pure logic: typed cells, problems at their cells, per-file changes, exact round trips."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from matrix.analysis.pivot import CLAIM_COLUMNS
from matrix.authoring import importing
from matrix.authoring.importing import (
    PASSAGE_SEPARATOR,
    Cell,
    CellRef,
    CellValue,
    Row,
    Table,
    Target,
    coded,
    csv_table,
    plan_import,
    plan_lines,
    unprefixed,
)
from matrix.files import tables
from matrix.files.loading import parse_claims_file, parse_codebook
from matrix.model.values import Claim, Codebook, Source
from tests.conftest import CLAIMS_A, CLAIMS_B, CODEBOOK

HEADER = list(CLAIM_COLUMNS)
EXPORT = "The United States and India differ sharply on export controls policy."
SPACE = "Both governments agree to expand civil space cooperation together."
A_COMMENTED = CLAIMS_A.replace("claims:\n", "claims:  # coded by A. Coder\n").replace(
    "    stance: divergence\n", "    stance: divergence  # checked twice\n"
)


def codebook() -> Codebook:
    book, problems = parse_codebook("claims/codebook.yaml", CODEBOOK.encode())
    assert book is not None and not problems
    return book


def target(file: str, text: str) -> Target:
    parsed = parse_claims_file(file, text.encode())
    assert parsed.source is not None and parsed.problems == ()
    return Target(file, text, parsed.source, parsed.claims)


TARGETS = [target("claims/a.yaml", A_COMMENTED), target("claims/b.yaml", CLAIMS_B)]


def reparse(file: str, data: bytes) -> tuple[Source | None, Sequence[Claim], Sequence[object]]:
    parsed = parse_claims_file(file, data)
    return parsed.source, parsed.claims, parsed.problems


def row(**values: CellValue) -> dict[str, CellValue]:
    base: dict[str, CellValue] = {
        "id": "a-1",
        "source": "src-a",
        "source_title": "Source A",
        "perspective": "US-India",
        "topic": "export-controls",
        "topic_label": "Export controls",
        "stance": "divergence",
        "confidence": "medium",
        "weight": 2,
        "quote": EXPORT,
        "quote_at": "seeds/a.txt:2:1",
        "claim_at": "claims/a.yaml:8:5",
    }
    return {**base, **values}


def sheet(*rows: dict[str, CellValue], formulas: Sequence[tuple[int, str]] = ()) -> Table:
    """A Claims sheet with the export's columns; `formulas` marks (row index, column) cells."""
    body = []
    for index, values in enumerate(rows):
        cells = tuple(Cell(values.get(name), (index, name) in formulas) for name in HEADER)
        body.append(Row(index + 2, cells))
    return Table("in.xlsx", "Claims", tuple(Cell(h) for h in HEADER), tuple(body))


def found(table: Table) -> list[tuple[str, str]]:
    plan = plan_import(table, codebook(), TARGETS, reparse)
    return [(str(p.where), p.code) for p in plan.problems]


def test_an_unchanged_table_changes_nothing() -> None:
    plan = plan_import(sheet(row()), codebook(), TARGETS, reparse)
    assert (plan.changes, plan.unchanged, plan.problems) == ((), ("claims/a.yaml",), ())
    assert list(plan_lines(plan, written=False)) == [
        "claims/a.yaml: unchanged",
        "imported 1 claim: nothing to change",
    ]


def test_a_changed_claim_rewrites_only_its_lines_and_keeps_comments() -> None:
    plan = plan_import(sheet(row(stance="convergence", weight=3, confidence="high")), codebook(), TARGETS, reparse)
    assert plan.problems == ()
    (change,) = plan.changes
    assert (change.file, change.added, change.changed, change.removed) == ("claims/a.yaml", (), ("a-1",), ())
    assert change.text.startswith("source:\n  id: src-a\n")
    assert "claims:  # coded by A. Coder\n" in change.text
    assert "    stance: convergence\n    confidence: high\n" in change.text
    assert list(plan_lines(plan, written=False)) == [
        "claims/a.yaml: 0 added, 1 changed (a-1), 0 removed",
        "imported 1 claim: would write 1 claims file (run again with --write to write)",
    ]


def test_added_claims_with_several_passages_and_removed_claims() -> None:
    b_kept = row(id="b-1", source="src-b", source_title="Source B", perspective="CFR", topic="space")
    b_kept |= {"topic_label": "Space", "approach": "bilateral", "actor": "India", "quote": SEED_B_QUOTE}
    new = row(id="b-2", source="src-b", source_title="Source B", perspective="CFR", topic="space", topic_label="Space")
    new["quote"] = PASSAGE_SEPARATOR.join(["India favors bilateral initiatives", "over multilateral ones"])
    new["note"] = "N/A"
    plan = plan_import(sheet(b_kept, new), codebook(), TARGETS, reparse, schema="claims.schema.json")
    assert plan.problems == ()
    (change,) = plan.changes
    assert (change.added, change.changed, change.removed) == (("b-2",), (), ())
    assert change.text.startswith("# yaml-language-server: $schema=claims.schema.json\nsource:\n")
    assert change.text.endswith(
        "  - id: b-2\n    topic: space\n    stance: divergence\n    quotes:\n"
        "      - India favors bilateral initiatives\n      - over multilateral ones\n    note: N/A\n"
    )
    parsed = parse_claims_file("claims/b.yaml", change.text.encode())
    assert [coded(c) for c in parsed.claims] == list(change.claims)
    assert parsed.claims[1].note == "N/A"  # text that looks like a missing value stays text

    gone = plan_import(sheet(new), codebook(), TARGETS, reparse).changes[0]
    assert (gone.added, gone.removed) == (("b-2",), ("b-1",))


SEED_B_QUOTE = "India favors bilateral initiatives over multilateral ones in space"


def test_the_tables_order_never_reorders_a_claims_file() -> None:
    """The workbook lists claims in matrix order: a file keeps its own order, whatever the
    table's; new claims go after the file's, in the table's order; the Cell column is derived."""
    b1 = row(id="b-1", source="src-b", source_title="Source B", perspective="CFR", topic="space")
    b1 |= {"topic_label": "Space", "approach": "bilateral", "actor": "India", "quote": SEED_B_QUOTE}
    b2, b3 = ({**b1, "id": claim_id, "actor": None, "approach": None} for claim_id in ("b-2", "b-3"))
    grown = plan_import(sheet(b1, b2), codebook(), TARGETS, reparse).changes[0]
    two = target("claims/b.yaml", grown.text)
    assert [c.id for c in two.claims] == ["b-1", "b-2"]
    backwards = plan_import(sheet(b2, b1), codebook(), [two], reparse)
    assert (backwards.changes, backwards.unchanged, backwards.problems) == ((), ("claims/b.yaml",), ())
    added = plan_import(sheet(b3, b2, b1), codebook(), [two], reparse).changes[0]
    assert [c.id for c in added.claims] == ["b-1", "b-2", "b-3"] and added.added == ("b-3",)
    assert added.text.startswith(grown.text)
    with_cell = Table(
        "in.xlsx",
        "Claims",
        (*(Cell(h) for h in HEADER), Cell("Cell")),
        tuple(Row(r.number, (*r.cells, Cell("Stance!H4"))) for r in sheet(b2, b1).rows),
    )
    assert plan_import(with_cell, codebook(), [two], reparse).problems == ()


def test_cells_are_taken_as_typed_and_problems_are_at_their_cell() -> None:
    table = sheet(
        row(note=12),
        row(id="a-2", note=datetime.datetime(2025, 6, 5)),
        row(id="a-3", stance="=IF(1,2)"),
        row(id="a-4", approach="null", actor=True),
        row(id="a-5", topic="export-control", confidence="hgh"),
        formulas=[(2, "stance")],
    )
    assert found(table) == [
        ("in.xlsx:Claims!O2", "import-typed-cell"),
        ("in.xlsx:Claims!O3", "import-typed-cell"),
        ("in.xlsx:Claims!G4", "import-formula"),
        ("in.xlsx:Claims!H5", "unknown-approach"),
        ("in.xlsx:Claims!I5", "import-typed-cell"),
        ("in.xlsx:Claims!E6", "unknown-topic"),
        ("in.xlsx:Claims!J6", "unknown-confidence"),
    ]


def test_ids_sources_and_required_cells() -> None:
    table = sheet(
        row(id="A 1"),
        row(id="a-2", source="src-z"),
        row(id="a-3", quote=None, stance=" "),
        row(id="a-4"),
        row(id="a-4"),
        row(id="a-5", quote="ok\u200b"),
        {},  # a blank row is skipped
    )
    assert found(table) == [
        ("in.xlsx:Claims!A2", "malformed-id"),
        ("in.xlsx:Claims!B3", "import-unknown-source"),
        ("in.xlsx:Claims!G4", "empty-value"),
        ("in.xlsx:Claims!L4", "empty-value"),
        ("in.xlsx:Claims!A6", "duplicate-id"),
        ("in.xlsx:Claims!L7", "control-character"),
    ]


def test_derived_cells_that_disagree_are_warned_about_and_ignored() -> None:
    table = sheet(row(source_title="Other", perspective="CFR", topic_label="Space", weight=3.0, claim_at="x:1:1"))
    plan = plan_import(table, codebook(), TARGETS, reparse)
    assert [(str(p.where), p.code, p.level.value) for p in plan.problems] == [
        ("in.xlsx:Claims!C2", "import-derived-mismatch", "warning"),
        ("in.xlsx:Claims!D2", "import-derived-mismatch", "warning"),
        ("in.xlsx:Claims!F2", "import-derived-mismatch", "warning"),
        ("in.xlsx:Claims!K2", "import-derived-mismatch", "warning"),
    ]
    assert plan.changes == ()


def test_header_problems() -> None:
    table = Table("in.csv", None, (Cell("ID"), Cell("Source"), Cell("Stance"), Cell("Quote"), Cell("colour")), ())
    assert found(table) == [("in.csv:1", "import-missing-column"), ("in.csv:1", "import-unknown-column")]
    # the workbook's own headers are understood
    workbook = Table(
        "in.xlsx", "Claims", tuple(Cell(h) for h in ("ID", "Source", "Topic", "Stance", "Quote", "Quote location")), ()
    )
    assert found(workbook) == []
    no_quote = Table("in.xlsx", "Claims", tuple(Cell(h) for h in ("ID", "Source", "Topic", "Stance")), ())
    assert found(no_quote) == [("in.xlsx:Claims!1:1", "import-missing-column")]


def test_csv_cells_lines_and_the_export_prefix() -> None:
    text = "\ufeffid,source,note\r\na-1,src-a,\"two\r\nlines\"\r\na-2,,'=1+2\r\na-3,'x,'-\r\n"
    table = csv_table("in.csv", text.encode())
    assert not isinstance(table, CellRef) and isinstance(table, Table)
    assert [c.value for c in table.header] == ["id", "source", "note"]
    assert [(r.number, [c.value for c in r.cells]) for r in table.rows] == [
        (2, ["a-1", "src-a", "two\nlines"]),
        (4, ["a-2", None, "=1+2"]),
        (5, ["a-3", "'x", "-"]),
    ]
    assert unprefixed("'@x") == "@x" and unprefixed("''=x") == "''=x" and unprefixed("'") == "'"
    bad = csv_table("in.csv", b"id\nca\xe9\n")
    assert not isinstance(bad, Table) and (str(bad.where), bad.code) == ("in.csv:2", "import-unreadable")


# --- the export's CSV, written as `export --format csv` writes it, imports exactly -----------

_text = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=60)
_claims = st.lists(
    st.tuples(
        st.sampled_from(["export-controls", "space"]),
        st.sampled_from(["convergence", "divergence"]),
        st.sampled_from([None, "unilateral", "bilateral", "multilateral"]),
        st.sampled_from([None, "US", "India"]),
        st.sampled_from(["low", "medium", "high"]),
        st.lists(_text.filter(lambda t: t.strip() and PASSAGE_SEPARATOR not in t), min_size=1, max_size=3),
        st.none() | _text.filter(str.strip),
    ),
    min_size=1,
    max_size=5,
)


def _export_csv(claims: list[tuple[object, ...]]) -> bytes:
    """The claims as `export --format csv` writes them (formula-like text prefixed with ')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for number, (topic, stance, approach, actor, confidence, quotes, note) in enumerate(claims):
        assert isinstance(quotes, list)
        values = {
            "id": f"a-{number}",
            "source": "src-a",
            "topic": topic,
            "stance": stance,
            "approach": approach,
            "actor": actor,
            "confidence": confidence,
            "quote": PASSAGE_SEPARATOR.join(quotes),
            "note": note,
        }
        cells = ["" if values.get(h) is None else str(values[h]) for h in HEADER]
        writer.writerow([f"'{c}" if c.startswith(("=", "+", "-", "@", "\t", "\r")) else c for c in cells])
    return buffer.getvalue().encode()


@settings(max_examples=150, deadline=None)
@given(_claims)
def test_an_exported_table_imports_exactly(claims: list[tuple[object, ...]]) -> None:
    table = csv_table("in.csv", _export_csv(claims))
    assert isinstance(table, Table)
    plan = plan_import(table, codebook(), TARGETS, reparse)
    assert [p for p in plan.problems if p.level.value == "error"] == []
    (change,) = plan.changes
    parsed = parse_claims_file("claims/a.yaml", change.text.encode())
    assert parsed.problems == ()
    got = {c.id: (c.topic, c.stance, c.approach, c.actor, c.confidence, list(c.quotes), c.note) for c in parsed.claims}
    wanted = {
        f"a-{i}": (t, s, a, ac, cf, q, n.strip() if n else None) for i, (t, s, a, ac, cf, q, n) in enumerate(claims)
    }  # type: ignore[union-attr]
    assert got == wanted
    # the file's own claim (a-1) stays first, the new ones follow in the table's order
    assert list(got) == sorted(wanted, key=lambda i: (i != "a-1", int(i[2:])))


def test_a_text_that_would_not_read_back_is_a_problem_and_nothing_is_planned_to_be_written() -> None:
    """The safety net: a reader that loses a claim (the real one never does) stops the import."""

    def losing(file: str, data: bytes) -> tuple[Source | None, Sequence[Claim], Sequence[object]]:
        source, claims, problems = reparse(file, data)
        return source, claims[:-1], problems

    plan = plan_import(sheet(row(stance="convergence")), codebook(), TARGETS, losing)
    assert [(p.where.file, p.code) for p in plan.problems] == [("claims/a.yaml", "import-round-trip")]
    assert plan.errors == 1


def test_every_import_code_is_tested_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    codes = (*importing.EMITS, *tables.EMITS)
    assert [c for c in codes if c.startswith("import-") and f'"{c}"' not in source] == []
