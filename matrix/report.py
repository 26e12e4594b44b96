"""The HTML brief: one self-contained page to share, rendered with Jinja2 (the only jinja2 import).

From plain values only: the numbers of `pivot.summary_numbers`, the evidence of each
topic x perspective cell (its claims with their passages and where each is written), the
analyst's memos and the sources' titles. The page holds its CSS inline and loads nothing: no
script, font, image or style sheet from anywhere, and a Content-Security-Policy that forbids
the browser to fetch any (it opens from a mail attachment as it does from disk). Every user
string is escaped (autoescape); nothing the user wrote becomes markup. The stance matrix uses
the workbook's colours and thin-evidence mark (`matrix.palette`); each cell's evidence opens
in place (`<details>`), without JavaScript. Same values, same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from matrix.memos import cell_counts, staleness
from matrix.model import Memo, Memos, Project
from matrix.palette import THIN_BELOW, THIN_MARK, cell_colour, is_thin, net_colour, signed
from matrix.pivot import Analysis, cell_claims, summary_numbers
from matrix.voicing import VoiceCell

TEMPLATE = "report.html.j2"
CONTRASTS_SHOWN = 10  # the top contrasts the brief lists


OFFLINE_CHROMIUM = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # the browser's own update checks resolve nowhere
)
"""How the tests and `make screenshots` open a brief in headless Chromium with no network."""


@dataclass(frozen=True, slots=True)
class Passage:
    """One verbatim passage and where it starts in its text (`seeds/x.txt:14:3`; "" when not located)."""

    text: str
    location: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceClaim:
    """One claim behind a matrix cell, as the brief shows it; `at` is where it is written."""

    id: str
    source: str
    stance: str
    passages: tuple[Passage, ...]
    confidence: str = "medium"
    approach: str | None = None
    actor: str | None = None
    at: str = ""


@dataclass(frozen=True, slots=True)
class Brief:
    """Everything the page shows. `numbers` is `pivot.summary_numbers(analysis)`; `topics`
    and `perspectives` are the analysed (id, label) pairs in display order; `evidence` maps
    (topic, perspective) to the claims behind that cell; `sources` maps a source id to its title."""

    numbers: Mapping[str, Any]
    topics: tuple[tuple[str, str], ...]
    perspectives: tuple[tuple[str, str], ...]
    evidence: Mapping[tuple[str, str], tuple[EvidenceClaim, ...]] = field(default_factory=dict)
    memos: Memos = field(default_factory=Memos)
    sources: Mapping[str, str] = field(default_factory=dict)
    title: str = "Convergence and divergence across perspectives"
    parties: Mapping[str, str] = field(default_factory=dict)  # perspective id -> 'US and India; CFR analysis'
    stale: Mapping[tuple[str, str | None], str] = field(default_factory=dict)  # memo cell -> why it is stale


@dataclass(frozen=True, slots=True)
class Cell:
    """One topic x perspective cell of the stance matrix, ready to show."""

    topic: str
    perspective: str
    perspective_label: str
    anchor: str
    convergence: int | None = None
    divergence: int | None = None
    net: str = ""
    weighted: str = ""
    sources: int = 0
    colour: str = ""
    thin: bool = False
    claims: tuple[EvidenceClaim, ...] = ()
    memo: Memo | None = None
    writer: int | None = None  # claims in the writer's voice (None: the claims code no voice)
    forecasts: str = ""  # why the cell rests on forecasts ("" when it does not)

    @property
    def empty(self) -> bool:
        return self.convergence is None


@dataclass(frozen=True, slots=True)
class Row:
    topic: str
    label: str
    anchor: str
    cells: tuple[Cell, ...]
    memo: Memo | None

    @property
    def empty(self) -> bool:
        return all(c.empty for c in self.cells) and self.memo is None and not any(c.memo for c in self.cells)


@dataclass(frozen=True, slots=True)
class ContrastRow:
    topic: str
    anchor: str
    sides: tuple[tuple[str, str, int, str, bool], ...]  # (perspective label, net, units, colour, thin) for A and B
    gap: str
    opposite: bool


def brief_of(analysis: Analysis, project: Project) -> Brief:
    """The brief of an analysis: its numbers, each cell's claims and passages, the project's
    memos, and the titles of the sources its claims come from."""
    codebook = analysis.codebook
    evidence = {
        cell: tuple(
            EvidenceClaim(
                claim_id,
                source,
                stance,
                tuple(Passage(text, at or "") for text, at in zip(quotes, places, strict=False)),
                confidence,
                approach,
                actor,
                claim_at,
            )
            for claim_id, source, stance, confidence, approach, actor, quotes, places, claim_at in claims
        )
        for cell, claims in cell_claims(analysis.claims).items()
    }
    used = {claim.source for claims in evidence.values() for claim in claims}
    counts = cell_counts(project)
    return Brief(
        numbers=summary_numbers(analysis),
        topics=tuple((t, codebook.label("topics", t)) for t in analysis.topics),
        perspectives=tuple((p, codebook.label("perspectives", p)) for p in analysis.perspectives),
        evidence=evidence,
        memos=project.memos,
        sources={s.id: s.title for s in project.sources if s.id in used},
        parties={p: text for p in analysis.perspectives if (text := codebook.parties_text(p))},
        stale={
            (memo.topic, memo.perspective): stale
            for memo in project.memos.entries
            if (stale := staleness(memo, counts)) is not None
        },
    )


def render_brief(brief: Brief) -> str:
    """The page's HTML."""
    rows = _rows(brief)
    cited = {claim.id for cells in brief.evidence.values() for claim in cells}
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            title=brief.title,
            numbers=brief.numbers,
            perspectives=brief.perspectives,
            rows=rows,
            contrasts=_contrasts(brief),
            contrasts_total=len(brief.numbers.get("contrasts", ())),
            totals=_totals(brief),
            sources=sorted(brief.sources.items()),
            sources_by_id=brief.sources,
            linked=cited,
            legend=[(signed(v), net_colour(v), meaning) for v, meaning in _LEGEND],
            thin_example=cell_colour(1.0, 1),
            thin_below=THIN_BELOW,
            thin_mark=THIN_MARK,
            parties=brief.parties,
            stale=brief.stale,
            voiced=any(cell.writer is not None for row in rows for cell in row.cells),
            unit="sources" if brief.numbers.get("count") == "sources" else "claims",
        )
    )


_LEGEND = (
    (-1.0, "all divergence"),
    (-0.5, "mostly divergence"),
    (0.0, "mixed"),
    (0.5, "mostly convergence"),
    (1.0, "all convergence"),
)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("matrix", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def anchor(*parts: str) -> str:
    """A fragment id for a topic, a cell or a claim (`cell-space--CFR`)."""
    return "--".join(parts)


def _rows(brief: Brief) -> list[Row]:
    stance = {(r["topic"], r["perspective"]): r for r in brief.numbers.get("stance", ())}
    voices = {(r["topic"], r["perspective"]): r for r in brief.numbers.get("voices", ())}
    if all(r["unspecified_voice"] == r["claims"] for r in voices.values()):
        voices = {}  # the claims code no voice: the cells say nothing of it
    stance = {key: {**record, "voices": voices.get(key)} for key, record in stance.items()}
    rows = []
    for topic, label in brief.topics:
        cells = tuple(_cell(stance.get((topic, p), {}), topic, p, p_label, brief) for p, p_label in brief.perspectives)
        rows.append(Row(topic, label, anchor("topic", topic), cells, brief.memos.across(topic)))
    return rows


def _cell(record: Mapping[str, Any], topic: str, perspective: str, label: str, brief: Brief) -> Cell:
    base = Cell(
        topic, perspective, label, anchor("cell", topic, perspective), memo=brief.memos.cell(topic, perspective)
    )
    net = record.get("net")
    if net is None:
        return base
    conv, div = int(record["convergence"]), int(record["divergence"])
    return Cell(
        topic,
        perspective,
        label,
        base.anchor,
        conv,
        div,
        signed(float(net)),
        signed(float(record["weighted"])),
        int(record.get("sources") or 0),
        cell_colour(float(net), conv + div),
        is_thin(conv + div),
        brief.evidence.get((topic, perspective), ()),
        base.memo,
        *_voices(record.get("voices")),
    )


def _voices(record: Mapping[str, Any] | None) -> tuple[int | None, str]:
    """A cell's writer's-voice count and why it rests on forecasts, from its `voices` record."""
    if record is None:
        return None, ""
    cell = VoiceCell(
        record["claims"],
        record["writer_voice"],
        record["forecasts"],
        record["unspecified_voice"],
        None,
        record["net_without_forecasts"],
        0,
        bool(record["rests_on_forecasts"]),
    )
    return cell.writer, "rests on forecasts" if cell.rests_on_forecasts else ""


def _contrasts(brief: Brief) -> list[ContrastRow]:
    labels = dict(brief.topics)
    perspectives = dict(brief.perspectives)
    rows = []
    for record in list(brief.numbers.get("contrasts", ()))[:CONTRASTS_SHOWN]:
        sides = tuple(
            (
                perspectives.get(record[f"perspective_{s}"], record[f"perspective_{s}"]),
                signed(float(record[f"net_{s}"])),
                int(record[f"claims_{s}"]),
                cell_colour(float(record[f"net_{s}"]), int(record[f"claims_{s}"])),
                is_thin(int(record[f"claims_{s}"])),
            )
            for s in ("a", "b")
        )
        topic = record["topic"]
        rows.append(
            ContrastRow(
                labels.get(topic, topic),
                anchor("topic", topic),
                sides,
                f"{record['gap']:.2f}",
                bool(record["opposite"]),
            )
        )
    return rows


def _totals(brief: Brief) -> Sequence[Mapping[str, Any]]:
    labels = dict(brief.perspectives)
    out = []
    for record in brief.numbers.get("totals", ()):
        net = record.get("net")
        out.append(
            {
                **record,
                "label": labels.get(record["perspective"], record["perspective"]),
                "net_text": "" if net is None else signed(float(net)),
                "colour": "" if net is None else net_colour(float(net)),
            }
        )
    return out
