"""The only yaml import: text -> a small tree of scalars, mappings and sequences.

Built from libyaml's event stream (CSafeLoader's parser), so that every node keeps its
1-based line and column, every scalar stays the string the user typed (no booleans,
numbers or dates), and YAML features the format does not use are reported, not obeyed:
anchors and aliases (never expanded), merge keys, explicit tags, duplicate keys, more
than one document, and nesting deeper than `max_depth` containers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml

from matrix.model import Location
from matrix.model import location as make_location
from matrix.problems import Problem

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# Characters YAML forbids in a stream, and the line breaks only YAML knows (NEL, LS, PS:
# invisible, they would silently turn into spaces inside quotes); replaced by U+FFFD after
# being reported so that parsing can go on and find the file's other problems.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Scalar(NamedTuple):
    value: str
    location: Location
    plain: bool = True

    @property
    def null(self) -> bool:
        """An empty plain scalar or `~`: the user wrote no value."""
        return self.plain and self.value in ("", "~")


class Mapping(NamedTuple):
    items: tuple[tuple[Scalar, Node], ...]
    location: Location


class Sequence(NamedTuple):
    items: tuple[Node, ...]
    location: Location


class Rejected(NamedTuple):
    """A node already reported as a problem (an alias); skip it."""

    location: Location


Node = Scalar | Mapping | Sequence | Rejected


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
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context else ""
        problems.append(
            Problem(
                Location(file, line, column),
                "yaml-syntax",
                f"YAML syntax error: {what}{context}",
                "check the indentation and quoting on this line and the one before it",
            )
        )
        return None, problems
    except _TooDeep:
        return None, problems
    except yaml.YAMLError as error:  # ReaderError and friends carry no mark
        problems.append(Problem(Location(file), "yaml-syntax", f"YAML error: {error}"))
        return None, problems
    return root, problems


_SCALAR, _MAPPING_END, _SEQUENCE_END = yaml.ScalarEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent
_new_tuple = tuple.__new__  # a Scalar without the NamedTuple's Python-level __new__: one per value


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
            return _new_tuple(
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
            self.report(
                Problem(
                    location,
                    "too-deep",
                    f"values are nested more than {self.max_depth} levels deep",
                    "the format needs no deeper nesting; check the brackets and indentation",
                )
            )
            # stop reading the file: libyaml slows quadratically with nesting depth
            raise _TooDeep
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while type(event := self.get()) is not _SEQUENCE_END:
                items.append(self.node(event, depth + 1))
            return Sequence(tuple(items), location)
        return self.mapping(location, depth)

    def mapping(self, location: Location, depth: int) -> Mapping:
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
        return Mapping(tuple(pairs), location)
