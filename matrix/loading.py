"""Files -> typed objects with locations, plus the problems found while reading them.

`parse_claims_file` and `parse_codebook` are pure (bytes in, values out) so that they can
be cached and run in parallel; `load_project` is the only function here that touches
the file system.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from matrix import memos, schema
from matrix.model import MEMOS_FILE, ClaimsFile, Codebook, Location, Memos, Source, SourceText
from matrix.problems import Problem, did_you_mean, shown
from matrix.yamltree import Node, line_column, parse_tree

CODEBOOK = "claims/codebook.yaml"
MEMOS = MEMOS_FILE
CLAIMS_DIR = "claims"
NOT_CLAIMS = ("codebook.yaml", "memos.yaml")  # files in claims/ that are not claims files
MAX_FILE_BYTES = 5 * 1024 * 1024
EMITS = (  # the problem codes of reading files
    "file-unreadable",
    "file-too-large",
    "not-utf8",
    "codebook-missing",
    "text-missing",
    "text-outside-root",
    "text-not-file",
    "text-unreadable",
    "text-not-utf8",
    "text-control-character",
)
MAX_TEXT_BYTES = 64 * 1024 * 1024


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


def relative_name(path: Path, root: Path) -> str:
    """`path` as a name relative to `root` (POSIX), or as given when it is not under it."""
    return _relative(path, root)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_source_text(root: Path, source: Source) -> tuple[SourceText | None, list[Problem]]:
    """Read a source's text file, which must be a regular UTF-8 file inside `root`."""
    problems: list[Problem] = []
    where = source.positions.get("text", source.location)
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


def _tree_of(file: str, data: bytes, max_bytes: int) -> tuple[Node | None, list[Problem]]:
    """A YAML file's bytes as a located tree, and the problems found reading it; no tree when
    it is too large, not UTF-8 or not YAML."""
    problems: list[Problem] = []
    if len(data) > max_bytes:
        message = f"the file is {len(data):,} bytes; the limit is {max_bytes:,}"
        problems.append(Problem(Location(file), "file-too-large", message, "split it, or raise --max-file-size"))
        return None, problems
    text = decode(data, file, problems.append)
    if text is None:
        return None, problems
    root, found = parse_tree(text, file)
    problems.extend(found)
    return root, problems


def parse_claims_file(file: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> ClaimsFile:
    """One claims file's source and claims. Pure: the same bytes give the same result."""
    return schema.claims_file(file, *_tree_of(file, data, max_bytes))


def parse_codebook(file: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> tuple[Codebook | None, list[Problem]]:
    """The codebook's vocabularies in file order, or None when it is unusable."""
    return schema.codebook(file, *_tree_of(file, data, max_bytes))


def parse_memos_file(
    file: str, data: bytes, codebook: Codebook, max_bytes: int = MAX_FILE_BYTES
) -> tuple[Memos, list[Problem]]:
    """The analyst's memos, checked against `codebook` (`matrix.memos`)."""
    return memos.memos_of(file, *_tree_of(file, data, max_bytes), codebook)


def claims_input(path: Path, root: Path, max_bytes: int) -> tuple[str, bytes | None, Problem | None]:
    """A claims file's name (relative to `root`) and its bytes, or the problem that stops it
    being read: a name that is not UTF-8 or holds a control character is never read."""
    name = _relative(path, root)
    if not _is_utf8(name):  # undecodable bytes in the name: show them, never read or key on them
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        message = f"the file name {shown(name)} is not valid UTF-8"
        return name, None, Problem(Location(name), "file-unreadable", message, "rename the file")
    if _CELL_UNSAFE.search(name):  # a name no workbook cell can hold
        message = f"the file name {shown(name)} holds a control character"
        return name, None, Problem(Location(name), "file-unreadable", message, "rename the file")
    data, problem = read_input(path, name, max_bytes)
    return name, data, problem


def read_texts(
    root: Path, files: Sequence[ClaimsFile], fallback: Path | None = None
) -> tuple[dict[str, SourceText], list[Problem], dict[str, str]]:
    """Each claims file's source text (claims file -> text; a text shared by several sources
    is read once), the problems reading them, and each text read's SHA-256 by path. A text
    path that names no file under `root` is read under `fallback` instead, when given."""
    texts: dict[str, SourceText] = {}
    problems: list[Problem] = []
    by_path: dict[str, tuple[SourceText | None, list[Problem]]] = {}
    for claims_file in files:
        source = claims_file.source
        if source is None or not source.text:
            continue
        if source.text not in by_path:
            here = root if fallback is None or os.path.lexists(root / source.text) else fallback
            by_path[source.text] = read_source_text(here, source)
            problems.extend(by_path[source.text][1])
        text = by_path[source.text][0]
        if text is not None:
            texts[claims_file.file] = text
    digests = {read.path: read.digest for read, _ in by_path.values() if read is not None}
    return texts, problems, digests


def claim_file_paths(root: Path, folder: Path | None = None) -> list[Path]:
    """The claims files in `folder` (default: root/claims; names ending in .yaml or .yml, in
    any case, not in subfolders), sorted by name; the codebook and the memos are not claims files."""
    folder = root / CLAIMS_DIR if folder is None else folder
    names = sorted(os.listdir(folder))
    return [
        folder / n
        for n in names
        if n.lower().endswith((".yaml", ".yml")) and n not in NOT_CLAIMS and not n.startswith(".")
    ]
