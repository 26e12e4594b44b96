"""Another version of a project: a folder, or `git:REV`, a revision of the git repository the
project lives in, read with the `git` program (no git library).

A revision is read with one `git ls-tree -r -z` (the files under the project's folder, which
may be a subfolder of the repository) and one `git cat-file --batch` for all of their contents
not read already (`blobs`, shared by the versions one run reads), and held in memory as a
`Snapshot` that the normal loader reads like a folder. A revision with symbolic links is
written to a temporary folder instead, for the file system to follow them as it does in a
working tree. The parse and quote caches are keyed by content, so the caller can point both
sides at one cache.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from matrix.files.loading import CLAIMS_DIR, Snapshot

GIT_PREFIX = "git:"
LINK = "120000"  # git's mode of a symbolic link


class RevisionError(ValueError):
    """A version that cannot be read: not a folder, not a git repository, an unknown revision.
    The message says which and what to do."""


@dataclass(frozen=True)
class Version:
    """A project as it was: `label` names it for people (`git:HEAD~1`, `../coder-b`), `root` is
    the folder the loader reads, or, with a `snapshot`, the project folder whose files it holds."""

    label: str
    root: Path
    snapshot: Snapshot | None = None


def _git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("the git program is not installed; install git to compare revisions") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def _tree(root: Path, revision: str) -> list[tuple[str, str, str]]:
    """(mode, object id, path relative to the project folder) of every file of `revision`."""
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except RevisionError:
        raise RevisionError(f"'{root}' is not in a git repository, so 'git:' versions cannot be read") from None
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except RevisionError:
        raise RevisionError(f"unknown revision '{revision}' (try 'git log' for the ones there are)") from None
    prefix = _git(root, "rev-parse", "--show-prefix").decode().rstrip("\n")
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit.decode().strip(), "--", prefix or ".")
    files = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split(" ")
        if kind != "blob":  # submodules
            continue
        files.append((mode, oid, os.fsdecode(path)[len(prefix) :]))
    return files


def _contents(root: Path, oids: list[str], blobs: dict[str, bytes]) -> list[bytes]:
    """The bytes of each object, in order: those not in `blobs` from one `git cat-file
    --batch`, and put in `blobs`."""
    wanted = list(dict.fromkeys(oid for oid in oids if oid not in blobs))
    out = _git(root, "cat-file", "--batch", data="".join(f"{oid}\n" for oid in wanted).encode()) if wanted else b""
    at = 0
    for oid in wanted:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].decode().split(" ")
        if header[0] != oid or len(header) != 3:
            raise RevisionError(f"git cat-file answered '{' '.join(header)}' for {oid}")
        size = int(header[2])
        blobs[oid] = out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return [blobs[oid] for oid in oids]


def write_revision(files: list[tuple[str, str, str]], contents: list[bytes], into: Path) -> None:
    """The files of a revision (`_tree`) with their `contents`, written under `into`."""
    for (mode, _, path), data in zip(files, contents, strict=True):
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == LINK:  # a symbolic link: kept as one, so that the loader judges it as usual
            os.symlink(os.fsdecode(data), target)
        else:
            target.write_bytes(data)


@contextlib.contextmanager
def checkout(spec: str, root: Path, blobs: dict[str, bytes] | None = None) -> Iterator[Version]:
    """`spec` as a project folder: `git:REV` read into memory (`blobs`: the contents already
    read in this run, by object id) or, when it has symbolic links,
    written to a temporary folder (removed afterwards); anything else a folder (a project
    root, or its claims folder)."""
    if spec.startswith(GIT_PREFIX):
        revision = spec[len(GIT_PREFIX) :]
        if not revision:
            raise RevisionError("'git:' needs a revision, e.g. git:HEAD or git:main")
        files = _tree(root, revision)
        contents = _contents(root, [oid for _, oid, _ in files], {} if blobs is None else blobs)
        if not any(path.startswith(f"{CLAIMS_DIR}/") for _, _, path in files):
            raise RevisionError(f"the project folder has no {CLAIMS_DIR}/ folder at {revision}")
        if all(mode != LINK for mode, _, _ in files):
            yield Version(
                spec, root, Snapshot({path: data for (_, _, path), data in zip(files, contents, strict=True)})
            )
            return
        with tempfile.TemporaryDirectory(prefix="claims-matrix-") as temporary:
            write_revision(files, contents, Path(temporary))
            yield Version(spec, Path(temporary))
        return
    if not Path(spec).is_dir():
        raise RevisionError(f"'{spec}' is neither a folder nor git:REV")
    yield Version(spec, Path(spec))
