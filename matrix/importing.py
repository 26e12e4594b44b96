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
- A claims file is rewritten only when its claims change, keep the table's order, and keep
  their `accept:` (no table column holds it). Claims that are unchanged keep their exact text,
  comments included; the text before and after the `claims:` list is kept as it is.
- Claims files of sources the table does not mention are left alone.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from matrix.model import APPROACHES, CONFIDENCE_WEIGHTS, DEFAULT_CONFIDENCE, STANCES, Claim, Codebook, Source
from matrix.problems import CODES, Level, did_you_mean, is_hidden_char, shown
from matrix.schema import claims_file
from matrix.yamltree import MappingNode, SequenceNode, parse_tree
from matrix.yamlwriter import claim_yaml, modeline

EMITS = (  # the problem codes of an import; the last ten are `validate`'s, given here at the cell
    "import-unreadable",
    "import-missing-column",
    "import-unknown-column",
    "import-formula",
    "import-typed-cell",
    "import-unknown-source",
    "import-derived-mismatch",
    "import-round-trip",
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
)

PASSAGE_SEPARATOR = " \u2026 \u00b6 "  # as matrix.pivot joins a claim's passages in one cell
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what `export --format csv` prefixes with '
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
EXCEL_CELL_LIMIT = 32_767
REQUIRED_COLUMNS = ("id", "source", "topic", "stance", "quote")
CODED_COLUMNS = (*REQUIRED_COLUMNS, "approach", "actor", "confidence", "note")
DERIVED_COLUMNS = ("source_title", "perspective", "topic_label", "weight", "quote_at", "claim_at")
_ALIASES = {"quote_location": "quote_at", "claim_location": "claim_at"}  # the workbook's headers

CellValue = str | int | float | bool | datetime.datetime | datetime.date | datetime.time | datetime.timedelta | None


class Cell(NamedTuple):
    """One cell as typed: `formula` when it holds a formula (then `value` is its text)."""

    value: CellValue
    formula: bool = False


class CellRef(NamedTuple):
    """Where a cell is: `FILE:Sheet!C7` in a workbook, `FILE:LINE` (the record's first line) in a CSV."""

    file: str
    sheet: str | None
    row: int
    column: int

    def __str__(self) -> str:
        if self.sheet is None:
            return f"{self.file}:{self.row}"
        if self.column == 0:  # the whole row, as Excel names it
            return f"{self.file}:{self.sheet}!{self.row}:{self.row}"
        return f"{self.file}:{self.sheet}!{column_letter(self.column)}{self.row}"


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, order=True, slots=True)
class ImportProblem:
    """A problem of an import, at a cell (or a file: row 0). Sorts by place, then code."""

    where: CellRef
    code: str
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)

    @property
    def level(self) -> Level:
        return CODES[self.code][0]

    def __post_init__(self) -> None:
        if self.code not in EMITS:
            raise ValueError(f"unregistered import problem code {self.code!r}")

    def __str__(self) -> str:
        where = f"{self.where.file}" if self.where.row == 0 else str(self.where)
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {self.level.value} {self.code}: {self.message}{hint}"


class Row(NamedTuple):
    number: int  # the sheet's row, or the CSV line the record starts on
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A claims table: its header and rows, as typed cells, from one file (and sheet)."""

    file: str
    sheet: str | None
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    header_row: int = 1


def unprefixed(text: str) -> str:
    """`text` without the `'` that `export --format csv` puts before formula-like text."""
    return text[1:] if text.startswith("'") and text[1:].startswith(CSV_FORMULA_START) else text


def csv_table(file: str, data: bytes) -> Table | ImportProblem:
    """A CSV file as a table of text cells (empty: no value; the export's `'` taken off)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return ImportProblem(
            CellRef(file, None, line, 1),
            "import-unreadable",
            f"byte 0x{data[error.start]:02X} is not valid UTF-8",
            "save the table as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)",
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    start = 1
    try:
        for record in reader:
            cells = tuple(Cell(unprefixed(v.replace("\r\n", "\n")) if v else None) for v in record)
            rows.append(Row(start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        return ImportProblem(CellRef(file, None, start, 1), "import-unreadable", f"not a CSV table: {error}")
    if not rows:
        return ImportProblem(CellRef(file, None, 0, 0), "import-unreadable", "the file is empty")
    return Table(file, None, rows[0].cells, tuple(rows[1:]), rows[0].number)


class Coded(NamedTuple):
    """What import compares and writes of a claim (its source is the file it goes to)."""

    id: str
    topic: str
    stance: str
    quotes: tuple[str, ...]
    approach: str | None
    actor: str | None
    confidence: str
    note: str | None
    accept: tuple[tuple[str, str], ...]


def coded(claim: Claim) -> Coded:
    return Coded(
        claim.id,
        claim.topic,
        claim.stance,
        claim.quotes,
        claim.approach,
        claim.actor,
        claim.confidence,
        claim.note,
        tuple(claim.accept.items()),
    )


@dataclass(frozen=True, slots=True)
class Target:
    """A claims file of the project import may rewrite: its text and what the loader read."""

    file: str
    text: str
    source: Source
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class FileChange:
    """What an import does to one claims file, and its new text."""

    file: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    text: str
    claims: tuple[Coded, ...]

    @property
    def reordered(self) -> bool:
        return not (self.added or self.changed or self.removed)


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
    optional = {name: reader.text(name) for name in ("approach", "actor", "confidence", "note") if reader.has(name)}
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
    passages = _passages(reader, quote, old) if quote is not None else None
    if None in (claim_id, source_id, topic, stance, passages) or not ok:
        return None
    assert claim_id and source_id and topic and stance and passages
    claim = Coded(
        claim_id,
        topic,
        stance,
        passages,
        kept["approach"],
        kept["actor"],
        kept["confidence"] or DEFAULT_CONFIDENCE,
        kept["note"],
        old.accept if old else (),
    )
    _check_derived(reader, codebook, sources[source_id], claim)
    return _Imported(source_id, claim, reader.row.number)


def _kept_fields(reader: _RowReader, given: Mapping[str, str | None], old: Coded | None) -> dict[str, str | None]:
    """Optional fields from the table; a column the table lacks keeps the claim's value."""
    kept: dict[str, str | None] = {}
    for name in ("approach", "actor", "confidence", "note"):
        if reader.has(name):
            kept[name] = given.get(name)
        else:
            kept[name] = getattr(old, name) if old else None
    return kept


def _optional_ok(reader: _RowReader, codebook: Codebook, kept: Mapping[str, str | None]) -> bool:
    ok = True
    for name, allowed in (
        ("approach", APPROACHES),
        ("actor", codebook.ids("actors")),
        ("confidence", tuple(CONFIDENCE_WEIGHTS)),
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
) -> ImportPlan:
    """What importing `table` into the project's claims files (`targets`) changes.

    Each new text is read back with `reparse` (the project's own loader: file name and bytes
    -> source, claims, problems) and compared with what was imported; a file that would not
    read back the same is a problem, and then nothing may be written. `schema` (the claims
    schema, relative to the claims folder) is named on the first line of each file written."""
    claims, problems = read_claims(table, codebook, targets)
    by_source: dict[str, list[Coded]] = {}
    for imported in claims:
        by_source.setdefault(imported.source, []).append(imported.claim)
    changes: list[FileChange] = []
    unchanged: list[str] = []
    for target in targets:
        wanted = by_source.get(target.source.id)
        if wanted is None:
            continue
        change = _file_change(target, tuple(wanted), schema)
        if change is None:
            unchanged.append(target.file)
            continue
        problem = _round_trip_problem(target, change, reparse)
        if problem is not None:
            problems.append(problem)
        changes.append(change)
    return ImportPlan(len(claims), tuple(changes), tuple(unchanged), tuple(sorted(problems)))


def _file_change(target: Target, wanted: tuple[Coded, ...], schema: str | None) -> FileChange | None:
    old = {claim.id: coded(claim) for claim in target.claims}
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
    )


# --- writing -------------------------------------------------------------------------


class _Layout(NamedTuple):
    """Where the `claims:` list is in a file's lines (0-based, end exclusive)."""

    head: int  # the line of the `claims:` key
    end: int  # the first line after the section
    items: tuple[int, ...]  # the first line of each item (block lists only)
    indent: int  # the column of each item's '-'


def _layout(target: Target) -> _Layout | None:
    root, problems = parse_tree(target.text, target.file)
    if problems or not isinstance(root, MappingNode):
        return None
    lines = target.text.split("\n")
    keys = [key for key, _ in root.items]
    position = next((i for i, key in enumerate(keys) if key.value == "claims"), None)
    if position is None:
        return None
    head = keys[position].location.line - 1
    end = keys[position + 1].location.line - 1 if position + 1 < len(keys) else len(lines)
    node = root.items[position][1]
    starts: tuple[int, ...] = ()
    indent = 2
    if isinstance(node, SequenceNode) and node.items and all(isinstance(i, MappingNode) for i in node.items):
        starts = tuple(item.location.line - 1 for item in node.items)
        first = lines[starts[0]]
        dash = len(first) - len(first.lstrip(" "))
        block = all(lines[s][dash : dash + 2] == "- " and s > head for s in starts) and len(set(starts)) == len(starts)
        if block:
            indent = dash
        else:
            starts = ()
    return _Layout(head, end, starts, indent)


def _fields(claim: Coded, old: Claim | None) -> dict[str, str | tuple[str, ...] | dict[str, str]]:
    """A claim's fields to write: `quote:` for one passage unless it was a `quotes:` list;
    the default confidence only where the claim wrote it before."""
    fields: dict[str, str | tuple[str, ...] | dict[str, str]] = {"id": claim.id, "topic": claim.topic}
    fields["stance"] = claim.stance
    if claim.approach:
        fields["approach"] = claim.approach
    if claim.actor:
        fields["actor"] = claim.actor
    if claim.confidence != DEFAULT_CONFIDENCE or (old is not None and "confidence" in old.positions):
        fields["confidence"] = claim.confidence
    listed = len(claim.quotes) > 1 or (old is not None and "quotes" in old.positions)
    if listed:
        fields["quotes"] = claim.quotes
    else:
        fields["quote"] = claim.quotes[0]
    if claim.note:
        fields["note"] = claim.note
    if claim.accept:
        fields["accept"] = dict(claim.accept)
    return fields


def _item_texts(target: Target, layout: _Layout | None, lines: list[str]) -> dict[str, str]:
    """The exact text of each existing claim (its list item, trailing blank lines dropped)."""
    if layout is None or not layout.items or len(layout.items) != len(target.claims):
        return {}
    bounds = [*layout.items, layout.end]
    texts: dict[str, str] = {}
    for claim, start, stop in zip(target.claims, bounds, bounds[1:], strict=False):
        texts[claim.id] = "\n".join(lines[start:stop]).rstrip("\n ") + "\n"
    return texts


def rewritten(target: Target, claims: Sequence[Coded], schema: str | None = None) -> str:
    """The claims file's new text: the `claims:` list replaced by `claims` (an unchanged
    claim keeps its text), everything before and after it as it was."""
    layout = _layout(target)
    lines = target.text.split("\n")
    old_claims = {claim.id: claim for claim in target.claims}
    kept = _item_texts(target, layout, lines)
    indent = layout.indent if layout else 2
    items: list[str] = []
    for claim in claims:
        old = old_claims.get(claim.id)
        if old is not None and claim.id in kept and coded(old) == claim:
            items.append(kept[claim.id])
        else:
            items.append(claim_yaml(_fields(claim, old), indent))
    if layout is None:  # no usable `claims:` list: the section goes at the end
        before, preamble, after = target.text.rstrip("\n") + "\n\n", "", ""
    else:
        # comments between `claims:` and the first claim stay there
        preamble = "".join(line + "\n" for line in lines[layout.head + 1 : layout.items[0]]) if layout.items else ""
        before = "".join(line + "\n" for line in lines[: layout.head])
        rest = "\n".join(lines[layout.end :])
        after = ("\n" + rest) if rest.strip() else ""
    key_line = lines[layout.head] if layout and layout.items else "claims:"  # with its comment
    section = key_line + "\n" + preamble + "\n".join(items) if items else "claims:\n"
    text = before + section + after
    if schema and "yaml-language-server:" not in text.split("\n", 1)[0]:
        text = modeline(schema) + text
    return text


def plan_lines(plan: ImportPlan, written: bool) -> Iterator[str]:
    """What the import does (or would do), per claims file, and a closing line."""
    for change in plan.changes:
        parts = [
            f"{len(ids)} {what}" + (f" ({', '.join(ids)})" if ids else "")
            for what, ids in (("added", change.added), ("changed", change.changed), ("removed", change.removed))
        ]
        yield f"{change.file}: " + ("claims reordered" if change.reordered else ", ".join(parts))
    for file in plan.unchanged:
        yield f"{file}: unchanged"
    count = len(plan.changes)
    files = f"{count} claims file{'s' if count != 1 else ''}"
    if written:
        yield f"imported {plan.rows} claims: wrote {files}"
    elif count:
        yield f"imported {plan.rows} claims: would write {files} (run again with --write to write)"
    else:
        yield f"imported {plan.rows} claims: nothing to change"
