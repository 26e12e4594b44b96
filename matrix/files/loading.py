"""Files -> typed objects with locations, plus the problems found while reading them.

`parse_claims_file` and `parse_codebook` are pure (bytes in, values out) so that they can
be cached and run in parallel; the readers take a project's files from its folder, or from
a `Snapshot` (a git revision held in memory) with the same checks and problems.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

from matrix.files import memos, schema
from matrix.files.yamltree import Node, line_column, parse_tree
from matrix.model.location import Location
from matrix.model.problems import Problem, did_you_mean, shown
from matrix.model.values import MEMOS_FILE, ClaimsFile, Codebook, Memos, Source, SourceText

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


@dataclass(frozen=True)
class Snapshot:
    """A project folder's files held in memory (a git revision, `revisions`): their bytes by
    POSIX path relative to the folder. No symbolic links: a version that has some is written
    to a temporary folder instead, for the file system to follow them."""

    files: Mapping[str, bytes]

    @cached_property
    def folders(self) -> frozenset[str]:
        """Every folder that holds a file, "" for the project folder itself."""
        return frozenset(
            "" if parent.as_posix() == "." else parent.as_posix()
            for name in self.files
            for parent in PurePosixPath(name).parents
        )

    def entries(self, folder: str) -> list[str]:
        """The names of the files and folders directly in `folder` (as os.listdir gives them),
        sorted; FileNotFoundError when there is no such folder."""
        if folder not in self.folders:
            raise FileNotFoundError(folder)
        prefix = f"{folder}/" if folder else ""
        inside = (name[len(prefix) :] for name in (*self.files, *self.folders) if name.startswith(prefix))
        return sorted({entry.split("/", 1)[0] for entry in inside if entry})

    def walk(self, parts: Sequence[str]) -> tuple[str | None, bool, bool]:
        """The path `parts` name, relative to the folder (None when '..' leads out of it), whether
        it exists and whether it is a file. As the file system does, every folder the path
        passes through, even one it then leaves with '..', must exist for the path to."""
        at: list[str] = []
        through = True
        for part in parts:
            if part in ("", "."):
                continue
            through = through and "/".join(at) in self.folders
            if part != "..":
                at.append(part)
            elif at:
                at.pop()
            else:
                return None, False, False
        name = "/".join(at)
        regular = through and name in self.files
        return name, regular or (through and name in self.folders), regular


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


def _stat(path: Path, name: str, snapshot: Snapshot | None) -> tuple[bool, int]:
    """(whether it is a regular file, its size): of the file at `path`, or of `name` in
    `snapshot` when given; FileNotFoundError when there is none."""
    if snapshot is None:
        info = path.stat()
        return stat.S_ISREG(info.st_mode), info.st_size
    data = snapshot.files.get(name)
    if data is not None:
        return True, len(data)
    if name in snapshot.folders:
        return False, 0
    raise FileNotFoundError(name)


def read_input(
    path: Path, name: str, max_bytes: int, snapshot: Snapshot | None = None
) -> tuple[bytes | None, Problem | None]:
    """A YAML input's bytes (`name` in `snapshot`, when given), or the problem that stops it
    being read: never blocks on a FIFO or a device, never reads a file over the size limit."""
    try:
        regular, size = _stat(path, name, snapshot)
        if not regular:
            return None, Problem(
                Location(name), "file-unreadable", f"{name} is not a regular file", "replace it with a YAML file"
            )
        if size > max_bytes:
            return None, Problem(
                Location(name),
                "file-too-large",
                f"{name} is {size:,} bytes; the limit is {max_bytes:,}",
                "split the source's claims over several files, or raise --max-file-size",
            )
        return (path.read_bytes() if snapshot is None else snapshot.files[name]), None
    except FileNotFoundError:
        target = None if snapshot else _broken_link(path)
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


def read_source_text(
    root: Path, source: Source, snapshot: Snapshot | None = None
) -> tuple[SourceText | None, list[Problem]]:
    """Read a source's text file, which must be a regular UTF-8 file inside `root` (or in
    `snapshot`, when given)."""
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
        if "\0" in raw:
            raise ValueError("embedded null byte")
        real_root = root.resolve()
        path = root / pure
        if snapshot is None:
            resolved = path.resolve()
            name: str | None = _relative(resolved, real_root) if resolved.is_relative_to(real_root) else None
            exists = path.exists()
            regular = resolved.is_file()
        else:
            name, exists, regular = snapshot.walk(pure.parts)
    except (OSError, ValueError) as error:  # a name too long, a loop of links, a NUL
        reason = getattr(error, "strerror", None) or str(error)
        return fail(
            "text-unreadable",
            f"the text path {shown(raw)} cannot be used: {reason}",
            "give a short path to a .txt file under seeds/",
        )
    if name is None:
        how = "through a symbolic link" if ".." not in pure.parts else "with '..'"
        return fail(
            "text-outside-root",
            f"the text path {shown(raw)} leads outside the project root {how}",
            "copy the text into the project's seeds/ folder and point to it there",
        )
    target = None if exists or snapshot else _broken_link(path)
    if target is not None:
        return fail(
            "text-missing",
            f"the text path {shown(raw)} is a broken link: it points to {shown(target, 200)}, which does not exist",
            "point the link at the source's text file, or point 'text' at the file itself",
        )
    if not exists:
        seeds = _seeds(real_root, snapshot)
        return fail(
            "text-missing",
            f"the text file {shown(raw)} does not exist",
            did_you_mean(raw, seeds) if seeds else "put the source's text under seeds/",
        )
    if not regular:
        return fail("text-not-file", f"the text path {shown(raw)} is not a regular file", "point 'text' at a .txt file")
    if _CELL_UNSAFE.search(name):  # reached through a link: a name no workbook cell can hold
        return fail(
            "text-unreadable",
            f"the text path {shown(raw)} leads to {shown(name)}, a name with a control character",
            "rename the text file",
        )
    try:
        if _stat(real_root / name, name, snapshot)[1] > MAX_TEXT_BYTES:
            return fail(
                "file-too-large",
                f"the text file {shown(raw)} is larger than {MAX_TEXT_BYTES:,} bytes",
                "split the source into several texts",
            )
        data = (real_root / name).read_bytes() if snapshot is None else snapshot.files[name]
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


def _seeds(root: Path, snapshot: Snapshot | None) -> list[str]:
    """The .txt files in the project's seeds/ folder, as paths relative to the root."""
    if snapshot is not None:
        names = snapshot.entries("seeds") if "seeds" in snapshot.folders else []
        return [f"seeds/{n}" for n in names if n.endswith(".txt")]
    if not (root / "seeds").is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in (root / "seeds").glob("*.txt"))


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
    """The analyst's memos, checked against `codebook` (`matrix.files.memos`)."""
    return memos.memos_of(file, *_tree_of(file, data, max_bytes), codebook)


def claims_input(
    path: Path, root: Path, max_bytes: int, snapshot: Snapshot | None = None
) -> tuple[str, bytes | None, Problem | None]:
    """A claims file's name (relative to `root`) and its bytes (from `snapshot`, when given),
    or the problem that stops it being read: a name that is not UTF-8 or holds a control
    character is never read."""
    name = _relative(path, root)
    if not _is_utf8(name):  # undecodable bytes in the name: show them, never read or key on them
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        message = f"the file name {shown(name)} is not valid UTF-8"
        return name, None, Problem(Location(name), "file-unreadable", message, "rename the file")
    if _CELL_UNSAFE.search(name):  # a name no workbook cell can hold
        message = f"the file name {shown(name)} holds a control character"
        return name, None, Problem(Location(name), "file-unreadable", message, "rename the file")
    data, problem = read_input(path, name, max_bytes, snapshot)
    return name, data, problem


TextRead = tuple[Path, Source, "Snapshot | None"]  # where to read one source's text: root, source, revision


def read_texts(
    root: Path,
    files: Sequence[ClaimsFile],
    fallback: Path | None = None,
    snapshot: Snapshot | None = None,
    read_all: Callable[[list[TextRead]], Iterable[tuple[SourceText | None, list[Problem]]]] | None = None,
) -> tuple[dict[str, SourceText], list[Problem], dict[str, str]]:
    """Each claims file's source text (claims file -> text; a text shared by several sources
    is read once), the problems reading them, and each text read's SHA-256 by path. A text
    path that names no file under `root` (or in `snapshot`, whose texts are read from it) is
    read under `fallback` instead, when given. `read_all` reads the texts (`read_source_text`
    of each, in order; default: one after the other here)."""
    reads: dict[str, TextRead] = {}
    for claims_file in files:
        source = claims_file.source
        if source is None or not source.text or source.text in reads:
            continue
        if snapshot is not None:
            there = fallback is None or snapshot.walk(PurePosixPath(source.text).parts)[1]
            # not in the revision: under `fallback`, on disk
            reads[source.text] = (root, source, snapshot) if there else (fallback or root, source, None)
        else:
            here = root if fallback is None or os.path.lexists(root / source.text) else fallback
            reads[source.text] = (here, source, None)
    jobs = list(reads.values())
    done = read_all(jobs) if read_all is not None else (read_source_text(*job) for job in jobs)
    by_path = dict(zip(reads, done, strict=True))
    problems = [problem for _, found in by_path.values() for problem in found]
    texts: dict[str, SourceText] = {}
    for claims_file in files:
        source = claims_file.source
        text = by_path[source.text][0] if source is not None and source.text else None
        if text is not None:
            texts[claims_file.file] = text
    digests = {read.path: read.digest for read, _ in by_path.values() if read is not None}
    return texts, problems, digests


def claim_file_paths(root: Path, folder: Path | None = None, snapshot: Snapshot | None = None) -> list[Path]:
    """The claims files in `folder` (default: root/claims; names ending in .yaml or .yml, in
    any case, not in subfolders), sorted by name; the codebook and the memos are not claims
    files. Those of `snapshot`, when given, are in its claims/ folder."""
    folder = root / CLAIMS_DIR if folder is None else folder
    names = sorted(os.listdir(folder)) if snapshot is None else snapshot.entries(CLAIMS_DIR)
    return [
        folder / n
        for n in names
        if n.lower().endswith((".yaml", ".yml")) and n not in NOT_CLAIMS and not n.startswith(".")
    ]
