"""Key findings, generated from the Analysis's numbers (never typed in): where perspectives on
the same parties disagree, where perspectives on different pairs triangulate, where every
perspective with evidence agrees, and what to be careful about. Every output (the Overview
sheet, the brief, `summary` and its JSON) shows these values; none words a finding of its own.
Pure.

A side of a comparison is *thin* when it rests on fewer than `palette.THIN_BELOW` units
(claims, or sources with `--count sources`) or only on low-confidence or writer's-voice claims
(assessment, forecast, recommendation); a pair is *strong* when neither side is thin. Two
perspectives speak of the *same parties* when the codebook gives both the same `parties`;
opposite signs on the same parties are a disagreement, on different pairs a triangulation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matrix.analysis.frames import ClaimRow
from matrix.analysis.matrices import StanceCell
from matrix.analysis.palette import THIN_BELOW, signed
from matrix.analysis.pivot import Analysis
from matrix.model.values import Codebook
from matrix.model.wording import counted

WRITER_VOICES = ("assessment", "forecast", "recommendation")
"""The writer's voice: what the source's author judges, expects or advises, not a party's position."""
SHOWN = 3  # findings of a kind the first screens show; the rest are counted ("and 2 more")
KINDS = ("disagree", "triangulate", "agree", "caveat")
HEADINGS = {
    "disagree": "Disagree (same parties, opposite signs)",
    "triangulate": "Triangulation (different pairs, opposite signs: not a disagreement)",
    "agree": "Agree (every perspective with evidence shares a sign)",
    "caveat": "Caveats",
}


def parties(codebook: Codebook, perspective: str) -> tuple[str, ...]:
    """The actors whose relation a perspective measures (the codebook's `parties`; () when none)."""
    entry = codebook.perspective(perspective)
    return () if entry is None else tuple(entry.parties)


def voice(codebook: Codebook, perspective: str) -> str | None:
    """Whose voice a perspective's sources carry (the codebook's `voice`; None when not given)."""
    entry = codebook.perspective(perspective)
    return None if entry is None else entry.voice or None


def measures(codebook: Codebook, perspective: str) -> str:
    """What a perspective's column measures: 'US - India, official sources' (parties, then
    voice); '' when the codebook gives neither."""
    return codebook.parties_text(perspective)


def same_parties(codebook: Codebook, a: str, b: str) -> bool:
    """Whether two perspectives measure the relation of the same parties (both given, equal as sets)."""
    first, second = parties(codebook, a), parties(codebook, b)
    return bool(first) and bool(second) and set(first) == set(second)


def _sign(net: float) -> int:
    return (net > 0) - (net < 0)


@dataclass(frozen=True, slots=True)
class Side:
    """One perspective's cell in a comparison: its net index, the claims and sources behind it,
    and whether it is thin (`why` says why: "" when it is not)."""

    perspective: str
    net: float
    claims: int
    sources: int
    units: int  # in the analysis's unit
    why: str = ""

    @property
    def thin(self) -> bool:
        return bool(self.why)

    def to_dict(self) -> dict[str, object]:
        return {
            "perspective": self.perspective,
            "net": self.net,
            "claims": self.claims,
            "sources": self.sources,
            "thin": self.thin,
            "thin_because": self.why or None,
        }


@dataclass(frozen=True, slots=True)
class Pair:
    """Two perspectives' cells on one topic. `relation` is "disagree" (opposite signs, same
    parties), "triangulate" (opposite signs, different pairs), "agree" (the same sign) or
    "mixed" (one side balanced at 0); strong when neither side is thin."""

    topic: str
    a: Side
    b: Side
    gap: float
    same_parties: bool
    relation: str

    @property
    def strong(self) -> bool:
        return not (self.a.thin or self.b.thin)

    @property
    def opposite(self) -> bool:
        return _sign(self.a.net) * _sign(self.b.net) < 0

    def to_dict(self) -> dict[str, object]:
        return {
            "topic": self.topic,
            "relation": self.relation,
            "same_parties": self.same_parties,
            "strength": "strong" if self.strong else "thin",
            "gap": self.gap,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One generated sentence and the numbers it states: `sides` (net, claims and sources on
    each side), `numbers` (a caveat's figures), and `evidence`, the ids of the claims behind it
    in table order (a caveat's: none). `cell` is the (topic, perspective) its link opens."""

    kind: str  # one of KINDS
    text: str
    topic: str | None = None
    sides: tuple[Side, ...] = ()
    gap: float | None = None
    strong: bool = True
    evidence: tuple[str, ...] = ()
    numbers: Mapping[str, Any] = field(default_factory=dict)
    code: str = ""  # a caveat's stable kebab-case code

    @property
    def cell(self) -> tuple[str, str] | None:
        return (self.topic, self.sides[0].perspective) if self.topic and self.sides else None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "text": self.text}
        if self.code:
            out["code"] = self.code
        if self.topic is not None:
            out |= {"topic": self.topic, "strength": "strong" if self.strong else "thin", "gap": self.gap}
            out["sides"] = [s.to_dict() for s in self.sides]
            out["evidence"] = list(self.evidence)
        if self.numbers:
            out["numbers"] = dict(self.numbers)
        return out


@dataclass(frozen=True, slots=True)
class Context:
    """What the caveats read besides the Analysis, all cheap: how many of the analysed claims are
    dated; each source's (covered, sentences) from the cached coverage (None: not read); the
    stance alpha of the project's second coding without its bootstrap, with the units it rests
    on and where the coding is (None: the project has none)."""

    dated: int | None = None
    coverage: tuple[tuple[str, int, int], ...] | None = None
    alpha: tuple[float | None, int, str] | None = None


@dataclass(frozen=True, slots=True)
class Findings:
    """The key findings of one Analysis, in the order shown; `pairs` every pair of perspectives
    with evidence on a topic, strong first, then by gap (the Contrasts sheet's sections)."""

    disagreements: tuple[Finding, ...] = ()
    triangulations: tuple[Finding, ...] = ()
    agreements: tuple[Finding, ...] = ()
    caveats: tuple[Finding, ...] = ()
    pairs: tuple[Pair, ...] = ()

    def sections(self) -> tuple[tuple[str, tuple[Finding, ...]], ...]:
        """(kind, its findings) for each kind with findings, in KINDS order."""
        found = (self.disagreements, self.triangulations, self.agreements, self.caveats)
        return tuple((kind, items) for kind, items in zip(KINDS, found, strict=True) if items)

    def first_screen(self, shown: int = SHOWN) -> list[tuple[str, list[Finding], int]]:
        """(kind, the first `shown` findings, how many more) per kind; caveats all shown."""
        return [
            (
                kind,
                list(items if kind == "caveat" else items[:shown]),
                0 if kind == "caveat" else max(0, len(items) - shown),
            )
            for kind, items in self.sections()
        ]

    def to_dict(self) -> dict[str, object]:
        return {
            "disagree": [f.to_dict() for f in self.disagreements],
            "triangulate": [f.to_dict() for f in self.triangulations],
            "agree": [f.to_dict() for f in self.agreements],
            "caveats": [f.to_dict() for f in self.caveats],
        }


def _weak(claim: ClaimRow) -> bool:
    """A claim that alone cannot carry a cell: low confidence, or in the writer's voice."""
    return claim.confidence == "low" or claim.voice in WRITER_VOICES


def sides_of(analysis: Analysis) -> dict[tuple[str, str], Side]:
    """(topic, perspective) -> its Side, for every cell with claims."""
    weak: dict[tuple[str, str], bool] = {}
    for claim in analysis.claims:
        key = (claim.topic, claim.perspective)
        weak[key] = weak.get(key, True) and _weak(claim)
    unit = analysis.unit.value.removesuffix("s")
    out = {}
    for key, cell in analysis.stance.items():
        why = (
            f"fewer than {counted(THIN_BELOW, unit)}"
            if cell.units < THIN_BELOW
            else "only low-confidence or writer's-voice claims"
            if weak.get(key, False)
            else ""
        )
        out[key] = Side(key[1], cell.net, len(cell.claims), cell.sources, cell.units, why)
    return out


def _pairs(analysis: Analysis, sides: Mapping[tuple[str, str], Side]) -> tuple[Pair, ...]:
    found = []
    for topic in analysis.topics:
        present = [sides[topic, p] for p in analysis.perspectives if (topic, p) in sides]
        for i, a in enumerate(present):
            for b in present[i + 1 :]:
                same = same_parties(analysis.codebook, a.perspective, b.perspective)
                product = _sign(a.net) * _sign(b.net)
                relation = (
                    "mixed" if product == 0 else "agree" if product > 0 else "disagree" if same else "triangulate"
                )
                found.append(Pair(topic, a, b, abs(a.net - b.net), same, relation))
    return tuple(sorted(found, key=lambda pair: (not pair.strong, -pair.gap)))  # stable: codebook order


def _numbers(side: Side) -> str:
    return f"{signed(side.net)}; {counted(side.claims, 'claim')}, {counted(side.sources, 'source')}"


def _who(codebook: Codebook, perspective: str) -> str:
    """How a sentence names a perspective's relation: 'India and Russia' (its parties), else its label."""
    named = [codebook.label("actors", a) for a in parties(codebook, perspective)]
    return " and ".join(named) if named else codebook.label("perspectives", perspective)


def _verb(net: float) -> str:
    return "converge" if net > 0 else "diverge" if net < 0 else "balance"


def _thin_note(sides: Sequence[Side]) -> str:
    thin = [f"{s.perspective} {s.why}" for s in sides if s.thin]
    return f" [thin: {'; '.join(thin)}]" if thin else ""


def _evidence(cells: Sequence[StanceCell | None]) -> tuple[str, ...]:
    return tuple(claim for cell in cells if cell is not None for claim in cell.claims)


def _opposed(analysis: Analysis, pair: Pair) -> Finding:
    label = analysis.codebook.label("topics", pair.topic)
    a, b = pair.a, pair.b
    if pair.relation == "disagree":
        text = (
            f"{label}: on {_who(analysis.codebook, a.perspective)}, {a.perspective} sees them {_verb(a.net)}"
            f" ({_numbers(a)}) and {b.perspective} sees them {_verb(b.net)} ({_numbers(b)}); gap {pair.gap:.2f}"
        )
    else:
        named = parties(analysis.codebook, a.perspective) and parties(analysis.codebook, b.perspective)
        text = (
            f"{label}: {_who(analysis.codebook, a.perspective)} {_verb(a.net)} per {a.perspective} ({_numbers(a)});"
            f" {_who(analysis.codebook, b.perspective)} {_verb(b.net)} per {b.perspective} ({_numbers(b)})"
            + (
                " \u2014 different pairs, not a disagreement"
                if named
                else " \u2014 the codebook names no parties to compare"
            )
        )
    cells = [analysis.stance_cell(pair.topic, s.perspective) for s in (a, b)]
    return Finding(
        pair.relation,
        text + _thin_note((a, b)),
        pair.topic,
        (a, b),
        pair.gap,
        pair.strong,
        _evidence(cells),
    )


def _agreements(analysis: Analysis, sides: Mapping[tuple[str, str], Side]) -> list[Finding]:
    found = []
    for topic in analysis.topics:
        present = [sides[topic, p] for p in analysis.perspectives if (topic, p) in sides]
        signs = {_sign(s.net) for s in present}
        if len(present) < 2 or len(signs) != 1 or 0 in signs:
            continue
        verb = _verb(present[0].net)
        shown = ", ".join(f"{s.perspective} ({_numbers(s)})" for s in present)
        every = "both perspectives" if len(present) == 2 else f"all {counted(len(present), 'perspective')}"
        text = f"{analysis.codebook.label('topics', topic)}: {every} with evidence see {verb}nce: {shown}"
        strong = not any(s.thin for s in present)
        cells = [analysis.stance_cell(topic, s.perspective) for s in present]
        found.append(
            Finding("agree", text + _thin_note(present), topic, tuple(present), None, strong, _evidence(cells))
        )
    return sorted(found, key=lambda f: (not f.strong, -len(f.sides)))


def _share(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} ({part / whole:.0%})" if whole else "0 of 0"


def _caveat(code: str, text: str, **numbers: object) -> Finding:
    """A caveat: the generated sentence `text` and the figures it states, under its stable `code`."""
    return Finding("caveat", text, numbers=numbers, code=code)


def _caveats(analysis: Analysis, context: Context) -> list[Finding]:
    codebook = analysis.codebook
    out = []
    per: dict[str, set[str]] = {p: set() for p in analysis.perspectives}
    for claim in analysis.claims:
        per.setdefault(claim.perspective, set()).add(claim.source)
    counts = {p: len(per[p]) for p in analysis.perspectives}
    single = {p: min(per[p]) for p in analysis.perspectives if counts[p] == 1}
    listed = ", ".join(
        f"{p} {counts[p]}" + (f" (single source: {single[p]})" if p in single else "") for p in analysis.perspectives
    )
    out.append(
        _caveat("sources-per-perspective", f"Sources per perspective: {listed}", sources=counts, single_source=single)
    )
    total = len(analysis.claims)
    if context.dated is not None and total:
        undated = total - context.dated
        text = f"Undated claims: {_share(undated, total)}, with no date of their own or their source's"
        out.append(_caveat("undated-share", text, undated=undated, claims=total))
    if context.coverage:
        shares = "; ".join(f"{s} {covered / sentences:.0%}" for s, covered, sentences in context.coverage if sentences)
        coverage = {s: [covered, sentences] for s, covered, sentences in context.coverage}
        out.append(_caveat("coverage-share", f"Sentences coded per source: {shares}", coverage=coverage))
    voiced = [c.voice for c in analysis.claims]
    if any(v is not None for v in voiced):
        writer = sum(v in WRITER_VOICES for v in voiced)
        resting = [(t, p) for t in analysis.topics for p in analysis.perspectives if _rests(analysis, t, p)]
        shown = [f"{codebook.label('topics', str(t))} ({p})" for t, p in resting]
        rest = f"; {counted(len(resting), 'cell')} rest on forecasts" + (f": {', '.join(shown)}" if shown else "")
        text = f"Claims in the writer's voice (assessment, forecast, recommendation): {_share(writer, total)}{rest}"
        numbers = {"writer_voice": writer, "claims": total, "rests_on_forecasts": [list(k) for k in resting]}
        out.append(_caveat("writer-voice", text, **numbers))
    if context.alpha is not None:
        alpha, units, where = context.alpha
        value = "not computable" if alpha is None else f"{alpha:.2f}"
        text = f"Second coding ({where}): stance alpha {value} over {counted(units, 'matched claim')} (no bootstrap)"
        out.append(_caveat("second-coding-alpha", text, stance_alpha=alpha, units=units, coding=where))
    return out


def _rests(analysis: Analysis, topic: str, perspective: str) -> bool:
    cell = analysis.voice_cell(topic, perspective)
    return cell is not None and cell.rests_on_forecasts


def findings(analysis: Analysis, context: Context | None = None) -> Findings:
    """The key findings of `analysis` (the caveats also read `context`)."""
    sides = sides_of(analysis)
    pairs = _pairs(analysis, sides)
    opposed = [_opposed(analysis, p) for p in pairs if p.relation in ("disagree", "triangulate")]
    return Findings(
        disagreements=tuple(f for f in opposed if f.kind == "disagree"),
        triangulations=tuple(f for f in opposed if f.kind == "triangulate"),
        agreements=tuple(_agreements(analysis, sides)),
        caveats=tuple(_caveats(analysis, context or Context())),
        pairs=pairs,
    )


def findings_numbers(found: Findings) -> dict[str, object]:
    """What `summary --format json` adds to the Analysis's numbers: `findings` (by kind) and
    `pairs` (every pair of perspectives with evidence on a topic: relation, same parties,
    strength, and net, claims and sources on each side; strong first, then by gap)."""
    return {"findings": found.to_dict(), "pairs": [pair.to_dict() for pair in found.pairs]}
