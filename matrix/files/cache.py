"""A content-keyed cache of parse, quote-location and check results: one SQLite file under the root.

Entries are keyed by a SHA-256 of everything the result depends on (file names, bytes,
the tool's own source code, the versions of the libraries that parse and compare), so a
changed input simply misses. Values are stored as `marshal` bytes of plain tuples (the
caller's `decode` rebuilds them), which both ends handle many times faster than pickle, each
with the SHA-256 of its key and payload, checked before decoding: a damaged value, or one
stored under another key, is ignored and rewritten, never trusted. A database that cannot
be read is deleted and started afresh; one that cannot be written turns the cache off for
the run.

One file, written in one transaction per `flush()`, because creating thousands of small
files costs more than parsing them on some filesystems. Only the process that made the
`Cache` uses it: forked children hand their results back instead.

A `memory` dict, when given, keeps every value got or put, decoded, for the rest of the run:
the caches of two versions of a project read in one run share one, so that a file both have
is decoded once and both versions hold the very same value.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

from matrix.files.paths import inside, read_only
from matrix.model.terms import VERSION as __version__

CACHE_DIR = ".cache/claims-matrix"
CACHE_FILE = f"{CACHE_DIR}/cache.sqlite3"
LOCK_TIMEOUT = 2.0  # seconds to wait for another run that is writing the cache
V = TypeVar("V")


def _code_digest() -> bytes:
    """The whole package's own source: a changed parser, check or data model never reads old
    entries (a claims file's findings are kept too)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


LIBRARIES = ("pyyaml", "rapidfuzz")  # what the kept results also depend on: parsing, near duplicates, closest passages


def _library_versions(folders: Iterable[str]) -> bytes:
    """The installed versions of `LIBRARIES`, from the names of their metadata folders in
    `folders` (the import path; its site-packages folders are read): an upgraded parser or
    scorer never reads old entries. Read without importlib.metadata, whose import costs more
    than a warm run's checks."""
    found = set()
    for folder in folders:
        if not folder.endswith("-packages"):  # not the standard library's folders, nor the working folder
            continue
        try:
            names = os.listdir(folder)
        except OSError:  # a zip on the path, a folder gone
            continue
        for name in names:
            stem, _, kind = name.rpartition(".")
            if kind in ("dist-info", "egg-info") and stem.lower().replace("_", "-").split("-")[0] in LIBRARIES:
                found.add(stem.lower())
    return "|".join(sorted(found)).encode()


_SALT = (
    f"{__version__}|{sys.version_info[:3]}|{marshal.version}|".encode() + _library_versions(sys.path) + _code_digest()
)
_DIGEST = 32


def key(*parts: bytes | str) -> str:
    """A cache key for the given inputs (order matters)."""
    digest = hashlib.sha256(_SALT)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _remove_file_entries(folder: Path) -> None:
    """Remove the entries of the earlier cache of one file per entry (in folders named by
    the key's first two hex digits): nothing reads them any more."""
    for old in folder.iterdir():
        if len(old.name) == 2 and old.is_dir() and all(c in "0123456789abcdef" for c in old.name):
            shutil.rmtree(old, ignore_errors=True)


def _stays_inside(path: Path, root: Path) -> bool:
    """Whether the cache at `path` may be written: it lies in the project `root` (no link leads
    out), and the folder it would be made in is not read-only (by its mode, as `paths` judges)."""
    try:
        if not inside(path.resolve(), root.resolve()):
            return False
    except (OSError, RuntimeError):
        return False
    made = next((p for p in path.parents if p.exists()), root)
    return path.exists() or not read_only(made)


def _checksum(name: str, payload: bytes) -> bytes:
    digest = hashlib.sha256(name.encode() + b"\0")
    digest.update(payload)  # not copied into one string first: payloads run to tens of KB
    return digest.digest()


class Cache(Generic[V]):
    """get/put by key; a disabled cache (no root) misses every time and stores nothing."""

    def __init__(self, root: Path | None, decode: Callable[[Any], V], memory: dict[str, V] | None = None) -> None:
        self.path = root / CACHE_FILE if root is not None else None
        self.root = root or Path()
        self.decode = decode  # plain data (as stored) -> value
        self.memory = memory  # key -> value got or put in this run (None: not kept)
        self.hits = 0
        self.misses = 0
        self.pending: list[tuple[str, bytes]] = []
        self.db: sqlite3.Connection | None = None
        self.fresh = False  # the database was made by this Cache, which has written nothing yet

    def _open(self) -> sqlite3.Connection | None:
        if self.db is None and self.path is not None and not _stays_inside(self.path, self.root):
            self._off()  # .cache, or the database, a link out of the project: never written through
        if self.db is None and self.path is not None:
            for attempt in range(2):
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    fresh = not self.path.exists()
                    db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, isolation_level=None)
                    db.execute("PRAGMA synchronous=OFF")  # a cache: a torn write is a miss, not a loss
                    db.execute("PRAGMA page_size=16384")  # values of tens of KB: fewer overflow pages
                    db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB)")
                    self.db = db
                    self.fresh = fresh
                    _remove_file_entries(self.path.parent)
                    break
                except sqlite3.OperationalError:  # cannot open or lock it (read-only, another run)
                    self._off()
                    break
                except sqlite3.DatabaseError:  # not a database, or damaged: start afresh
                    self._discard()
                    if attempt:
                        self._off()
                except (sqlite3.Error, OSError):
                    self._off()
                    break
        return self.db

    def _close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None

    def _discard(self) -> None:
        """Delete a damaged database file, so that the next run starts afresh."""
        self._close()
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _off(self) -> None:
        """Carry on without a cache (read-only folder, full disk, locked by another run)."""
        self._close()
        self.path = None

    def get(self, name: str) -> V | None:
        if self.memory is not None and name in self.memory:
            self.hits += 1
            return self.memory[name]
        db = self._open()
        if db is None:
            return None
        if self.fresh:  # nothing written yet to look up
            self.misses += 1
            return None
        try:
            row = db.execute("SELECT value FROM entries WHERE key = ?", (name,)).fetchone()
            blob = row[0]
            payload = blob[_DIGEST:]
            if _checksum(name, payload) != blob[:_DIGEST]:
                raise ValueError("checksum mismatch")
            value = self.decode(marshal.loads(payload))
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: a miss, whatever the cause
            self.misses += 1
            return None
        self.hits += 1
        if self.memory is not None:
            self.memory[name] = value
        return value

    def put(self, name: str, plain: Any, value: V) -> None:
        """Store `value`, given in its plain form too (tuples, lists, dicts, str, int, float,
        None), at the next `flush()`."""
        if self.memory is not None:
            self.memory[name] = value
        if self.path is not None:
            payload = marshal.dumps(plain)
            self.pending.append((name, _checksum(name, payload) + payload))

    def flush(self) -> None:
        """Write what was put, in one transaction."""
        pending, self.pending = self.pending, []
        db = self._open() if pending else None
        if db is None:
            return
        try:
            with contextlib.closing(db.cursor()) as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", pending)
                cursor.execute("COMMIT")
            self.fresh = False
        except sqlite3.OperationalError:  # locked by another run, read-only, full disk
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self._off()
        except sqlite3.DatabaseError:
            self._discard()
            self._off()
