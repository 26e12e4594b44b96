"""How the process runs and ends: exit codes, signals, the paused collector, the fast exit.

No click here: the CLI's entry point wraps each command in `running()` and leaves through
`finish()`. A real process (not a test calling `matrix.cli.run` with arguments) leaves
with `os._exit`: freeing 100,000 claims one object at a time takes a fifth of a second,
and the cycle collector, paused for the run, would first sweep everything made meanwhile.
"""

from __future__ import annotations

import contextlib
import enum
import gc
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import NoReturn


class Exit(enum.IntEnum):
    OK = 0
    INVALID = 1
    USAGE = 2
    INTERRUPTED = 130


_exit_at_once = False  # a real process: leave with os._exit
_kept: list[object] = []  # what a real process loaded: freed by the exit, not object by object


def exit_at_once() -> None:
    """This is a real process: `finish` leaves without tearing down every object."""
    global _exit_at_once
    _exit_at_once = True


def keep(value: object) -> None:
    """Hold `value` until the process ends (a real process frees it all at once by exiting)."""
    if _exit_at_once:
        _kept.append(value)


def finish(code: int) -> NoReturn:
    """End the process (or, in a test, raise SystemExit) with `code`, output flushed."""
    if _exit_at_once:
        with contextlib.suppress(OSError):  # a closed pipe: nothing more to say
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(int(code))
    sys.exit(int(code))


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds like Ctrl-C: partial outputs are removed


@contextlib.contextmanager
def running() -> Iterator[None]:
    """Run a command: the cycle collector paused, SIGTERM unwinding like Ctrl-C."""
    # A short-lived process that builds hundreds of thousands of small acyclic objects:
    # the cycle collector would rescan them again and again for nothing.
    gc.disable()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        if not _exit_at_once:  # re-enabled, it would first sweep everything made meanwhile
            gc.enable()
