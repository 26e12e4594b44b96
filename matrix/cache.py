"""A content-keyed cache of parse and quote-location results in `.cache/` under the root.

Entries are keyed by a SHA-256 of everything the result depends on (file names, bytes,
the tool's own source code), so a changed input simply misses. Values are stored as
`marshal` bytes of plain tuples (the caller's `decode` rebuilds them), which both ends
handle many times faster than pickle. Each entry carries the SHA-256 of its payload,
checked before decoding: a truncated, corrupt or foreign file is ignored and rewritten,
never trusted. Writes are atomic; an I/O error turns the cache off for the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from matrix import __version__

CACHE_DIR = ".cache/claims-matrix"
V = TypeVar("V")


def _code_digest() -> bytes:
    """The package's own source: a changed parser or data model never reads old entries."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.digest()


_SALT = f"{__version__}|{sys.version_info[:3]}|{marshal.version}|".encode() + _code_digest()
_DIGEST = 32


def key(*parts: bytes | str) -> str:
    """A cache key for the given inputs (order matters)."""
    digest = hashlib.sha256(_SALT)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class Cache(Generic[V]):
    """get/put by key; a disabled cache (no root) misses every time and stores nothing."""

    def __init__(self, root: Path | None, decode: Callable[[Any], V]) -> None:
        self.root = root
        self.folder = root / CACHE_DIR if root is not None else None
        self.decode = decode  # plain data (as stored) -> value
        self.hits = 0
        self.misses = 0

    def _path(self, name: str) -> Path | None:
        return self.folder / name[:2] / name if self.folder is not None else None

    def get(self, name: str) -> V | None:
        path = self._path(name)
        if path is None:
            return None
        try:
            blob = path.read_bytes()
            payload = blob[_DIGEST:]
            if hashlib.sha256(payload).digest() != blob[:_DIGEST]:
                raise ValueError("checksum mismatch")
            value = self.decode(marshal.loads(payload))
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: a miss, whatever the cause
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, name: str, plain: Any) -> None:
        """Store a value in its plain form (tuples, lists, dicts, str, int, float, None)."""
        path = self._path(name)
        if path is None:
            return
        payload = marshal.dumps(plain)
        temporary = path.with_name(f"{name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(hashlib.sha256(payload).digest() + payload)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            self.folder = self.root = None  # read-only or full disk: carry on without a cache
