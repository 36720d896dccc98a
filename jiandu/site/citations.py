"""Sources as readers meet them: a citation line, and a link that opens a video at its moment
(routes.moment: `…/video.mp4#t=00:12:30`, where browsers start the video)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jiandu.content.model import Source
from jiandu.core import routes
from jiandu.core.vocabulary import SourceType


def date_cn(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


@dataclass(frozen=True)
class Citation:
    text: str  # e.g. 《济南日报》2017年5月12日 A3版
    url: str | None  # the source's address, opening at its moment when it has one
    at: str | None = None


def citation_text(source: Source) -> str:
    """《济南日报》2017年5月12日 A3版; a hotline is named without title marks."""
    title = source.title.strip("《》")
    head = (title if source.type == SourceType.HOTLINE else f"《{title}》") + date_cn(source.date)
    tail = [f"{source.page}版" if source.page else "", f"{source.at} 起" if source.at else ""]
    return " ".join([head, *filter(None, tail)])


def cite(source: Source, video: str | None = None) -> Citation:
    """A source as shown; a moment without its own url opens the session's video."""
    url = source.url or (video if source.at else None)
    if url and source.at:
        url = routes.moment(url, source.at)
    return Citation(citation_text(source), url, source.at)


def cite_all(sources, video: str | None = None) -> tuple[Citation, ...]:
    return tuple(cite(s, video) for s in sources)
