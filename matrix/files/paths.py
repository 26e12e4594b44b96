"""Where outputs may go: checks on an output path before anything is written."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


def build_time() -> datetime.datetime:
    """The time written into outputs: SOURCE_DATE_EPOCH if set (and valid), else 1980-01-01;
    never the clock (the same inputs give the same bytes)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        seconds = max(int(raw), 315532800)
    except ValueError:
        seconds = 315532800
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


class OutputRefused(ValueError):
    """An output path the tool will not write to; the message says why and what to do."""


def check_output(out: Path, inputs: Iterable[Path], suffixes: tuple[str, ...]) -> Path:
    """`out` resolved, or OutputRefused when it is an input, a folder, or cannot be written."""
    if out.suffix.lower() not in suffixes:
        raise OutputRefused(f"'{out}' must end in {' or '.join(suffixes)}")
    if out.is_dir():
        raise OutputRefused(f"'{out}' is a folder; give a file name, e.g. '{out / ('claims-matrix' + suffixes[0])}'")
    resolved = out.resolve()
    if any(resolved == p.resolve() for p in inputs):
        raise OutputRefused(f"'{out}' is one of the input files; writing it would destroy it")
    parent = resolved.parent
    if not parent.is_dir():
        raise OutputRefused(f"the folder '{out.parent}' does not exist; create it first")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise OutputRefused(f"'{out}' cannot be written here (permission denied)")
    return resolved


def lock_files(out: Path) -> list[Path]:
    """Lock files Excel (~$name) or LibreOffice (.~lock.name#) keep beside a file they have open."""
    candidates = [out.with_name(f"~${out.name}"), out.with_name(f".~lock.{out.name}#")]
    return [c for c in candidates if c.exists()]


TEMP_PREFIX = ".~claims-matrix-"
INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def atomic_output(out: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside `out` that replaces it only if the block completes.

    The temporary is flock()ed from before it is written until it has replaced `out`, so that
    another run's `remove_stale_temporaries` leaves it alone; the kernel drops the lock when
    its writer dies, however (SIGKILL included), and the temporary is then stale."""
    out.parent.mkdir(parents=True, exist_ok=True)
    mode = kept_mode(out)
    handle: IO[bytes] | None = None
    # Ctrl-C or SIGTERM wait while the temporary is created and locked: arriving in between,
    # they would leave a file that no `except` below knows of
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        handle = _locked_temporary(out.parent)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(handle.name, mode)
            os.replace(handle.name, out)  # still locked: no cleaner can take it before this
    except BaseException:
        if handle is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(handle.name)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def kept_mode(out: Path) -> int:
    """The permissions a file written at `out` gets: those of the regular file it replaces, or 0644."""
    with contextlib.suppress(OSError):
        info = os.stat(out)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    return 0o644


def _locked_temporary(folder: Path) -> IO[bytes]:
    """A new temporary file in `folder`, created and then locked; created again if another
    run's cleanup removed it between the two (it takes a temporary only under its lock)."""
    while True:
        handle = tempfile.NamedTemporaryFile(dir=folder, prefix=TEMP_PREFIX, suffix=".tmp", delete=False)  # noqa: SIM115 - kept past the block
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        if _is_linked(handle.name, handle.fileno()):
            return handle
        handle.close()


def _is_linked(name: str, descriptor: int) -> bool:
    """Whether `name` is still the file open as `descriptor` (not removed, not replaced)."""
    try:
        named = os.stat(name)
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files a killed run (SIGKILL, power loss) left in `folder`: only those
    no live run holds locked (another build writing into the same folder keeps its own)."""
    for stale in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):  # in use (BlockingIOError), gone, not ours, not a file
            descriptor = os.open(stale, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _is_linked(str(stale), descriptor) and stat.S_ISREG(os.fstat(descriptor).st_mode):
                    stale.unlink()
            finally:
                os.close(descriptor)
