"""Claims files written as readable YAML, without a YAML library.

The format is small (a `source:` mapping of texts, a `claims:` list of mappings of texts, a
`quotes:` list of texts and an `accept:` mapping of texts), so a careful emitter suffices.
Each text is written in the first style that reads back as exactly the same string, by the
project's own loader and by any YAML 1.1 or 1.2 reader (no text ever becomes a number, a
boolean, a date or null):

- plain (`topic: space`) for short, ordinary text starting with a letter;
- folded (`quote: >-` and wrapped lines) for long text of single-spaced words;
- single-quoted for any other text without line breaks or invisible characters;
- double-quoted with escapes for the rest.

Keys are written in the order the README documents (`SOURCE_KEYS`, `CLAIM_KEYS`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

SOURCE_KEYS = (
    "id",
    "title",
    "publisher",
    "author",
    "published",
    "perspective",
    "text",
    "url",
    "retrieved",
    "archive",
    "sha256",
)
CLAIM_KEYS = (
    "id",
    "topic",
    "stance",
    "voice",
    "approach",
    "sides",
    "actor",
    "confidence",
    "quote",
    "quotes",
    "note",
    "date",
    "accept",
)
WIDTH = 96  # folded lines are wrapped to at most this many columns where words allow
FOLD_ABOVE = 72  # texts longer than this are folded when they can be

# words YAML 1.1 or 1.2 resolve to booleans or null when written plain (compared in lower case)
_RESERVED = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"})
# what a YAML stream may hold as it is (the rest must be escaped in double quotes)
_STREAM_SAFE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def modeline(schema: str) -> str:
    """The first line that points the YAML language server at the claims schema."""
    return f"# yaml-language-server: $schema={schema}\n"


def _plain_ok(text: str) -> bool:
    return (
        text != ""
        and text[0].isalpha()
        and text == text.strip()
        and text.isprintable()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and text.lower() not in _RESERVED
    )


def _shown_as_is(char: str) -> bool:
    """A character written as it is inside quotes or a folded scalar: visible (or a space of
    some width) and allowed in a YAML stream; others are escaped, so that they can be seen."""
    return (char.isprintable() or unicodedata.category(char) == "Zs") and _STREAM_SAFE.match(char) is not None


def _as_is(text: str) -> bool:
    return text.isprintable() or all(_shown_as_is(c) for c in text)


def _foldable(text: str) -> bool:
    """Text that a folded block scalar holds exactly: printable, single spaces between words,
    no space at either end, and not starting with a character that makes it look indented."""
    return (
        len(text) > FOLD_ABOVE
        and _as_is(text)
        and text == text.strip()
        and "  " not in text
        and all(not c.isspace() or c == " " for c in text)
    )


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def double_quoted(text: str) -> str:
    """`text` in double quotes; backslash, quote and every non-printable character escaped."""
    out: list[str] = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif _shown_as_is(char):
            out.append(char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _wrapped(text: str, width: int) -> list[str]:
    """`text` cut at single spaces into lines of at most `width` characters where possible."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def scalar_lines(key: str, text: str, indent: int) -> list[str]:
    """The line(s) of `key: text` at `indent` spaces (`key` "" for a list item's `- text`)."""
    pad = " " * indent
    head = f"{pad}{key}:" if key else f"{pad}-"
    if _foldable(text) and len(head) + 1 + len(text) > WIDTH:
        inner = " " * (indent + 2)
        return [f"{head} >-", *(inner + line for line in _wrapped(text, WIDTH - len(inner)))]
    if _plain_ok(text):
        return [f"{head} {text}"]
    if _as_is(text):
        return [f"{head} {single_quoted(text)}"]
    return [f"{head} {double_quoted(text)}"]


def _field_lines(key: str, value: str | Sequence[str] | Mapping[str, str], indent: int) -> list[str]:
    if isinstance(value, str):
        return scalar_lines(key, value, indent)
    pad = " " * indent
    lines = [f"{pad}{key}:"]
    if isinstance(value, Mapping):
        for name, text in value.items():
            lines += scalar_lines(name, text, indent + 2)
    else:
        for text in value:
            lines += scalar_lines("", text, indent + 2)
    return lines


Fields = Mapping[str, str | Sequence[str] | Mapping[str, str]]


def ordered(fields: Fields, keys: Sequence[str]) -> list[tuple[str, str | Sequence[str] | Mapping[str, str]]]:
    """`fields` in the documented order of `keys` (unknown keys last, as given); None dropped."""
    known = [(k, fields[k]) for k in keys if k in fields and fields[k] is not None]
    return known + [(k, v) for k, v in fields.items() if k not in keys and v is not None]


def claim_yaml(claim: Fields, indent: int = 2) -> str:
    """One claim as a `- id: ...` list item at `indent` spaces."""
    lines: list[str] = []
    for key, value in ordered(claim, CLAIM_KEYS):
        lines += _field_lines(key, value, indent + 2)
    if lines:
        first = lines[0]
        lines[0] = " " * indent + "- " + first[indent + 2 :]
    return "".join(line + "\n" for line in lines)


def source_yaml(source: Mapping[str, str]) -> str:
    lines = ["source:"]
    for key, value in ordered(source, SOURCE_KEYS):
        lines += _field_lines(key, value, 2)
    return "".join(line + "\n" for line in lines)


def claims_file_yaml(source: Mapping[str, str], claims: Iterable[Fields], schema: str | None = None) -> str:
    """A whole claims file: the modeline (when `schema` is given), the source, the claims
    (`claims:` with nothing under it when there are none, ready for claims to be pasted
    under it), one blank line between claims."""
    items = [claim_yaml(claim) for claim in claims]
    head = (modeline(schema) if schema else "") + source_yaml(source) + "\n"
    if not items:
        return head + "claims:\n"
    return head + "claims:\n" + "\n".join(items)
