"""The page set: every output file as a Page (template + context) or a DataFile (bytes producer).

Each output also names what it shows, so that the live preview re-renders only what an edit
touches: `deps` are the keys of the records whose content appears on it, and `facts` is a small
value holding everything else it shows (order of items, counts, statistics). An output is
rendered again when it is new, when its deps or facts differ, or when one of its deps changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil

from jiandu.content.model import COLUMN, ENTRY_STATUSES, INQUIRY, KIND_NAMES, Site
from jiandu.core.problems import ContentError, Problems
from jiandu.site import feeds, opendata
from jiandu.site.citations import cite_all
from jiandu.site.indexes import LEDGER_STATUSES, STATUS_SLUGS, Indexes
from jiandu.site.metadata import SiteMeta, absolute, describe, page_title, site_meta, with_meta
from jiandu.site.qr import QR_NAME, render_qr
from jiandu.site.routing import bounced_trails, bounced_url
from jiandu.site.samples import Median, Rate
from jiandu.site.search import SEARCH_PAGE
from jiandu.site.stats import department_figures, department_stats, lineage_trails


@dataclass(frozen=True)
class Output:
    path: str  # output file relative to the site root, e.g. "departments/cgj/index.html"
    deps: frozenset = field(default=frozenset(), compare=False)
    facts: tuple = field(default=(), compare=False)

    def stale(self, before: Output | None, changed: set[str]) -> bool:
        """Whether this output must be written again, given its previous version."""
        return (before is None or type(before) is not type(self) or before.deps != self.deps
                or before.facts != self.facts or not self.deps.isdisjoint(changed)
                or self._differs(before))

    def _differs(self, before: Output) -> bool:
        return False


@dataclass(frozen=True)
class Page(Output):
    template: str = ""
    context: dict = field(default_factory=dict, compare=False)

    @property
    def url(self) -> str:
        return self.path.removesuffix("index.html")

    def _differs(self, before: Output) -> bool:
        return before.template != self.template


@dataclass(frozen=True)
class DataFile(Output):
    produce: Callable[..., bytes] | None = None  # a module-level function of (site, idx, *args)
    args: tuple = ()

    def _differs(self, before: Output) -> bool:
        return before.produce is not self.produce or before.args != self.args


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


# Sortable directory views: (slug, heading, key of DepartmentStats, largest first?). Rates and
# medians rank only departments whose sample reaches JIANDU_MIN_SAMPLE (samples.py).
RANKINGS = (
    ("records", "问政与专栏记录数", "records", True),
    ("commitments", "承诺数", "commitment_total", True),
    ("overdue", "逾期承诺数", "overdue", True),
    ("closed-share", "专栏办结率", "closed_share", True),
    ("median-days", "办结用时中位数", "median_days", False),
    ("received", "收到交办案件数", "received", True),
    ("bounced", "反复流转案件数", "bounced", True),
    ("sent-back", "退回率", "return_rate", True),
    ("held-days", "持有案件天数中位数", "held_days", False),
)


def keys(records) -> tuple[str, ...]:
    return tuple(r.key for r in records)


def site_pages(site: Site, idx: Indexes) -> list[Output]:
    stats = {d: department_stats(f, idx, site.settings.min_sample) for d, f in idx.by_department.items()}
    directory = tuple((d, len(f.segments), len(f.entries), len(f.commitments), stats[d].bounced)
                      for d, f in idx.by_department.items())
    latest = _latest(site)
    pages = [
        Page("index.html", deps=frozenset(keys(latest[INQUIRY] + latest[COLUMN])),
             facts=(tuple((y.year, y.inquiries, y.entries) for y in idx.years),),
             template="home.html", context={"latest": latest}),
        Page("404.html", template="404.html", context={"absolute_urls": True}),
        Page(f"{SEARCH_PAGE}index.html", template="search.html",
             facts=(tuple(y.year for y in idx.years), tuple(d.name for d in site.departments.values())),
             context={"statuses": [*ENTRY_STATUSES, *LEDGER_STATUSES]}),
        Page("departments/index.html", facts=directory, template="departments.html",
             context={"stats": stats, "rankings": RANKINGS}),
        Page(f"{ELDER_PAGE}index.html", template="elder.html"),
        *_record_pages(site, idx),
        *_department_pages(site, idx, stats),
        *_list_pages(site, idx),
        *_bounced_pages(site, idx),
        *_ledger_pages(site, idx),
        *_archive_pages(site, idx),
        *_data_files(site),
    ]
    html = tuple(sorted(p.url for p in pages if isinstance(p, Page) and p.path != "404.html"))
    pages.append(DataFile("sitemap.xml", produce=opendata.render_sitemap, args=(html,)))
    redirects = _redirect_pages(site)
    _check_redirects_collide_with_nothing(site, pages, redirects)
    sm = site_meta(site.settings)
    return sorted((_described(p, site, sm) for p in pages + redirects), key=lambda p: p.path)


ELDER_PAGE = "elder/"


def _described(output: Output, site: Site, sm: SiteMeta) -> Output:
    """The page with its metadata (guideline fields, description, canonical link, Open Graph)."""
    if not isinstance(output, Page):
        return output
    ctx, url = output.context, output.url
    title, column, extra = DESCRIBE[output.template](ctx)
    if output.template == "404.html":
        extra = {**extra, "canonical": "", "noindex": True}
    elif output.template == "redirect.html":
        extra = {**extra, "canonical": absolute(sm.base, ctx["target"]) if sm.base else "", "noindex": True}
    return with_meta(output, describe(site, sm, url, title, column, **extra))


def _kind_of_list(ctx: dict) -> str:
    return INQUIRY if ctx["pagination"].base.startswith(f"{INQUIRY}/") else COLUMN


def _department_description(ctx: dict) -> str:
    dept, s = ctx["facts"].department, ctx["stats"]
    return (f"{dept.name}在电视问政中被问到的问题、作出的承诺和兑现情况，以及专栏跟踪的记录：问政环节与专栏 "
            f"{s.records} 条，承诺 {s.commitment_total} 项，其中逾期 {s.overdue} 项。")


# Each template: (title, column, extra arguments of `describe`) from the page's context.
DESCRIBE = {
    "home.html": lambda c: ("首页", "home", {}),
    "404.html": lambda c: ("页面不存在", "home", {"description": "您要找的页面不存在或已移动。"}),
    "search.html": lambda c: ("搜索", "search", {}),
    "elder.html": lambda c: ("长辈版", "elder", {}),
    "departments.html": lambda c: ("部门名录", "departments", {}),
    "inquiry.html": lambda c: (c["record"].title, INQUIRY, {"record": c["record"]}),
    "entry.html": lambda c: (c["record"].title, COLUMN, {"record": c["record"]}),
    "redirect.html": lambda c: ("本页网址已变更", c["record"].kind, {}),
    "department.html": lambda c: (c["facts"].department.name, "departments",
                                  {"description": _department_description(c)}),
    "district.html": lambda c: (f"{c['facts'].department.label}：专栏与部门", "departments",
                                {"description": f"发生在{c['facts'].department.name}的专栏，"
                                                f"共 {len(c['entries'])} 期；以及所属部门和镇街。"}),
    "ranking.html": lambda c: (f"部门排序：{c['heading']}", "departments",
                               {"description": f"各部门按{c['heading']}排序。"}),
    "categories.html": lambda c: ("问题类别", COLUMN, {"description": "专栏按问题类别分组的全部记录。"}),
    "statuses.html": lambda c: ("办理状态", COLUMN, {"description": "专栏按办理状态分组的全部记录。"}),
    "kind.html": lambda c: (KIND_NAMES[c["kind"]], c["kind"], {}),
    "records.html": lambda c: (page_title(c["title"], c["pagination"]), _kind_of_list(c),
                               {"description": f"{c['title']}。{c['intro']}"}),
    "commitments.html": lambda c: (page_title("承诺台账" + (f"：{c['status']}" if c["status"] else ""),
                                              c["pagination"]), "commitments", {}),
    "archive.html": lambda c: ("往期目录", "archive", {}),
    "archive_year.html": lambda c: (
        f"{c['year']}年往期目录", "archive",
        {"description": f"{c['year']}年电视问政和专栏的全部期号，缺号一并列出。"}),
    "data.html": lambda c: ("开放数据", "data", {}),
    "bounced.html": lambda c: (page_title("反复流转的案件", c["pagination"]), COLUMN,
                               {"description": "在部门之间交办、转办、退回或认领三次以上，"
                                               "或又回到曾经转出它的部门的专栏案件，及其流转经过。"}),
}


def _redirect_pages(site: Site) -> list[Page]:
    """One page per old URL of a record, pointing at its current URL (permanent URLs)."""
    return [Page(alias.output_path, deps=frozenset({r.key}), template="redirect.html",
                 context={"record": r, "target": r.url})
            for r in (*site.inquiries, *site.entries) for alias in r.aliases]


def _check_redirects_collide_with_nothing(site: Site, pages: list[Output], redirects: list[Page]) -> None:
    taken = {p.path for p in pages}
    problems = Problems()
    for page in redirects:
        if page.path in taken:
            record = page.context["record"]
            alias = next(a for a in record.aliases if a.output_path == page.path)
            problems.add(record.path, alias.line, f"旧网址 {alias.url} 与网站上现有的页面重复。",
                         "旧网址不能占用现有页面的地址；请删除这一条 aliases，或核对旧网址。")
    if problems:
        raise ContentError(problems)


def _record_pages(site: Site, idx: Indexes) -> list[Output]:
    pages: list[Output] = [_qr_file(site, r) for r in (*site.inquiries, *site.entries)]
    for r in site.inquiries:
        follow = {e.key for s in r.segments for e in idx.follow_ups.get(f"{r.key}#{s.id}", ())}
        videos = {s.id: next((c for c in cite_all(s.sources, r.video) if c.at and c.url), None)
                  for s in r.segments}
        pages.append(Page(f"{r.url}index.html", deps=frozenset({r.key, *follow}),
                          template="inquiry.html",
                          context={"record": r, "citations": cite_all(r.sources, r.video),
                                   "segment_citations": {s.id: cite_all(s.sources, r.video)
                                                         for s in r.segments},
                                   "segment_videos": videos, "qr": _qr(site, r)}))
    for r in site.entries:
        related = {ref.inquiry.key for ref in idx.evidence_for.get(r.key, ())}
        if r.follow_up:
            related.add(r.follow_up.target.split("#")[0])
        pages.append(Page(f"{r.url}index.html", deps=frozenset({r.key, *related}),
                          facts=(tuple(ref.ident for ref in idx.evidence_for.get(r.key, ())),),
                          template="entry.html",
                          context={"record": r, "trail": idx.routing.trails.get(r.key),
                                   "citations": cite_all(r.sources), "qr": _qr(site, r)}))
    return pages


def _qr(site: Site, record) -> dict:
    """What a record page shows of its QR code: the published file and the URL in it."""
    return {"src": f"{record.url}{QR_NAME}", "url": absolute(site_meta(site.settings).base, record.url)}


def _qr_file(site: Site, record) -> DataFile:
    url = absolute(site_meta(site.settings).base, record.url)
    return DataFile(f"{record.url}{QR_NAME}", produce=render_qr, args=(url,))


def _department_pages(site: Site, idx: Indexes, stats: dict) -> list[Output]:
    pages: list[Output] = []
    for dept in site.departments.values():
        facts, s = idx.by_department[dept.id], stats[dept.id]
        shown = [facts] + [idx.by_department[p.id] for p in facts.lineage]
        order = tuple((keys(r.inquiry for r in f.segments), keys(f.entries),
                       tuple(c.ident for c in f.commitments)) for f in shown)
        bounced = bounced_trails(lineage_trails(facts, idx))
        deps = frozenset(k for part in order for k in part[0] + part[1]) | {t.entry.key for t in bounced}
        pages.append(Page(f"{dept.url}index.html", deps=deps,
                          facts=(order, s, keys(t.entry for t in bounced)), template="department.html",
                          context={"facts": facts, "stats": s, "figures": department_figures(s),
                                   "feed": feeds.feed_path(dept.id), "bounced": bounced,
                                   "bounced_url": bounced_url()}))
        pages.append(_feed(site, idx, dept.id))
        if dept.level == "区县":
            entries = idx.entries_by_district.get(dept.id, [])
            pages.append(Page(f"districts/{dept.id}/index.html", deps=frozenset(keys(entries)),
                              facts=(keys(entries),), template="district.html",
                              context={"facts": facts, "entries": entries}))
    all_stats = tuple(stats.items())
    for slug, heading, key, descending in RANKINGS:
        ranked, thin, empty = _ranked(list(site.departments.values()), stats, key, descending)
        pages.append(Page(f"departments/by/{slug}/index.html", facts=(all_stats,),
                          template="ranking.html",
                          context={"ranked": ranked, "thin": thin, "empty": empty, "heading": heading,
                                   "slug": slug, "key": key, "stats": stats, "rankings": RANKINGS,
                                   "minimum": site.settings.min_sample}))
    return pages


def _feed(site: Site, idx: Indexes, scope: str) -> DataFile:
    items = feeds.feed_items(site, idx, scope)
    return DataFile(feeds.feed_path(scope), deps=frozenset(feeds.item_record(i).key for i in items),
                    facts=(keys(items),), produce=feeds.render_feed, args=(scope,))


def _ranked(departments: list, stats: dict, key: str, descending: bool) -> tuple[list, list, list]:
    """(ranked, thin, empty). Counts rank every department. A rate or median ranks only the
    departments whose sample reaches the minimum; the others are listed apart, never ranked:
    `thin` have some cases but too few, `empty` have none."""
    value = lambda d: getattr(stats[d.id], key)
    fair = isinstance(value(departments[0]), (Rate, Median)) if departments else False
    if not fair:
        ranked = sorted(departments, key=lambda d: d.id)
        return sorted(ranked, key=value, reverse=descending), [], []
    ranked = sorted((d for d in departments if value(d).enough), key=lambda d: d.id)
    ranked.sort(key=lambda d: value(d).value, reverse=descending)
    thin = sorted((d for d in departments if not value(d).enough and value(d).count),
                  key=lambda d: (-value(d).count, d.id))
    empty = sorted((d for d in departments if not value(d).count), key=lambda d: d.id)
    return ranked, thin, empty


def _list_pages(site: Site, idx: Indexes) -> list[Output]:
    size = site.settings.page_size
    pages: list[Output] = [
        Page("categories/index.html", template="categories.html",
             facts=tuple((c.name, c.slug, len(c.entries)) for c in idx.categories.values())),
        Page("status/index.html", template="statuses.html", facts=(
            tuple(len(v) for v in idx.entries_by_status.values()),
            tuple(len(v) for v in idx.commitments_by_status.values()))),
    ]
    for kind in (INQUIRY, COLUMN):
        years = tuple((y, len(r)) for y, r in idx.by_year[kind].items())
        pages.append(Page(f"{kind}/index.html", facts=(years,), template="kind.html",
                          context={"kind": kind, "feed": feeds.feed_path(kind),
                                   "bounced_url": bounced_url()}))
        pages.append(_feed(site, idx, kind))
        for year, records in idx.by_year[kind].items():
            pages += _record_list(f"{kind}/{year}/", records, size, f"{year}年{KIND_NAMES[kind]}",
                                  f"本年共 {len(records)} 期。")
    for cat in idx.categories.values():
        pages += _record_list(cat.url, list(cat.entries), size, f"问题类别：{cat.name}",
                              f"共 {len(cat.entries)} 期专栏。")
    for status in ENTRY_STATUSES:
        entries = idx.entries_by_status[status]
        pages += _record_list(f"status/{STATUS_SLUGS[status]}/", entries, size, f"办理状态：{status}",
                              f"共 {len(entries)} 期专栏。")
    return pages


def _record_list(base: str, records: list, size: int, title: str, intro: str) -> list[Page]:
    return [Page(page.path, deps=frozenset(keys(page.context["items"])),
                 facts=(keys(page.context["items"]), intro, page.context["pagination"]),
                 template="records.html", context=page.context)
            for page in _paginated(base, "records.html", records, size, {"title": title, "intro": intro})]


def _bounced_pages(site: Site, idx: Indexes) -> list[Page]:
    """Cases that were passed around: three handoffs or more, or back to an earlier holder."""
    size = site.settings.page_size
    trails = idx.routing.bounced
    routed = len(idx.routing.trails)
    pages = []
    context = {"total": len(trails), "routed": routed}
    for page in _paginated(bounced_url(), "bounced.html", trails, size, context):
        shown = keys(t.entry for t in page.context["items"])
        pages.append(Page(page.path, deps=frozenset(shown),
                          facts=(shown, routed, page.context["pagination"]),
                          template=page.template, context=page.context))
    return pages


def _ledger_pages(site: Site, idx: Indexes) -> list[Page]:
    size = site.settings.page_size
    counts = tuple(len(v) for v in idx.commitments_by_status.values())
    views = [("commitments/", None, idx.commitments)] + [
        (f"commitments/{STATUS_SLUGS[s]}/", s, idx.commitments_by_status[s]) for s in LEDGER_STATUSES]
    pages = []
    for base, status, refs in views:
        for page in _paginated(base, "commitments.html", refs, size, {"status": status, "total": len(refs)}):
            items = page.context["items"]
            pages.append(Page(page.path, deps=frozenset(r.inquiry.key for r in items),
                              facts=(tuple((r.ident, r.status) for r in items), counts, len(refs),
                                     page.context["pagination"]),
                              template=page.template, context=page.context))
    return pages


def _archive_pages(site: Site, idx: Indexes) -> list[Page]:
    years = tuple((y.year, y.inquiries, y.entries) for y in idx.years)
    pages = [Page("archive/index.html", facts=(years, site.editions), template="archive.html",
                  context={"years": list(idx.archive), "packages": list(reversed(site.editions))})]
    for year, slots in idx.archive.items():
        shown = tuple((s.kind, s.number, s.record.key if s.record else None) for s in slots)
        pages.append(Page(f"archive/{year}/index.html",
                          deps=frozenset(s.record.key for s in slots if s.record), facts=(shown,),
                          template="archive_year.html", context={"year": year, "slots": slots}))
    return pages


def _data_files(site: Site) -> list[Output]:
    shown = {"records": keys((*site.inquiries, *site.entries)), "commitments": keys(site.inquiries),
             "departments": (),  # departments.* change only with the registry, which rebuilds all
             "hops": keys(e for e in site.entries if e.routing),
             "sources": keys((*site.inquiries, *site.entries))}
    files: list[Output] = [
        Page("data/index.html", template="data.html", context={"fields": opendata.FIELDS}),
        DataFile("robots.txt", produce=opendata.render_robots),
        _feed(site, None, "all"),
    ]
    for dataset in opendata.FIELDS:
        for ext, produce in (("json", opendata.render_json), ("csv", opendata.render_csv)):
            files.append(DataFile(f"data/{dataset}.{ext}", deps=frozenset(shown[dataset]),
                                  facts=(shown[dataset],), produce=produce, args=(dataset,)))
    return files


def _latest(site: Site) -> dict:
    n = site.settings.latest
    return {INQUIRY: list(reversed(site.inquiries[-n:])), COLUMN: list(reversed(site.entries[-n:]))}


def _paginated(base: str, template: str, items: list, size: int, context: dict) -> list[Page]:
    count = max(1, ceil(len(items) / size))
    pages = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, base)
        chunk = items[(number - 1) * size: number * size]
        pages.append(Page(f"{pagination.url(number)}index.html", template=template,
                          context={**context, "items": chunk, "pagination": pagination}))
    return pages
