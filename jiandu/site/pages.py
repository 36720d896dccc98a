"""The page set: every output file as a Page (template + context) or a DataFile (bytes producer).

A page's context is everything its template shows, and a data file's arguments are everything
it writes, besides what every page shares (the registry, the as-of date and the settings: a
change to those rewrites every page). Templates read nothing else; tests/test_page_context.py
renders every page with a context that records what is read.

What an output shows also says when the live preview must write it again. `deps` are the keys of
the records found in its context, and `facts` is that context as a comparable value, with each
record replaced by its key. An output is rendered again when it is new, when its deps or facts
differ, or when one of its deps changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cached_property
from math import ceil

from jiandu.content.model import Department, Record, Site
from jiandu.core import routes
from jiandu.core.problems import ContentError, Problems
from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, Level
from jiandu.site import feeds, opendata
from jiandu.site.charts import Figure
from jiandu.site.citations import cite_all
from jiandu.site.indexes import CommitmentRef, Indexes, SegmentRef
from jiandu.site.metadata import PageMeta, SiteMeta, describe, page_title, site_meta, with_meta
from jiandu.site.qr import render_qr
from jiandu.site.routing import bounced_trails
from jiandu.site.samples import Median, Rate
from jiandu.site.search import search_options
from jiandu.site.stats import DepartmentStats, department_figures, department_stats, lineage_trails


@dataclass(frozen=True)
class Output:
    path: str  # output file relative to the site root, e.g. "departments/cgj/index.html"

    def shows(self) -> object:
        """Everything the output shows besides what every page shares."""
        return ()

    @cached_property
    def _shown(self) -> tuple[frozenset, object]:
        # Worked out when the preview first compares this output, never in a full build.
        deps: set[str] = set()
        facts = shown(self.shows(), deps)
        return frozenset(deps), facts

    @property
    def deps(self) -> frozenset:
        return self._shown[0]

    @property
    def facts(self) -> object:
        return self._shown[1]

    def stale(self, before: Output | None, changed: set[str]) -> bool:
        """Whether this output must be written again, given its previous version."""
        return (before is None or type(before) is not type(self) or self._differs(before)
                or before.deps != self.deps or before.facts != self.facts
                or not self.deps.isdisjoint(changed))

    def _differs(self, before: Output) -> bool:
        return False


@dataclass(frozen=True)
class Page(Output):
    template: str = ""
    context: dict = field(default_factory=dict, compare=False)

    @property
    def url(self) -> str:
        return routes.url_of(self.path)

    def shows(self) -> object:
        return self.context

    def _differs(self, before: Output) -> bool:
        return before.template != self.template


@dataclass(frozen=True)
class DataFile(Output):
    produce: Callable[..., bytes] | None = None  # a module-level function of (site, *args)
    args: tuple = field(default=(), compare=False)

    def shows(self) -> object:
        return self.args

    def _differs(self, before: Output) -> bool:
        return before.produce is not self.produce


def shown(value: object, deps: set[str]) -> object:
    """`value` as a comparable value in which every record is replaced by its key, added to `deps`.

    Records, and the session a segment or commitment belongs to, are compared by key because the
    preview knows which records an edit changed; everything else is compared by value. (A
    commitment's displayed status follows from its session and the as-of date, so its identity
    is enough.) The preview walks every context on each edit: this is kept to one call per value.
    """
    return _walker(type(value))(value, deps)


def _walker(kind: type) -> Callable[[object, set[str]], object]:
    walk = _WALKS.get(kind)
    if walk is None:
        walk = _WALKS[kind] = _walk_for(kind)
    return walk


def _record(value: Record, deps: set[str]) -> str:
    deps.add(value.key)
    return value.key


def _segment(value: SegmentRef, deps: set[str]) -> str:
    deps.add(value.inquiry.key)
    return value.key


def _commitment(value: CommitmentRef, deps: set[str]) -> tuple:
    deps.add(value.inquiry.key)
    return value.ident


def _same(value: object, deps: set[str]) -> object:
    return value


def _sequence(value: list | tuple, deps: set[str]) -> tuple:
    return tuple([(_WALKS.get(type(v)) or _walker(type(v)))(v, deps) for v in value])


def _mapping(value: dict, deps: set[str]) -> tuple:
    return tuple([(k, (_WALKS.get(type(v)) or _walker(type(v)))(v, deps)) for k, v in value.items()])


def _walk_for(kind: type) -> Callable[[object, set[str]], object]:
    if issubclass(kind, Record):
        return _record
    if issubclass(kind, VALUES) or kind is type(None):
        return _same
    if issubclass(kind, (list, tuple)):
        return _sequence
    if issubclass(kind, dict):
        return _mapping
    if is_dataclass(kind):
        names = tuple(f.name for f in fields(kind))
        return lambda value, deps: (kind, *[shown(getattr(value, n), deps) for n in names])
    raise TypeError(f"{kind.__name__} in a page's context: say in pages.shown how it is compared")


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    base: str  # URL of page 1

    def url(self, number: int) -> str:
        return routes.page(self.base, number)

    @property
    def previous(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


@dataclass(frozen=True)
class RecordCounts:
    """What the directory shows of a department: how many segments, entries and commitments."""

    segments: int
    entries: int
    commitments: int
    bounced: int  # bounced cases it took part in, predecessors included


# Compared by value as they are: plain values (str covers the vocabulary enums), departments (a
# registry change rewrites everything anyway) and frozen values made only of numbers and text.
VALUES = (str, int, float, date, Department, Pagination, RecordCounts, DepartmentStats, Figure, PageMeta)
_WALKS: dict[type, Callable[[object, set[str]], object]] = {SegmentRef: _segment, CommitmentRef: _commitment}


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


def site_pages(site: Site, idx: Indexes) -> list[Output]:
    stats = {d: department_stats(f, idx, site.settings.min_sample) for d, f in idx.by_department.items()}
    counts = {d: RecordCounts(len(f.segments), len(f.entries), len(f.commitments), stats[d].bounced)
              for d, f in idx.by_department.items()}
    statuses = [*EntryStatus, *CommitmentStatus]
    pages = [
        Page(routes.output_path(routes.HOME), template="home.html",
             context={"latest": _latest(site), "years": idx.years}),
        Page(routes.NOT_FOUND, template="404.html", context={"absolute_urls": True}),
        Page(routes.output_path(routes.SEARCH), template="search.html",
             context={"options": search_options(site, [y.year for y in idx.years], statuses),
                      "records": len(site.inquiries) + len(site.entries)}),
        Page(routes.output_path(routes.DIRECTORY), template="departments.html",
             context={"directory": idx.directory, "counts": counts, "rankings": RANKINGS}),
        Page(routes.output_path(routes.ELDER), template="elder.html"),
        *_record_pages(site, idx),
        *_department_pages(site, idx, stats),
        *_list_pages(site, idx),
        *_bounced_pages(site, idx),
        *_ledger_pages(site, idx),
        *_archive_pages(site, idx),
        *_data_files(site, idx),
    ]
    html = tuple(sorted(p.url for p in pages if isinstance(p, Page) and p.path != routes.NOT_FOUND))
    pages.append(DataFile(routes.SITEMAP, produce=opendata.render_sitemap, args=(html,)))
    redirects = _redirect_pages(site)
    _check_redirects_collide_with_nothing(site, pages, redirects)
    sm = site_meta(site.settings)
    return sorted((_described(p, site, sm) for p in pages + redirects), key=lambda p: p.path)


def _described(output: Output, site: Site, sm: SiteMeta) -> Output:
    """The page with its metadata (guideline fields, description, canonical link, Open Graph)."""
    if not isinstance(output, Page):
        return output
    ctx, url = output.context, output.url
    title, column, extra = DESCRIBE[output.template](ctx)
    if output.template == "404.html":
        extra = {**extra, "canonical": "", "noindex": True}
    elif output.template == "redirect.html":
        extra = {**extra, "canonical": routes.absolute(sm.base, ctx["target"]) if sm.base else "",
                 "noindex": True}
    return with_meta(output, describe(site, sm, url, title, column, **extra))


def _kind_of_list(ctx: dict) -> Kind:
    """Sessions only in a year's list of sessions; entries in every other list."""
    return ctx["items"][0].kind if ctx["items"] else Kind.COLUMN


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
    "inquiry.html": lambda c: (c["record"].title, Kind.INQUIRY, {"record": c["record"]}),
    "entry.html": lambda c: (c["record"].title, Kind.COLUMN, {"record": c["record"]}),
    "redirect.html": lambda c: ("本页网址已变更", c["record"].kind, {}),
    "department.html": lambda c: (c["facts"].department.name, "departments",
                                  {"description": _department_description(c)}),
    "district.html": lambda c: (f"{c['dept'].label}：专栏与部门", "departments",
                                {"description": f"发生在{c['dept'].name}的专栏，"
                                                f"共 {len(c['entries'])} 期；以及所属部门和镇街。"}),
    "ranking.html": lambda c: (f"部门排序：{c['heading']}", "departments",
                               {"description": f"各部门按{c['heading']}排序。"}),
    "categories.html": lambda c: ("问题类别", Kind.COLUMN, {"description": "专栏按问题类别分组的全部记录。"}),
    "statuses.html": lambda c: ("办理状态", Kind.COLUMN, {"description": "专栏按办理状态分组的全部记录。"}),
    "kind.html": lambda c: (c["kind"].label, c["kind"], {}),
    "records.html": lambda c: (page_title(c["title"], c["pagination"]), _kind_of_list(c),
                               {"description": f"{c['title']}。{c['intro']}"}),
    "commitments.html": lambda c: (page_title("承诺台账" + (f"：{c['status']}" if c["status"] else ""),
                                              c["pagination"]), "commitments", {}),
    "archive.html": lambda c: ("往期目录", "archive", {}),
    "archive_year.html": lambda c: (
        f"{c['year']}年往期目录", "archive",
        {"description": f"{c['year']}年电视问政和专栏的全部期号，缺号一并列出。"}),
    "data.html": lambda c: ("开放数据", "data", {}),
    "bounced.html": lambda c: (page_title("反复流转的案件", c["pagination"]), Kind.COLUMN,
                               {"description": "在部门之间交办、转办、退回或认领三次以上，"
                                               "或又回到曾经转出它的部门的专栏案件，及其流转经过。"}),
}


def _redirect_pages(site: Site) -> list[Page]:
    """One page per old URL of a record, pointing at its current URL (permanent URLs)."""
    return [Page(alias.output_path, template="redirect.html", context={"record": r, "target": r.url})
            for r in (*site.inquiries, *site.entries) for alias in r.aliases]


# Folders written outside the page plan (CSS bundle and scripts, search bundle) or kept for open
# data: no old address may be put inside them.
RESERVED_FOLDERS = (routes.ASSETS, routes.SEARCH_INDEX, routes.DATA)


def _check_redirects_collide_with_nothing(site: Site, pages: list[Output], redirects: list[Page]) -> None:
    """An old address becomes a file: it may not be, hold or sit inside another file of the site.

    Paths are compared without regard to case, as a site may be copied to a case-insensitive disk.
    """
    files: dict[str, Output] = {}
    for output in (*pages, *redirects):
        files.setdefault(output.path.casefold(), output)
    folders = {folder: path for path in files for folder in _folders(path)}
    aliases = {a.output_path: (r, a) for r in (*site.inquiries, *site.entries) for a in r.aliases}
    problems = Problems()
    for page in redirects:
        clash = _clash(page, files, folders)
        if clash:
            record, alias = aliases[page.path]
            problems.add(record.path, alias.line, f"旧网址 {alias.url} {clash[0]}",
                         f"{clash[1]}请删除这一条 aliases，或核对旧网址。")
    if problems:
        raise ContentError(problems)


def _folders(path: str) -> list[str]:
    """"a/b/c.html" -> ["a/", "a/b/"]"""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _clash(page: Page, files: dict[str, Output], folders: dict[str, str]) -> tuple[str, str] | None:
    path = page.path.casefold()
    other = files[path]
    if other is not page:
        case = "" if other.path == page.path else f"（与 /{other.path} 只有大小写不同）"
        return f"与网站上现有的页面重复{case}。", "旧网址不能占用现有页面的地址；"
    if path + "/" in folders:
        inside = files[folders[path + "/"]].path
        return f"与网站上的文件夹 /{page.path}/ 重名。", f"该文件夹中有网站的文件 /{inside}；"
    under = next((files[f.rstrip("/")] for f in _folders(path) if f.rstrip("/") in files), None)
    if under is not None:
        return f"位于网站上的文件 /{under.path} 之下。", f"/{under.path} 是一个文件，不能再包含网页；"
    reserved = next((f for f in RESERVED_FOLDERS if path.startswith(f)), None)
    if reserved:
        return (f"位于网站保留的文件夹 /{reserved} 中。",
                f"/{reserved} 存放网站自身的文件（样式、搜索索引、开放数据），不能放跳转页；")
    return None


def _record_pages(site: Site, idx: Indexes) -> list[Output]:
    base = site.settings.public_base
    pages: list[Output] = [_qr_file(base, r) for r in (*site.inquiries, *site.entries)]
    for r in site.inquiries:
        follow_ups = {s.id: idx.follow_ups.get(routes.segment_key(r.key, s.id), []) for s in r.segments}
        videos = {s.id: next((c for c in cite_all(s.sources, r.video) if c.at and c.url), None)
                  for s in r.segments}
        pages.append(Page(routes.output_path(r.url), template="inquiry.html",
                          context={"record": r, "follow_ups": follow_ups, "qr": _qr(base, r),
                                   "citations": cite_all(r.sources, r.video),
                                   "segment_citations": {s.id: cite_all(s.sources, r.video)
                                                         for s in r.segments},
                                   "segment_videos": videos}))
    for r in site.entries:
        follow_up = idx.segments[r.follow_up.target] if r.follow_up else None
        pages.append(Page(routes.output_path(r.url), template="entry.html",
                          context={"record": r, "follow_up": follow_up,
                                   "cited": idx.evidence_for.get(r.key, []), "qr": _qr(base, r),
                                   "trail": idx.routing.trails.get(r.key), "citations": cite_all(r.sources)}))
    return pages


def _qr(base: str, record: Record) -> dict:
    """What a record page shows of its QR code: the published file and the URL in it."""
    return {"src": routes.record_qr(record.url), "url": routes.absolute(base, record.url)}


def _qr_file(base: str, record: Record) -> DataFile:
    url = routes.absolute(base, record.url)
    return DataFile(routes.record_qr(record.url), produce=render_qr, args=(url,))


def _department_pages(site: Site, idx: Indexes, stats: dict) -> list[Output]:
    pages: list[Output] = []
    for dept in site.departments.values():
        facts, s = idx.by_department[dept.id], stats[dept.id]
        lineage = [idx.by_department[p.id] for p in facts.lineage]
        feed = feeds.department_feed(site, facts, idx.routing.by_department[dept.id].steps)
        pages.append(Page(routes.output_path(dept.url), template="department.html",
                          context={"facts": facts, "lineage": lineage, "stats": s,
                                   "figures": department_figures(s), "feed": feed.path,
                                   "bounced": bounced_trails(lineage_trails(facts, idx))}))
        pages.append(_feed(feed))
        if dept.level == Level.DISTRICT:
            pages.append(Page(routes.output_path(routes.district(dept.id)), template="district.html",
                              context={"dept": dept, "children": facts.children,
                                       "entries": idx.entries_by_district.get(dept.id, [])}))
    for slug, heading, key, descending in RANKINGS:
        ranked, thin, empty = _ranked(list(site.departments.values()), stats, key, descending)
        pages.append(Page(routes.output_path(routes.ranking(slug)), template="ranking.html",
                          context={"ranked": ranked, "thin": thin, "empty": empty, "heading": heading,
                                   "slug": slug, "key": key, "stats": stats, "rankings": RANKINGS,
                                   "minimum": site.settings.min_sample}))
    return pages


def _feed(feed: feeds.Feed) -> DataFile:
    return DataFile(feed.path, produce=feeds.render_feed, args=(feed,))


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
        Page(routes.output_path(routes.CATEGORIES), template="categories.html",
             context={"categories": [(c.name, c.url, len(c.entries)) for c in idx.categories.values()]}),
        Page(routes.output_path(routes.STATUSES), template="statuses.html", context={
            "entries": [(s, len(v)) for s, v in idx.entries_by_status.items()],
            "commitments": [(s, len(v)) for s, v in idx.commitments_by_status.items()]}),
    ]
    for kind in Kind:
        feed = feeds.kind_feed(site, kind)
        years = sorted(((y, len(r)) for y, r in idx.by_year[kind].items()), reverse=True)
        pages.append(Page(routes.output_path(routes.kind_index(kind)), template="kind.html",
                          context={"kind": kind, "years": years, "feed": feed.path}))
        pages.append(_feed(feed))
        for year, records in idx.by_year[kind].items():
            pages += _record_list(routes.year_list(kind, year), records, size, f"{year}年{kind.label}",
                                  f"本年共 {len(records)} 期。")
    for cat in idx.categories.values():
        pages += _record_list(cat.url, list(cat.entries), size, f"问题类别：{cat.name}",
                              f"共 {len(cat.entries)} 期专栏。")
    for status in EntryStatus:
        entries = idx.entries_by_status[status]
        pages += _record_list(routes.entry_status(status), entries, size, f"办理状态：{status}",
                              f"共 {len(entries)} 期专栏。")
    return pages


def _record_list(base: str, records: list, size: int, title: str, intro: str) -> list[Page]:
    return _paginated(base, "records.html", records, size, {"title": title, "intro": intro})


def _bounced_pages(site: Site, idx: Indexes) -> list[Page]:
    """Cases that were passed around: three handoffs or more, or back to an earlier holder."""
    context = {"total": len(idx.routing.bounced), "routed": len(idx.routing.trails)}
    return _paginated(routes.BOUNCED, "bounced.html", idx.routing.bounced, site.settings.page_size, context)


def _ledger_pages(site: Site, idx: Indexes) -> list[Page]:
    size = site.settings.page_size
    views = [(None, idx.commitments)] + [(s, idx.commitments_by_status[s]) for s in CommitmentStatus]
    counts = [(status, len(refs)) for status, refs in views]
    pages = []
    for status, refs in views:
        pages += _paginated(routes.ledger(status), "commitments.html", refs, size,
                            {"status": status, "total": len(refs), "counts": counts})
    return pages


def _archive_pages(site: Site, idx: Indexes) -> list[Page]:
    pages = [Page(routes.output_path(routes.ARCHIVE), template="archive.html",
                  context={"years": idx.years, "packages": list(reversed(site.editions))})]
    for year, slots in idx.archive.items():
        pages.append(Page(routes.output_path(routes.archive_year(year)), template="archive_year.html",
                          context={"year": year, "slots": slots}))
    return pages


def _data_files(site: Site, idx: Indexes) -> list[Output]:
    rows = {"records": (*site.inquiries, *site.entries), "commitments": tuple(idx.commitments),
            "departments": tuple(site.departments.values()), "hops": tuple(idx.routing.trails.values()),
            "sources": (*site.inquiries, *site.entries)}
    files: list[Output] = [
        Page(routes.output_path(routes.DATA), template="data.html", context={"fields": opendata.FIELDS}),
        DataFile(routes.ROBOTS, produce=opendata.render_robots),
        _feed(feeds.site_feed(site)),
    ]
    for dataset in opendata.FIELDS:
        for ext, produce in (("json", opendata.render_json), ("csv", opendata.render_csv)):
            files.append(DataFile(routes.data_file(dataset, ext), produce=produce,
                                  args=(dataset, rows[dataset])))
    return files


def _latest(site: Site) -> dict:
    n = site.settings.latest
    return {Kind.INQUIRY: list(reversed(site.inquiries[-n:])), Kind.COLUMN: list(reversed(site.entries[-n:]))}


def _paginated(base: str, template: str, items: list, size: int, context: dict) -> list[Page]:
    count = max(1, ceil(len(items) / size))
    pages = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, base)
        chunk = items[(number - 1) * size: number * size]
        pages.append(Page(routes.output_path(pagination.url(number)), template=template,
                          context={**context, "items": chunk, "pagination": pagination}))
    return pages
