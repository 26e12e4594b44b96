"""A claims file with its `claims:` list replaced, everything else kept (for `import`).

A claim that did not change keeps its exact text, comments included; the text before and after
the `claims:` list stays as it is; new and changed claims are written by `matrix.authoring.yamlwriter` in
the list's own indentation. Pure: texts in, text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from matrix.authoring.yamlwriter import claim_yaml, modeline
from matrix.files.yamltree import MappingNode, SequenceNode, parse_tree
from matrix.model.values import DEFAULT_CONFIDENCE, Claim, Source


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
    date: str | None = None  # the claim's own date: (the table has no column for it: kept)
    voice: str | None = None
    approach_list: tuple[str, ...] = ()  # `approach: [a, b]` (then `approach` is None)
    sides: tuple[tuple[str, str], ...] = ()  # `sides: {actor: approach}` (then no approach or actor)


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
        claim.date,
        claim.voice,
        claim.approach_list,
        claim.sides,
    )


@dataclass(frozen=True, slots=True)
class Target:
    """A claims file of the project import may rewrite: its text and what the loader read."""

    file: str
    text: str
    source: Source
    claims: tuple[Claim, ...]


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
    # comments and blank lines at the section's end, no deeper than its items, follow the list
    # (a comment after the last claim, or before the next key): they stay when the list is rewritten
    floor = starts[-1] + 1 if starts else head + 1
    while end > floor and _after_list(lines[end - 1], indent):
        end -= 1
    return _Layout(head, end, starts, indent)


def _after_list(line: str, indent: int) -> bool:
    stripped = line.lstrip(" ")
    return not stripped.strip() or (stripped.startswith("#") and len(line) - len(stripped) <= indent)


def _fields(claim: Coded, old: Claim | None) -> dict[str, str | tuple[str, ...] | dict[str, str]]:
    """A claim's fields to write: `quote:` for one passage unless it was a `quotes:` list;
    the default confidence only where the claim wrote it before."""
    fields: dict[str, str | tuple[str, ...] | dict[str, str]] = {"id": claim.id, "topic": claim.topic}
    fields["stance"] = claim.stance
    if claim.voice:
        fields["voice"] = claim.voice
    approach = claim.approach or claim.approach_list  # one text, or the list `approach: [a, b]`
    if approach:
        fields["approach"] = approach
    if claim.sides:
        fields["sides"] = dict(claim.sides)
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
    if claim.date:
        fields["date"] = claim.date
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
