"""What a build made, in one line for staff, in place of Pelican's own count of 0 articles."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from jiandu.build.manifest import site_files
from jiandu.content.model import Site
from jiandu.core import routes

# Builds whose summary is waiting for the finalize steps, by output folder: the generator knows the
# records and outputs, the `finalized` signal runs after every generator and prints the line.
PENDING: dict[str, Summary] = {}


@dataclass(frozen=True)
class Summary:
    sessions: int
    entries: int
    departments: int
    pages: int
    feeds: int
    data_files: int
    qr_codes: int = 0

    def line(self, files: int) -> str:
        return (f"已生成 {self.sessions} 期电视问政、{self.entries} 期专栏、{self.departments} 个部门："
                f"{self.pages} 个网页、{self.feeds} 个订阅源、{self.data_files} 个数据文件、"
                f"{self.qr_codes} 个二维码，"
                f"输出文件共 {files} 个（含样式、脚本和索引）。")


def summarize(site: Site, paths: list[str]) -> Summary:
    pages = sum(p.endswith(".html") for p in paths)
    feeds = sum(p.endswith(".atom") for p in paths)
    codes = sum(p.endswith(f"/{routes.QR}") for p in paths)
    return Summary(len(site.inquiries), len(site.entries), len(site.departments),
                   pages, feeds, len(paths) - pages - feeds - codes, codes)


def remember(output: Path, summary: Summary) -> None:
    PENDING[str(output.resolve())] = summary


def take(output: Path) -> Summary | None:
    return PENDING.pop(str(output.resolve()), None)


def say(line: str, stream=None) -> None:
    """Print a line for staff; a terminal that cannot show Chinese gets escapes, never a crash."""
    stream = stream or sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(line.encode(encoding, "backslashreplace").decode(encoding) + "\n")
    stream.flush()


def count_files(output: Path) -> int:
    return len(site_files(output))


def run_pelican(settings: dict) -> None:
    """One Pelican build; Pelican's console speaks again afterwards (the finalize step mutes it)."""
    from pelican import Pelican
    from pelican.log import console

    try:
        Pelican(settings).run()
    finally:
        console.quiet = False
