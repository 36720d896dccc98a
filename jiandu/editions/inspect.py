"""Self-inspection of a built edition against what government-website inspections check.

It reads the built output (every HTML page) together with the content and the page plan, so each
finding names the source file and line that causes it: the Markdown line where a dead link is
written, the registry line of an empty department, the settings line of a missing identity.
It sits in the editions layer because it judges a whole built edition, as verify-deploy does;
the command that builds the edition to inspect is in commands/inspect.py.

Checks: freshness (home page and each kind's list within JIANDU_UPDATE_DAYS of the as-of date;
each department's newest record reported with its age), empty columns, internal links and
assets (with anchors), external links over HTTP (unless offline), page metadata, the notice on
pages of abolished departments, and the site identity. Blocking findings are those the
inspection indicators treat as veto items or that are certainly broken.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from jiandu.content.model import Department, Record, Site
from jiandu.core import routes
from jiandu.core.identity import ICP_LOOKUP, SITE_CODE_RE, identity_of, missing_identity, setting_lines
from jiandu.core.settings import Settings, UpdateDays
from jiandu.core.vocabulary import Kind
from jiandu.editions.linkcheck import LinkResult, check_links
from jiandu.site.indexes import Indexes
from jiandu.site.pages import Page, site_pages

BLOCKING, WARNING, INFO = "阻断", "提示", "信息"
FRESHNESS, EMPTY, INTERNAL, EXTERNAL, METADATA, EXPIRED, IDENTITY = (
    "栏目更新", "空白栏目", "站内链接", "外部链接", "网页元数据", "撤销部门", "网站标识")
KINDS = (FRESHNESS, EMPTY, INTERNAL, EXTERNAL, METADATA, EXPIRED, IDENTITY)
CONF = "pelicanconf.py"
REGISTRY = "departments.yml"
RECORD_TEMPLATES = ("inquiry.html", "entry.html")
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:")
# Elements and attributes that load or link to another address.
LINK_ATTRS = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("iframe", "src"),
              ("source", "src"), ("video", "src"), ("audio", "src"), ("video", "poster"),
              ("form", "action"))
# Page metadata: (name, label) of the guideline's fields and the description, on every page.
PAGE_FIELDS = ("description", "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription",
               "ColumnKeywords", "ColumnType")
ARTICLE_FIELDS = ("ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Image",
                  "Url")
OPEN_GRAPH = ("og:title", "og:description", "og:url", "og:image")
PUB_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
# Settings behind some metadata: a missing value is fixed there, not in the theme.
SETTING_OF = {"SiteName": "SITENAME", "SiteDomain": "JIANDU_PUBLIC_URL", "SiteIDCode": "JIANDU_SITE_CODE",
              "Author": "JIANDU_SPONSOR"}
META_TEMPLATE = "theme/templates/components/page_meta.html"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    severity: str
    kind: str
    message: str
    suggestion: str = ""
    pages: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        where = ""
        if self.pages:
            shown = "、".join(f"/{p}" for p in self.pages[:3])
            more = f" 等 {len(self.pages)} 个页面" if len(self.pages) > 3 else ""
            where = f"（见 {shown}{more}）"
        text = f"{self.path}:{self.line}: {self.severity}［{self.kind}］{self.message}{where}"
        return f"{text} {self.suggestion}" if self.suggestion else text


@dataclass(frozen=True)
class DepartmentAge:
    department: Department
    newest: Record | None
    days: int | None


@dataclass
class Inspection:
    as_of: date
    findings: list[Finding]
    departments: list[DepartmentAge]
    links: dict[str, LinkResult] | None  # None when offline
    pages: int

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BLOCKING]

    def counts(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for f in self.findings:
            counts[(f.kind, f.severity)] += 1
        return dict(sorted(counts.items(), key=lambda kv: (KINDS.index(kv[0][0]), kv[0][1])))

    def lines(self) -> list[str]:
        out = [str(f) for f in self.findings]
        per_kind = "，".join(f"{kind}{severity} {n}" for (kind, severity), n in self.counts().items())
        network = ("未检查外部链接（--offline）" if self.links is None
                   else f"检查外部链接 {len(self.links)} 个")
        warnings = len(self.findings) - len(self.blocking)
        out.append(f"自查 {self.pages} 个页面（截至 {self.as_of}，{network}）：阻断 {len(self.blocking)} 项，"
                   f"提示 {warnings} 项" + (f"（{per_kind}）。" if per_kind else "。"))
        return out


# ---- reading the built pages ------------------------------------------------------------------

@dataclass
class BuiltPage:
    path: str  # output path, e.g. "column/2016-001/index.html"
    plan: Page | None  # None for files the plan does not know (e.g. the search index's)
    title: str
    meta: dict[str, str]  # name or property -> content
    canonical: str | None
    links: list[tuple[str, str]]  # (tag, address as written in the page)
    ids: set[str]
    times: list[str]

    @property
    def url(self) -> str:
        return routes.url_of(self.path)

    @property
    def noindex(self) -> bool:
        return "noindex" in self.meta.get("robots", "")


def read_page(output: Path, path: str, plan: Page | None) -> BuiltPage:
    soup = BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")
    meta = {}
    for tag in soup.find_all("meta"):
        key = tag.get("name") or tag.get("property")
        if key and key not in meta:
            meta[key] = tag.get("content", "")
    canonical = soup.find("link", rel="canonical")
    links = [(tag.name, tag[attr]) for name, attr in LINK_ATTRS for tag in soup.find_all(name)
             if tag.get(attr) and not (name == "link" and "canonical" in (tag.get("rel") or []))]
    ids = {t["id"] for t in soup.find_all(id=True)}
    ids |= {t["name"] for t in soup.find_all("a", attrs={"name": True})}
    return BuiltPage(path, plan, soup.title.get_text() if soup.title else "", meta,
                     canonical.get("href") if canonical else None, links, ids,
                     [t["datetime"] for t in soup.find_all("time", datetime=True)])


def read_pages(output: Path, plan: dict[str, Page]) -> dict[str, BuiltPage]:
    files = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    return {f: read_page(output, f, plan.get(f)) for f in files if not f.startswith(routes.SEARCH_INDEX)}


# ---- where things are written ----------------------------------------------------------------

class Sources:
    """The project's text files, to find the line where something is written."""

    def __init__(self, site: Site, settings: Settings):
        self.root = settings.root
        self.content = settings.content
        self.registry = f"{self.content}/{REGISTRY}"
        self.settings_lines = setting_lines(settings.root)
        self.records = [r.path for r in (*site.inquiries, *site.entries)]

    @cache  # noqa: B019 - one Sources per inspection
    def lines(self, path: str) -> tuple[str, ...]:
        try:
            return tuple((self.root / path).read_text(encoding="utf-8-sig").splitlines())
        except (OSError, UnicodeDecodeError):
            return ()

    def find(self, path: str, text: str) -> int | None:
        for variant in dict.fromkeys((text, html.escape(text, quote=False), html.escape(text))):
            for number, line in enumerate(self.lines(path), 1):
                if variant in line:
                    return number
        return None

    def key_line(self, path: str, key: str) -> int:
        """Line of a top-level `key:` in a Markdown file's front matter (1 if absent)."""
        pattern = re.compile(rf"^{re.escape(key)}\s*:")
        return next((n for n, line in enumerate(self.lines(path), 1) if pattern.match(line)), 1)

    def department_line(self, dept_id: str, key: str = "id") -> int:
        """Line of a department's `id` (or of another key in its entry) in the registry."""
        lines = self.lines(self.registry)
        start = next((n for n, line in enumerate(lines, 1)
                      if re.match(rf"^\s*-?\s*id\s*:\s*['\"]?{re.escape(dept_id)}['\"]?\s*$", line)), None)
        if start is None:
            return 1
        if key == "id":
            return start
        for n in range(start + 1, len(lines) + 1):
            if re.match(r"^\s*-\s", lines[n - 1]):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*:", lines[n - 1]):
                return n
        return start

    def setting_line(self, key: str) -> int:
        return self.settings_lines.get((key,), 1)

    def template_line(self, template: str, text: str) -> tuple[str, int]:
        path = f"theme/templates/{template}"
        return path, self.find(path, text) or 1


def written_at(sources: Sources, page: BuiltPage, address: str,
               derived: dict[str, tuple[str, int]]) -> tuple[str, int]:
    """Where the link `address` on `page` is written: the record's file, the registry, the settings,
    or else the page's template."""
    if address in derived:
        return derived[address]
    record = page.plan.context.get("record") if page.plan else None
    candidates = [record.path] if record else []
    if address.startswith(("http://", "https://")):  # may be shown on pages of other records
        candidates += [*sources.records, sources.registry, CONF]
    for path in dict.fromkeys(candidates):
        line = sources.find(path, address)
        if line:
            return path, line
    if record:
        return record.path, sources.key_line(record.path, "title")
    template = page.plan.template if page.plan else "base.html"
    return sources.template_line(template, "href")


def derived_links(identity: dict, sources: Sources) -> dict[str, tuple[str, int]]:
    """Links the theme makes from settings: they are fixed where the setting is written."""
    out = {ICP_LOOKUP: (CONF, sources.setting_line("JIANDU_ICP"))}
    for url, key in identity.items():
        if url:
            out[url] = (CONF, sources.setting_line(key))
    return out


# ---- the checks ------------------------------------------------------------------------------

def freshness(site: Site, idx: Indexes, sources: Sources, days: UpdateDays) -> list[Finding]:
    records = {Kind.INQUIRY: list(site.inquiries), Kind.COLUMN: list(site.entries)}
    checks = [("首页", routes.HOME, "home", records[Kind.INQUIRY] + records[Kind.COLUMN])]
    checks += [(f"{k.label}列表", routes.kind_index(k), k, records[k]) for k in Kind]
    out = []
    for label, url, key, shown in checks:
        if not shown:
            continue  # reported as an empty column
        newest = max(shown, key=lambda r: (r.date, r.key))
        age = (site.as_of - newest.date).days
        if age > getattr(days, key):
            out.append(Finding(
                newest.path, sources.key_line(newest.path, "date"), BLOCKING, FRESHNESS,
                f"{label}已 {age} 天没有新记录：最新一期是 {newest.date} 的《{newest.title}》，"
                f"规定 {getattr(days, key)} 天内更新（截至 {site.as_of}）。",
                "栏目不更新是政府网站检查的单项否决项。请发布新的一期；如本栏目的更新周期确实更长，"
                "请管理员调整 JIANDU_UPDATE_DAYS。", (url,)))
    return out


def department_ages(site: Site, idx: Indexes) -> list[DepartmentAge]:
    out = []
    for dept in site.departments.values():
        facts = idx.by_department[dept.id]
        shown = [f for f in (facts, *(idx.by_department[p.id] for p in facts.lineage))]
        records = [r.inquiry for f in shown for r in f.segments] + [e for f in shown for e in f.entries]
        newest = max(records, key=lambda r: (r.date, r.key), default=None)
        out.append(DepartmentAge(dept, newest, (site.as_of - newest.date).days if newest else None))
    return out


def empty_columns(site: Site, idx: Indexes, sources: Sources, ages: list[DepartmentAge]) -> list[Finding]:
    out = []
    for kind in Kind:
        if not idx.by_year[kind]:
            out.append(Finding(f"{sources.content}/{kind}/", 1, BLOCKING, EMPTY,
                               f"{kind.label}栏目没有任何记录。",
                               "空白栏目是政府网站检查的否决项。请至少发布一期。",
                               (routes.kind_index(kind),)))
    for age in ages:
        dept = age.department
        if age.newest or dept.until:
            continue  # an abolished department's page is kept for its history and successor
        facts = idx.by_department[dept.id]
        if facts.children and (idx.entries_by_district.get(dept.id) or any(
                idx.by_department[c.id].record_count for c in facts.children)):
            continue  # a district's page leads to its departments' and streets' records
        out.append(Finding(sources.registry, sources.department_line(dept.id), BLOCKING, EMPTY,
                           f"部门“{dept.name}”的页面没有任何问政或专栏记录。",
                           "空白栏目是政府网站检查的否决项。请发布涉及该部门的记录；尚无记录的部门可暂不列入登记表。",
                           (dept.url,)))
    return out


def expired_departments(site: Site, pages: dict[str, BuiltPage], output: Path,
                        sources: Sources) -> list[Finding]:
    out = []
    for dept in site.departments.values():
        if not dept.until or dept.until > site.as_of:
            continue
        line = sources.department_line(dept.id, "until")
        if not dept.successor:
            out.append(Finding(sources.registry, line, BLOCKING, EXPIRED,
                               f"已撤销的部门“{dept.name}”没有写明承接部门，页面上的撤销说明无法指向承接部门。",
                               "请在登记表中为它填写 successor（承接部门的编号）。", (dept.url,)))
            continue
        page = pages.get(routes.output_path(dept.url))
        notice = _notice(output / routes.output_path(dept.url)) if page else None
        successor = routes.department(dept.successor)
        if not notice or "撤销" not in notice[0] or successor not in notice[1]:
            path, at = sources.template_line("department.html", "jd-notice")
            out.append(Finding(path, at, BLOCKING, EXPIRED,
                               f"已撤销的部门“{dept.name}”的页面没有“已撤销”说明或没有链接到承接部门。",
                               "页面须写明撤销日期并链接到承接部门；请检查主题模板。", (dept.url,)))
    return out


def _notice(file: Path) -> tuple[str, set[str]] | None:
    soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
    tag = soup.select_one(".jd-notice")
    if tag is None:
        return None
    page = file.parent.name
    targets = {posixpath.normpath(posixpath.join(routes.department(page), a["href"])) + "/"
               for a in tag.find_all("a", href=True)}
    return tag.get_text(), targets


def metadata(pages: dict[str, BuiltPage], base: str, sources: Sources) -> list[Finding]:
    out: list[Finding] = []
    titles: dict[str, list[BuiltPage]] = defaultdict(list)
    for page in pages.values():
        if page.plan is None or page.noindex:
            continue
        titles[page.title].append(page)
        article = page.plan.template in RECORD_TEMPLATES
        names = PAGE_FIELDS + (ARTICLE_FIELDS if article else ()) + OPEN_GRAPH
        names += ("article:published_time",) if article else ()
        for name in names:
            if not page.meta.get(name, "").strip():
                out.append(_meta_finding(page, name, f"缺少网页元数据 {name}。", sources))
        out += _malformed(page, base, article, sources)
    for title, same in titles.items():
        if len(same) > 1:
            out += _duplicate_titles(title, same, sources)
    return out


def _meta_finding(page: BuiltPage, name: str, message: str, sources: Sources) -> Finding:
    setting = SETTING_OF.get(name)
    if setting and not (setting == "SITENAME" and sources.setting_line(setting) == 1):
        return Finding(CONF, sources.setting_line(setting), BLOCKING, METADATA, message,
                       f"该项取自设置 {setting}；请在 {CONF} 中填写。", (page.url,))
    path, line = sources.template_line("components/page_meta.html", f'"{name}"')
    return Finding(path, line, BLOCKING, METADATA, message, "请检查主题模板。", (page.url,))


def _malformed(page: BuiltPage, base: str, article: bool, sources: Sources) -> list[Finding]:
    out = []
    m = page.meta
    code = m.get("SiteIDCode", "")
    if code and not SITE_CODE_RE.match(code):
        out.append(_meta_finding(page, "SiteIDCode", f"网站标识码“{code}”格式不对。", sources))
    canonical = page.canonical or ""
    if not re.match(r"^https?://", canonical):
        out.append(_meta_finding(page, "canonical", "缺少规范链接（canonical）或它不是完整网址。", sources))
    else:
        host = urlsplit(canonical).hostname or ""
        if m.get("SiteDomain") and m["SiteDomain"] != host:
            said = f"SiteDomain“{m['SiteDomain']}”与本页网址的域名“{host}”不一致。"
            out.append(_meta_finding(page, "SiteDomain", said, sources))
        if m.get("og:url") and m["og:url"] != canonical:
            out.append(_meta_finding(page, "og:url", "og:url 与规范链接不一致。", sources))
        if article and m.get("Url") and m["Url"] != canonical:
            out.append(_meta_finding(page, "Url", "Url 与规范链接不一致。", sources))
    if article:
        if m.get("PubDate") and not _valid_pub_date(m["PubDate"]):
            said = f"PubDate“{m['PubDate']}”应为 YYYY-MM-DD HH:MM。"
            out.append(_meta_finding(page, "PubDate", said, sources))
        if m.get("article:published_time") and not _valid_iso(m["article:published_time"]):
            said = "article:published_time 不是有效的 ISO 8601 日期。"
            out.append(_meta_finding(page, "article:published_time", said, sources))
    for value in page.times:
        if not _valid_iso(value):
            path, line = sources.template_line(page.plan.template, "<time")
            out.append(Finding(path, line, BLOCKING, METADATA, f"日期“{value}”不是有效的 ISO 8601 日期。",
                               "time 元素的 datetime 应写成 2017-03-05。", (page.url,)))
    return out


def _valid_pub_date(value: str) -> bool:
    if not PUB_DATE_RE.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        return False
    return True


def _valid_iso(value: str) -> bool:
    try:
        (date if len(value) == 10 else datetime).fromisoformat(value)
    except ValueError:
        return False
    return True


def _duplicate_titles(title: str, same: list[BuiltPage], sources: Sources) -> list[Finding]:
    out = []
    urls = "、".join(f"/{p.url}" for p in same)
    for page in same:
        record = page.plan.context.get("record")
        where = (record.path, sources.key_line(record.path, "title")) if record else \
            sources.template_line(page.plan.template, "<h1")
        shown = title.removesuffix(f" · {page.meta.get('SiteName', '')}")
        out.append(Finding(*where, WARNING, METADATA, f"网页标题“{shown}”与其他页面重复：{urls}。",
                           "标题重复不利于检索和识别；请在标题中写明区别（地点、对象或期号）。", (page.url,)))
    return out


def links(pages: dict[str, BuiltPage], output: Path, base: str, sources: Sources,
          derived: dict[str, tuple[str, int]], skip_hosts: tuple[str, ...]) -> tuple[list[Finding], dict]:
    """Internal links checked against the output; external ones gathered as url -> places."""
    out: list[Finding] = []
    external: dict[str, set[tuple[str, int, str]]] = defaultdict(set)
    for page in pages.values():
        addresses = list(page.links)
        addresses += [("meta", page.meta[k]) for k in ("og:url", "og:image", "Url", "Image")
                      if page.meta.get(k)]
        if page.canonical:
            addresses.append(("link", page.canonical))
        reported = set()  # a page's image and its share image are one fault, reported once
        for tag, address in addresses:
            target = _internal(page.path, address, base)
            if target is None:
                host = urlsplit(address).hostname or ""
                if address.startswith(("http://", "https://")) and not _skipped(host, skip_hosts):
                    external[address].add((*written_at(sources, page, address, derived), page.url))
                continue
            problem = _missing(output, pages, target)
            if problem and target not in reported:
                reported.add(target)
                path, line = written_at(sources, page, address, derived)
                what = "资源" if tag in ASSET_TAGS else "链接"
                out.append(Finding(path, line, BLOCKING, INTERNAL, f"{what} {address} {problem}。",
                                   INTERNAL_HINT, (page.url,)))
    return out, external


def _skipped(host: str, skip_hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith("." + h) for h in skip_hosts)


def _internal(page_path: str, address: str, base: str) -> tuple[str, str] | None:
    """(path, fragment) on this site for an internal address; None for other sites and schemes."""
    address = address.strip()
    if not address or address.lower().startswith(SKIP_SCHEMES):
        return None
    if base and (address == base or address.startswith(base + "/")):
        address = address[len(base):] or "/"
    elif address.startswith(("http://", "https://", "//")):
        return None
    parts = urlsplit(urljoin("http://site.invalid/" + page_path, address))
    return unquote(parts.path).lstrip("/"), unquote(parts.fragment)


def _missing(output: Path, pages: dict[str, BuiltPage], target: tuple[str, str]) -> str | None:
    path, fragment = target
    file = routes.output_path(path)
    if not (output / file).is_file():
        if (output / routes.output_path(file + "/")).is_file():
            file = routes.output_path(file + "/")
        else:
            return "指向不存在的页面或文件"
    if fragment and file in pages and fragment not in pages[file].ids:
        return f"指向的页面上没有位置 #{fragment}"
    return None


ASSET_TAGS = ("img", "script", "source", "video", "audio")
INTERNAL_HINT = ("请核对地址：另一期记录写成 ../2017-045/（正文中）或 column/2017-045（evidence 等字段中），"
                 "图片等文件须放进网站；锚点 # 后的名称须是目标页面上的环节编号。")

EXTERNAL_VERDICTS = {
    "dead": (BLOCKING, "已失效（HTTP {status}）", "请更新为有效地址或删除该链接。"),
    "loop": (BLOCKING, "陷入重定向循环（{detail}）", "对方网站配置有误；请改链到可访问的页面或删除该链接。"),
    "redirect": (WARNING, "已跳转到 {final}", "请把链接改为跳转后的地址。"),
    "timeout": (WARNING, "在规定时间内没有响应", "可能是对方网站暂时缓慢；如多次出现，请核对或删除该链接。"),
    "unreachable": (WARNING, "无法连接（{detail}）", "请检查网络；如对方网站已关闭，请删除该链接。"),
    "denied": (WARNING, "拒绝了自动检查（HTTP {status}）", "请在浏览器中人工打开核对。"),
    "server": (WARNING, "对方服务器出错（HTTP {status}）",
               "可能是暂时故障；如多次出现，请核对或删除该链接。"),
}


def external_findings(results: dict[str, LinkResult], places: dict) -> list[Finding]:
    out = []
    for url, result in results.items():
        if result.outcome == "ok":
            continue
        severity, said, hint = EXTERNAL_VERDICTS[result.outcome]
        text = said.format(status=result.status, final=result.final, detail=result.detail)
        where = sorted(places[url])
        for path, line in dict.fromkeys((p, n) for p, n, _ in where):
            pages = tuple(sorted({u for p, n, u in where if (p, n) == (path, line)}))
            out.append(Finding(path, line, severity, EXTERNAL, f"外部链接 {url} {text}。", hint, pages))
    return out


def identity_findings(settings: Settings) -> list[Finding]:
    out = [Finding(p.path, p.line, BLOCKING, IDENTITY, p.message, p.suggestion)
           for p in missing_identity(settings).sorted()]
    if not settings.conac_url:
        out.append(Finding(CONF, 1, WARNING, IDENTITY, "没有设置党政机关网站标识（JIANDU_CONAC_URL）。",
                           "党政机关网站应展示该标识；请填写标识证书页面的网址，页脚会显示本站自带的标识图片并链接到它。"))
    return out


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per place and message, naming every page where it shows."""
    merged: dict[tuple, list[str]] = {}
    for f in findings:
        merged.setdefault((f.path, f.line, f.severity, f.kind, f.message, f.suggestion), []).extend(f.pages)
    return sorted(Finding(*key, tuple(sorted(dict.fromkeys(pages)))) for key, pages in merged.items())


def inspect_edition(output: Path, site: Site, idx: Indexes, settings: Settings, *, offline: bool,
                    cache: Path, now: float | None = None) -> Inspection:
    plan = {p.path: p for p in site_pages(site, idx) if isinstance(p, Page)}
    sources = Sources(site, settings)
    pages = read_pages(output, plan)
    base = settings.public_base
    derived = derived_links({settings.conac_url: "JIANDU_CONAC_URL",
                             identity_of(settings).police_url: "JIANDU_POLICE_RECORD"}, sources)
    ages = department_ages(site, idx)
    findings = identity_findings(settings)
    findings += freshness(site, idx, sources, settings.update_days)
    findings += empty_columns(site, idx, sources, ages)
    findings += expired_departments(site, pages, output, sources)
    findings += metadata(pages, base, sources)
    internal, external = links(pages, output, base, sources, derived, settings.link_skip)
    findings += internal
    results = None
    if not offline:
        results = check_links(sorted(external), cache, timeout=settings.link_timeout,
                              concurrency=settings.link_concurrency, cache_days=settings.link_cache_days,
                              site=base, now=now)
        findings += external_findings(results, external)
    return Inspection(site.as_of, merge(findings), ages, results, len(pages))

