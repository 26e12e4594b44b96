"""Sharing CPU-bound work over forked worker processes, for large projects only.

Results travel back as `marshal` bytes of plain tuples, strings and numbers: for 100,000
claims that is many times cheaper than pickling the typed objects. Where fork is not
available, or the work is small, everything runs in this process.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import marshal
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
PARALLEL_WEIGHT = 4 * 1024 * 1024  # below this (in bytes of input), workers cost more than they save


def _batches(items: Sequence[T], weights: Sequence[int], count: int) -> list[list[T]]:
    """`count` contiguous batches of about equal weight (contiguous keeps the order)."""
    total = sum(weights) or 1
    batches: list[list[T]] = [[] for _ in range(count)]
    done = 0
    for item, weight in zip(items, weights, strict=True):
        batches[min(count - 1, done * count // total)].append(item)
        done += weight
    return [b for b in batches if b]


def _run_batch(work: Callable[[T], Any], batch: list[T]) -> bytes:
    return marshal.dumps([work(item) for item in batch])


def shared_map(work: Callable[[T], Any], items: Sequence[T], weights: Sequence[int]) -> Iterator[Any]:
    """`work(item)` for every item, in order; in forked workers when the total weight is
    large. `work` must return plain data (tuples, lists, dicts, str, int, float, None)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or sum(weights) < PARALLEL_WEIGHT or "fork" not in multiprocessing.get_all_start_methods():
        yield from (work(item) for item in items)
        return
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        for blob in pool.map(_run_batch, itertools.repeat(work), _batches(items, weights, workers)):
            yield from marshal.loads(blob)
