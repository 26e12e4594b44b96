"""The evidence as related tables, for others to query: `publish --sqlite` and `--datapackage`.

Pure: a valid project and its report -> `Table`s (columns with their types and vocabularies,
primary and foreign keys, rows in a fixed order). `sqlite` writes them as an SQLite database
with a full-text index over the passages and a Datasette metadata file; `package` as CSV files
with a Frictionless `datapackage.json`. Both read only these values, so the two agree.

The tables (every one keyed; every reference a foreign key):

- `perspectives`, `topics`, `actors`: the codebook, in its order (`seq`);
- `sources`: each source's metadata and provenance (`sha256` pinned, `text_sha256` the bytes
  read now, `retrieved`, `archive`);
- `claims`: one row per claim, with its source's `perspective` (so that a facet on topic and
  perspective gives a Stance cell), `voice` when the claim model has one (else NULL), where
  it is written;
- `passages`: one row per passage of a claim, where it starts in its text (`passages_fts`,
  SQLite FTS5, indexes their text);
- `stance_cells`: the Stance sheet's cells with claims (counting claims): convergence,
  divergence, net and weighted index, the sources behind it, thin evidence;
- `contrasts`: the Contrasts sheet's rows;
- `memos`, `memo_claims`: the analyst's summaries and the claims each cites (a cited id no
  claim has is in `memos.claims` as written, not in `memo_claims`);
- `inputs`: every file read and its SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from matrix.analysis.counting import CONTRAST_FIELDS, contrast_rows, tallies
from matrix.analysis.palette import is_thin
from matrix.model.problems import Report
from matrix.model.terms import APPROACHES, STANCES, VOICES
from matrix.model.values import CONFIDENCE_WEIGHTS, Claim, Codebook, Project
from matrix.time.dating import project_claims

FORESIGHT_VOICES = ("forecast", "recommendation")  # what "without forecasts" leaves out (matrix.analysis.voicing)
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Value = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its Table Schema `type` (string, integer, number, boolean), whether a value
    is required, the values it may take (`enum`) or the pattern it matches."""

    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    format: str | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """`fields` of this table refer to `reference` of table `table`."""

    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...] = ("id",)


@dataclass(frozen=True, slots=True)
class Table:
    """A published table: its columns, keys and rows (each a tuple in column order), in a
    fixed order so that the same project gives the same bytes."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    rows: tuple[tuple[Value, ...], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True, slots=True)
class Published:
    """Everything published: the tables in creation order (referenced before referencing),
    the input files' hashes and the version of the tool that made them."""

    tables: tuple[Table, ...]
    inputs: Mapping[str, str]
    version: str
    title: str = "claims-matrix evidence"

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def _text(value: Any) -> str | None:
    """A coded value as one text: a list joined by '; ', a mapping as 'key: value; ...'."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, Iterable):
        return "; ".join(str(v) for v in value)
    return str(value)


def _string(name: str, description: str, **extra: Any) -> Column:
    return Column(name, "string", description, **extra)


def _id(name: str = "id", description: str = "The id.") -> Column:
    return _string(name, description, required=True)


def _vocabulary(kind: str, codebook: Codebook) -> Table:
    what = kind[:-1]
    return Table(
        kind,
        kind.capitalize(),
        f"The codebook's {kind}, in its display order.",
        (
            _id("id", f"The {what} id, as claims and sources use it."),
            _string("label", "Its label.", required=True),
            _string("description", "Its description, if the codebook gives one."),
            Column("seq", "integer", "Its place in the codebook's order (1 = first).", required=True),
        ),
        ("id",),
        (),
        tuple((e.id, e.label, e.description, n) for n, e in enumerate(getattr(codebook, kind), start=1)),
    )


def _sources(project: Project) -> Table:
    rows = []
    for claims_file in project.files:
        s = claims_file.source
        if s is None:
            continue
        text = project.texts.get(claims_file.file)
        rows.append(
            (
                s.id,
                s.title,
                s.publisher,
                s.author,
                s.published,
                s.perspective,
                text.path if text else s.text,
                s.url,
                s.retrieved,
                s.archive,
                s.sha256.lower() if s.sha256 else None,
                text.digest if text else None,
                claims_file.file,
            )
        )
    return Table(
        "sources",
        "Sources",
        "Each source: its metadata, where its text is, and its provenance.",
        (
            _id("id", "The source id."),
            _string("title", "Its title.", required=True),
            _string("publisher", "Who published it.", required=True),
            _string("author", "Its author(s)."),
            _string("published", "When it was published (YYYY-MM-DD, YYYY-MM or YYYY).", pattern=DATE_PATTERN),
            _string("perspective", "Its perspective (a matrix column).", required=True),
            _string("text", "Its text file, relative to the project root.", required=True),
            _string("url", "Where it is online.", format="uri"),
            _string("retrieved", "When the text was obtained.", pattern=DATE_PATTERN),
            _string("archive", "An archived copy of it.", format="uri"),
            _string(
                "sha256", "The SHA-256 its text is pinned to (sha256: in its claims file).", pattern=SHA256_PATTERN
            ),
            _string("text_sha256", "The SHA-256 of its text file's bytes as published.", pattern=SHA256_PATTERN),
            _string("file", "Its claims file.", required=True),
        ),
        ("id",),
        (ForeignKey(("perspective",), "perspectives"),),
        tuple(rows),
    )


def _claims(project: Project, perspectives: Mapping[str, str], codebook: Codebook) -> Table:
    dated = {c.id: c for c in project_claims(project)}
    rows = []
    for seq, claim in enumerate(_all_claims(project), start=1):
        when = dated.get(claim.id)
        rows.append(
            (
                claim.id,
                seq,
                claim.source,
                perspectives[claim.source],
                claim.topic,
                claim.stance,
                _text(claim.approach),
                _text(claim.actor),
                claim.confidence,
                claim.weight,
                _text(claim.voice),
                claim.note,
                claim.date,
                str(when.date) if when is not None and when.date is not None else None,
                (when.origin or None) if when is not None else None,
                len(claim.quotes),
                claim.location.file,
                claim.location.line,
            )
        )
    return Table(
        "claims",
        "Claims",
        "One row per claim: a position stated in one source, with its coding.",
        (
            _id("id", "The claim id."),
            Column("seq", "integer", "Its place in the project (files in name order, claims as written).", True),
            _string("source", "The source it is stated in.", required=True),
            _string("perspective", "Its source's perspective (a matrix column).", required=True),
            _string("topic", "Its topic (a matrix row).", required=True, enum=codebook.ids("topics")),
            _string("stance", "convergence or divergence.", required=True, enum=STANCES),
            _string(
                "approach",
                "unilateral, bilateral or multilateral, if coded (several: joined by '; ').",
                enum=APPROACHES if all(row[6] is None or row[6] in APPROACHES for row in rows) else (),
            ),
            _string("actor", "Whose position it is, if coded.", enum=codebook.ids("actors")),
            _string("confidence", "low, medium or high.", required=True, enum=tuple(CONFIDENCE_WEIGHTS)),
            Column("weight", "integer", "What it weighs in the weighted index (low 1, medium 2, high 3).", True),
            _string(
                "voice", "Whose voice: stated, assessment, forecast, recommendation (NULL: not coded).", enum=VOICES
            ),
            _string("note", "The analyst's note."),
            _string("date", "When the position was stated, if the claim says (as written).", pattern=DATE_PATTERN),
            _string(
                "dated", "Its date: its own, else its source's published date (NULL: undated).", pattern=DATE_PATTERN
            ),
            _string("dated_by", "Where its date comes from: claim (its own date) or source.", enum=("claim", "source")),
            Column("passages", "integer", "How many passages it quotes.", required=True),
            _string("file", "The claims file it is written in.", required=True),
            Column("line", "integer", "The line it starts on.", required=True),
        ),
        ("id",),
        (
            ForeignKey(("source",), "sources"),
            ForeignKey(("perspective",), "perspectives"),
            ForeignKey(("topic",), "topics"),
            ForeignKey(("actor",), "actors"),
        ),
        tuple(rows),
    )


def _all_claims(project: Project) -> list[Claim]:
    return [c for f in project.files if f.source is not None for c in f.claims]


def _passages(project: Project, report: Report) -> Table:
    rows = []
    number = 0
    for claim in _all_claims(project):
        places = report.passages.get(claim.id, ())
        for index, passage in enumerate(claim.quotes):
            number += 1
            place = places[index] if index < len(places) else None
            at = None if place is None else place[0]
            rows.append(
                (
                    number,
                    claim.id,
                    index + 1,
                    claim.source,
                    passage,
                    None if at is None else str(at),
                    None if at is None else at.line,
                    None if at is None else at.column,
                )
            )
    return Table(
        "passages",
        "Passages",
        "One row per verbatim passage of a claim, and where it starts in its source's text.",
        (
            Column("id", "integer", "The passage's number (claims in order, passages in order).", required=True),
            _string("claim", "The claim it belongs to.", required=True),
            Column("seq", "integer", "Its place among the claim's passages (1 = first).", required=True),
            _string("source", "The source whose text it is from.", required=True),
            _string("text", "The passage, verbatim.", required=True),
            _string("location", "Where it starts: text file, line, column."),
            Column("line", "integer", "The line of the text it starts on."),
            Column("column", "integer", "The column it starts at."),
        ),
        ("id",),
        (ForeignKey(("claim",), "claims"), ForeignKey(("source",), "sources")),
        tuple(rows),
    )


def _stance_cells(project: Project, perspectives: Mapping[str, str], codebook: Codebook) -> tuple[Table, Table]:
    claims = _all_claims(project)
    codings = [(c.source, c.topic, perspectives[c.source], c.stance, c.weight) for c in claims]
    cells = tallies(codings)
    sources: dict[tuple[str, str], set[str]] = {}
    for source, topic, perspective, _, _ in codings:
        sources.setdefault((topic, perspective), set()).add(source)
    topics, columns = codebook.ids("topics"), codebook.ids("perspectives")
    rows = []
    for topic in topics:
        for perspective in columns:
            cell = cells.get((topic, perspective))
            if cell is None or cell.net is None:
                continue
            units = cell.convergence + cell.divergence
            rows.append(
                (
                    topic,
                    perspective,
                    cell.convergence,
                    cell.divergence,
                    units,
                    cell.net,
                    cell.weighted,
                    len(sources[topic, perspective]),
                    is_thin(units),
                )
            )
    stance = Table(
        "stance_cells",
        "Stance cells",
        "The Stance sheet: each topic x perspective cell with claims (a cell without claims has no row).",
        (
            _string("topic", "The topic (row).", required=True),
            _string("perspective", "The perspective (column).", required=True),
            Column("convergence", "integer", "Claims of convergence.", required=True),
            Column("divergence", "integer", "Claims of divergence.", required=True),
            Column("claims", "integer", "convergence + divergence.", required=True),
            Column("net", "number", "(convergence - divergence) / claims, from -1 to +1.", required=True),
            Column("weighted", "number", "The net index with each claim weighing its confidence.", required=True),
            Column("sources", "integer", "How many sources its claims come from.", required=True),
            Column("thin", "boolean", "Thin evidence: fewer than 3 claims behind it.", required=True),
        ),
        ("topic", "perspective"),
        (ForeignKey(("topic",), "topics"), ForeignKey(("perspective",), "perspectives")),
        tuple(rows),
    )
    contrast = Table(
        "contrasts",
        "Contrasts",
        "Topics on which two perspectives' net indexes differ, largest gap first; opposite: one side"
        " net convergence, the other net divergence.",
        (
            _string("topic", "The topic.", required=True),
            _string("perspective_a", "One perspective.", required=True),
            Column("net_a", "number", "Its net index on the topic.", required=True),
            Column("claims_a", "integer", "The claims behind it.", required=True),
            _string("perspective_b", "The other perspective.", required=True),
            Column("net_b", "number", "Its net index on the topic.", required=True),
            Column("claims_b", "integer", "The claims behind it.", required=True),
            Column("gap", "number", "|net_a - net_b|.", required=True),
            Column("opposite", "boolean", "One side net convergence, the other net divergence.", required=True),
            Column("rank", "integer", "1 = the largest gap.", required=True),
        ),
        ("topic", "perspective_a", "perspective_b"),
        (
            ForeignKey(("topic",), "topics"),
            ForeignKey(("perspective_a",), "perspectives"),
            ForeignKey(("perspective_b",), "perspectives"),
            ForeignKey(("topic", "perspective_a"), "stance_cells", ("topic", "perspective")),
            ForeignKey(("topic", "perspective_b"), "stance_cells", ("topic", "perspective")),
        ),
        tuple(
            (*(row[name] for name in CONTRAST_FIELDS), rank)
            for rank, row in enumerate(contrast_rows(cells, topics, columns), start=1)
        ),
    )
    return stance, contrast


def _memos(project: Project, claim_ids: set[str]) -> tuple[Table, Table]:
    memos = []
    cites = []
    for number, memo in enumerate(project.memos.entries, start=1):
        memos.append((number, memo.topic, memo.perspective, memo.text, "; ".join(memo.claims), memo.location.line))
        for seq, claim in enumerate(dict.fromkeys(memo.claims), start=1):
            if claim in claim_ids:
                cites.append((number, claim, seq))
    memo_table = Table(
        "memos",
        "Memos",
        "The analyst's summaries of matrix cells (claims/memos.yaml), in file order.",
        (
            Column("id", "integer", "The memo's number in its file.", required=True),
            _string("topic", "The topic it summarises.", required=True),
            _string("perspective", "The perspective (empty: the topic across all perspectives)."),
            _string("text", "The summary.", required=True),
            _string("claims", "The claim ids it cites, as written, joined by '; '."),
            Column("line", "integer", "Where it starts in claims/memos.yaml.", required=True),
        ),
        ("id",),
        (ForeignKey(("topic",), "topics"), ForeignKey(("perspective",), "perspectives")),
        tuple(memos),
    )
    cite_table = Table(
        "memo_claims",
        "Memo claims",
        "Each claim a memo cites (ids no claim has are left out: see memos.claims).",
        (
            Column("memo", "integer", "The memo.", required=True),
            _string("claim", "A claim it cites.", required=True),
            Column("seq", "integer", "Its place among the memo's citations.", required=True),
        ),
        ("memo", "claim"),
        (ForeignKey(("memo",), "memos"), ForeignKey(("claim",), "claims")),
        tuple(cites),
    )
    return memo_table, cite_table


def _inputs(inputs: Mapping[str, str]) -> Table:
    return Table(
        "inputs",
        "Inputs",
        "Every file the tables were made from, and the SHA-256 of its bytes.",
        (_string("file", "The file, relative to the project root.", required=True), _string("sha256", "Its SHA-256.")),
        ("file",),
        (),
        tuple(sorted(inputs.items())),
    )


def published(project: Project, report: Report, version: str) -> Published:
    """The tables of a valid project (one with a codebook whose report passes), made by the
    tool's `version`."""
    codebook = project.codebook
    assert codebook is not None, "publish needs a valid project"
    perspectives = {s.id: s.perspective for s in project.sources}
    stance, contrast = _stance_cells(project, perspectives, codebook)
    memos, cites = _memos(project, {c.id for c in project.claims})
    tables = (
        _vocabulary("perspectives", codebook),
        _vocabulary("topics", codebook),
        _vocabulary("actors", codebook),
        _sources(project),
        _claims(project, perspectives, codebook),
        _passages(project, report),
        stance,
        contrast,
        memos,
        cites,
        _inputs(project.inputs),
    )
    return Published(_enumerated(tables), dict(sorted(project.inputs.items())), version)


VOCABULARIES = ("perspectives", "topics", "actors")


def _enumerated(tables: Sequence[Table]) -> tuple[Table, ...]:
    """Every column that refers to a codebook vocabulary constrained to its ids (`enum`)."""
    ids = {t.name: tuple(str(row[0]) for row in t.rows) for t in tables if t.name in VOCABULARIES}
    out = []
    for table in tables:
        refers = {k.fields[0]: ids[k.table] for k in table.foreign_keys if len(k.fields) == 1 and k.table in ids}
        columns = tuple(replace(c, enum=refers[c.name]) if c.name in refers else c for c in table.columns)
        out.append(replace(table, columns=columns))
    return tuple(out)


def row_dicts(table: Table) -> list[dict[str, Value]]:
    """The rows as mappings of column name to value (for tests and scripts)."""
    return [dict(zip(table.names, row, strict=True)) for row in table.rows]


def enums(table: Table) -> Sequence[tuple[str, tuple[str, ...]]]:
    return [(c.name, c.enum) for c in table.columns if c.enum]
