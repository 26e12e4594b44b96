"""The streamed sheets (Claims, Evidence): their rows written straight into the sheet's XML,
column by column, instead of one openpyxl cell per value."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter

from matrix.analysis.frames import ClaimRow, PassageRow, column_values
from matrix.analysis.pivot import Analysis
from matrix.model.terms import FORMULA_START
from matrix.workbook.cells import LINE_HEIGHT, TOP, WRAP, Sheet, blank, cell_value, excel_table, style_id, wrapped_lines
from matrix.workbook.layout import ClaimsLayout, claims_layout, passage_order
from matrix.workbook.printing import print_area

# (header, claims-table column, width): what a person reads first (the identifying fields, then
# the quote within the first screen), then the Stance cell the claim counts in (linked), ids,
# weights and locations; the source's title is on Sources, once, linked from the id. The
# headers name the claims-table columns, so that `import` reads the sheet back (Topic is the
# id, Topic label the codebook's label; Cell is derived, and ignored).
CLAIM_LAYOUT = (
    ("ID", "id", 22),
    ("Perspective", "perspective", 11),
    ("Source", "source", 16),
    ("Topic label", "topic_label", 18),
    ("Stance", "stance", 11),
    ("Approach", "approach", 11),
    ("Actor", "actor", 7),
    ("Confidence", "confidence", 10),
    ("Quote", "quote", 52),
    ("Cell", "cell", 10),
    ("Voice", "voice", 12),
    ("Sides", "sides", 24),
    ("Note", "note", 40),
    ("Topic", "topic", 20),
    ("Weight", "weight", 7),
    ("Quote location", "quote_at", 32),
    ("Claim location", "claim_at", 32),
)

CLAIM_HEADERS = tuple(header for header, _, _ in CLAIM_LAYOUT)

CLAIM_WIDTHS = tuple(width for _, _, width in CLAIM_LAYOUT)

# one row per passage: the passage right after what identifies it, its location last
EVIDENCE_LAYOUT = (
    ("Claim", "claim", 22),
    ("Perspective", "perspective", 11),
    ("Source", "source", 16),
    ("Topic", "topic", 18),
    ("Stance", "stance", 11),
    ("Passage", "passage", 78),
    ("Cell", "cell", 10),
    ("Location", "location", 32),
)

EVIDENCE_HEADERS = tuple(header for header, _, _ in EVIDENCE_LAYOUT)

EVIDENCE_WIDTHS = tuple(width for _, _, width in EVIDENCE_LAYOUT)


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


# a value boundary in a column's values joined by NUL (scanned for as a literal) where the
# next value starts with white space or a formula character, or the last one ends in white space
_CAREFUL_BOUNDARY = re.compile(rf"\x00(?:[\s{re.escape(''.join(FORMULA_START))}]|(?<=\s\x00))")


def _plain_text(joined: str) -> bool:
    """Whether values joined by NUL are all text that needs no escape, no quote prefix and
    no preserved white space."""
    return not (
        "&" in joined
        or "<" in joined
        or ">" in joined
        or _CAREFUL_BOUNDARY.search(joined)
        or joined.startswith(FORMULA_START)
        or joined[:1].isspace()
        or joined[-1:].isspace()
    )


def _cells(values: Sequence[Any], style: int | None, prefixed: int) -> list[str]:
    """One column's cells as XML, without their reference: a cell with no `r` attribute
    takes the next column, so a column's cells do not depend on their row."""
    plain = f'<c s="{style}"' if style is not None else "<c"
    marked = f'<c s="{prefixed}"'
    try:
        joined = "\x00".join(values)  # fails unless every value is text
    except TypeError:
        joined = None
    if joined is not None and _plain_text(joined):  # the common case: text as it is
        return [f'{plain} t="inlineStr"><is><t>{value}</t></is></c>' for value in values]
    return _careful_cells(values, plain, marked)


def _careful_cells(values: Sequence[Any], plain: str, marked: str) -> list[str]:
    """`_cells`, one value at a time: escapes, quote prefixes, preserved white space, numbers."""
    out: list[str] = []
    append = out.append
    for value in values:
        if value.__class__ is str:
            space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
            start = marked if value.startswith(FORMULA_START) else plain
            append(f'{start} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
        elif blank(value):
            append(f"{plain}/>")  # empty, but top-aligned like the rest
        else:
            append(f"{plain}><v>{safe_string(cell_value(value))}</v></c>")  # as an openpyxl cell: '%.16g'
    return out


class Sink(Protocol):
    """Where rendered rows go: a binary file, or the archive's deflating writer."""

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> object: ...


def _varying_cells(values: Sequence[Any], styles: Sequence[tuple[int, int]]) -> list[str]:
    """`_careful_cells` of a column whose style differs from row to row: (style, with the
    quote prefix) per value."""
    return [
        _careful_cells([value], f'<c s="{style}"', f'<c s="{prefixed}"')[0]
        for value, (style, prefixed) in zip(values, styles, strict=True)
    ]


@dataclass(frozen=True)
class StreamedRows:
    """Rows written straight into a sheet's XML (see `_FixedTimeZip.write`).

    The Claims sheet can hold 100,000 rows; writing them column by column as inline
    strings costs a fraction of an openpyxl cell per value, with the same guarantees:
    every string is a string (never a formula), formula-like strings carry the quote prefix.
    The values are made by `make` when first wanted: by the child process that renders them
    (`archive.Prerendered`), so that this one goes on meanwhile.
    """

    make: Callable[[], Sequence[Sequence[Any]]]  # the columns of values
    count: int  # rows
    first_row: int
    styles: Sequence[int | None]  # per column: the xf index of the cell style, or None
    prefixed: Sequence[int]  # per column: the xf index with the quote prefix added
    tall: tuple[int, ...] = ()  # the wrapped columns whose text sets each row's height
    tall_widths: tuple[float, ...] = ()  # and their widths
    links: Sequence[tuple[int, Mapping[Any, str]]] = ()  # (column, value -> where a cell of it links)
    references: bool = False  # each cell says where it is (`r="A2"`), as openpyxl writes cells
    varying: Mapping[int, Sequence[tuple[int, int]]] = field(default_factory=dict)  # column -> each row's styles

    @cached_property
    def columns(self) -> Sequence[Sequence[Any]]:
        made = self.make()
        assert all(len(column) == self.count for column in made), "every column holds `count` rows"
        return made

    def hyperlinks(self) -> bytes:
        """The `<hyperlinks>` element of the `links` columns' cells (empty: none)."""
        parts: list[bytes] = []  # encoded a chunk at a time: 100,000 rows' strings are never all held
        for column, targets in self.links:
            letter = get_column_letter(column + 1)
            escaped = {value: _escape(target) for value, target in targets.items()}  # once per target
            values = self.columns[column]
            for start in range(0, len(values), 20_000):
                chunk = "".join(
                    f'<hyperlink ref="{letter}{row}" location="{escaped[value]}"/>'
                    for row, value in enumerate(values[start : start + 20_000], start=self.first_row + start)
                    if value in escaped
                )
                if chunk:
                    parts.append(chunk.encode())
        return b"<hyperlinks>" + b"".join(parts) + b"</hyperlinks>" if parts else b""

    def render(self, file: Sink, chunk: int = 5000, done: Callable[[int], None] = lambda n: None) -> int:
        """Write the rows' XML to `file` (flushed); the number of rows. `done(n)`: n more
        rows written."""
        rows = 0
        batch: list[str] = []
        for row in self.xml(chunk):
            batch.append(row)
            if len(batch) == 2000:
                file.write("".join(batch).encode())
                rows += len(batch)
                done(len(batch))
                batch.clear()
        file.write("".join(batch).encode())
        file.flush()
        done(len(batch))
        return rows + len(batch)

    def xml(self, chunk: int = 5000) -> Iterator[str]:
        """The rows' XML, built a chunk of rows at a time (memory stays bounded)."""
        for first in range(0, self.count, chunk):
            cells = [
                _cells(values[first : first + chunk], style, mark)
                if column not in self.varying
                else _varying_cells(values[first : first + chunk], self.varying[column][first : first + chunk])
                for column, (values, style, mark) in enumerate(
                    zip(self.columns, self.styles, self.prefixed, strict=True)
                )
            ]
            lines = [1] * len(cells[0])
            for column, width in zip(self.tall, self.tall_widths, strict=True):
                one_line = int(width * 1.1)  # as wrapped_lines: shorter text needs no height
                lines = [
                    max(n, wrapped_lines(v, width)) if isinstance(v, str) and (len(v) > one_line or "\n" in v) else n
                    for n, v in zip(lines, self.columns[column][first : first + chunk], strict=True)
                ]
            heights = [f' ht="{LINE_HEIGHT * n}" customHeight="1"' if n > 1 else "" for n in lines]
            letters = [get_column_letter(i + 1) for i in range(len(cells))] if self.references else []
            for r, (height, row) in enumerate(
                zip(heights, zip(*cells, strict=True), strict=True), start=self.first_row + first
            ):
                if letters:  # '<c s=…' -> '<c r="A2" s=…'
                    row = tuple(f'<c r="{letter}{r}"{cell[2:]}' for letter, cell in zip(letters, row, strict=True))
                yield f'<row r="{r}"{height}>{"".join(row)}</row>'


def streamed_sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    widths: Sequence[float],
    wrapped: Sequence[str],
    columns: Callable[[], list[list[Any]]],
    count: int,
    links: Sequence[tuple[int, Mapping[Any, str]]] = (),
    table: bool = True,
    references: bool = False,
    varying: Callable[[Any], Mapping[int, Sequence[tuple[int, int]]]] | None = None,
) -> StreamedRows:
    """A sheet whose `count` rows (the `columns()` of values, made when first wanted) are
    streamed; the `wrapped` columns wrap and set each row's height; `links`: (column, value ->
    location) of cells that link; `table`: the rows are an Excel table (autofilter, striped
    rows); `references`: each cell says where it is; `varying(ws)`: the columns whose style
    differs from row to row, each row's (xf index, with the quote prefix)."""
    sheet = Sheet(wb, title, widths, freeze="B2")
    sheet.header(headers)
    tall = tuple(headers.index(name) for name in wrapped)
    styles: list[int | None] = [style_id(sheet.ws, TOP)] * len(headers)  # every cell top-aligned
    for column in tall:
        styles[column] = style_id(sheet.ws, WRAP)
    prefixed = [style_id(sheet.ws, TOP, prefix=True)] * len(headers)
    for column in tall:
        prefixed[column] = style_id(sheet.ws, WRAP, prefix=True)
    if table:
        excel_table(sheet, title, headers, 1, count)
    print_area(sheet.ws, headers, count + 1)
    return StreamedRows(
        columns,
        count,
        2,
        styles,
        prefixed,
        tall=tall,
        tall_widths=tuple(widths[i] for i in tall),
        links=links,
        references=references,
        varying=varying(sheet.ws) if varying is not None else {},
    )


def source_links(analysis: Analysis) -> dict[str, str]:
    """Source id -> its row on the Sources sheet (where its title is)."""
    return {source: f"'Sources'!A{row}" for row, (source, _) in enumerate(analysis.source_rows(), start=2)}


def cell_links(cells: Iterable[str | None]) -> dict[str, str]:
    """A Cell column's value (`Stance!J5`) -> its cell on Stance."""
    return {f"Stance!{cell}": f"'Stance'!{cell}" for cell in set(cells) if cell is not None}


def _with_cells(
    rows: Sequence[tuple[object, ...]],
    layout: Sequence[tuple[str, str, float]],
    fields: Sequence[str],
    cells: list[str | None],
) -> list[list[Any]]:
    """The columns of `layout` from `rows`, the `cell` column from `cells` (`J5` -> `Stance!J5`)."""
    names = [name for _, name, _ in layout]
    values = column_values(rows, [n for n in names if n != "cell"], fields)
    shown = {cell: f"Stance!{cell}" for cell in set(cells) if cell is not None}  # one string per cell
    values.insert(names.index("cell"), [shown.get(cell) if cell is not None else None for cell in cells])
    return values


def claims_rows(wb: Workbook, analysis: Analysis, layout: ClaimsLayout | None = None) -> StreamedRows:
    """One row per claim in matrix order (`layout`), every column of the flat claims table and
    the claim's Stance cell; each source id links to its row on Sources, each cell to Stance."""
    layout = layout or claims_layout(analysis)
    order = layout.order

    def columns() -> list[list[Any]]:
        rows = [analysis.claims[i] for i in order]
        return _with_cells(rows, CLAIM_LAYOUT, ClaimRow._fields, [layout.cells[i] for i in order])

    links = (
        (CLAIM_HEADERS.index("Source"), source_links(analysis)),
        (CLAIM_HEADERS.index("Cell"), cell_links(layout.cells)),
    )
    return streamed_sheet(wb, "Claims", CLAIM_HEADERS, CLAIM_WIDTHS, ("Quote",), columns, len(order), links)


def evidence_rows(wb: Workbook, analysis: Analysis, layout: ClaimsLayout | None = None) -> StreamedRows:
    """One row per passage, in the order of their claims on Claims: its claim, perspective,
    source, topic, stance, the passage, its claim's Stance cell (linked) and its location."""
    layout = layout or claims_layout(analysis)
    counts = [min(len(c.quotes), len(c.quotes_at)) for c in analysis.claims]

    def columns() -> list[list[Any]]:
        order = passage_order(layout.order, counts)
        cells = [cell for cell, count in zip(layout.cells, counts, strict=True) for _ in range(count)]
        rows = [analysis.passages[i] for i in order]
        return _with_cells(rows, EVIDENCE_LAYOUT, PassageRow._fields, [cells[i] for i in order])

    links = ((EVIDENCE_HEADERS.index("Cell"), cell_links(layout.cells)),)
    return streamed_sheet(wb, "Evidence", EVIDENCE_HEADERS, EVIDENCE_WIDTHS, ("Passage",), columns, sum(counts), links)
