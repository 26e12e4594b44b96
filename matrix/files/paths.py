"""Where outputs may go, and how they are written: the one set of rules every writer follows.

- `check_output` / `writable`: before anything is written, a target is refused (OutputRefused,
  the message saying why and what to do) when it is an input, a folder, a read-only file (its
  mode says so, whoever runs the tool), in a missing, non-folder or read-only folder, or a
  symbolic link (itself, or a folder on the way inside the project) leading out of the project.
- `output_folder`: a default output folder (`output/`) made when missing, refused when it is a
  file, a broken link or a link out of the project.
- `atomic_output`: the bytes go to a temporary file beside the target that replaces it only
  when complete; the replaced file's permissions are kept (0600 stays 0600).
"""

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


def check_output(out: Path, inputs: Iterable[Path], suffixes: tuple[str, ...], root: Path | None = None) -> Path:
    """`out` resolved, or OutputRefused when it is an input, a folder, has another suffix
    (its link's target too), or cannot be written (`writable`, with the project `root`)."""
    if out.suffix.lower() not in suffixes:
        raise OutputRefused(f"'{out}' must end in {' or '.join(suffixes)}")
    if out.is_dir():
        raise OutputRefused(f"'{out}' is a folder; give a file name, e.g. '{out / ('claims-matrix' + suffixes[0])}'")
    resolved = _resolved(out)
    if any(resolved == _resolved(p) for p in inputs):
        raise OutputRefused(f"'{out}' is one of the input files; writing it would destroy it")
    if out.is_symlink() and resolved.suffix.lower() not in suffixes:
        raise OutputRefused(
            f"'{out}' is a symbolic link to '{resolved}', which does not end in {' or '.join(suffixes)}; "
            "delete the link, or give another file name"
        )
    return writable(out, root)


def _resolved(path: Path) -> Path:
    """`path` with every link followed; a link loop or a name the OS refuses is OutputRefused."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop (Python < 3.13)
        raise OutputRefused(f"'{path}' cannot be followed: {getattr(error, 'strerror', None) or error}") from None


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies under it (both resolved)."""
    return path == folder or folder in path.parents


def read_only(path: Path) -> bool:
    """Whether `path` may not be written: by the OS's rules for this user, or because its mode
    gives nobody write permission (a file or folder made read-only is refused even for root)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    wanted = os.W_OK | (os.X_OK if stat.S_ISDIR(mode) else 0)
    return not os.access(path, wanted) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def writable(out: Path, root: Path | None = None) -> Path:
    """`out` resolved, when it may be replaced: OutputRefused when it or its folder is read-only,
    its folder is missing or not a folder, or it is a symbolic link (or lies under one) inside
    the project `root` that leads out of it. A link that stays in the project is followed."""
    resolved = _resolved(out)
    if root is not None:
        project = _resolved(root)
        lexical = Path(os.path.abspath(out))
        if inside(lexical, Path(os.path.abspath(root))) and not inside(resolved, project):
            raise OutputRefused(
                f"'{out}' leads out of the project, through a symbolic link, to '{resolved}'; nothing is "
                "written through it: delete the link, or give the target itself as the output"
            )
    if out.is_symlink() and not resolved.exists():
        raise OutputRefused(
            f"'{out}' is a broken symbolic link (to '{os.readlink(out)}'); delete it or point it at a file"
        )
    if resolved.is_dir():
        raise OutputRefused(f"'{out}' is a folder; give a file name")
    parent = resolved.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist; create it first"
        raise OutputRefused(f"the folder '{out.parent}' {what}")
    if read_only(parent):
        raise OutputRefused(f"'{out}' cannot be written: the folder '{out.parent}' is read-only (permission denied)")
    if read_only(resolved):
        raise OutputRefused(f"'{out}' is read-only; make it writable first (permission denied)")
    return resolved


def output_folder(folder: Path, root: Path) -> None:
    """Make the default output folder `folder` of the project `root` when it is missing;
    OutputRefused when it is a file, a broken link, a link out of the project or read-only,
    or cannot be made."""
    if folder.is_symlink() and not folder.exists():
        raise OutputRefused(
            f"'{folder}' is a broken symbolic link (to '{os.readlink(folder)}'); delete it, or give --out"
        )
    if folder.exists() and not folder.is_dir():
        raise OutputRefused(f"'{folder}' is a file, not a folder; move it away, or give --out")
    if folder.exists() and not inside(_resolved(folder), _resolved(root)):
        raise OutputRefused(
            f"'{folder}' is a symbolic link out of the project (to '{_resolved(folder)}'); nothing is written "
            "through it: delete the link, or give --out"
        )
    if not folder.exists() and read_only(folder.parent):
        raise OutputRefused(f"cannot make the folder '{folder}': '{folder.parent}' is read-only (permission denied)")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise OutputRefused(f"cannot make the folder '{folder}': {error.strerror or error}") from None


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
