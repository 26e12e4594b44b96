"""Reading a file a person names on the command line (a source text, a table to import): the
one rule every such reader follows, as the loader does for claims files (`loading.read_input`).

- The file is opened without blocking (a named pipe with no writer, a device) and judged by
  `fstat` on what was opened: anything but a regular file is refused at once, never read.
- Its size is checked before a byte is read; a file over the limit is refused, and one that
  grows past it while being read is refused too (never more than the limit is read).
- Each refusal is an `Unreadable` with a message that says what to do, and a stable `code`
  (`file-unreadable`, `file-too-large`) as the loader's problems have.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO


class Unreadable(ValueError):
    """A file that is not read, and why (the message names it and says what to do)."""

    def __init__(self, message: str, code: str = "file-unreadable") -> None:
        super().__init__(message)
        self.code = code


def read_limited(path: Path, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of the regular file at `path` (a link to one is followed), at most `max_bytes`
    of them; Unreadable otherwise. `what` names the file in messages ("source text")."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        broken = path.is_symlink()
        raise Unreadable(
            f"the {what} '{path}' is a broken link (to '{os.readlink(path)}')" if broken else f"'{path}' does not exist"
        ) from None
    except OSError as error:
        raise Unreadable(f"cannot read the {what} '{path}': {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"the {what} '{path}' is not a regular file (a folder, named pipe or device); give a file")
        if info.st_size > max_bytes:
            raise Unreadable(
                f"the {what} '{path}' is {info.st_size:,} bytes; the limit is {max_bytes:,}", "file-too-large"
            )
        os.set_blocking(descriptor, True)
        try:
            data = _read(handle, max_bytes)
        except OSError as error:
            raise Unreadable(f"cannot read the {what} '{path}': {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise Unreadable(f"the {what} '{path}' grew past {max_bytes:,} bytes while it was read", "file-too-large")
    return data


def _read(handle: IO[bytes], max_bytes: int) -> bytes:
    """Up to `max_bytes` + 1 bytes (one more tells a file that grew past the limit)."""
    chunks, left = [], max_bytes + 1
    while left > 0:
        chunk = handle.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
