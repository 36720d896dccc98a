"""Progress output: plain lines for pipes and CI, nothing for small jobs."""

import io

from jiandu.build.progress import SHOW_MIN, PlainProgress, console_progress
from jiandu.core.workers import run_split


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
