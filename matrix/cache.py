"""A content-keyed cache of parse and quote-location results in `.cache/` under the root.

Entries are keyed by a SHA-256 of everything the result depends on (file names, bytes,
the tool's version), so a changed input simply misses. Each entry stores the SHA-256 of
its payload, which is checked before the payload is unpickled: a truncated, corrupt or
foreign file is ignored and rewritten, never trusted. Writes are atomic; any I/O error
turns the cache off for the run instead of failing it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from matrix import __version__

CACHE_DIR = ".cache/claims-matrix"


def _code_digest() -> bytes:
    """The package's own source: a changed parser or data model never reads old entries."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.digest()


_SALT = f"{__version__}|{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}|".encode() + _code_digest()
_DIGEST = 32


def key(*parts: bytes | str) -> str:
    """A cache key for the given inputs (order matters)."""
    digest = hashlib.sha256(_SALT)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


_writers: list[int] = []  # pids of background writers not yet waited for


def wait_for_writers() -> None:
    """Wait for every background cache writer this process started."""
    while _writers:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_writers.pop(), 0)


class Cache:
    """get/put by key; a disabled cache misses every time and stores nothing.

    `put` only queues an entry; `flush` writes the queue, in a forked child when asked to,
    so that pickling 100,000 claims overlaps the rest of the run on another core.
    """

    def __init__(self, root: Path | None, kind: type) -> None:
        self.folder = root / CACHE_DIR if root is not None else None
        self.kind = kind  # every value read back must be an instance of this
        self.hits = 0
        self.misses = 0
        self.pending: list[tuple[str, Any]] = []

    def _path(self, name: str) -> Path | None:
        return self.folder / name[:2] / name if self.folder is not None else None

    def get(self, name: str) -> Any | None:
        path = self._path(name)
        if path is None:
            return None
        try:
            blob = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        payload = blob[_DIGEST:]
        if hashlib.sha256(payload).digest() != blob[:_DIGEST]:
            self.misses += 1
            return None
        try:
            value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - any failure to unpickle means a corrupt entry
            self.misses += 1
            return None
        if not isinstance(value, self.kind):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, name: str, value: Any) -> None:
        if self.folder is not None:
            self.pending.append((name, value))

    def flush(self, background: bool = False) -> None:
        """Write the queued entries; in a child process when `background` and fork exist."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        if background and hasattr(os, "fork"):
            pid = os.fork()
            if pid:
                _writers.append(pid)
                return
            try:  # the child: write, then leave without running the parent's exit handlers
                for name, value in pending:
                    self._write(name, value)
            finally:
                os._exit(0)
        for name, value in pending:
            self._write(name, value)

    def _write(self, name: str, value: Any) -> None:
        path = self._path(name)
        if path is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
                handle.write(hashlib.sha256(payload).digest() + payload)
            os.replace(handle.name, path)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(handle.name)
            self.folder = None  # read-only or full disk: carry on without a cache
