"""The comparisons: `diff` (two versions) and `agree` (coders)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from matrix.model.wording import counted
from matrix.terminal import net_style, simple_table, text
from matrix.terminal.summary import EMPTY
from matrix.terminal.width import identifier_column, prose_column

if TYPE_CHECKING:  # the validate path must not import pandas
    from matrix.analysis.agreement import Agreement, Disagreement
    from matrix.analysis.diff import Diff


def _cell_text(cell: tuple[int, int, float] | None) -> Text:
    if cell is None:
        return Text(EMPTY, style="dim")
    return Text(f"+{cell[0]}/-{cell[1]} {cell[2]:+.2f}", style=net_style(cell[2]))


def diff_view(diff: Diff) -> RenderableType:
    """Claims added, removed and recoded; matrix cells that moved; contrasts that came or went.
    One line, "no changes", when nothing changed."""
    title = f"{diff.old} → {diff.new}"
    if diff.empty:
        return text(f"no changes ({title})", "green")
    counts = f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed" + (
        f", {counted(len(diff.sources), 'source')} changed" if diff.sources else ""
    )
    parts: list[RenderableType] = [text(f"Changes: {counts} ({title})", "bold")]
    if diff.sources:
        table = simple_table()
        identifier_column(table, "source")
        identifier_column(table, "field")
        prose_column(table, "old")
        prose_column(table, "new")
        for source in diff.sources:
            for name, (old, new) in source.fields.items():
                note = (
                    f" ({counted(source.moves, 'claim')} {'moves' if source.moves == 1 else 'move'})"
                    if name == "perspective" and source.moves
                    else ""
                )
                table.add_row(text(source.id), text(name), text(old or EMPTY), text(f"{new or EMPTY}{note}"))
        parts += [Text("Sources", style="bold"), table]
    if diff.added or diff.removed:
        table = simple_table()
        for name in ("", "claim", "topic / stance", "at"):
            identifier_column(table, name)
        renamed = {old: new for old, new in diff.renamed}
        for ref in diff.added:
            table.add_row(Text("+", style="green"), text(ref.id), text(f"{ref.topic} / {ref.stance}"), text(ref.at))
        for ref in diff.removed:
            what = text(ref.id)
            if ref.id in renamed:
                what.append_text(text(f" (renamed? {renamed[ref.id]} quotes the same passage)", "yellow"))
            table.add_row(Text("-", style="red"), what, text(f"{ref.topic} / {ref.stance}"), text(ref.at))
        parts += [Text("Claims added (+) and removed (-)", style="bold"), table]
    if diff.changed:
        table = simple_table()
        identifier_column(table, "claim")
        prose_column(table, "what changed")
        for change in diff.changed:
            lines = [f"{name}: {old or EMPTY} → {new or EMPTY}" for name, (old, new) in change.fields.items()]
            if change.moved is not None:
                lines.append(f"moved: {change.moved[0]} → {change.moved[1]}")
            if change.passages is not None:
                lines.append("passages: " + change.marked)
            table.add_row(text(change.id), Text("\n").join(text(line) for line in lines))
        parts += [Text("Claims recoded, edited or moved", style="bold"), table]
    if diff.cells:
        table = simple_table()
        for name in ("topic", "perspective", "old", "new", "flag"):
            identifier_column(table, name, justify="right" if name in ("old", "new") else "left")
        for cell in diff.cells:
            flag = text(cell.flag, "bold" if cell.flag != "changed" else "dim")
            table.add_row(text(cell.topic), text(cell.perspective), _cell_text(cell.old), _cell_text(cell.new), flag)
        parts += [Text("Matrix cells: +convergence/-divergence claims and net index", style="bold"), table]
    for heading, rows in (
        ("Contrasts appeared", diff.contrasts_appeared),
        ("Contrasts gone", diff.contrasts_disappeared),
    ):
        if rows:
            parts.append(Text(heading, style="bold"))
            parts += [
                text(
                    f"  {r['topic']}: {r['perspective_a']} {r['net_a']:+.2f} vs {r['perspective_b']} {r['net_b']:+.2f}"
                )
                for r in rows
            ]
    return Group(*parts)


VERDICT_STYLE = {"reliable": "green", "tentative": "yellow", "unreliable": "red", "n/a": "dim"}
NO_VALUE = "(none)"  # an absent approach or actor, as shown


def shown_value(value: object) -> str:
    """A coded value as shown: an absent optional field is '(none)'."""
    return NO_VALUE if value is None else str(value)


def agreement_view(result: Agreement) -> RenderableType:
    """The agreement per field, the sources compared, the confused values, the disagreements
    and the unmatched claims, each under a one-line heading."""
    compared = [s for s in result.sources if s.compared]
    heading = (
        f"Agreement between {' and '.join(result.coders)}: {len(compared)} of {counted(len(result.sources), 'source')}"
    )
    parts: list[RenderableType] = [text(heading, "bold"), _fields_table(result)]
    parts += [text(f"{f.field}: n/a, {f.reliability.reason}", "dim") for f in result.fields if f.alpha is None]
    parts += [text(f"Sources (claims: {' / '.join(result.coders)})", "bold"), _sources_table(result)]
    parts += [text(f"not compared: {s.source} ({s.reason})", "dim") for s in result.sources if not s.compared]
    confusions = _confusions_table(result)
    if confusions is not None:
        parts += [Text("Values the coders confuse (coincidences off the diagonal)", style="bold"), confusions]
    count = len(result.disagreements)
    parts.append(Text(f"Where the coders part: {counted(count, 'matched claim')} coded differently", style="bold"))
    parts += [_disagreement_text(d, result.coders) for d in result.disagreements]
    count = len(result.unmatched)
    parts.append(Text(f"Unmatched claims: {count} (no partner sharing half of the shorter passage)", style="bold"))
    for coded in result.unmatched:
        parts.append(text(f"{coded.at}  {result.coders[coded.coder]}"))
        line = text(f"{coded.claim.id}: ")
        line.append_text(_coding(coded.values, ()))
        parts.append(Padding(line, (0, 0, 0, 2), expand=False))
    return Group(*parts)


def _fields_table(result: Agreement) -> Table:
    table = simple_table()
    for name in ("field", "unit", "units", "agree", "alpha", "95% CI", "verdict"):
        identifier_column(table, name, justify="left" if name in {"field", "unit", "verdict"} else "right")
    for field in result.fields:
        r = field.reliability
        ci = r.ci
        table.add_row(
            text(field.field),
            text("sentences" if field.unit == "sentence" else "claims"),
            str(r.units),
            EMPTY if r.agreement is None else f"{r.agreement:.1%}",
            "n/a" if r.alpha is None else f"{r.alpha:.3f}",
            EMPTY if ci is None else f"[{ci.low:.3f}, {ci.high:.3f}]",
            Text(r.verdict, style=VERDICT_STYLE.get(r.verdict, "")),
        )
    return table


def _sources_table(result: Agreement) -> Table:
    table = simple_table()
    identifier_column(table, "source")
    for name in ("sentences", "claims", "matched"):
        identifier_column(table, name, justify="right")
    for source in result.sources:
        if source.compared:
            claims = " / ".join(str(n) for n in source.claims)
            table.add_row(text(source.source), str(source.sentences), claims, str(source.units))
    return table


def _confusions_table(result: Agreement) -> Table | None:
    rows = []
    for field in result.fields:
        r = field.reliability
        for i, counts in enumerate(r.coincidences):
            for j in range(i + 1, len(counts)):
                if counts[j]:
                    count = f"{counts[j]:g}" if counts[j] == int(counts[j]) else f"{counts[j]:.2f}"
                    values = f"{shown_value(r.values[i])} / {shown_value(r.values[j])}"
                    rows.append((text(field.field), text(values), count))
    if not rows:
        return None
    table = simple_table()
    identifier_column(table, "field")
    identifier_column(table, "values")
    identifier_column(table, "pairs", justify="right")
    for row in rows:
        table.add_row(*row)
    return table


_ABSENT = {"approach": "no approach", "actor": "no actor", "voice": "no voice"}


def _coding(values: Sequence[object], differ: Sequence[str]) -> Text:
    """'topic, stance, approach, actor, confidence', the fields in `differ` in bold."""
    from matrix.analysis.agreement import CLAIM_FIELDS

    shown = Text()
    for i, (field, value) in enumerate(zip(CLAIM_FIELDS, values, strict=True)):
        if i:
            shown.append(", ")
        word = _ABSENT.get(field, NO_VALUE) if value is None else str(value)
        shown.append_text(text(word, "bold" if field in differ else ""))
    return shown


def _disagreement_text(disagreement: Disagreement, coders: Sequence[str]) -> RenderableType:
    head = text(f"{disagreement.at}  ")
    head.append_text(text(f"differ on {', '.join(disagreement.fields)}", "bold"))
    lines: list[RenderableType] = [head]
    for coder, coded in zip(coders, disagreement.claims, strict=True):
        if coded is None:
            lines.append(Padding(text(f"{coder}: no claim", "dim"), (0, 0, 0, 2), expand=False))
            continue
        line = text(f"{coder}: ")
        line.append_text(_coding(coded.values, disagreement.fields))
        lines.append(Padding(line, (0, 0, 0, 2), expand=False))
        lines.append(Padding(text(f"{coded.claim.id}: “{coded.passage}”", "dim"), (0, 0, 0, 4), expand=False))
    return Group(*lines)
