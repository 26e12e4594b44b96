"""The analyst's summaries: `claims/memos.yaml` -> memos per topic x perspective cell and
per topic across perspectives, each with the claim ids it rests on, plus located problems.

The format (every field text; `claims` a list of claim ids)::

    memos:
      - topic: export-controls        # required, a codebook topic
        perspective: CFR              # optional, a codebook perspective; absent: the topic
                                      #   across all perspectives
        text: >-                      # required, the summary (a sentence or two)
          CFR reads U.S. export controls as unilateral and a brake on the partnership.
        claims: [cfr-us-unilateral-export-controls, cfr-differences-remain]   # optional

Pure: a located tree (or text) in, values and problems out. Errors: a file that is not this shape
(`wrong-shape`, `unknown-field`, `missing-field`, `wrong-type`), an unknown topic or
perspective (`unknown-topic`, `unknown-perspective`, with "did you mean"), an empty text or
claim id (`empty-value`), two memos for one cell (`duplicate-memo`). A cited claim id that no
claim has is a warning of the rules (`unknown-memo-claim`), as after a claim was removed or renamed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from matrix.files.yamltree import MappingNode, Node, Rejected, Scalar, SequenceNode, parse_tree
from matrix.model.location import Location
from matrix.model.problems import Problem, did_you_mean, is_hidden_char, shown
from matrix.model.terms import CELL_LIMIT  # the memo goes into one spreadsheet cell
from matrix.model.values import MEMOS_FILE, Codebook, Memo, Memos, Project

EMITS = (  # the problem codes of reading memos (yamltree's come on top)
    "wrong-shape",
    "unknown-field",
    "missing-field",
    "wrong-type",
    "empty-value",
    "control-character",
    "value-too-long",
    "unknown-topic",
    "unknown-perspective",
    "duplicate-memo",
    "malformed-memo-cell",
)
MEMO_FIELDS = {"topic": True, "perspective": False, "text": True, "claims": False, "cell": False}
CELL_RE = re.compile(r"^\+(\d+)/-(\d+)$")


def memos_of(file: str, root: Node | None, problems: list[Problem], codebook: Codebook) -> tuple[Memos, list[Problem]]:
    """The memos of the located tree `root` of `file` (and the problems found parsing it, to
    which this adds), checked against `codebook`'s topics and perspectives; usable memos are
    kept even when others have problems."""
    reader = _Reader(file, codebook, problems)
    return Memos(tuple(reader.memos(root)), file), problems


def parse_memos(text: str, codebook: Codebook, file: str = MEMOS_FILE) -> tuple[Memos, list[Problem]]:
    """`memos_of` the decoded `text` of `file`."""
    return memos_of(file, *parse_tree(text, file), codebook)


def _kind(node: Node) -> str:
    return {MappingNode: "a mapping", SequenceNode: "a list", Scalar: "text"}.get(type(node), "a value")


class _Reader:
    """Reads the located tree, reporting problems into the list it was given."""

    def __init__(self, file: str, codebook: Codebook, problems: list[Problem]) -> None:
        self.file = file
        self.vocabularies = (
            ("topic", codebook.ids("topics"), "unknown-topic"),
            ("perspective", codebook.ids("perspectives"), "unknown-perspective"),
        )
        self.problems = problems
        self.seen: dict[tuple[str, str | None], Location] = {}

    def add(self, at: Location, code: str, message: str, hint: str = "", subject: str | None = None) -> None:
        self.problems.append(Problem(at, code, message, hint, subject))

    def memos(self, root: Node | None) -> Iterator[Memo]:
        for item in self.entries(root):
            memo = self.memo(item)
            if memo is not None:
                yield memo

    def entries(self, root: Node | None) -> tuple[Node, ...]:
        """The items of the top-level `memos:` list."""
        shape = "the file must be a mapping with 'memos:', a list of memos"
        if root is None or isinstance(root, Rejected):
            return ()
        if not isinstance(root, MappingNode):
            self.add(root.location, "wrong-shape", f"{shape}; found {_kind(root)}", "see the format in README.md")
            return ()
        found: Node | None = None
        for key, value in root.items:
            if key.value == "memos":
                found = value
            else:
                self.add(key.location, "unknown-field", f"unknown top-level key '{key.value}'", "did you mean 'memos'?")
        if found is None:
            self.add(root.location, "missing-field", "the file has no 'memos:' section", "add 'memos:'")
            return ()
        if (isinstance(found, Scalar) and found.null) or isinstance(found, Rejected):
            return ()
        if not isinstance(found, SequenceNode):
            self.add(
                found.location,
                "wrong-shape",
                f"'memos' must be a list, not {_kind(found)}",
                "start each memo with '- topic: ...'",
            )
            return ()
        return found.items

    def memo(self, item: Node) -> Memo | None:
        if not isinstance(item, MappingNode):
            if not isinstance(item, Rejected):
                self.add(
                    item.location,
                    "wrong-shape",
                    f"each memo must be a mapping, not {_kind(item)}",
                    "write '- topic: ...' then 'text: ...'",
                )
            return None
        values, spans = self.fields(item)
        claims, claim_positions = self.claim_ids(item)
        known = [self.known(values, spans, *vocabulary) for vocabulary in self.vocabularies]
        topic, perspective = values.get("topic"), values.get("perspective")
        if topic is None or not all(known) or "text" not in values:
            return None
        cell = (topic, perspective)
        first = self.seen.get(cell)
        if first is not None:
            where = f"'{topic}' x '{perspective}'" if perspective else f"'{topic}' across perspectives"
            self.add(
                item.location,
                "duplicate-memo",
                f"a second memo for {where} (the first is at line {first.line})",
                "merge the two into one memo",
            )
            return None
        self.seen[cell] = item.location
        recorded = None
        if "cell" in values:
            found = CELL_RE.match(values["cell"])
            if found is None:
                self.add(
                    spans["cell"],
                    "malformed-memo-cell",
                    f"cell {shown(values['cell'])} is not the counts the memo was written against",
                    "write 'cell: +C/-D' (the cell's convergence and divergence claims, as summary shows them)",
                )
            else:
                recorded = (int(found.group(1)), int(found.group(2)))
        return Memo(
            topic, perspective, values["text"], claims, item.location, claim_positions, recorded, spans.get("cell")
        )

    def known(
        self, values: dict[str, str], spans: dict[str, Location], name: str, allowed: tuple[str, ...], code: str
    ) -> bool:
        """Whether field `name` is absent or a value the codebook defines (reported when not)."""
        value = values.get(name)
        if value is None or value in allowed:
            return True
        self.add(spans[name], code, f"unknown {name} {shown(value)}", did_you_mean(value, allowed), value)
        return False

    def fields(self, item: MappingNode) -> tuple[dict[str, str], dict[str, Location]]:
        """The memo's text fields (`claims` is read by `claim_ids`), with unknown, missing, empty and non-text ones reported."""
        values: dict[str, str] = {}
        spans: dict[str, Location] = {}
        for key, value in item.items:
            name = key.value
            if name not in MEMO_FIELDS:
                self.add(
                    key.location,
                    "unknown-field",
                    f"unknown field '{name}' in this memo",
                    did_you_mean(name, MEMO_FIELDS),
                )
            elif name != "claims":
                text = self.text(value, name)
                if text is not None:
                    values[name], spans[name] = text, value.location
        present = {key.value for key, _ in item.items}
        for name, required in MEMO_FIELDS.items():
            if required and name not in present:
                self.add(item.location, "missing-field", f"this memo has no '{name}'", f"add '{name}: ...' to the memo")
        return values, spans

    def text(self, value: Node, name: str) -> str | None:
        """The stripped text of a scalar field, or None (reported) when it is unusable."""
        if isinstance(value, Rejected):
            return None
        if not isinstance(value, Scalar):
            self.add(
                value.location,
                "wrong-type",
                f"'{name}' must be text, not {_kind(value)}",
                f"write '{name}: <text>'; use '{name}: >-' for long text",
            )
            return None
        text = value.value.strip()
        if value.null or not text:
            self.add(value.location, "empty-value", f"'{name}' is empty", f"give '{name}' a value")
            return None
        hidden = next((c for c in text if is_hidden_char(c)), None)
        if hidden is not None:
            self.add(
                value.location,
                "control-character",
                f"'{name}' holds the invisible or control character U+{ord(hidden):04X}",
                "retype the value, or delete the character",
            )
            return None
        if len(text) > CELL_LIMIT:
            self.add(
                value.location,
                "value-too-long",
                f"'{name}' is {len(text):,} characters long; a spreadsheet cell holds at most {CELL_LIMIT:,}",
                "shorten the memo",
            )
            return None
        return text

    def claim_ids(self, item: MappingNode) -> tuple[tuple[str, ...], tuple[Location, ...]]:
        """The cited claim ids of a memo and where each is written."""
        node = next((value for key, value in item.items if key.value == "claims"), None)
        if node is None or isinstance(node, Rejected) or (isinstance(node, Scalar) and node.null):
            return (), ()
        if not isinstance(node, SequenceNode):
            self.add(
                node.location,
                "wrong-type",
                f"'claims' must be a list of claim ids, not {_kind(node)}",
                "write 'claims: [id-1, id-2]'",
            )
            return (), ()
        ids: list[str] = []
        locations: list[Location] = []
        for entry in node.items:
            claim = self.text(entry, "claims")
            if claim is not None:
                ids.append(claim)
                locations.append(entry.location)
        return tuple(ids), tuple(locations)


CellCounts = Mapping[tuple[str, "str | None"], tuple[int, int]]
"""(topic, perspective, or None across perspectives) -> (convergence, divergence) claims."""


def cell_counts(project: Project) -> dict[tuple[str, str | None], tuple[int, int]]:
    """Every cell's convergence and divergence claims (all claims, no filter), and each topic's
    across perspectives: what a memo's `cell:` records."""
    counts: dict[tuple[str, str | None], list[int]] = {}
    for claims_file in project.files:
        if claims_file.source is None:
            continue
        for claim in claims_file.claims:
            for key in ((claim.topic, claims_file.source.perspective), (claim.topic, None)):
                cell = counts.setdefault(key, [0, 0])
                cell[0] += claim.stance == "convergence"
                cell[1] += claim.stance == "divergence"
    return {key: (c, d) for key, (c, d) in counts.items()}


def staleness(memo: Memo, counts: CellCounts) -> str | None:
    """'written against +3/-4, now +4/-4' when the memo's recorded cell differs from the cell
    now; None when it matches or the memo records none."""
    if memo.cell is None:
        return None
    now = counts.get((memo.topic, memo.perspective), (0, 0))
    if now == memo.cell:
        return None
    return f"written against +{memo.cell[0]}/-{memo.cell[1]}, now +{now[0]}/-{now[1]}"
