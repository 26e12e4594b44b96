"""`claims-matrix pin`: a claims file's text with its source's `sha256:` set, every other line
kept as it is (comments, layout, line ends); which sources to pin. Pure: `corpus.pin_sources`
reads and writes the files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from matrix.authoring.yamlwriter import scalar_lines
from matrix.files.schema import claims_file
from matrix.files.yamltree import MappingNode, Scalar, parse_tree
from matrix.model.values import Project, Source


class PinRefused(ValueError):
    """A claims file `pin` cannot rewrite, and why (nothing is written)."""


_VALUE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"|[^\s#]+")


def pinned_text(file: str, text: str, digest: str) -> str:
    """`text` (a claims file) with its source's `sha256:` set to `digest`: the value on the
    existing line replaced (its key, indentation and any comment kept), or a line added after
    the source's last field. Every other line stays as it is. PinRefused when the file cannot
    be rewritten so (not readable, no source block, an unusual layout): the result is read
    back with the project's loader and must give the same source with only `sha256` set."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    root, problems = parse_tree(body, file)
    before = claims_file(file, root, list(problems))
    if before.problems or before.source is None or not isinstance(root, MappingNode):
        raise PinRefused(f"{file} does not read without problems; fix them first (claims-matrix validate)")
    block = next((value for key, value in root.items if key.value == "source"), None)
    if not isinstance(block, MappingNode) or not block.items:
        raise PinRefused(f"{file}: its 'source:' is not a block of fields")
    lines = body.splitlines(keepends=True)
    found = next(((key, value) for key, value in block.items if key.value == "sha256"), None)
    if found is not None:
        key, value = found
        if not isinstance(value, Scalar) or value.location.line != key.location.line:
            raise PinRefused(f"{file}:{key.location.line}: write 'sha256:' and its value on one line")
        index = value.location.line - 1
        line = lines[index]
        start = value.location.column - 1
        token = _VALUE.match(line, start)
        if token is None:
            raise PinRefused(f"{file}:{key.location.line}: the sha256 value cannot be read")
        lines[index] = line[:start] + _written(digest) + line[token.end() :]
    else:
        indent = block.items[0][0].location.column - 1
        after = _block_end(root, block, lines)
        newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        if after > 0 and not lines[after - 1].endswith(("\n", "\r")):
            lines[after - 1] += newline
        lines.insert(after, " " * indent + f"sha256: {_written(digest)}{newline}")
    result = bom + "".join(lines)
    _check_round_trip(file, result[len(bom) :], before.source, digest)
    return result


def _written(digest: str) -> str:
    """The hash as the YAML writer writes a value (quoted when a YAML reader could take it for a number)."""
    return scalar_lines("sha256", digest, 0)[0].removeprefix("sha256: ")


def _block_end(root: MappingNode, block: MappingNode, lines: Sequence[str]) -> int:
    """The index of the line after the source block's last field: before the next top-level
    key (and the blank and comment lines above it), or the end of the file."""
    keys = [key for key, _ in root.items]
    position = next(i for i, (key, value) in enumerate(root.items) if value is block)
    end = keys[position + 1].location.line - 1 if position + 1 < len(keys) else len(lines)
    while end > block.items[-1][0].location.line and not _is_field_line(lines[end - 1]):
        end -= 1
    return end


def _is_field_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _check_round_trip(file: str, body: str, source: Source, digest: str) -> None:
    root, problems = parse_tree(body, file)
    after = claims_file(file, root, list(problems)).source
    expected = [getattr(source, name) for name in _COMPARED]
    if after is None or [getattr(after, name) for name in _COMPARED] != expected or after.sha256 != digest:
        raise PinRefused(f"{file}: its source block has a layout pin cannot rewrite; add 'sha256: {digest}' by hand")


_COMPARED = ("id", "title", "publisher", "perspective", "text", "author", "published", "url", "retrieved", "archive")


@dataclass(frozen=True, slots=True)
class Pin:
    """One source `pin` looked at: its claims file, text, the text's hash, what was pinned before."""

    source: str
    file: str
    text: str
    digest: str
    previous: str | None

    @property
    def changed(self) -> bool:
        return (self.previous or "").lower() != self.digest


def plan_pins(project: Project, wanted: Sequence[str]) -> list[Pin]:
    """The sources to pin (all when `wanted` is empty), in file order, with their texts'
    hashes. Their texts must have been read (a problem with a text is reported by validate)."""
    pins = []
    for claims_file_ in project.files:
        source = claims_file_.source
        if source is None or (wanted and source.id not in wanted):
            continue
        text = project.texts.get(claims_file_.file)
        if text is None or not text.digest:
            raise PinRefused(
                f"the text of '{source.id}' ({source.text}) cannot be read; fix it first (claims-matrix validate)"
            )
        pins.append(Pin(source.id, claims_file_.file, text.path, text.digest, source.sha256))
    return pins
