"""Files -> typed objects with locations, plus the problems found while reading them.

`parse_claims_file` and `parse_codebook` are pure (bytes in, values out) so that they can
be cached and run in parallel; `load_project` is the only function here that touches
the file system.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as MappingType
from pathlib import Path, PurePosixPath
from sys import intern
from types import MappingProxyType
from typing import Any

from matrix.cache import Cache
from matrix.cache import key as cache_key
from matrix.model import (
    APPROACHES,
    DEFAULT_CONFIDENCE,
    STANCES,
    Claim,
    ClaimsFile,
    Codebook,
    Entry,
    Location,
    Project,
    Source,
    SourceText,
    location,
)
from matrix.problems import ACCEPTABLE_CODES, Problem, did_you_mean, is_hidden_char, shown
from matrix.workers import shared_map
from matrix.yamltree import Mapping, Node, Rejected, Scalar, Sequence, line_column, parse_tree

CODEBOOK = "claims/codebook.yaml"
CLAIMS_DIR = "claims"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEXT_BYTES = 64 * 1024 * 1024
EXCEL_CELL_LIMIT = 32_767

# field name -> required
SOURCE_FIELDS: MappingType[str, bool] = {
    "id": True,
    "title": True,
    "publisher": True,
    "author": False,
    "published": False,
    "perspective": True,
    "text": True,
    "url": False,
}
CLAIM_FIELDS: MappingType[str, bool] = {
    "id": True,
    "topic": True,
    "stance": True,
    "approach": False,
    "actor": False,
    "confidence": False,
    "quote": True,
    "quotes": False,
    "note": False,
    "accept": False,
}
# a claim that gives `quotes:` needs no `quote:`
_LISTED_CLAIM_FIELDS: MappingType[str, bool] = {**CLAIM_FIELDS, "quote": False}
_CLAIM_LISTS = ("quotes", "accept")  # claim fields whose value is not one text
# what the fast path reads: a claim with `quotes:` or `accept:` takes the careful one
_NO_ACCEPT: MappingType[str, str] = MappingProxyType({})  # shared by every claim that accepts nothing
_TEXT_CLAIM_FIELDS: MappingType[str, bool] = {k: v for k, v in CLAIM_FIELDS.items() if k not in _CLAIM_LISTS}
ENTRY_FIELDS: MappingType[str, bool] = {"id": True, "label": True, "description": False}
CODEBOOK_LISTS = ("perspectives", "actors", "topics")
CUE_KINDS = (*STANCES, *APPROACHES, "hedges", "both-parties")


class _Collector:
    """Accumulates problems for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, location: Location, code: str, message: str, hint: str = "", subject: str | None = None) -> None:
        self.problems.append(Problem(location, code, message, hint, subject))


def decode(data: bytes, file: str, report: Callable[[Problem], None], code: str = "not-utf8") -> str | None:
    """Strict UTF-8 (a leading BOM is dropped); bad bytes are reported at their line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8-sig", errors="replace")
        good = good.replace("\r\n", "\n").replace("\r", "\n")  # lines as the parser counts them
        line, column = line_column(good, len(good))
        report(
            Problem(
                Location(file, line, column),
                code,
                f"byte 0x{data[error.start]:02X} is not valid UTF-8 ({error.reason})",
                "save the file as UTF-8 (in most editors: File > Save with Encoding > UTF-8)",
            )
        )
        return None


# What a spreadsheet cell cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE (the C0 controls
# but tab, line feed and carriage return), plus the two non-characters XML forbids.
_CELL_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell_unsafe(content: str, file: str) -> Problem | None:
    """The first character of a source text that cannot go into a workbook cell, as a
    problem at its line and column (with how many more there are), or None."""
    match = _CELL_UNSAFE.search(content)
    if match is None:
        return None
    before = content[: match.start()].replace("\r\n", "\n").replace("\r", "\n")
    line, column = line_column(before, len(before))
    more = len(_CELL_UNSAFE.findall(content, match.end()))
    others = f" (and {more:,} more such characters)" if more else ""
    return Problem(
        Location(file, line, column),
        "text-control-character",
        f"the text holds the control character U+{ord(match.group()):04X}{others}, "
        "which a spreadsheet cell cannot hold",
        "delete it (a text editor's 'show invisibles' finds it); if the file is not text, "
        "save the source as plain text again",
    )


def _kind(node: Node) -> str:
    return {Mapping: "a mapping", Sequence: "a list", Scalar: "text"}.get(type(node), "a value")


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


def _sound_fields(node: Mapping, fields: MappingType[str, bool]) -> tuple[dict[str, str], dict[str, Location]] | None:
    """What `_read_fields` gives when it finds nothing to report, or None: the common case,
    checked without building a problem or a hint."""
    values: dict[str, str] = {}
    spans: dict[str, Location] = {}
    for key, value in node.items:
        name = key.value
        if name not in fields or type(value) is not Scalar:
            return None
        text = value.value
        if not text.isprintable() or len(text) > EXCEL_CELL_LIMIT or (value.plain and text == "~"):
            return None
        stripped = text.strip()
        if not stripped:
            return None
        values[name] = stripped if name != "quote" else text
        spans[name] = value.location
    for name, required in fields.items():
        if required and name not in values:
            return None
    return values, spans


def _read_fields(
    node: Mapping,
    fields: MappingType[str, bool],
    what: str,
    out: _Collector,
    subject: str | None = None,
) -> tuple[dict[str, str], dict[str, Location]]:
    """The text fields of `node`, checked against `fields`; problems go to `out`."""
    values: dict[str, str] = {}
    spans: dict[str, Location] = {}
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
        elif isinstance(value, Rejected):
            continue
        elif not isinstance(value, Scalar):
            out.add(
                value.location,
                "wrong-type",
                f"'{name}' must be text, not {_kind(value)}",
                f"write '{name}: <text>' on one line, or use '{name}: >-' for long text",
                subject,
            )
        elif value.null or not value.value.strip():
            out.add(
                value.location,
                "empty-value",
                f"'{name}' is empty",
                f"give '{name}' a value, or delete the line" if not fields[name] else f"give '{name}' a value",
                subject,
            )
        elif _check_text(value, name, out, subject):
            values[name] = value.value.strip() if name != "quote" else value.value
            spans[name] = value.location
    for name in missing:
        out.add(
            node.location,
            "missing-field",
            f"{what} has no '{name}'",
            f"add '{name}: ...' to {what}",
            subject,
        )
    return values, spans


def _top_mapping(root: Node | None, file: str, keys: MappingType[str, bool], out: _Collector) -> dict[str, Node]:
    """The top-level mapping's values by key, with unknown and missing keys reported."""
    if root is None or isinstance(root, Rejected):
        if root is None and not out.problems:
            out.add(Location(file), "wrong-shape", "the file is empty", "see the format in README.md")
        return {}
    if not isinstance(root, Mapping):
        out.add(
            root.location,
            "wrong-shape",
            f"the file must be a mapping with {', '.join(repr(k) for k in keys)}; found {_kind(root)}",
            "see the format in README.md",
        )
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
    if not isinstance(node, Sequence):
        out.add(
            node.location,
            "wrong-shape",
            f"'{what}' must be a list, not {_kind(node)}",
            f"write each entry of '{what}' on a line starting with '- '",
        )
        return ()
    return node.items


def _mappings(node: Node | None, what: str, shape: tuple[str, str], out: _Collector) -> Iterator[Mapping]:
    """The mapping entries of the list `node`; any other entry is a wrong-shape problem."""
    message, hint = shape
    for item in _items(node, what, out):
        if isinstance(item, Mapping):
            yield item
        elif not isinstance(item, Rejected):
            out.add(item.location, "wrong-shape", f"{message}, not {_kind(item)}", hint)


def _top_of(data: bytes, max_bytes: int, keys: MappingType[str, bool], out: _Collector) -> dict[str, Node]:
    """The top-level sections of a YAML file's bytes; {} when it is too large, not UTF-8,
    not YAML or not a mapping (all reported to `out`)."""
    if len(data) > max_bytes:
        message = f"the file is {len(data):,} bytes; the limit is {max_bytes:,}"
        out.add(Location(out.file), "file-too-large", message, "split it, or raise --max-file-size")
        return {}
    text = decode(data, out.file, out.problems.append)
    if text is None:
        return {}
    root, problems = parse_tree(text, out.file)
    out.problems.extend(problems)
    return _top_mapping(root, out.file, keys, out)


def parse_claims_file(file: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> ClaimsFile:
    """One claims file's source and claims. Pure: the same bytes give the same result."""
    out = _Collector(file)
    top = _top_of(data, max_bytes, {"source": True, "claims": True}, out)

    source: Source | None = None
    block = top.get("source")
    if isinstance(block, Mapping):
        values, spans = _read_fields(block, SOURCE_FIELDS, "the source", out)
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
            spans=spans,
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
        found = _sound_fields(item, _TEXT_CLAIM_FIELDS)
        listed: tuple[str, ...] = ()
        accept: MappingType[str, str] = _NO_ACCEPT
        if found is None:
            claim_id = next((v.value for k, v in item.items if k.value == "id" and isinstance(v, Scalar)), None)
            found, listed, accept = _read_claim(item, out, claim_id)
        values, spans = found
        get = values.get
        quote = get("quote")
        # coded values and field names come from small vocabularies: one string object each
        # (less memory for 100,000 claims, and marshal writes a repeat as a reference)
        approach, actor = get("approach"), get("actor")
        claims.append(
            _new_tuple(
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
                    {intern(name): (where.line, where.column) for name, where in spans.items()},
                    accept,
                ),
            )
        )
    return ClaimsFile(file, source, tuple(claims), tuple(out.problems))


def _read_claim(
    item: Mapping, out: _Collector, subject: str | None
) -> tuple[tuple[dict[str, str], dict[str, Location]], tuple[str, ...], dict[str, str]]:
    """A claim's text fields, its `quotes:` passages and its `accept:` reasons, checked;
    problems go to `out`. Only one of `quote:` and `quotes:` is read: the first written."""
    lists = {key.value: (key, value) for key, value in item.items if key.value in _CLAIM_LISTS}
    first_quote = next((key for key, _ in item.items if key.value in ("quote", "quotes")), None)
    rest = item._replace(items=tuple((k, v) for k, v in item.items if k.value not in _CLAIM_LISTS))
    fields = _LISTED_CLAIM_FIELDS if "quotes" in lists else CLAIM_FIELDS
    values, spans = _read_fields(rest, fields, "the claim", out, subject)
    passages: tuple[str, ...] = ()
    if "quotes" in lists:
        key, node = lists["quotes"]
        if first_quote is not None and first_quote.value == "quote":
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
                spans.pop("quote", None)
            passages = _read_passages(node, out, subject, spans)
    accept: dict[str, str] = {}
    if "accept" in lists:
        accept = _read_accept(lists["accept"][1], out, subject, spans)
    return (values, spans), passages, accept


def _read_passages(node: Node, out: _Collector, subject: str | None, spans: dict[str, Location]) -> tuple[str, ...]:
    """The passages of a `quotes:` list, each kept as written; `spans` gets `quotes.N`."""
    if isinstance(node, Rejected):
        return ()
    if isinstance(node, Scalar) and (node.null or not node.value.strip()):
        out.add(node.location, "empty-value", "'quotes' is empty", "list at least one passage under 'quotes:'", subject)
        return ()
    if not isinstance(node, Sequence):
        out.add(
            node.location,
            "wrong-type",
            f"'quotes' must be a list of passages, not {_kind(node)}",
            "write each passage on a line starting with '- ', or use 'quote:' for one passage",
            subject,
        )
        return ()
    if not node.items:
        out.add(node.location, "empty-value", "'quotes' lists nothing", "list at least one passage", subject)
        return ()
    spans["quotes"] = node.location
    passages: list[str] = []
    for passage in node.items:
        if isinstance(passage, Rejected):
            continue
        if not isinstance(passage, Scalar):
            out.add(
                passage.location,
                "wrong-type",
                f"a passage in 'quotes' must be text, not {_kind(passage)}",
                "write the passage after '- ' on one line, or use '- >-' for long text",
                subject,
            )
        elif passage.null or not passage.value.strip():
            out.add(passage.location, "empty-value", "a passage in 'quotes' is empty", "give it a value", subject)
        elif _check_text(passage, "quotes", out, subject):
            spans[f"quotes.{len(passages)}"] = passage.location
            passages.append(passage.value)
    return tuple(passages)


def _read_accept(node: Node, out: _Collector, subject: str | None, spans: dict[str, Location]) -> dict[str, str]:
    """The `accept:` mapping of warning code -> reason; `spans` gets `accept.CODE`."""
    if isinstance(node, Rejected):
        return {}
    if isinstance(node, Scalar) and (node.null or not node.value.strip()):
        out.add(
            node.location,
            "empty-value",
            "'accept' is empty",
            "give 'accept' a code and a reason, or delete the line",
            subject,
        )
        return {}
    if not isinstance(node, Mapping):
        out.add(
            node.location,
            "wrong-type",
            f"'accept' must be a mapping of warning code to reason, not {_kind(node)}",
            "write 'accept:' then, indented, 'hedged-confidence: <why the coding is right>'",
            subject,
        )
        return {}
    spans["accept"] = node.location
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
        elif isinstance(value, Rejected):
            continue
        elif not isinstance(value, Scalar):
            out.add(
                value.location,
                "wrong-type",
                f"the reason for accepting '{code}' must be text, not {_kind(value)}",
                f"write '{code}: <why the coding is right>' on one line",
                subject,
            )
        elif value.null or not value.value.strip():
            out.add(
                value.location,
                "empty-value",
                f"the reason for accepting '{code}' is empty",
                "say why the coding is right: a reason is required",
                subject,
            )
        elif _check_text(value, code, out, subject):
            accept[intern(code)] = value.value.strip()
            spans[f"accept.{code}"] = key.location
    return accept


def parse_codebook(file: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> tuple[Codebook | None, list[Problem]]:
    """The codebook's vocabularies in file order, or None when it is unusable."""
    out = _Collector(file)
    top = _top_of(data, max_bytes, {"perspectives": True, "actors": True, "topics": True, "cues": False}, out)
    if not top:
        return None, out.problems
    lists: dict[str, tuple[Entry, ...]] = {}
    for kind in CODEBOOK_LISTS:
        node = top.get(kind)
        entries: list[Entry] = []
        entry_shape = (f"each entry of '{kind}' must be a mapping with id and label", "write '- {id: ..., label: ...}'")
        for item in _mappings(node, kind, entry_shape, out):
            values, _ = _read_fields(item, ENTRY_FIELDS, f"this {kind[:-1]}", out)
            if "id" in values:
                entries.append(
                    Entry(values["id"], values.get("label", values["id"]), values.get("description"), item.location)
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
    if isinstance(cue_node, Mapping):
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
    codebook = Codebook(lists["perspectives"], lists["actors"], lists["topics"], cues, file)
    return codebook, out.problems


def read_input(path: Path, name: str, max_bytes: int) -> tuple[bytes | None, Problem | None]:
    """A YAML input's bytes, or the problem that stops it being read: never blocks on a
    FIFO or a device, never reads a file over the size limit."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(
                Location(name), "file-unreadable", f"{name} is not a regular file", "replace it with a YAML file"
            )
        if info.st_size > max_bytes:
            return None, Problem(
                Location(name),
                "file-too-large",
                f"{name} is {info.st_size:,} bytes; the limit is {max_bytes:,}",
                "split the source's claims over several files, or raise --max-file-size",
            )
        return path.read_bytes(), None
    except FileNotFoundError:
        target = _broken_link(path)
        if target is not None:
            return None, Problem(
                Location(name),
                "file-unreadable",
                f"{name} is a broken link: it points to {shown(target, 200)}, which does not exist",
                "point the link at an existing file, or delete it",
            )
        if name == CODEBOOK:
            return None, Problem(
                Location(CODEBOOK),
                "codebook-missing",
                "there is no claims/codebook.yaml",
                "create it: see 'Codebook' in README.md",
            )
        return None, Problem(
            Location(name), "file-unreadable", f"{name} disappeared while it was being read", "run again"
        )
    except OSError as error:
        return None, Problem(
            Location(name),
            "file-unreadable",
            f"{name} cannot be read: {error.strerror}",
            "check that it is a readable file",
        )


def _broken_link(path: Path) -> str | None:
    """Where `path` points when it is a symbolic link, or None."""
    try:
        return os.readlink(path)
    except (OSError, ValueError):  # not a link, gone, or a name the OS refuses
        return None


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_source_text(root: Path, source: Source) -> tuple[SourceText | None, list[Problem]]:
    """Read a source's text file, which must be a regular UTF-8 file inside `root`."""
    problems: list[Problem] = []
    where = source.spans.get("text", source.location)
    raw = source.text

    def fail(code: str, message: str, hint: str) -> tuple[None, list[Problem]]:
        problems.append(Problem(where, code, message, hint, source.id or None))
        return None, problems

    pure = PurePosixPath(raw.replace("\\", "/"))
    if pure.is_absolute() or (len(raw) > 1 and raw[1] == ":"):
        return fail(
            "text-outside-root",
            f"the text path {shown(raw)} is absolute",
            "give the path relative to the project root, e.g. 'seeds/name.txt'",
        )
    try:
        real_root = root.resolve()
        path = root / pure
        resolved = path.resolve()
        inside = resolved.is_relative_to(real_root)
        exists = path.exists()
        regular = resolved.is_file()
    except (OSError, ValueError) as error:  # a name too long, a loop of links, a NUL
        reason = getattr(error, "strerror", None) or str(error)
        return fail(
            "text-unreadable",
            f"the text path {shown(raw)} cannot be used: {reason}",
            "give a short path to a .txt file under seeds/",
        )
    if not inside:
        how = "through a symbolic link" if ".." not in pure.parts else "with '..'"
        return fail(
            "text-outside-root",
            f"the text path {shown(raw)} leads outside the project root {how}",
            "copy the text into the project's seeds/ folder and point to it there",
        )
    target = None if exists else _broken_link(path)
    if target is not None:
        return fail(
            "text-missing",
            f"the text path {shown(raw)} is a broken link: it points to {shown(target, 200)}, which does not exist",
            "point the link at the source's text file, or point 'text' at the file itself",
        )
    if not exists:
        seeds = (
            sorted(p.relative_to(real_root).as_posix() for p in (real_root / "seeds").glob("*.txt"))
            if (real_root / "seeds").is_dir()
            else []
        )
        return fail(
            "text-missing",
            f"the text file {shown(raw)} does not exist",
            did_you_mean(raw, seeds) if seeds else "put the source's text under seeds/",
        )
    if not regular:
        return fail("text-not-file", f"the text path {shown(raw)} is not a regular file", "point 'text' at a .txt file")
    name = _relative(resolved, real_root)
    if _CELL_UNSAFE.search(name):  # reached through a link: a name no workbook cell can hold
        return fail(
            "text-unreadable",
            f"the text path {shown(raw)} leads to {shown(name)}, a name with a control character",
            "rename the text file",
        )
    try:
        if resolved.stat().st_size > MAX_TEXT_BYTES:
            return fail(
                "file-too-large",
                f"the text file {shown(raw)} is larger than {MAX_TEXT_BYTES:,} bytes",
                "split the source into several texts",
            )
        data = resolved.read_bytes()
    except OSError as error:
        return fail(
            "text-unreadable",
            f"the text file {shown(raw)} cannot be read: {error.strerror}",
            "check the file's permissions",
        )
    content = decode(data, name, problems.append, code="text-not-utf8")
    if content is None:
        return None, problems
    problem = cell_unsafe(content, name)
    if problem is not None:
        problems.append(problem)
    return SourceText(name, content, hashlib.sha256(data).hexdigest()), problems


def _flatten(parsed: ClaimsFile) -> tuple[Any, ...]:
    """A ClaimsFile as plain tuples, dicts and strings: marshal moves these between
    processes many times faster than pickle moves the typed objects."""
    source = parsed.source
    flat_source = None
    if source is not None:
        flat_source = (
            *[getattr(source, f) for f in _SOURCE_VALUES],
            tuple(source.location),
            {k: tuple(v) for k, v in source.spans.items()},
        )
    claims = [(*claim[:9], tuple(claim.location), dict(claim.spans), dict(claim.accept)) for claim in parsed.claims]
    problems = [(tuple(p.location), p.code, p.message, p.hint, p.subject) for p in parsed.problems]
    return (parsed.file, flat_source, claims, problems)


def _unflatten(flat: tuple[Any, ...]) -> ClaimsFile:
    file, flat_source, claims, problems = flat
    source = None
    if flat_source is not None:
        *values, where, spans = flat_source
        source = Source(*values, location=location(*where), spans={k: location(*v) for k, v in spans.items()})  # type: ignore[misc]
    return ClaimsFile(
        file,
        source,
        tuple(_new_tuple(Claim, (*c[:9], location(*c[9]), c[10], c[11] or _NO_ACCEPT)) for c in claims),
        tuple(Problem(location(*w), code, message, hint, subject) for w, code, message, hint, subject in problems),
    )


_SOURCE_VALUES = ("id", "title", "publisher", "perspective", "text", "author", "published", "url", "file")
_new_tuple = tuple.__new__


def _parse_flat(item: tuple[str, bytes, int]) -> tuple[Any, ...]:
    name, data, max_bytes = item
    return _flatten(parse_claims_file(name, data, max_bytes))


def parse_files(
    items: list[tuple[str, bytes, str]], max_bytes: int = MAX_FILE_BYTES, cache: Cache[ClaimsFile] | None = None
) -> Iterator[ClaimsFile]:
    """Parse claims files (name, bytes, their SHA-256), shared with a forked child when
    there is enough to share (`shared_map`), in no set order; the results go to `cache` once
    all are made."""
    work = [(name, data, max_bytes) for name, data, _ in items]
    for index, flat in shared_map(_parse_flat, work, [len(data) for _, data, _ in items]):
        name, _, digest = items[index]
        if cache is not None:
            cache.put(parse_key(name, digest, max_bytes), flat)
        yield _unflatten(flat)
    if cache is not None:
        cache.flush()


def parse_key(name: str, digest: str, max_bytes: int) -> str:
    """The cache key of a claims file's parse: its name, content digest and the size limit."""
    return cache_key("parse", name, digest, str(max_bytes))


def parse_cache(root: Path | None) -> Cache[ClaimsFile]:
    """The cache of parsed claims files under root/.cache (None: no cache)."""
    return Cache(root, _unflatten)


def load_project(
    root: Path,
    max_bytes: int = MAX_FILE_BYTES,
    cache: Cache[ClaimsFile] | None = None,
    advance: Callable[[int], None] | None = None,
) -> Project:
    """Read the codebook, every claims file and every source text under `root`.

    `advance(n)` is told of every n claims files done (for a progress display)."""
    problems: list[Problem] = []
    inputs: dict[str, str] = {}
    codebook: Codebook | None = None
    codebook_bytes, problem = read_input(root / CODEBOOK, CODEBOOK, max_bytes)
    if problem is not None:
        problems.append(problem)
    elif codebook_bytes is not None:
        inputs[CODEBOOK] = hashlib.sha256(codebook_bytes).hexdigest()
        codebook, found = parse_codebook(CODEBOOK, codebook_bytes, max_bytes)
        problems.extend(found)

    parsed: dict[str, ClaimsFile] = {}
    todo: list[tuple[str, bytes, str]] = []
    names: list[str] = []
    for path in claim_file_paths(root):
        name = _relative(path, root)
        if not _is_utf8(name):  # undecodable bytes in the name: show them, never read or key on them
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            problem = Problem(
                Location(name), "file-unreadable", f"the file name {shown(name)} is not valid UTF-8", "rename the file"
            )
            parsed[name] = ClaimsFile(name, None, (), (problem,))
            names.append(name)
            continue
        if _CELL_UNSAFE.search(name):  # a name no workbook cell can hold
            problem = Problem(
                Location(name),
                "file-unreadable",
                f"the file name {shown(name)} holds a control character",
                "rename the file",
            )
            parsed[name] = ClaimsFile(name, None, (), (problem,))
            names.append(name)
            continue
        names.append(name)
        data, problem = read_input(path, name, max_bytes)
        if data is None:
            parsed[name] = ClaimsFile(name, None, (), (problem,) if problem else ())
            continue
        inputs[name] = digest = hashlib.sha256(data).hexdigest()
        hit = cache.get(parse_key(name, digest, max_bytes)) if cache else None
        if hit is not None:
            parsed[name] = hit
            if advance:
                advance(1)
        else:
            todo.append((name, data, digest))
    for result in parse_files(todo, max_bytes, cache):
        parsed[result.file] = result
        if advance:
            advance(1)
    files = [parsed[name] for name in names]

    texts: dict[str, SourceText] = {}
    by_path: dict[str, tuple[SourceText | None, list[Problem]]] = {}
    for claims_file in files:
        source = claims_file.source
        if source is None or not source.text:
            continue
        if source.text not in by_path:
            by_path[source.text] = read_source_text(root, source)
            problems.extend(by_path[source.text][1])
        text = by_path[source.text][0]
        if text is not None:
            texts[claims_file.file] = text
    for read, _ in by_path.values():
        if read is not None:
            inputs[read.path] = read.digest
    return Project(root, codebook, tuple(files), texts, tuple(problems), dict(sorted(inputs.items())))


def claim_file_paths(root: Path) -> list[Path]:
    """The claims files under root/claims (names ending in .yaml or .yml, in any case),
    sorted by name; the codebook is not one."""
    folder = root / CLAIMS_DIR
    names = sorted(os.listdir(folder))
    return [
        folder / n
        for n in names
        if n.lower().endswith((".yaml", ".yml")) and n != "codebook.yaml" and not n.startswith(".")
    ]
