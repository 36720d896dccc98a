"""Content problems: collected across the whole tree, reported once as `path:line: message`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return f"{text} {self.suggestion}" if self.suggestion else text


_BREAKS_RE = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _one_line(text: str) -> str:
    return _BREAKS_RE.sub("↵", text)


@dataclass
class Problems:
    """Collector passed through validation; nothing stops at the first problem."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, message: str, suggestion: str = "") -> None:
        # One problem, one line of output: a value quoted in a message may hold a line break.
        self.items.append(Problem(path, line, _one_line(message), _one_line(suggestion)))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def report(self) -> str:
        lines = [str(p) for p in self.sorted()]
        lines.append(f"共发现 {len(lines)} 个问题（{len(lines)} problem(s)），未生成网站。")
        return "\n".join(lines)


class ContentError(Exception):
    """Raised once, after validation, when the content tree has any problem."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__("\n" + problems.report())
