"""Spreading independent work over both cores with forked worker processes.

Workers are forked, so they inherit the function and its inputs without pickling them; only the
results travel back. Small batches run in-process, where a fork would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence

PARALLEL_MIN = 200  # items below which the work stays in this process
CHUNK = 64

_task: tuple[Callable, Sequence] | None = None


def worker_count() -> int:
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


def _in_workers(func: Callable, items: Sequence, workers: int, bar) -> list:
    global _task
    _task = (func, items)
    ranges = [(start, min(start + CHUNK, len(items))) for start in range(0, len(items), CHUNK)]
    results: list = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk in pool.imap(_run_range, ranges):
                results.extend(chunk)
                if bar:
                    bar.advance(len(chunk))
    finally:
        _task = None
    return results


def _run_range(bounds: tuple[int, int]) -> list:
    func, items = _task
    return [func(items[i]) for i in range(*bounds)]
