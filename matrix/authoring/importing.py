"""`import`: a claims table (the `export` CSV, or the Claims sheet of the workbook `build`
writes) back into claims files. Pure: a table of typed cells and the project's claims files
in, the new file texts and the problems out.

- Cells are taken as typed: a formula, or a number, date or boolean in a text field, is a
  problem at its cell (`FILE:Sheet!C7`, or `FILE:LINE` in a CSV) — never silently turned
  into text like `12.0`. An empty cell is no value; a text such as `N/A` or `null` is that text.
- The `'` that `export --format csv` puts before text starting with = + - @, a tab or a
  carriage return (so that a spreadsheet shows it as text) is taken off again.
- Derived columns are not imported: `source_title`, `perspective`, `topic_label` and `weight`
  come from the source, the codebook and the confidence, and a cell that disagrees with them
  is a warning (the edit must be made where the value comes from); `quote_at` and `claim_at`
  are locations and ignored.
- A claims file is rewritten only when its claims change, and keeps its own order whatever the
  table's (the workbook lists claims in matrix order): its claims stay where they are, claims
  that are new are added after them in the table's order, and removed ones go; each keeps its
  `accept:` (no table column holds it). Claims that are unchanged keep their exact text,
  comments included; the text before and after the `claims:` list is kept as it is.
- Claims files of sources the table does not mention are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from matrix.authoring.rewriting import Coded, Target, coded, rewritten
from matrix.files.schema import claims_file
from matrix.files.tables import Cell, CellRef, CellValue, ImportProblem, Row, Table, csv_table, unprefixed
from matrix.files.yamltree import parse_tree
from matrix.model.problems import Level, did_you_mean, is_hidden_char, shown
from matrix.model.terms import APPROACHES, CSV_FORMULA_START, PASSAGE_SEPARATOR, STANCES, VOICES
from matrix.model.terms import CELL_LIMIT as EXCEL_CELL_LIMIT
from matrix.model.values import CONFIDENCE_WEIGHTS, DEFAULT_CONFIDENCE, Claim, Codebook, Source
from matrix.model.wording import counted

__all__ = [  # what the commands and tests use, some of it from the modules import builds on
    "CSV_FORMULA_START",
    "PASSAGE_SEPARATOR",
    "Cell",
    "CellRef",
    "CellValue",
    "ImportPlan",
    "ImportProblem",
    "Row",
    "Table",
    "Target",
    "coded",
    "csv_table",
    "plan_import",
    "plan_lines",
    "unprefixed",
]

EMITS = (  # the problem codes of an import; the last ten are `validate`'s codes, given here at the cell
    "import-missing-column",
    "import-unknown-column",
    "import-formula",
    "import-typed-cell",
    "import-unknown-source",
    "import-derived-mismatch",
    "import-round-trip",
    "file-too-large",
    "empty-value",
    "control-character",
    "value-too-long",
    "malformed-id",
    "duplicate-id",
    "unknown-stance",
    "unknown-approach",
    "unknown-confidence",
    "unknown-topic",
    "unknown-actor",
    "unknown-voice",
    "repeated-approach",
    "too-few-sides",
    "sides-with-actor",
    "wrong-type",
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REQUIRED_COLUMNS = ("id", "source", "topic", "stance", "quote")
OPTIONAL_COLUMNS = ("approach", "actor", "confidence", "note", "voice", "sides")
CODED_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
DERIVED_COLUMNS = ("source_title", "perspective", "topic_label", "weight", "quote_at", "claim_at", "cell")
_ALIASES = {"quote_location": "quote_at", "claim_location": "claim_at"}  # the workbook's headers


@dataclass(frozen=True, slots=True)
class FileChange:
    """What an import does to one claims file, and its new text."""

    file: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    text: str
    claims: tuple[Coded, ...]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    rows: int
    changes: tuple[FileChange, ...]  # only files whose text changes
    unchanged: tuple[str, ...]  # files the table covers that stay as they are
    problems: tuple[ImportProblem, ...]

    @property
    def errors(self) -> int:
        return sum(p.level is Level.ERROR for p in self.problems)


class _Columns:
    """The table's header: field name -> column index (0-based)."""

    def __init__(self, table: Table, report: Callable[[ImportProblem], None]) -> None:
        self.index: dict[str, int] = {}
        known = (*CODED_COLUMNS, *DERIVED_COLUMNS)
        for position, cell in enumerate(table.header):
            where = CellRef(table.file, table.sheet, table.header_row, position + 1)
            if cell.value is None:
                continue
            name = str(cell.value).strip().lower().replace(" ", "_")
            name = _ALIASES.get(name, name)
            if name not in known or name in self.index:
                twice = name in self.index
                report(
                    ImportProblem(
                        where,
                        "import-unknown-column",
                        f"column {shown(str(cell.value))} is {'given twice' if twice else 'not a claims column'}; ignored",
                        "" if twice else did_you_mean(name, known),
                    )
                )
                continue
            self.index[name] = position
        for name in REQUIRED_COLUMNS:
            if name not in self.index:
                report(
                    ImportProblem(
                        CellRef(table.file, table.sheet, table.header_row, 0),
                        "import-missing-column",
                        f"the table has no '{name}' column",
                        "import reads the table `export --format csv` writes, or the Claims sheet of the workbook",
                    )
                )


def _describe(value: CellValue) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).upper()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the {type(value).__name__} {value}"


class _RowReader:
    """One row's cells as claim fields, every problem reported at its cell."""

    def __init__(self, table: Table, columns: _Columns, row: Row, report: Callable[[ImportProblem], None]) -> None:
        self.table, self.columns, self.row, self.report = table, columns, row, report

    def where(self, name: str) -> CellRef:
        return CellRef(self.table.file, self.table.sheet, self.row.number, self.columns.index[name] + 1)

    def has(self, name: str) -> bool:
        return name in self.columns.index

    def raw(self, name: str) -> Cell:
        position = self.columns.index.get(name)
        cells = self.row.cells
        return cells[position] if position is not None and position < len(cells) else Cell(None)

    def text(self, name: str, required: bool = False) -> str | None:
        """The text of column `name` (stripped, except a quote), None when the cell is
        empty or unusable (reported)."""
        cell = self.raw(name)
        if cell.formula:
            self.problem(name, "import-formula", f"the cell holds the formula {shown(str(cell.value))}", _TEXT_HINT)
            return None
        value = cell.value
        if value is not None and not isinstance(value, str):
            self.problem(
                name, "import-typed-cell", f"'{name}' must be text; the cell holds {_describe(value)}", _TEXT_HINT
            )
            return None
        text = value if name == "quote" or value is None else value.strip()
        if not text or not text.strip():
            if required:
                self.problem(name, "empty-value", f"'{name}' is empty", f"give '{name}' a value")
            return None
        return self._checked(name, text)

    def _checked(self, name: str, text: str) -> str | None:
        hidden = next((c for c in text if is_hidden_char(c)), None)
        if hidden is not None:
            message = f"'{name}' holds the invisible or control character U+{ord(hidden):04X}"
            self.problem(name, "control-character", message, "retype the value, or delete the character")
            return None
        if len(text) > EXCEL_CELL_LIMIT:
            message = f"'{name}' is {len(text):,} characters long; a cell holds at most {EXCEL_CELL_LIMIT:,}"
            self.problem(name, "value-too-long", message, "shorten it")
            return None
        return text

    def problem(self, name: str, code: str, message: str, hint: str = "") -> None:
        self.report(ImportProblem(self.where(name), code, message, hint))

    def blank(self) -> bool:
        return all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in self.row.cells)


_TEXT_HINT = "type the value as text (in a spreadsheet: format the column as Text, then retype it)"


def _vocabulary_problem(reader: _RowReader, name: str, value: str, allowed: Sequence[str]) -> bool:
    """Report `value` of column `name` when it is not one of `allowed`; True when it is."""
    if value in allowed:
        return True
    listed = ", ".join(allowed)
    where = "the codebook's " + name + "s" if name in ("topic", "actor") else listed
    reader.problem(
        name, f"unknown-{name}", f"{name} {shown(value)} is not one of {where}", did_you_mean(value, allowed)
    )
    return False


class _Imported(NamedTuple):
    source: str
    claim: Coded
    row: int


def _passages(reader: _RowReader, quote: str, existing: Coded | None) -> tuple[str, ...] | None:
    """The passages of a `quote` cell: split at the separator the export joins them with,
    unless the claim already has that whole text as its one passage."""
    if PASSAGE_SEPARATOR not in quote or (existing is not None and existing.quotes == (quote,)):
        return (quote,)
    parts = tuple(quote.split(PASSAGE_SEPARATOR))
    if any(not p.strip() for p in parts):
        reader.problem(
            "quote", "empty-value", "a passage of 'quote' is empty", f"passages are joined by {PASSAGE_SEPARATOR!r}"
        )
        return None
    return parts


def _row_claim(
    reader: _RowReader, codebook: Codebook, existing: Mapping[str, Coded], sources: Mapping[str, Source]
) -> _Imported | None:
    values = {name: reader.text(name, required=name in REQUIRED_COLUMNS) for name in REQUIRED_COLUMNS}
    optional = {name: reader.text(name) for name in OPTIONAL_COLUMNS if reader.has(name)}
    claim_id, source_id, topic, stance, quote = (values[n] for n in REQUIRED_COLUMNS)
    if claim_id is not None and not ID_RE.match(claim_id):
        reader.problem("id", "malformed-id", f"claim id {shown(claim_id)} must match ^[a-z0-9][a-z0-9-]*$", "")
        claim_id = None
    if source_id is not None and source_id not in sources:
        reader.problem(
            "source",
            "import-unknown-source",
            f"the project has no source {shown(source_id)}",
            f"add it first with `claims-matrix add-source`; {did_you_mean(source_id, sorted(sources))}".rstrip("; "),
        )
        source_id = None
    ok = topic is None or _vocabulary_problem(reader, "topic", topic, codebook.ids("topics"))
    ok = (stance is None or _vocabulary_problem(reader, "stance", stance, STANCES)) and ok
    old = existing.get(claim_id or "")
    kept = _kept_fields(reader, optional, old)
    ok = _optional_ok(reader, codebook, kept) and ok
    means = _means(reader, codebook, kept, old)
    ok = means is not None and ok
    passages = _passages(reader, quote, old) if quote is not None else None
    if None in (claim_id, source_id, topic, stance, passages) or not ok:
        return None
    assert claim_id and source_id and topic and stance and passages and means is not None
    approach, approach_list, sides = means
    claim = Coded(
        claim_id,
        topic,
        stance,
        passages,
        approach,
        kept["actor"],
        kept["confidence"] or DEFAULT_CONFIDENCE,
        kept["note"],
        old.accept if old else (),
        old.date if old else None,
        kept["voice"],
        approach_list,
        sides,
    )
    _check_derived(reader, codebook, sources[source_id], claim)
    return _Imported(source_id, claim, reader.row.number)


def _kept_fields(reader: _RowReader, given: Mapping[str, str | None], old: Coded | None) -> dict[str, str | None]:
    """Optional fields from the table; a column the table lacks keeps the claim's value."""
    kept: dict[str, str | None] = {}
    for name in OPTIONAL_COLUMNS:
        if reader.has(name):
            kept[name] = given.get(name)
        elif name in ("approach", "sides"):
            kept[name] = None  # `_means` keeps the claim's own
        else:
            kept[name] = getattr(old, name) if old else None
    return kept


Means = tuple["str | None", tuple[str, ...], tuple[tuple[str, str], ...]]  # approach, list, sides


def _means(reader: _RowReader, codebook: Codebook, kept: Mapping[str, str | None], old: Coded | None) -> Means | None:
    """The approach, approach list and sides of the row's `approach` and `sides` cells
    ('bilateral; multilateral', 'US: unilateral; India: multilateral'); a column the table
    lacks keeps the claim's own. None: a problem (reported)."""
    if not reader.has("approach") and not reader.has("sides"):
        return (old.approach, old.approach_list, old.sides) if old else (None, (), ())
    approach, approach_list = (old.approach, old.approach_list) if old and not reader.has("approach") else (None, ())
    text = kept["approach"]
    ok = True
    if text is not None:
        items = [item.strip() for item in text.split(";")]
        ok = all(_vocabulary_problem(reader, "approach", item, APPROACHES) for item in items)
        if len(set(items)) < len(items):
            reader.problem("approach", "repeated-approach", f"approach {shown(text)} lists one approach twice", "")
            ok = False
        approach, approach_list = (items[0], ()) if len(items) == 1 else (None, tuple(items))
    sides: tuple[tuple[str, str], ...] = old.sides if old and not reader.has("sides") else ()
    cell = kept["sides"]
    if cell is not None:
        pairs = [part.partition(":") for part in cell.split(";")]
        if any(not sep for _, sep, _ in pairs):
            reader.problem("sides", "wrong-type", f"sides {shown(cell)} is not 'actor: approach; actor: approach'", "")
            return None
        sides = tuple((a.strip(), b.strip()) for a, _, b in pairs)
        for actor, means in sides:
            ok = _vocabulary_problem(reader, "actor", actor, codebook.ids("actors")) and ok
            ok = _vocabulary_problem(reader, "approach", means, APPROACHES) and ok
        if len(sides) < 2:
            reader.problem("sides", "too-few-sides", f"sides {shown(cell)} gives fewer than two sides", "")
            ok = False
    if sides and (approach or approach_list or kept["actor"]):
        reader.problem("sides", "sides-with-actor", "the row has sides and also an approach or an actor", "")
        ok = False
    return (approach, approach_list, sides) if ok else None


def _optional_ok(reader: _RowReader, codebook: Codebook, kept: Mapping[str, str | None]) -> bool:
    ok = True
    for name, allowed in (
        ("actor", codebook.ids("actors")),
        ("confidence", tuple(CONFIDENCE_WEIGHTS)),
        ("voice", VOICES),
    ):
        value = kept[name]
        if value is not None and reader.has(name):
            ok = _vocabulary_problem(reader, name, value, allowed) and ok
    return ok


def _check_derived(reader: _RowReader, codebook: Codebook, source: Source, claim: Coded) -> None:
    """Warn where a derived cell disagrees with where its value comes from (it is ignored)."""
    expected: dict[str, tuple[str, str]] = {
        "source_title": (source.title, f"the title of source '{source.id}' (edit it in its claims file)"),
        "perspective": (source.perspective, f"the perspective of source '{source.id}' (edit it in its claims file)"),
        "topic_label": (codebook.label("topics", claim.topic), f"the label of topic '{claim.topic}' in the codebook"),
        "weight": (str(CONFIDENCE_WEIGHTS[claim.confidence]), f"the weight of confidence '{claim.confidence}'"),
    }
    for name, (value, origin) in expected.items():
        if not reader.has(name):
            continue
        cell = reader.raw(name).value
        given = _weight_text(cell) if name == "weight" else (cell.strip() if isinstance(cell, str) else cell)
        if given is not None and given != value:
            reader.problem(
                name,
                "import-derived-mismatch",
                f"{shown(str(given))} is not {origin}, {shown(value)}; the cell is ignored",
                "change the value where it comes from; this column follows it",
            )


def _weight_text(cell: CellValue) -> str | None:
    if isinstance(cell, bool) or cell is None:
        return None if cell is None else str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip() if not isinstance(cell, str) else cell.strip()


def read_claims(
    table: Table, codebook: Codebook, targets: Sequence[Target]
) -> tuple[list[_Imported], list[ImportProblem]]:
    """The table's claims, in its order, and the problems of its cells."""
    problems: list[ImportProblem] = []
    columns = _Columns(table, problems.append)
    if any(p.code == "import-missing-column" for p in problems):
        return [], problems
    existing = {claim.id: coded(claim) for target in targets for claim in target.claims}
    sources = {target.source.id: target.source for target in targets}
    claims: list[_Imported] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        reader = _RowReader(table, columns, row, problems.append)
        if reader.blank():
            continue
        imported = _row_claim(reader, codebook, existing, sources)
        if imported is None:
            continue
        claim_id = imported.claim.id
        if claim_id in first_row:
            message = f"claim id '{claim_id}' is also on row {first_row[claim_id]}"
            reader.problem("id", "duplicate-id", message, "give each claim its own id")
            continue
        first_row[claim_id] = row.number
        claims.append(imported)
    return claims, problems


Reparse = Callable[[str, bytes], tuple[Source | None, Sequence[Claim], Sequence[object]]]


def reread(file: str, data: bytes) -> tuple[Source | None, Sequence[Claim], Sequence[object]]:
    """A claims file's bytes read as the project's loader reads them: its source, its claims
    and the problems of reading them."""
    root, problems = parse_tree(data.decode("utf-8"), file)
    parsed = claims_file(file, root, problems)
    return parsed.source, parsed.claims, parsed.problems


def plan_import(
    table: Table,
    codebook: Codebook,
    targets: Sequence[Target],
    reparse: Reparse = reread,
    schema: str | None = None,
    max_bytes: int | None = None,
) -> ImportPlan:
    """What importing `table` into the project's claims files (`targets`) changes.

    Each new text is read back with `reparse` (the project's own loader: file name and bytes
    -> source, claims, problems) and compared with what was imported; a file that would not
    read back the same is a problem, and then nothing may be written. `schema` (the claims
    schema, relative to the claims folder) is named on the first line of each file written; a
    text over `max_bytes` (the loader's limit) is a problem. A claim the table lists under
    another source leaves its old file, also when the table lists none of that file's claims."""
    claims, problems = read_claims(table, codebook, targets)
    by_source: dict[str, list[Coded]] = {}
    for imported in claims:
        by_source.setdefault(imported.source, []).append(imported.claim)
    placed = {imported.claim.id: imported.source for imported in claims}
    changes: list[FileChange] = []
    unchanged: list[str] = []
    for target in targets:
        wanted = by_source.get(target.source.id)
        if wanted is None:
            # a source the table does not list keeps its claims, but those the table moved to another source
            moved = {c.id for c in target.claims if placed.get(c.id, target.source.id) != target.source.id}
            if not moved:
                continue
            wanted = [coded(c) for c in target.claims if c.id not in moved]
        change = _file_change(target, tuple(wanted), schema)
        if change is None:
            unchanged.append(target.file)
            continue
        problem = _round_trip_problem(target, change, reparse) or _size_problem(target, change, max_bytes)
        if problem is not None:
            problems.append(problem)
        changes.append(change)
    return ImportPlan(len(claims), tuple(changes), tuple(unchanged), tuple(sorted(problems)))


def _size_problem(target: Target, change: FileChange, max_bytes: int | None) -> ImportProblem | None:
    """`file-too-large` when the new text is over the loader's limit (the project would not load)."""
    size = len(change.text.encode("utf-8"))
    if max_bytes is None or size <= max_bytes:
        return None
    return ImportProblem(
        CellRef(target.file, None, 0, 0),
        "file-too-large",
        f"{target.file} would be {size:,} bytes; the limit is {max_bytes:,}, so nothing is written",
        "split the source's claims over several sources, or import fewer claims",
    )


def _in_file_order(old: Mapping[str, Coded], wanted: Sequence[Coded]) -> tuple[Coded, ...]:
    """`wanted` in the file's order: the claims it has where they are, new ones after them."""
    by_id = {claim.id: claim for claim in wanted}
    kept = tuple(by_id[claim_id] for claim_id in old if claim_id in by_id)
    return kept + tuple(claim for claim in wanted if claim.id not in old)


def _file_change(target: Target, table: tuple[Coded, ...], schema: str | None) -> FileChange | None:
    old = {claim.id: coded(claim) for claim in target.claims}
    wanted = _in_file_order(old, table)
    if tuple(old.values()) == wanted:
        return None
    new_ids = {c.id for c in wanted}
    added = tuple(c.id for c in wanted if c.id not in old)
    changed = tuple(c.id for c in wanted if c.id in old and old[c.id] != c)
    removed = tuple(i for i in old if i not in new_ids)
    text = rewritten(target, wanted, schema)
    return FileChange(target.file, added, changed, removed, text, wanted)


def _round_trip_problem(
    target: Target,
    change: FileChange,
    reparse: Reparse,
) -> ImportProblem | None:
    source, claims, problems = reparse(target.file, change.text.encode("utf-8"))
    same_source = source is not None and _source_fields(source) == _source_fields(target.source)
    if not problems and same_source and tuple(coded(c) for c in claims) == change.claims:
        return None
    return ImportProblem(
        CellRef(target.file, None, 0, 0),
        "import-round-trip",
        f"the text written for {target.file} would not read back as the imported claims; nothing is written",
        "please report this with the table; meanwhile edit the claims file by hand",
    )


def _source_fields(source: Source) -> tuple[str | None, ...]:
    return (
        source.id,
        source.title,
        source.publisher,
        source.perspective,
        source.text,
        source.author,
        source.published,
        source.url,
        source.sha256,
        source.retrieved,
        source.archive,
    )


def plan_lines(plan: ImportPlan, written: bool) -> Iterator[str]:
    """What the import does (or would do), per claims file, and a closing line."""
    for change in plan.changes:
        parts = [
            f"{len(ids)} {what}" + (f" ({', '.join(ids)})" if ids else "")
            for what, ids in (("added", change.added), ("changed", change.changed), ("removed", change.removed))
        ]
        yield f"{change.file}: " + ", ".join(parts)
    for file in plan.unchanged:
        yield f"{file}: unchanged"
    count = len(plan.changes)
    files, imported = counted(count, "claims file"), f"imported {counted(plan.rows, 'claim')}"
    if written:
        yield f"{imported}: wrote {files}"
    elif count:
        yield f"{imported}: would write {files} (run again with --write to write)"
    else:
        yield f"{imported}: nothing to change"
