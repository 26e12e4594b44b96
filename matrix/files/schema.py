"""A located YAML tree -> typed values (`ClaimsFile`, `Codebook`) and the problems found on the way.

Pure: no file is read here (`matrix.files.loading` reads them and parses their text into the tree).
Every field is checked the same way: unknown and missing names, wrong types, empty values,
hidden characters and values too long for a spreadsheet cell are problems at their location.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from sys import intern
from typing import TypeVar

from matrix.files.plain import NO_ACCEPT, new_tuple
from matrix.files.yamltree import MappingNode, Node, Rejected, Scalar, SequenceNode
from matrix.model.location import Location
from matrix.model.problems import ACCEPTABLE_CODES, Problem, did_you_mean, is_hidden_char, shown
from matrix.model.terms import APPROACHES, REQUIREMENTS, STANCES
from matrix.model.terms import CELL_LIMIT as EXCEL_CELL_LIMIT
from matrix.model.values import DEFAULT_CONFIDENCE, Claim, ClaimsFile, Codebook, Entry, Source

EMITS = (  # the problem codes of reading a tree into values
    "wrong-shape",
    "missing-field",
    "unknown-field",
    "wrong-type",
    "empty-value",
    "control-character",
    "value-too-long",
    "codebook-empty",
    "quote-and-quotes",
    "unknown-accept-code",
    "sides-with-actor",
    "too-few-sides",
    "repeated-approach",
    "unknown-requirement",
)

# field name -> required
SOURCE_FIELDS: Mapping[str, bool] = {
    "id": True,
    "title": True,
    "publisher": True,
    "author": False,
    "published": False,
    "perspective": True,
    "text": True,
    "url": False,
    "sha256": False,
    "retrieved": False,
    "archive": False,
}

CLAIM_FIELDS: Mapping[str, bool] = {
    "id": True,
    "topic": True,
    "stance": True,
    "approach": False,
    "actor": False,
    "confidence": False,
    "quote": True,
    "quotes": False,
    "note": False,
    "date": False,
    "voice": False,
    "sides": False,
    "accept": False,
}

# a claim that gives `quotes:` needs no `quote:`
_LISTED_CLAIM_FIELDS: Mapping[str, bool] = {**CLAIM_FIELDS, "quote": False}

_CLAIM_LISTS = ("quotes", "accept", "sides")  # claim fields whose value is not one text

ENTRY_FIELDS: Mapping[str, bool] = {"id": True, "label": True, "description": False}
PERSPECTIVE_FIELDS: Mapping[str, bool] = {**ENTRY_FIELDS, "voice": False}  # and `parties:`, a list

CODEBOOK_LISTS = ("perspectives", "actors", "topics")

CUE_KINDS = (*STANCES, *APPROACHES, "hedges", "both-parties")


class _Collector:
    """Accumulates problems for one file."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def add(self, location: Location, code: str, message: str, hint: str = "", subject: str | None = None) -> None:
        self.problems.append(Problem(location, code, message, hint, subject))


def _kind(node: Node) -> str:
    return {MappingNode: "a mapping", SequenceNode: "a list", Scalar: "text"}.get(type(node), "a value")


def _check_text(value: Scalar, name: str, out: _Collector, subject: str | None) -> bool:
    """Report hidden characters and over-long values; True when the value is usable."""
    text = value.value
    ok = True
    if not text.isprintable():
        for index, char in enumerate(text):
            if is_hidden_char(char):
                out.add(
                    value.location,
                    "control-character",
                    f"'{name}' holds the invisible or control character U+{ord(char):04X} "
                    f"at character {index + 1} of its value",
                    "retype the value, or delete the character (it often comes from copying out of a PDF or web page)",
                    subject,
                )
                ok = False
                break
    if len(text) > EXCEL_CELL_LIMIT:
        out.add(
            value.location,
            "value-too-long",
            f"'{name}' is {len(text):,} characters long; a spreadsheet cell holds at most {EXCEL_CELL_LIMIT:,}",
            "shorten it: a quote should be a clause or a sentence",
            subject,
        )
        ok = False
    return ok


# How `_usable_text` words its problems: how the value is named, the hint for a value that is
# not text, the hint for an empty one; {name} stands for the field's name (or accepted code).
_TEXT_HINT = "write '{name}: <text>' on one line, or use '{name}: >-' for long text"
_REQUIRED_FIELD = ("'{name}'", _TEXT_HINT, "give '{name}' a value")
_OPTIONAL_FIELD = ("'{name}'", _TEXT_HINT, "give '{name}' a value, or delete the line")
_PASSAGE = (
    "a passage in 'quotes'",
    "write the passage after '- ' on one line, or use '- >-' for long text",
    "give it a value",
)
_ACCEPT_REASON = (
    "the reason for accepting '{name}'",
    "write '{name}: <why the coding is right>' on one line",
    "say why the coding is right: a reason is required",
)


def _usable_text(
    value: Node, name: str, out: _Collector, subject: str | None, wording: tuple[str, str, str]
) -> str | None:
    """The text of `value` when it is usable, else None: a rejected value (already reported),
    a list or a mapping (wrong-type), an empty value (empty-value) or unusable text."""
    if type(value) is Scalar:  # the common case first: plain, printable, short text
        text = value.value
        if text.isprintable() and len(text) <= EXCEL_CELL_LIMIT and text.strip() and not (value.plain and text == "~"):
            return text
    if isinstance(value, Rejected):
        return None
    if not isinstance(value, Scalar) or value.null or not value.value.strip():
        what, wrong, empty = (part.replace("{name}", name) for part in wording)
        if not isinstance(value, Scalar):
            out.add(value.location, "wrong-type", f"{what} must be text, not {_kind(value)}", wrong, subject)
        else:
            out.add(value.location, "empty-value", f"{what} is empty", empty, subject)
        return None
    return value.value if _check_text(value, name, out, subject) else None


def _read_fields(
    node: MappingNode,
    fields: Mapping[str, bool],
    what: str,
    out: _Collector,
    subject: str | None = None,
) -> tuple[dict[str, str], dict[str, Location]]:
    """The text fields of `node`, checked against `fields`; problems go to `out`."""
    values: dict[str, str] = {}
    positions: dict[str, Location] = {}
    present = {key.value for key, _ in node.items}
    missing = [name for name, required in fields.items() if required and name not in present]
    for key, value in node.items:
        name = key.value
        if name not in fields:
            # a misspelt required field is one mistake: report the typo, not also the absence
            near = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
            if near:
                missing.remove(near[0])
            out.add(
                key.location,
                "unknown-field",
                f"unknown field '{name}' in {what}",
                did_you_mean(name, fields) if name else "",
                subject,
            )
        elif (
            text := _usable_text(value, name, out, subject, _REQUIRED_FIELD if fields[name] else _OPTIONAL_FIELD)
        ) is not None:
            values[name] = text.strip() if name != "quote" else text
            positions[name] = value.location
    for name in missing:
        out.add(
            node.location,
            "missing-field",
            f"{what} has no '{name}'",
            f"add '{name}: ...' to {what}",
            subject,
        )
    return values, positions


def _top_mapping(root: Node | None, file: str, keys: Mapping[str, bool], out: _Collector) -> dict[str, Node]:
    """The top-level mapping's values by key, with unknown and missing keys reported."""
    if root is None or isinstance(root, Rejected):
        if root is None and not out.problems:
            out.add(Location(file), "wrong-shape", "the file is empty", "see the format in README.md")
        return {}
    if not isinstance(root, MappingNode):
        message = f"the file must be a mapping with {', '.join(repr(k) for k in keys)}; found {_kind(root)}"
        out.add(root.location, "wrong-shape", message, "see the format in README.md")
        return {}
    found: dict[str, Node] = {}
    for key, value in root.items:
        if key.value in keys:
            found[key.value] = value
        else:
            out.add(
                key.location,
                "unknown-field",
                f"unknown top-level key '{key.value}'",
                did_you_mean(key.value, keys),
            )
    for name, required in keys.items():
        if required and name not in found:
            out.add(root.location, "missing-field", f"the file has no '{name}:' section", f"add '{name}:'")
    return found


def _items(node: Node | None, what: str, out: _Collector) -> Iterable[Node]:
    if node is None or isinstance(node, Rejected):
        return ()
    if isinstance(node, Scalar) and node.null:
        return ()
    if not isinstance(node, SequenceNode):
        out.add(
            node.location,
            "wrong-shape",
            f"'{what}' must be a list, not {_kind(node)}",
            f"write each entry of '{what}' on a line starting with '- '",
        )
        return ()
    return node.items


def _mappings(node: Node | None, what: str, shape: tuple[str, str], out: _Collector) -> Iterator[MappingNode]:
    """The mapping entries of the list `node`; any other entry is a wrong-shape problem."""
    message, hint = shape
    for item in _items(node, what, out):
        if isinstance(item, MappingNode):
            yield item
        elif not isinstance(item, Rejected):
            out.add(item.location, "wrong-shape", f"{message}, not {_kind(item)}", hint)


def claims_file(file: str, root: Node | None, problems: list[Problem]) -> ClaimsFile:
    """One claims file's source and claims from its located tree; `problems` are those found
    reading it (they are kept, first). Pure."""
    out = _Collector(file, problems)
    top = _top_mapping(root, file, {"source": True, "claims": True}, out)

    source: Source | None = None
    block = top.get("source")
    if isinstance(block, MappingNode):
        values, positions = _read_fields(block, SOURCE_FIELDS, "the source", out)
        source = Source(
            id=values.get("id", ""),
            title=values.get("title", ""),
            publisher=values.get("publisher", ""),
            perspective=values.get("perspective", ""),
            text=values.get("text", ""),
            author=values.get("author"),
            published=values.get("published"),
            url=values.get("url"),
            file=file,
            location=block.location,
            positions=positions,
            sha256=values.get("sha256"),
            retrieved=values.get("retrieved"),
            archive=values.get("archive"),
        )
    elif block is not None and not isinstance(block, Rejected):
        out.add(
            block.location,
            "wrong-shape",
            f"'source' must be a mapping, not {_kind(block)}",
            "indent the source's fields under 'source:'",
        )

    claims: list[Claim] = []
    claim_shape = ("each claim must be a mapping of fields", "start each claim with '- id: ...' and indent its fields")
    source_id = source.id if source else ""
    for item in _mappings(top.get("claims"), "claims", claim_shape, out):
        claim_id = next((v.value for k, v in item.items if k.value == "id" and isinstance(v, Scalar)), None)
        (values, positions), listed, accept, (approach_list, sides) = _read_claim(item, out, claim_id)
        get = values.get
        voice = get("voice")
        quote = get("quote")
        # coded values and field names come from small vocabularies: one string object each
        # (less memory for 100,000 claims, and marshal writes a repeat as a reference)
        approach, actor = get("approach"), get("actor")
        claims.append(
            new_tuple(
                Claim,
                (
                    get("id", ""),
                    source_id,
                    intern(get("topic", "")),
                    intern(get("stance", "")),
                    listed if quote is None else (quote,),
                    approach and intern(approach),
                    actor and intern(actor),
                    intern(get("confidence", DEFAULT_CONFIDENCE)),
                    get("note"),
                    item.location,
                    {intern(name): (where.line, where.column) for name, where in positions.items()},
                    accept or NO_ACCEPT,
                    get("date"),
                    voice and intern(voice),
                    approach_list,
                    sides,
                ),
            )
        )
    return ClaimsFile(file, source, tuple(claims), tuple(out.problems))


Means = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]  # an approach list, and sides


def _read_claim(
    item: MappingNode, out: _Collector, subject: str | None
) -> tuple[tuple[dict[str, str], dict[str, Location]], tuple[str, ...], dict[str, str], Means]:
    """A claim's text fields, its `quotes:` passages, its `accept:` reasons, and its approach
    list and sides, checked; problems go to `out`. Only one of `quote:` and `quotes:` is read:
    the first written."""
    lists = {
        key.value: (key, value)
        for key, value in item.items
        if key.value in _CLAIM_LISTS or (key.value == "approach" and isinstance(value, SequenceNode))
    }
    rest = item._replace(items=tuple((k, v) for k, v in item.items if k.value not in lists)) if lists else item
    fields = _LISTED_CLAIM_FIELDS if "quotes" in lists else CLAIM_FIELDS
    values, positions = _read_fields(rest, fields, "the claim", out, subject)
    passages: tuple[str, ...] = ()
    if "quotes" in lists:
        key, node = lists["quotes"]
        first_quote = next(key for key, _ in item.items if key.value in ("quote", "quotes"))
        if first_quote.value == "quote":
            out.add(
                key.location,
                "quote-and-quotes",
                "the claim has both 'quote' and 'quotes'",
                "keep one: 'quotes:' with every passage as a list item, or 'quote:' for one passage",
                subject,
            )
        else:
            if "quote" in values:
                quote_key = next(k for k, _ in item.items if k.value == "quote")
                out.add(
                    quote_key.location,
                    "quote-and-quotes",
                    "the claim has both 'quotes' and 'quote'",
                    "keep one: put this passage in the 'quotes:' list",
                    subject,
                )
                del values["quote"]
                positions.pop("quote", None)
            passages = _read_passages(node, out, subject, positions)
    accept: dict[str, str] = {}
    if "accept" in lists:
        accept = _read_accept(lists["accept"][1], out, subject, positions)
    approach_list: tuple[str, ...] = ()
    listed_node = lists["approach"][1] if "approach" in lists else None
    if isinstance(listed_node, SequenceNode):
        approach_list = _read_approach_list(listed_node, out, subject, positions)
    sides: tuple[tuple[str, str], ...] = ()
    if "sides" in lists:
        key, node = lists["sides"]
        sides = _read_sides(node, out, subject, positions)
        for name in ("actor", "approach"):
            beside = next((k for k, _ in item.items if k.value == name), None)
            if beside is not None:
                out.add(
                    beside.location,
                    "sides-with-actor",
                    f"the claim has both 'sides' and '{name}'",
                    f"delete '{name}': 'sides' gives each side's actor and approach",
                    subject,
                )
                values.pop(name, None)
                positions.pop(name, None)
        approach_list = ()
    return (values, positions), passages, accept, (approach_list, sides)


def _read_approach_list(
    node: SequenceNode, out: _Collector, subject: str | None, positions: dict[str, Location]
) -> tuple[str, ...]:
    """The approaches of `approach: [a, b]`, each once; `positions` gets `approach` and `approach.N`."""
    if not node.items:
        out.add(
            node.location, "empty-value", "'approach' lists nothing", "list an approach, or delete the line", subject
        )
        return ()
    positions["approach"] = node.location
    listed: list[str] = []
    wording = (
        "an approach in 'approach'",
        "write each approach as a word: [bilateral, multilateral]",
        "give it a value",
    )
    for entry in node.items:
        if (text := _usable_text(entry, "approach", out, subject, wording)) is None:
            continue
        text = intern(text.strip())
        if text in listed:
            out.add(
                entry.location,
                "repeated-approach",
                f"approach '{text}' is listed twice",
                "list each approach once",
                subject,
            )
            continue
        positions[f"approach.{len(listed)}"] = entry.location
        listed.append(text)
    return tuple(listed)


C = TypeVar("C", MappingNode, SequenceNode)

# How `_container` words the problems of a claim field that holds a mapping or a list: the
# empty value's hint, what the field must be, how to write it.
_CONTAINER_HINTS: Mapping[str, tuple[str, str, str]] = {
    "sides": (
        "give each side's actor and approach",
        "a mapping of actor to approach",
        "write 'sides: {US: unilateral, India: multilateral}'",
    ),
    "quotes": (
        "list at least one passage under 'quotes:'",
        "a list of passages",
        "write each passage on a line starting with '- ', or use 'quote:' for one passage",
    ),
    "accept": (
        "give 'accept' a code and a reason, or delete the line",
        "a mapping of warning code to reason",
        "write 'accept:' then, indented, 'hedged-confidence: <why the coding is right>'",
    ),
}


def _container(node: Node, kind: type[C], name: str, out: _Collector, subject: str | None) -> C | None:
    """`node` when it is a `kind` (a mapping or a list); else None, with `empty-value` for an
    empty value or `wrong-type` for another kind reported at it (nothing for a node the tree
    already rejected), worded as `_CONTAINER_HINTS[name]` says."""
    if isinstance(node, Rejected):
        return None
    empty, must_be, write = _CONTAINER_HINTS[name]
    if isinstance(node, Scalar) and (node.null or not node.value.strip()):
        out.add(node.location, "empty-value", f"'{name}' is empty", empty, subject)
        return None
    if not isinstance(node, kind):
        out.add(node.location, "wrong-type", f"'{name}' must be {must_be}, not {_kind(node)}", write, subject)
        return None
    return node


def _read_sides(
    node: Node, out: _Collector, subject: str | None, positions: dict[str, Location]
) -> tuple[tuple[str, str], ...]:
    """The (actor, approach) pairs of `sides: {US: unilateral, India: multilateral}` in the
    order written; `positions` gets `sides` and `sides.ACTOR` (the approach's place)."""
    if (mapping := _container(node, MappingNode, "sides", out, subject)) is None:
        return ()
    node = mapping
    positions["sides"] = node.location
    sides: list[tuple[str, str]] = []
    wording = ("the approach of side '{name}'", "write '{name}: <approach>'", "give side '{name}' an approach")
    for key, value in node.items:
        if (text := _usable_text(value, key.value, out, subject, wording)) is not None:
            sides.append((intern(key.value), intern(text.strip())))
            positions[f"sides.{key.value}"] = value.location
    if len(node.items) < 2:
        out.add(
            node.location,
            "too-few-sides",
            f"'sides' gives {len(node.items)} side; a contrast of approaches has two or more",
            "for one party's approach write 'actor:' and 'approach:' instead",
            subject,
        )
    return tuple(sides)


def _read_passages(node: Node, out: _Collector, subject: str | None, positions: dict[str, Location]) -> tuple[str, ...]:
    """The passages of a `quotes:` list, each kept as written; `positions` gets `quotes.N`."""
    if (items := _container(node, SequenceNode, "quotes", out, subject)) is None:
        return ()
    node = items
    if not node.items:
        out.add(node.location, "empty-value", "'quotes' lists nothing", "list at least one passage", subject)
        return ()
    positions["quotes"] = node.location
    passages: list[str] = []
    for passage in node.items:
        if (text := _usable_text(passage, "quotes", out, subject, _PASSAGE)) is not None:
            positions[f"quotes.{len(passages)}"] = passage.location
            passages.append(text)
    return tuple(passages)


def _read_accept(node: Node, out: _Collector, subject: str | None, positions: dict[str, Location]) -> dict[str, str]:
    """The `accept:` mapping of warning code -> reason; `positions` gets `accept.CODE`."""
    if (mapping := _container(node, MappingNode, "accept", out, subject)) is None:
        return {}
    node = mapping
    positions["accept"] = node.location
    accept: dict[str, str] = {}
    for key, value in node.items:
        code = key.value
        if code not in ACCEPTABLE_CODES:
            out.add(
                key.location,
                "unknown-accept-code",
                f"{shown(code)} is not a warning that can be accepted",
                did_you_mean(code, ACCEPTABLE_CODES),
                subject,
            )
        elif (reason := _usable_text(value, code, out, subject, _ACCEPT_REASON)) is not None:
            accept[intern(code)] = reason.strip()
            positions[f"accept.{code}"] = key.location
    return accept


def codebook(file: str, root: Node | None, problems: list[Problem]) -> tuple[Codebook | None, list[Problem]]:
    """The codebook's vocabularies in file order, or None when it is unusable; `problems`
    are those found reading it. Pure."""
    out = _Collector(file, problems)
    top = _top_mapping(
        root, file, {"perspectives": True, "actors": True, "topics": True, "require": False, "cues": False}, out
    )
    if not top:
        return None, out.problems
    lists: dict[str, tuple[Entry, ...]] = {}
    for kind in CODEBOOK_LISTS:
        node = top.get(kind)
        entries: list[Entry] = []
        entry_shape = (f"each entry of '{kind}' must be a mapping with id and label", "write '- {id: ..., label: ...}'")
        for item in _mappings(node, kind, entry_shape, out):
            parties: tuple[str, ...] = ()
            if kind == "perspectives":
                parties_node = next((v for k, v in item.items if k.value == "parties"), None)
                item = item._replace(items=tuple((k, v) for k, v in item.items if k.value != "parties"))
                if parties_node is not None:
                    parties = _words(parties_node, "parties", out)
            fields = PERSPECTIVE_FIELDS if kind == "perspectives" else ENTRY_FIELDS
            values, _ = _read_fields(item, fields, f"this {kind[:-1]}", out)
            if "id" in values:
                entries.append(
                    Entry(
                        values["id"],
                        values.get("label", values["id"]),
                        values.get("description"),
                        item.location,
                        parties,
                        values.get("voice"),
                    )
                )
        if node is not None and not entries and not isinstance(node, Rejected):
            out.add(
                node.location,
                "codebook-empty",
                f"'{kind}' lists nothing",
                f"add at least one entry to '{kind}'",
            )
        lists[kind] = tuple(entries)
    cues: dict[str, tuple[str, ...]] = {}
    cue_node = top.get("cues")
    if isinstance(cue_node, MappingNode):
        for key, value in cue_node.items:
            if key.value not in CUE_KINDS:
                out.add(
                    key.location, "unknown-field", f"unknown cue list '{key.value}'", did_you_mean(key.value, CUE_KINDS)
                )
                continue
            words: list[str] = []
            for cue in _items(value, f"cues.{key.value}", out):
                if isinstance(cue, Scalar) and not cue.null and _check_text(cue, "cue", out, None):
                    words.append(cue.value.strip())
                elif not isinstance(cue, Rejected):
                    out.add(cue.location, "wrong-type", "a cue must be text", "write each cue as '- word or phrase'")
            cues[key.value] = tuple(words)
    elif (
        cue_node is not None
        and not isinstance(cue_node, Rejected)
        and not (isinstance(cue_node, Scalar) and cue_node.null)
    ):
        out.add(
            cue_node.location,
            "wrong-shape",
            f"'cues' must be a mapping of lists, not {_kind(cue_node)}",
            "write 'cues:' then 'divergence: [differ, diverge]' and so on",
        )
    require: list[str] = []
    require_node = top.get("require")
    if require_node is not None:
        for word, where in zip(_words(require_node, "require", out), _word_places(require_node), strict=False):
            if word in REQUIREMENTS:
                require.append(intern(word))
            else:
                out.add(
                    where,
                    "unknown-requirement",
                    f"{shown(word)} is not a field a codebook can require",
                    did_you_mean(word, REQUIREMENTS),
                )
    codebook = Codebook(lists["perspectives"], lists["actors"], lists["topics"], cues, file, tuple(require))
    return codebook, out.problems


def _words(node: Node, what: str, out: _Collector) -> tuple[str, ...]:
    """The texts of a list of words (`parties: [US, India]`); other entries are problems."""
    words: list[str] = []
    for entry in _items(node, what, out):
        if isinstance(entry, Scalar) and not entry.null and entry.value.strip() and _check_text(entry, what, out, None):
            words.append(intern(entry.value.strip()))
        elif not isinstance(entry, Rejected):
            out.add(entry.location, "wrong-type", f"an entry of '{what}' must be a word", f"write '{what}: [a, b]'")
    return tuple(words)


def _word_places(node: Node) -> list[Location]:
    """Where each usable entry of a list of words is (as `_words` keeps them)."""
    if not isinstance(node, SequenceNode):
        return []
    return [
        e.location
        for e in node.items
        if isinstance(e, Scalar) and not e.null and e.value.strip() and e.value.isprintable()
    ]
