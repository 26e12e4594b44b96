"""Where a source's text came from and whether it is still the text that was coded.

A source may record its provenance (all three fields optional, so that an unpinned project
validates as before):

- `sha256:` the SHA-256 of the text file's bytes when its claims were coded ("pinned");
  `claims-matrix pin` writes it, and so does `add-source`. A text whose bytes no longer hash
  to it is `seed-changed` (a warning; `--strict` fails on it) at the `sha256:` line: a
  corrected text silently re-anchors every quote, so the quotes want a review and a re-pin.
- `retrieved:` when the text was obtained (a date: YYYY-MM-DD, YYYY-MM or YYYY).
- `archive:` an http(s) address of an archived copy (the Wayback Machine, perma.cc, ...).

`provenance_problems` is the check (a rule of `matrix.rules`); `pinned_text` is the pure
rewrite of a claims file's text with its `sha256:` line set, touching only that line (or
adding one); `pin_sources` reads and writes the files (atomically, keeping permissions).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from matrix.model import Project, Source
from matrix.paths import atomic_output
from matrix.periods import parse_date
from matrix.problems import Problem, shown
from matrix.schema import claims_file
from matrix.yamltree import MappingNode, Scalar, parse_tree
from matrix.yamlwriter import scalar_lines

PROVENANCE_FIELDS = ("sha256", "retrieved", "archive")
EMITS = ("invalid-sha256", "invalid-date", "invalid-url", "seed-changed")
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
SHORT = 12  # hex digits of a hash shown in messages


def sha256_of(data: bytes) -> str:
    """The hex SHA-256 of `data`, as `sha256:` records it (lower case)."""
    return hashlib.sha256(data).hexdigest()


_NOT_IN_ADDRESS = re.compile(r"[\s\"'<>\\`]")


def is_web_address(value: str) -> bool:
    """Whether `value` is an absolute http(s) address with a host, and nothing a page could
    misread around it (white space, quotes, angle brackets, backslashes)."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not _NOT_IN_ADDRESS.search(value)


def provenance_problems(project: Project) -> Iterator[Problem]:
    """Malformed provenance values, and texts that changed since they were pinned."""
    texts = {f.source.id: project.texts.get(f.file) for f in project.files if f.source is not None}
    for source in project.sources:
        if source.retrieved is not None and parse_date(source.retrieved) is None:
            yield Problem(
                source.positions["retrieved"],
                "invalid-date",
                f"retrieved {shown(source.retrieved)} is not a date: YYYY-MM-DD, YYYY-MM or YYYY",
                "write the day the text was obtained, e.g. 'retrieved: 2025-06-05', or leave it out",
                source.id,
            )
        if source.archive is not None and not is_web_address(source.archive):
            yield Problem(
                source.positions["archive"],
                "invalid-url",
                f"archive {shown(source.archive)} is not an http(s) address",
                "write the full address of the archived copy, starting with https://",
                source.id,
            )
        if source.sha256 is None:
            continue
        if not SHA256_RE.match(source.sha256):
            yield Problem(
                source.positions["sha256"],
                "invalid-sha256",
                f"sha256 {shown(source.sha256, 80)} is not 64 hexadecimal digits",
                f"run 'claims-matrix pin {source.id}' to write the text's hash, or delete the line",
                source.id,
            )
            continue
        text = texts.get(source.id)
        if text is not None and text.digest and text.digest != source.sha256.lower():
            yield seed_changed(source, text.path, text.digest)


def seed_changed(source: Source, path: str, digest: str) -> Problem:
    pinned = (source.sha256 or "").lower()
    return Problem(
        source.positions["sha256"],
        "seed-changed",
        f"{path} has changed since it was pinned: its bytes hash to {digest[:SHORT]}…, not {pinned[:SHORT]}…",
        f"review the quotes of '{source.id}' against the changed text (a corrected text moves every quote), "
        f"then re-pin it: claims-matrix pin {source.id}",
        source.id,
    )


# --- pinning ---------------------------------------------------------------------------


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


def pin_sources(root: Path, pins: Sequence[Pin]) -> None:
    """Write each changed pin into its claims file. Every new text is made (and checked)
    before the first is written; each file is replaced atomically and keeps its permissions;
    a claims file that is a symbolic link or read-only is refused, and then nothing is written."""
    planned: list[tuple[Path, bytes]] = []
    for pin in pins:
        if not pin.changed:
            continue
        path = root / pin.file
        if path.is_symlink():
            raise PinRefused(f"{pin.file} is a symbolic link; pin rewrites only regular files")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK) or not path.stat().st_mode & 0o222:
            raise PinRefused(f"{pin.file} cannot be written (read-only); nothing was written")
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise PinRefused(f"{pin.file} is not UTF-8; fix it first (claims-matrix validate)") from None
        planned.append((path, pinned_text(pin.file, text, pin.digest).encode("utf-8")))
    for path, data in planned:
        with atomic_output(path) as handle:
            handle.write(data)
