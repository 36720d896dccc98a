"""Progress output: plain lines for pipes and CI, nothing for small jobs; and work split over processes."""

import gc
import io
import multiprocessing
import os
import time

import numpy as np
import pytest

from jiandu.build.progress import SHOW_MIN, PlainProgress, console_progress
from jiandu.core.workers import CHUNK, build_once, run_parts, run_split, run_split_beside


def test_small_jobs_report_nothing():
    make = console_progress(io.StringIO())
    assert make("读取", SHOW_MIN - 1) is None


def test_pipes_get_plain_lines_with_counts():
    stream = io.StringIO()
    make = console_progress(stream)
    bar = make("生成页面", 1000)
    assert isinstance(bar, PlainProgress)
    results = run_split(lambda x: x * 2, list(range(1000)), progress=lambda label, total: bar)
    assert results == [x * 2 for x in range(1000)]
    lines = stream.getvalue().splitlines()
    assert lines[0] == "生成页面：开始，共 1000 项"
    counts = [int(line.split("：")[1].split("/")[0]) for line in lines[1:-1]]
    assert len(counts) >= 5 and counts == sorted(counts) and counts[0] > 0 and counts[-1] < 1000
    assert lines[-1].startswith("生成页面：完成 1000/1000，用时 ")


def test_work_split_over_processes_keeps_order(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    items = list(range(700))
    assert run_split(lambda x: (x, x * x), items) == [(x, x * x) for x in items]


def test_chunks_go_to_whichever_process_is_free(monkeypatch):
    """A slow process takes fewer chunks: none waits on another's share fixed in advance."""
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    parent = os.getpid()

    def slow_here(x):
        if os.getpid() == parent:
            time.sleep(0.002)
        return os.getpid()

    pids = run_split(slow_here, list(range(10 * CHUNK)))
    assert pids.count(parent) <= 3 * CHUNK < pids.count(next(p for p in pids if p != parent))


def test_work_beside_runs_in_a_worker_that_then_joins_in(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    slept = lambda x: (time.sleep(0.001), os.getpid())[1]  # gives the worker time to join in
    pids, beside = run_split_beside(lambda: ("beside", os.getpid()), slept, list(range(8 * CHUNK)))
    assert beside[0] == "beside" and beside[1] != os.getpid()
    assert len(pids) == 8 * CHUNK and beside[1] in pids and os.getpid() in pids
    assert run_split_beside(lambda: 7, lambda x: x, []) == ([], 7)


def test_work_beside_runs_here_with_one_core(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "1")
    assert run_split_beside(os.getpid, lambda x: x + 1, list(range(500))) == (list(range(1, 501)), os.getpid())


def test_a_workers_failure_is_raised_here(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "2")

    def fails_there(x):
        if os.getpid() != parent:
            raise ValueError("工作进程出错")
        time.sleep(0.001)
        return x

    parent = os.getpid()
    with pytest.raises(ValueError, match="工作进程出错"):
        run_split_beside(lambda: None, fails_there, list(range(10 * CHUNK)))
    with pytest.raises(ValueError, match="在旁边出错"):
        run_split_beside(lambda: (_ for _ in ()).throw(ValueError("在旁边出错")), lambda x: x, list(range(500)))


def test_a_worker_that_dies_is_a_failure_not_a_hang(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    parent = os.getpid()

    def dies(x):
        if os.getpid() != parent:
            os._exit(3)
        time.sleep(0.001)
        return x

    with pytest.raises(RuntimeError, match="意外退出"):
        run_split(dies, list(range(10 * CHUNK)))


def _refuse_to_load():
    raise ValueError("读不回来")


class Unloadable:
    def __reduce__(self):
        return _refuse_to_load, ()


def test_a_result_that_cannot_be_read_back_is_a_failure_not_a_hang(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    parent = os.getpid()

    def made_there(x):
        time.sleep(0.001)
        return Unloadable() if os.getpid() != parent else x

    with pytest.raises(ValueError, match="读不回来"):
        run_split(made_there, list(range(10 * CHUNK)))


def test_large_arrays_cross_between_processes_whole(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    big = np.arange(3_000_000, dtype=np.uint32)
    items, (beside, array) = run_split_beside(lambda: ("arrays", big * 2), lambda x: x, list(range(300)))
    assert items == list(range(300)) and beside == "arrays"
    assert array.dtype == np.uint32 and np.array_equal(array, big * 2)


def test_a_build_once_keeps_what_each_step_made_out_of_the_collector(monkeypatch):
    """Records read and pages planned are not walked again by later full collections; outside a
    build (the preview, the tests) everything goes back to the collector after each step."""
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    run_split(lambda x: [x], list(range(300)))
    assert gc.get_freeze_count() == 0
    with build_once():
        kept = run_split(lambda x: [x], list(range(300)))
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_parts_cover_the_range_in_order_each_in_its_own_process(monkeypatch):
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    parts = run_parts(lambda start, end: (start, end, os.getpid()), 1000)
    assert [(s, e) for s, e, _ in parts] == [(0, 500), (500, 1000)]
    assert parts[0][2] == os.getpid() != parts[1][2]
    assert [(s, e) for s, e, _ in run_parts(lambda s, e: (s, e, 0), 150)] == [(0, 150)]  # too few to fork


def test_a_daemonic_process_does_all_the_work_itself(monkeypatch):
    """The preview's background search runs in a daemonic process, which may not fork."""
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_in_daemon, args=(queue,), daemon=True)
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    parts, squares = queue.get(timeout=5)
    assert parts == [(0, 1000)] and squares == [x * x for x in range(700)]


def _in_daemon(queue):
    queue.put(([(s, e) for s, e in run_parts(lambda s, e: (s, e), 1000)],
               run_split(lambda x: x * x, list(range(700)))))
