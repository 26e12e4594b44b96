"""The HTML brief: one self-contained page to share, rendered with Jinja2 (the only jinja2 import).

From plain values only: the Analysis's stance cells, contrasts and totals, the evidence of each
topic x perspective cell (its claims with their passages and where each is written), the
analyst's memos and the sources' titles. The page holds its CSS inline and loads nothing: no
script, font, image or style sheet from anywhere, and a Content-Security-Policy that forbids
the browser to fetch any (it opens from a mail attachment as it does from disk). Every user
string is escaped (autoescape); nothing the user wrote becomes markup. The stance matrix uses
the workbook's colours and thin-evidence mark (`matrix.analysis.palette`); each cell's evidence opens
in place (`<details>`), without JavaScript. Same values, same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import jinja2

from matrix.analysis.findings import HEADINGS, Findings, findings
from matrix.analysis.matrices import Contrast, StanceCell, Total
from matrix.analysis.network import SHEET_LIMIT, MatrixView
from matrix.analysis.palette import HATCH, PALETTE, THIN_BELOW, THIN_MARK, cell_colour, is_thin, net_colour, signed
from matrix.analysis.pivot import Analysis, cell_claims
from matrix.analysis.voicing import VoiceCell
from matrix.checks.provenance import is_web_address
from matrix.files.memos import cell_counts, staleness
from matrix.model.terms import Unit
from matrix.model.values import Codebook, Memo, Memos, Project
from matrix.model.wording import counted

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
class Provenance:
    """Where a source's text came from, as the brief's source list shows it: when it was
    retrieved, an archived copy (an http(s) address: the page's one kind of outside link, a
    plain link the reader follows, never a resource it loads) and the SHA-256 it is pinned to."""

    retrieved: str | None = None
    archive: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Brief:
    """Everything the page shows: the Analysis's numbers as they are (`stance` holds the cells
    with claims, by (topic, perspective); `claims` how many the matrices count from, `filters`
    their description, `unit` what a cell counts); `topics` and `perspectives` are the
    analysed (id, label) pairs in display order; `evidence` maps (topic, perspective) to the
    claims behind that cell; `sources` maps a source id to its title."""

    stance: Mapping[tuple[str, str], StanceCell]
    contrasts: tuple[Contrast, ...]
    totals: tuple[Total, ...]
    claims: int
    topics: tuple[tuple[str, str], ...]
    perspectives: tuple[tuple[str, str], ...]
    evidence: Mapping[tuple[str, str], tuple[EvidenceClaim, ...]] = field(default_factory=dict)
    memos: Memos = field(default_factory=Memos)
    sources: Mapping[str, str] = field(default_factory=dict)
    provenance: Mapping[str, Provenance] = field(default_factory=dict)  # source id -> its provenance
    title: str = "Convergence and divergence across perspectives"
    filters: str = "none (all claims)"
    unit: Unit = Unit.CLAIMS
    parties: Mapping[str, str] = field(default_factory=dict)  # perspective id -> 'US - India, CFR analysis'
    stale: Mapping[tuple[str, str | None], str] = field(default_factory=dict)  # memo cell -> why it is stale
    voices: Mapping[tuple[str | None, str], VoiceCell] = field(default_factory=dict)  # empty: no voice coded
    networks: tuple[NetworkBlock, ...] = ()
    stamp: str = ""  # the inputs' revision (`revisions.inputs_stamp`), printed atop the page
    urls: Mapping[str, str] = field(default_factory=dict)  # source id -> its own http(s) URL
    findings: Findings = field(default_factory=Findings)  # the key findings, shown first


@dataclass(frozen=True, slots=True)
class NetworkCell:
    """One cell of a network heatmap: the signed index as shown, its colour, whether it rests
    on fewer than THIN_BELOW topics, and what it rests on (`title`: the topics; `claims`)."""

    text: str = ""
    colour: str = ""
    thin: bool = False
    title: str = ""
    claims: tuple[str, ...] = ()
    diagonal: bool = False

    @property
    def empty(self) -> bool:
        return not self.text


@dataclass(frozen=True, slots=True)
class NetworkBlock:
    """The Network sheet's matrix of one node kind, for the page: node labels in group order,
    each node's group, the rows of cells; `note` instead when there is no matrix to show."""

    kind: str
    title: str
    labels: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()
    rows: tuple[tuple[NetworkCell, ...], ...] = ()
    note: str = ""


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


def brief_of(analysis: Analysis, project: Project, stamp: str = "", found: Findings | None = None) -> Brief:
    """The brief of an analysis: its key findings (`found`; default, worked out here without
    the caveats that read files), its numbers, each cell's claims and passages, the project's
    memos, and the titles (and http(s) URLs) of the sources its claims come from; `stamp`
    names the inputs."""
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
        stance=analysis.stance,
        contrasts=analysis.contrasts,
        totals=analysis.totals,
        claims=len(analysis.claims),
        filters=analysis.filters.describe(),
        unit=analysis.unit,
        topics=tuple((t, codebook.label("topics", t)) for t in analysis.topics),
        perspectives=tuple((p, codebook.label("perspectives", p)) for p in analysis.perspectives),
        evidence=evidence,
        memos=project.memos,
        sources={s.id: s.title for s in project.sources if s.id in used},
        provenance={
            s.id: Provenance(s.retrieved, s.archive if s.archive and is_web_address(s.archive) else None, s.sha256)
            for s in project.sources
            if s.id in used and (s.retrieved or s.archive or s.sha256)
        },
        findings=found if found is not None else findings(analysis),
        parties={p: text for p in analysis.perspectives if (text := codebook.parties_text(p))},
        stale={
            (memo.topic, memo.perspective): stale
            for memo in project.memos.entries
            if (stale := staleness(memo, counts)) is not None
        },
        voices=analysis.voices if analysis.codes_voice else {},
        networks=tuple(network_block(view, codebook) for view in analysis.network_views),
        stamp=stamp,
        urls={s.id: s.url for s in project.sources if s.id in used and s.url},
    )


_KIND_TITLES = {"actor": "Actors", "perspective": "Perspectives", "source": "Sources"}


def network_block(view: MatrixView, codebook: Codebook) -> NetworkBlock:
    """A signed matrix (see `matrix.analysis.network.signed_matrix`) as the page shows it."""
    title = _KIND_TITLES[view.kind]
    matrix = view.matrix
    if matrix is None:
        many = f"{counted(view.nodes, view.kind)}: too many to show; claims-matrix network --nodes {view.kind} writes them all"
        few = f"{counted(view.nodes, view.kind)} with claims: no pair to compare"
        return NetworkBlock(view.kind, title, note=many if view.nodes > SHEET_LIMIT else few)
    rows = []
    for a in matrix.order:
        cells = []
        for b in matrix.order:
            found = matrix.cell(a, b)
            if a == b:
                cells.append(NetworkCell(diagonal=True))
            elif found is None:
                cells.append(NetworkCell())
            else:
                index, congruent, conflicting, claims = found
                topics = len(congruent) + len(conflicting)
                label = functools.partial(codebook.label, "topics")
                tip = (
                    f"{matrix.labels[a]} · {matrix.labels[b]}: {signed(index)}; "
                    f"congruent: {', '.join(map(label, congruent)) or 'none'}; "
                    f"conflicting: {', '.join(map(label, conflicting)) or 'none'}; {counted(len(claims), 'claim')}"
                )
                cells.append(NetworkCell(signed(index), cell_colour(index, topics), is_thin(topics), tip, claims))
        rows.append(tuple(cells))
    return NetworkBlock(
        view.kind,
        title,
        tuple(matrix.labels[n] for n in matrix.order),
        tuple(matrix.group[n] for n in matrix.order),
        tuple(rows),
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
            numbers={"claims": brief.claims, "filters": brief.filters},
            perspectives=brief.perspectives,
            rows=rows,
            contrasts=_contrasts(brief),
            contrasts_total=len(brief.contrasts),
            totals=_totals(brief),
            sources=sorted(brief.sources.items()),
            sources_by_id=brief.sources,
            provenance=brief.provenance,
            urls={source: url for source, url in brief.urls.items() if is_web_address(url)},
            stamp=brief.stamp,
            palette=PALETTE,
            linked=cited,
            legend=[(signed(v), net_colour(v), meaning) for v, meaning in _LEGEND],
            thin_example=cell_colour(1.0, 1),
            hatch=HATCH,
            thin_below=THIN_BELOW,
            thin_mark=THIN_MARK,
            parties=brief.parties,
            stale=brief.stale,
            voiced=any(cell.writer is not None for row in rows for cell in row.cells),
            unit=brief.unit.value,
            networks=brief.networks,
            findings=_findings(brief),
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
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("matrix.brief", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["counted"] = counted
    return environment


def anchor(*parts: str) -> str:
    """A fragment id for a topic, a cell or a claim (`cell-space--CFR`)."""
    return "--".join(parts)


def _rows(brief: Brief) -> list[Row]:
    rows = []
    for topic, label in brief.topics:
        cells = tuple(
            _cell(brief.stance.get((topic, p)), topic, p, p_label, brief) for p, p_label in brief.perspectives
        )
        rows.append(Row(topic, label, anchor("topic", topic), cells, brief.memos.across(topic)))
    return rows


def _cell(stance: StanceCell | None, topic: str, perspective: str, label: str, brief: Brief) -> Cell:
    base = Cell(
        topic, perspective, label, anchor("cell", topic, perspective), memo=brief.memos.cell(topic, perspective)
    )
    if stance is None:
        return base
    return Cell(
        topic,
        perspective,
        label,
        base.anchor,
        stance.convergence,
        stance.divergence,
        signed(stance.net),
        signed(stance.weighted),
        stance.sources,
        cell_colour(stance.net, stance.units),
        stance.thin,
        brief.evidence.get((topic, perspective), ()),
        base.memo,
        *_voices(brief.voices.get((topic, perspective))),
    )


def _voices(cell: VoiceCell | None) -> tuple[int | None, str]:
    """A cell's writer's-voice count and why it rests on forecasts ("" when it does not)."""
    if cell is None:
        return None, ""
    return cell.writer, cell.reason()


def _contrasts(brief: Brief) -> list[ContrastRow]:
    labels = dict(brief.topics)
    perspectives = dict(brief.perspectives)
    rows = []
    strong = {(p.topic, p.a.perspective, p.b.perspective): p.strong for p in brief.findings.pairs}
    ranked = sorted(  # strong pairs first, then by gap (sorted stably from largest gap first)
        brief.contrasts,
        key=lambda c: not strong.get((c.topic, c.perspective_a, c.perspective_b), True),
    )
    for contrast in ranked[:CONTRASTS_SHOWN]:
        sides = tuple(
            (perspectives.get(perspective, perspective), signed(net), units, cell_colour(net, units), is_thin(units))
            for perspective, net, units in (
                (contrast.perspective_a, contrast.net_a, contrast.claims_a),
                (contrast.perspective_b, contrast.net_b, contrast.claims_b),
            )
        )
        topic = contrast.topic
        rows.append(
            ContrastRow(
                labels.get(topic, topic), anchor("topic", topic), sides, f"{contrast.gap:.2f}", contrast.opposite
            )
        )
    return rows


def _totals(brief: Brief) -> Sequence[Mapping[str, Any]]:
    labels = dict(brief.perspectives)
    out = []
    for total in brief.totals:
        net = total.net
        out.append(
            {
                **asdict(total),
                "label": labels.get(total.perspective, total.perspective),
                "net_text": "" if net is None else signed(float(net)),
                "colour": "" if net is None else net_colour(float(net)),
            }
        )
    return out


def _findings(brief: Brief) -> list[tuple[str, str, list[dict[str, Any]], int]]:
    """(kind, heading, its first findings as text, strength and the anchor of their cell, how
    many more) per kind."""
    shown = []
    for kind, items, more in brief.findings.first_screen():
        rows = [
            {
                "text": f.text,
                "strong": f.strong,
                "anchor": anchor("cell", *f.cell) if f.cell else (None if f.kind != "caveat" else "sources"),
            }
            for f in items
        ]
        shown.append((kind, HEADINGS[kind], rows, more))
    return shown
