"""The page set: every output file as (path, template, context), derived from Site and Indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from .indexes import Indexes
from .model import COLUMN, INQUIRY, KIND_NAMES, Site


@dataclass(frozen=True)
class Page:
    path: str  # output file relative to the site root, e.g. "departments/cgj/index.html"
    template: str
    context: dict = field(default_factory=dict, compare=False)

    @property
    def url(self) -> str:
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    base: str  # URL of page 1

    def url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def previous(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


def site_pages(site: Site, idx: Indexes) -> list[Page]:
    page_size = site.settings.get("JIANDU_PAGE_SIZE", 50)
    pages = [
        Page("index.html", "home.html", {"latest": _latest(site)}),
        Page("404.html", "404.html", {"absolute_urls": True}),
        Page("departments/index.html", "departments.html"),
    ]
    pages += [Page(f"{r.url}index.html", "inquiry.html", {"record": r}) for r in site.inquiries]
    pages += [Page(f"{r.url}index.html", "entry.html", {"record": r}) for r in site.entries]
    pages += [Page(f"{d.url}index.html", "department.html", {"facts": idx.by_department[d.id]})
              for d in site.departments.values()]
    for kind in (INQUIRY, COLUMN):
        pages.append(Page(f"{kind}/index.html", "kind.html", {"kind": kind}))
        for year, records in idx.by_year[kind].items():
            pages += _paginated(f"{kind}/{year}/", "year.html", records, page_size,
                                {"kind": kind, "year": year, "title": f"{year}年{KIND_NAMES[kind]}"})
    return sorted(pages, key=lambda p: p.path)


def _latest(site: Site) -> dict:
    n = site.settings.get("JIANDU_LATEST", 5)
    return {INQUIRY: list(reversed(site.inquiries[-n:])), COLUMN: list(reversed(site.entries[-n:]))}


def _paginated(base: str, template: str, items: list, size: int, context: dict) -> list[Page]:
    count = max(1, ceil(len(items) / size))
    pages = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, base)
        chunk = items[(number - 1) * size: number * size]
        pages.append(Page(f"{pagination.url(number)}index.html", template,
                          {**context, "items": chunk, "pagination": pagination}))
    return pages
