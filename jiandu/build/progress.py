"""Progress of long work: a tqdm bar on a terminal, plain lines in pipes and CI."""

from __future__ import annotations

import sys
import time

SHOW_MIN = 300  # smaller jobs finish too fast to need a report


class PlainProgress:
    """One line at the start, at every tenth, and at the end."""

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.next_report = max(1, total // 10)
        print(f"{label}：开始，共 {total} 项", file=self.stream, flush=True)

    def advance(self, n: int) -> None:
        self.done += n
        if self.done >= self.next_report and self.done < self.total:
            print(f"{self.label}：{self.done}/{self.total}", file=self.stream, flush=True)
            self.next_report += max(1, self.total // 10)

    def close(self) -> None:
        seconds = time.monotonic() - self.started
        print(f"{self.label}：完成 {self.done}/{self.total}，用时 {seconds:.1f} 秒",
              file=self.stream, flush=True)


class BarProgress:
    def __init__(self, label: str, total: int, stream=None):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=label, unit="项", file=stream or sys.stderr,
                        dynamic_ncols=True)

    def advance(self, n: int) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


def console_progress(stream=None):
    """A progress factory (label, total) -> bar or None; None for jobs too small to report."""
    stream = stream or sys.stderr
    kind = BarProgress if stream.isatty() else PlainProgress

    def make(label: str, total: int):
        return kind(label, total, stream) if total >= SHOW_MIN else None

    return make
