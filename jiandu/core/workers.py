"""Spreading independent work over both cores with forked worker processes.

Workers are forked, so they inherit the function and its inputs without pickling them; only the
results travel back. Small batches run in-process, where a fork would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager

PARALLEL_MIN = 200  # items below which the work stays in this process
CHUNK = 64

_task: tuple[Callable, Sequence] | None = None


def worker_count() -> int:
    """Processes to spread work over; 1 in a daemonic process (the preview's background search),
    which may not fork."""
    if multiprocessing.current_process().daemon:
        return 1
    return int(os.environ.get("JIANDU_WORKERS") or len(os.sched_getaffinity(0)))


def run_split(func: Callable, items: Sequence, progress=None, label: str = "") -> list:
    """[func(item) for item in items], in order, over worker processes when worth it."""
    workers = min(worker_count(), max(1, len(items) // CHUNK))
    bar = progress(label, len(items)) if progress else None  # None for small jobs
    if workers < 2 or len(items) < PARALLEL_MIN:
        results = []
        for item in items:
            results.append(func(item))
            if bar:
                bar.advance(1)
    else:
        results = _in_workers(func, items, workers, bar)
    if bar:
        bar.close()
    return results


def run_parts(func: Callable[[int, int], object], count: int, minimum: int = PARALLEL_MIN) -> list:
    """[func(start, end)] for contiguous parts of range(count), one part per worker, in order;
    the parent takes the first. For work that gathers a part's results before sending them back."""
    global _task
    workers = min(worker_count(), max(1, count // minimum))
    bounds = [count * k // workers for k in range(workers + 1)]
    if workers < 2:
        return [func(0, count)]
    _task = (func, None)
    try:
        with _forked_pool(workers - 1) as pool:
            pending = pool.map_async(_run_part, list(zip(bounds[1:-1], bounds[2:], strict=True)))
            first = func(bounds[0], bounds[1])
            return [first, *pending.get()]
    finally:
        _task = None


@contextmanager
def _forked_pool(processes: int):
    """A pool of forked children sharing this process' objects. Frozen out of the garbage
    collector meanwhile (as Python's gc.freeze documents for forking servers): neither side's
    collections walk the site's objects, and the children's do not copy their pages."""
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield pool
    finally:
        gc.unfreeze()


def _run_part(bounds: tuple[int, int]):
    return _task[0](*bounds)


def _in_workers(func: Callable, items: Sequence, workers: int, bar) -> list:
    """The parent takes every `workers`-th chunk itself; forked children take the rest.

    Keeping the parent busy saves a whole process' memory against a pool of `workers` children.
    """
    global _task
    _task = (func, items)
    ranges = [(start, min(start + CHUNK, len(items))) for start in range(0, len(items), CHUNK)]
    results: list = [None] * len(ranges)
    theirs = [i for i in range(len(ranges)) if i % workers]
    try:
        with _forked_pool(workers - 1) as pool:
            pending = pool.imap(_run_range, [ranges[i] for i in theirs])
            for i in range(0, len(ranges), workers):
                results[i] = _run_range(ranges[i])
                if bar:
                    bar.advance(len(results[i]))
            for i, chunk in zip(theirs, pending, strict=True):
                results[i] = chunk
                if bar:
                    bar.advance(len(chunk))
    finally:
        _task = None
    return [r for chunk in results for r in chunk]


def _run_range(bounds: tuple[int, int]) -> list:
    func, items = _task
    return [func(items[i]) for i in range(*bounds)]
