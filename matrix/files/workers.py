"""Sharing CPU-bound work with forked child processes, for large projects only.

A child is forked, so it inherits the work and its inputs instead of receiving them
pickled; it sends back one value. `shared_map` results travel as `marshal` bytes of plain
tuples, strings and numbers, written chunk by chunk to a temporary file the parent reads at
the end: for 100,000 claims that is many times cheaper than pickling typed objects. Where
fork is not available, the work is small, or this process is itself a child, everything
runs in this process.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import multiprocessing
import os
import pickle
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")
PARALLEL_WEIGHT = 4 * 1024 * 1024  # below this (in bytes of input), a child costs more than it saves
_in_child = False  # True in a forked child: it never forks again


def worth_sharing(weight: int) -> bool:
    """Whether work of this weight (about its bytes of input or output) is worth a forked
    child process here: it is large, there is a second core, and this is not a child."""
    return (
        weight >= PARALLEL_WEIGHT
        and not _in_child
        and (os.cpu_count() or 1) >= 2
        and "fork" in multiprocessing.get_all_start_methods()
    )


class Background(Generic[T]):
    """`work()` computed in a forked child process while this one goes on, when its
    `weight` is `worth_sharing`; otherwise here, at `result()`.

    Use as a context manager: leaving the block early (an error, Ctrl-C) stops the child.
    """

    def __init__(self, work: Callable[[], T], weight: int) -> None:
        self.work = work
        self.process: Any = None
        if worth_sharing(weight):
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=_child, args=(work, send), daemon=True)
            self.process.start()
            send.close()

    def ready(self, timeout: float = 0.0) -> bool:
        """Whether `result()` would return (or raise) without waiting, after up to `timeout`
        seconds; always, when the work is done here."""
        return self.process is None or bool(self.receive.poll(timeout))

    def result(self) -> T:
        if self.process is None:
            return self.work()
        try:
            ok, value = pickle.loads(self.receive.recv_bytes())
        except EOFError:
            raise ChildProcessError(f"a worker process ended without a result (exit code {self.close()})") from None
        self.close()
        if not ok:
            error, trace = value
            cause = ChildProcessError(f"a worker process failed:\n{trace}")
            if error is None:
                raise cause
            raise error from cause  # as if raised here: a full disk is a full disk
        return value  # type: ignore[no-any-return]

    def close(self) -> int | None:
        """Stop the child if it still runs; its exit code."""
        if self.process is None:
            return None
        with contextlib.suppress(OSError):
            self.receive.close()
        if self.process.exitcode is None:
            self.process.join(timeout=0.05)
            if self.process.exitcode is None:  # still working: its result is not wanted
                self.process.kill()
        self.process.join()
        code: int | None = self.process.exitcode
        self.process = None
        return code

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _child(work: Callable[[], Any], send: Any) -> None:
    global _in_child
    _in_child = True
    code = 0
    try:
        try:
            reply = pickle.dumps((True, work()), pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - the parent raises it, with this traceback as its cause
            trace = traceback.format_exc()
            try:
                reply = pickle.dumps((False, (error, trace)))
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its traceback will do
                reply = pickle.dumps((False, (None, trace)))
        send.send_bytes(reply)
    except (KeyboardInterrupt, BrokenPipeError):  # Ctrl-C reaches the whole group; the parent reports it
        code = 130
    finally:
        os._exit(code)  # no atexit handlers, no inherited buffers flushed twice


def _split(weights: Sequence[int], count: int) -> list[range]:
    """`count` contiguous index ranges of about equal weight (contiguous keeps the order)."""
    total = sum(weights) or 1
    ends = [0] * count
    done = 0
    for index, weight in enumerate(weights):
        ends[min(count - 1, done * count // total)] = index + 1
        done += weight
    ranges, start = [], 0
    for end in ends:
        if end > start:
            ranges.append(range(start, end))
            start = end
    return ranges


def shared_counter() -> Any:
    """A counter in memory shared across a fork; None where shared memory or semaphores are
    refused (some sandboxes): then nothing is shared."""
    try:
        return multiprocessing.get_context("fork").Value("l", 0)
    except OSError:
        return None


CHUNKS_PER_PROCESS = 32  # small enough that a process on a slower core simply takes fewer


def shared_map(work: Callable[[T], Any], items: Sequence[T], weights: Sequence[int]) -> Iterator[tuple[int, Any]]:
    """(index, `work(item)`) for every item, in no set order. With a large total weight the
    items are cut into chunks that this process and forked children take one at a time
    until none are left, so a busier core does less; this process's own results come as it
    makes them, the children's at the end (a child that cannot write them to its temporary
    file, the disk full, leaves its chunks to this process). `work` must return plain data
    (tuples, lists, dicts, str, int, float, None)."""
    total = sum(weights)
    taken = shared_counter() if worth_sharing(total) else None  # the next chunk to take
    if taken is None:
        yield from enumerate(map(work, items))
        return
    processes = min(os.cpu_count() or 1, 8)
    chunks = _split(weights, CHUNKS_PER_PROCESS * processes)

    def take() -> int:
        with taken.get_lock():
            chunk: int = taken.value
            taken.value += 1
        return chunk

    def child(file: IO[bytes]) -> int:
        """Each chunk's results written to `file` as soon as they are made (nothing left to
        send at the end but their number: no pipe full of results for this process to wait on)."""
        done = 0
        while (chunk := take()) < len(chunks):
            data = marshal.dumps((chunk, [work(items[i]) for i in chunks[chunk]]))
            file.write(len(data).to_bytes(8, "little") + data)
            done += 1
        file.flush()
        return done

    with contextlib.ExitStack() as stack:
        try:
            files = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(processes - 1)]
        except OSError:  # no temporary folder to write to: no child, all the work here
            files = []
        children = [stack.enter_context(Background(functools.partial(child, file), total)) for file in files]
        done: set[int] = set()  # the chunks whose results were given
        while (chunk := take()) < len(chunks):
            for index in chunks[chunk]:
                yield index, work(items[index])
            done.add(chunk)
        for process, file in zip(children, files, strict=True):
            try:
                written = process.result()
                file.seek(0)
                data, at = memoryview(file.read()), 0
            except ChildProcessError:  # it died without a word: an error, as ever
                raise
            except OSError:  # its results could not be written (a full disk): its chunks are made below
                continue
            for _ in range(written):
                size = int.from_bytes(data[at : at + 8], "little")
                chunk, results = marshal.loads(data[at + 8 : at + 8 + size])
                at += 8 + size
                yield from zip(chunks[chunk], results, strict=True)
                done.add(chunk)
        for chunk in range(len(chunks)):  # those of a child that failed (an error of `work` is raised here again)
            if chunk not in done:
                for index in chunks[chunk]:
                    yield index, work(items[index])
