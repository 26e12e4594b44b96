"""Forked children: the same results as in-process work, failures reported, never left running."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Self

import pytest

from matrix.files import workers
from matrix.files.workers import Background, shared_map


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Share even the smallest work, as if on a machine with two cores."""
    if "fork" not in workers.multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(workers, "PARALLEL_WEIGHT", 1)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)


def test_shared_map_gives_every_result_once_and_shares_the_work(forking: None) -> None:
    items = list(range(40))
    weights = [1 + (i % 7) for i in items]

    def work(i: int) -> tuple[int, int]:
        time.sleep(0.005)  # long enough for the child to start before this process is done
        return i * i, os.getpid()

    results = list(shared_map(work, items, weights))
    assert sorted(index for index, _ in results) == items
    assert all(value == index * index for index, (value, _) in results)
    pids = [pid for _, (_, pid) in results]
    assert pids[0] == os.getpid() and len(set(pids)) == 2  # this process's results first, then a child's


def test_a_slower_process_takes_fewer_chunks(forking: None) -> None:
    parent = os.getpid()

    def work(i: int) -> int:
        time.sleep(0.005 if os.getpid() == parent else 0.03)  # the child's core is busy elsewhere
        return os.getpid()

    pids = [pid for _, pid in shared_map(work, range(64), [1] * 64)]
    assert pids.count(parent) > 2 * pids.count(next(p for p in pids if p != parent))


def test_small_work_stays_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    assert list(shared_map(lambda i: os.getpid(), range(3), [1] * 3)) == [(i, os.getpid()) for i in range(3)]
    with Background(os.getpid, 10) as job:
        assert job.result() == os.getpid()


def test_split_is_contiguous_and_balanced() -> None:
    ranges = workers._split([5, 1, 1, 1, 1, 1, 5, 5], 2)
    assert [list(r) for r in ranges] == [[0, 1, 2, 3, 4, 5], [6, 7]]
    assert workers._split([3], 4) == [range(1)]
    assert workers._split([], 2) == []


def test_background_runs_in_a_child(forking: None) -> None:
    with Background(os.getpid, 1) as job:
        assert job.result() != os.getpid()


def test_a_failing_child_raises_its_error_here_with_its_traceback(forking: None) -> None:
    def full_disk() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with Background(full_disk, 1) as job, pytest.raises(OSError) as raised:
        job.result()
    assert raised.value.errno == errno.ENOSPC
    assert isinstance(raised.value.__cause__, ChildProcessError)
    assert "Traceback" in str(raised.value.__cause__) and "full_disk" in str(raised.value.__cause__)


def test_an_error_that_does_not_pickle_still_arrives(forking: None) -> None:
    class Unpicklable(Exception):
        def __reduce__(self) -> str | tuple[object, ...]:
            raise TypeError("no")

    def broken() -> None:
        raise Unpicklable("local to the child")

    with Background(broken, 1) as job, pytest.raises(ChildProcessError, match=r"(?s)Traceback.*local to the child"):
        job.result()


def test_a_child_that_dies_is_an_error_not_a_hang(forking: None) -> None:
    with Background(lambda: os._exit(3), 1) as job, pytest.raises(ChildProcessError, match="exit code 3"):
        job.result()


def test_leaving_the_block_early_stops_the_child(forking: None, tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    start = time.monotonic()
    with Background(lambda: (time.sleep(30), marker.touch()), 1) as job:
        process = job.process
    assert time.monotonic() - start < 5
    assert process.exitcode is not None and not marker.exists()


def test_without_shared_memory_the_work_stays_here(forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    context = workers.multiprocessing.get_context("fork")

    def refused(*args: object, **options: object) -> None:
        raise OSError(38, "Function not implemented")  # as sem_open in some sandboxes

    monkeypatch.setattr(type(context), "Value", refused)
    assert list(shared_map(lambda i: (i, os.getpid()), range(4), [1] * 4)) == [(i, (i, os.getpid())) for i in range(4)]


class _FullDisk:
    """A temporary file on a full disk: it opens, but nothing can be written to it."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    flush = seek = read = write


def test_a_child_that_cannot_write_its_results_leaves_its_work_to_this_process(
    forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full temporary folder costs the children's help, not the run (validate writes nothing)."""
    monkeypatch.setattr(workers, "tempfile", SimpleNamespace(TemporaryFile=_FullDisk))

    def work(i: int) -> int:
        time.sleep(0.005)  # the child takes chunks too
        return i * i

    results = list(shared_map(work, range(40), [1] * 40))
    assert sorted(results) == [(i, i * i) for i in range(40)]


def test_without_a_temporary_folder_the_work_stays_here(forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(errno.ENOENT, "No usable temporary directory found")

    monkeypatch.setattr(workers, "tempfile", SimpleNamespace(TemporaryFile=refused))
    assert list(shared_map(lambda i: (i, os.getpid()), range(10), [1] * 10)) == [
        (i, (i, os.getpid())) for i in range(10)
    ]


def test_an_error_of_the_work_itself_still_arrives(forking: None) -> None:
    def work(i: int) -> int:
        if i == 37:
            raise OSError(errno.EACCES, "Permission denied")
        return i

    with pytest.raises(OSError, match="Permission denied"):
        list(shared_map(work, range(40), [1] * 40))


def test_a_shared_map_child_that_dies_is_still_an_error(forking: None) -> None:
    parent = os.getpid()

    def work(i: int) -> int:
        if os.getpid() != parent:
            os._exit(9)  # killed, say by the out-of-memory killer
        time.sleep(0.005)
        return i

    with pytest.raises(ChildProcessError):
        list(shared_map(work, range(40), [1] * 40))
