"""The only yaml import: text -> a small tree of scalars, mappings and sequences.

Built from libyaml's event stream (CSafeLoader's parser), so that every node keeps its
1-based line and column, every scalar stays the string the user typed (no booleans,
numbers or dates), and YAML features the format does not use are reported, not obeyed:
anchors and aliases (never expanded), merge keys, explicit tags, duplicate keys, more
than one document, and nesting deeper than `max_depth` containers.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml

from matrix.files.plain import location as make_location
from matrix.files.plain import new_tuple
from matrix.model.location import Location
from matrix.model.problems import Problem

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# Characters YAML forbids in a stream, and the line breaks only YAML knows (NEL, LS, PS:
# invisible, they would silently turn into spaces inside quotes); replaced by U+FFFD after
# being reported so that parsing can go on and find the file's other problems.
EMITS = (  # the problem codes of parsing
    "yaml-syntax",
    "multiple-documents",
    "yaml-anchor",
    "yaml-merge-key",
    "yaml-tag",
    "duplicate-key",
    "too-deep",
    "wrong-shape",
    "control-character",
)
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Scalar(NamedTuple):
    value: str
    location: Location
    plain: bool = True

    @property
    def null(self) -> bool:
        """An empty plain scalar or `~`: the user wrote no value."""
        return self.plain and self.value in ("", "~")


class MappingNode(NamedTuple):
    items: tuple[tuple[Scalar, Node], ...]
    location: Location


class SequenceNode(NamedTuple):
    items: tuple[Node, ...]
    location: Location


class Rejected(NamedTuple):
    """A node already reported as a problem (an alias); skip it."""

    location: Location


Node = Scalar | MappingNode | SequenceNode | Rejected


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index` in `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def parse_tree(text: str, file: str, max_depth: int = 4) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document into a tree; `None` when there is no usable document."""
    problems: list[Problem] = []
    if "\r" in text:  # one line break everywhere, so that our lines are libyaml's lines
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for match in _UNPRINTABLE.finditer(text):
        line, column = line_column(text, match.start())
        problems.append(
            Problem(
                Location(file, line, column),
                "control-character",
                f"the file holds the control character U+{ord(match.group()):04X}",
                "delete it; it was probably pasted in by accident",
            )
        )
    if problems:
        text = _UNPRINTABLE.sub("\ufffd", text)
    builder = _Builder(file, max_depth, problems.append)
    try:
        root = builder.run(text)
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(text, file, max_depth, error))
        return None, problems
    except _TooDeep:
        return None, problems
    except yaml.YAMLError as error:  # ReaderError and friends carry no mark
        problems.append(Problem(Location(file), "yaml-syntax", f"YAML error: {error}"))
        return None, problems
    return root, problems


# libyaml's own words for an unterminated quoted scalar, flow sequence and flow mapping
_UNCLOSED = {
    "while scanning a quoted scalar": ("quoted value", "close it with the same quote mark it opens with"),
    "while parsing a flow sequence": ("list", "close it with ']', or write its entries as '- ' lines"),
    "while parsing a flow mapping": ("mapping", "close it with '}', or write its fields as 'name: value' lines"),
}
_PAIRS = {"[": "]", "{": "}"}


def _syntax_problem(text: str, file: str, max_depth: int, error: yaml.MarkedYAMLError) -> Problem:
    """libyaml's error as a problem where a person must fix it: a nesting-depth error at the
    depth where nesting first exceeds `max_depth`, an unterminated quote or bracket where it opens."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = error.problem or "invalid YAML"
    if "nesting depth" in what:
        return _too_deep_before(text, file, max_depth, _offset(text, line, column)) or _too_deep(
            Location(file, line, column), max_depth
        )
    opened = error.context_mark
    unclosed = _UNCLOSED.get(error.context or "")
    if opened is not None and unclosed is not None and _unclosed(text, error, opened):
        name, hint = unclosed
        gave_up = (
            f"the file ends at line {line}"
            if "end of stream" in what
            else f"the parser gave up at line {line}, column {column} ({what})"
        )
        return Problem(
            Location(file, opened.line + 1, opened.column + 1),
            "yaml-syntax",
            f"YAML syntax error: the {name} that opens here is never closed; {gave_up}",
            hint,
        )
    if opened is not None and error.context == "while scanning a simple key":
        return Problem(
            Location(file, opened.line + 1, opened.column + 1),
            "yaml-syntax",
            f"YAML syntax error: the text that starts here needs a ':' after its name, or more indentation "
            f"to continue the value above; the parser gave up at line {line}, column {column}",
            "write 'name: value', or indent the line under the value it continues",
        )
    context = f" ({error.context})" if error.context else ""
    return Problem(
        Location(file, line, column),
        "yaml-syntax",
        f"YAML syntax error: {what}{context}",
        "check the indentation and quoting on this line and the one before it",
    )


def _offset(text: str, line: int, column: int) -> int:
    """The index in `text` of 1-based `line` and 1-based `column` (0: the line's start)."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return min(start + max(column - 1, 0), len(text))


def _too_deep_before(text: str, file: str, max_depth: int, stop: int) -> Problem | None:
    """The too-deep problem that parsing `text` up to `stop` meets first, if any: libyaml
    stops at its own nesting limit while reading ahead, before it has given us a single
    event from deep inside; the text before that point gives them."""
    found: list[Problem] = []
    with contextlib.suppress(_TooDeep, yaml.YAMLError):
        _Builder(file, max_depth, found.append).run(text[:stop])
    return next((p for p in found if p.code == "too-deep"), None)


def _too_deep(location: Location, max_depth: int) -> Problem:
    return Problem(
        location,
        "too-deep",
        f"values are nested more than {max_depth} levels deep",
        "the format needs no deeper nesting; check the brackets and indentation",
    )


def _unclosed(text: str, error: yaml.MarkedYAMLError, opened: Any) -> bool:
    """Whether libyaml gave up on a quoted value or bracket because it is never closed
    (not because of a bad escape, or a missing comma inside brackets that do close)."""
    if error.context == "while scanning a quoted scalar":
        return error.problem in ("found unexpected end of stream", "found unexpected document indicator")
    return _never_closed(text, _offset(text, opened.line + 1, opened.column + 1))


def _never_closed(text: str, start: int) -> bool:
    """Whether the bracket at `start` has no match in the rest of `text` (quoted values,
    comments and nested brackets skipped as YAML's flow style reads them)."""
    closers: list[str] = []
    index = start
    while index < len(text):
        char = text[index]
        if char in _PAIRS:
            closers.append(_PAIRS[char])
        elif closers and char == closers[-1]:
            closers.pop()
            if not closers:
                return False
        elif char in ("'", '"') and text[index - 1 : index] in ("", " ", "\t", "\n", "[", "{", ",", ":"):
            index = _quote_end(text, index)
            if index < 0:
                return True
        elif char == "#" and text[index - 1 : index] in (" ", "\t", "\n"):
            index = text.find("\n", index)
            if index < 0:
                return True
        index += 1
    return True


def _quote_end(text: str, start: int) -> int:
    """The index of the quote mark closing the one at `start`, or -1."""
    quote = text[start]
    index = start + 1
    while True:
        index = text.find(quote, index)
        if index < 0:
            return -1
        if quote == '"' and _escaped(text, index):
            index += 1
        elif quote == "'" and text[index + 1 : index + 2] == "'":
            index += 2
        else:
            return index


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` follows an odd run of backslashes."""
    run = 0
    while index - run - 1 >= 0 and text[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


_SCALAR, _MAPPING_END, _SEQUENCE_END = yaml.ScalarEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent


class _TooDeep(Exception):
    """Raised to abandon a file once it nests deeper than allowed (already reported)."""


class _Builder:
    """Turns libyaml events into nodes; reports, never raises, for format violations."""

    def __init__(self, file: str, max_depth: int, report: Callable[[Problem], None]) -> None:
        self.file = file
        self.max_depth = max_depth
        self.report = report

    def at(self, mark: Any) -> Location:
        """libyaml's 0-based mark as a 1-based location."""
        return Location(self.file, mark.line + 1, mark.column + 1)

    def run(self, text: str) -> Node | None:
        loader = _Loader(text)
        try:
            self.get = loader.get_event
            root: Node | None = None
            documents = 0
            while True:
                event = self.get()
                if isinstance(event, yaml.StreamEndEvent):
                    return root
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        self.report(
                            Problem(
                                self.at(event.start_mark),
                                "multiple-documents",
                                "the file holds a second YAML document",
                                "keep one document per file: remove the '---' line "
                                "and everything after it, or move it to a file of its own",
                            )
                        )
                        return root
                    event = self.get()
                    if not isinstance(event, yaml.DocumentEndEvent):
                        root = self.node(event, 1)
                        self.get()  # DocumentEndEvent
        finally:
            loader.dispose()

    def flagged(self, event: yaml.NodeEvent) -> bool:
        """Report anchors and explicit tags on `event`; True when it carried either."""
        flagged = False
        if event.anchor is not None:
            self.report(
                Problem(
                    self.at(event.start_mark),
                    "yaml-anchor",
                    f"anchor '&{event.anchor}' is not allowed",
                    "write the value out in full where it is needed",
                )
            )
            flagged = True
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            self.report(
                Problem(
                    self.at(event.start_mark),
                    "yaml-tag",
                    f"explicit tag '{tag}' is not allowed",
                    "remove the tag; every value is read as text",
                )
            )
            flagged = True
        return flagged

    def node(self, event: yaml.Event, depth: int) -> Node:
        if type(event) is _SCALAR:  # the common case first, without the generic checks
            if event.anchor is not None or event.tag is not None:
                self.flagged(event)
            mark: Any = event.start_mark
            return new_tuple(  # a Scalar without the NamedTuple's Python-level __new__: one per value
                Scalar, (event.value, make_location(self.file, mark.line + 1, mark.column + 1), not event.style)
            )
        if isinstance(event, yaml.AliasEvent):
            self.report(
                Problem(
                    self.at(event.start_mark),
                    "yaml-anchor",
                    f"alias '*{event.anchor}' is not allowed",
                    "write the value out in full where it is needed",
                )
            )
            return Rejected(self.at(event.start_mark))
        assert isinstance(event, yaml.CollectionStartEvent)
        location = self.at(event.start_mark)
        self.flagged(event)
        if depth > self.max_depth:
            self.report(_too_deep(location, self.max_depth))
            # stop reading the file: libyaml slows quadratically with nesting depth
            raise _TooDeep
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while type(event := self.get()) is not _SEQUENCE_END:
                items.append(self.node(event, depth + 1))
            return SequenceNode(tuple(items), location)
        return self.mapping(location, depth)

    def mapping(self, location: Location, depth: int) -> MappingNode:
        pairs: list[tuple[Scalar, Node]] = []
        seen: dict[str, Location] = {}
        get, node = self.get, self.node
        while type(event := get()) is not _MAPPING_END:
            key = node(event, depth + 1)
            value = node(get(), depth + 1)
            if not isinstance(key, Scalar):
                if not isinstance(key, Rejected):
                    self.report(
                        Problem(
                            key.location,
                            "wrong-shape",
                            "a key must be plain text, not a list or mapping",
                            "write 'name: value'",
                        )
                    )
                continue
            if key.value == "<<" and key.plain:
                self.report(
                    Problem(
                        key.location,
                        "yaml-merge-key",
                        "merge key '<<' is not allowed",
                        "write the fields out in full in this mapping",
                    )
                )
                continue
            first = seen.get(key.value)
            if first is not None:
                self.report(
                    Problem(
                        key.location,
                        "duplicate-key",
                        f"key '{key.value}' appears twice in this mapping (first at line {first.line})",
                        "delete one of the two lines",
                    )
                )
                continue
            seen[key.value] = key.location
            pairs.append((key, value))
        return MappingNode(tuple(pairs), location)
